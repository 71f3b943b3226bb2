// libcurl as the webhook client needs it. curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot
// call: each kind of argument gets a small non-variadic wrapper here.
#include <curl/curl.h>

static inline CURLcode incentives_curl_set_long(CURL *c, CURLoption o, long v) { return curl_easy_setopt(c, o, v); }
static inline CURLcode incentives_curl_set_string(CURL *c, CURLoption o, const char *v) { return curl_easy_setopt(c, o, v); }
static inline CURLcode incentives_curl_set_pointer(CURL *c, CURLoption o, void *v) { return curl_easy_setopt(c, o, v); }
static inline CURLcode incentives_curl_set_off_t(CURL *c, CURLoption o, curl_off_t v) { return curl_easy_setopt(c, o, v); }
static inline CURLcode incentives_curl_set_slist(CURL *c, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(c, o, v); }
static inline CURLcode incentives_curl_set_write_function(CURL *c, CURLoption o, curl_write_callback f) {
    return curl_easy_setopt(c, o, f);
}
static inline CURLcode incentives_curl_get_long(CURL *c, CURLINFO i, long *v) { return curl_easy_getinfo(c, i, v); }
static inline CURLcode incentives_curl_global_init(void) { return curl_global_init(CURL_GLOBAL_DEFAULT); }

// libcrypto (OpenSSL 3) as Swift sees it: one-shot digests and HMAC, and a constant-time compare.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

// libssl (OpenSSL 3) for the loopback receiver's HTTPS (LoopbackReceiver: the tests' and the benchmark's stand-in
// partner). The webhook client's TLS is libcurl's (CCurl).
#include <openssl/ssl.h>
#include <openssl/err.h>

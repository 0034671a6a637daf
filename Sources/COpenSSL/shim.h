#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

// TLS for the central server's transport (KioskForwarding): what Swift cannot import from
// ssl.h because it is a function-like macro there.

/// SSL_set_tlsext_host_name(3): the name sent as SNI.
static inline int kiosk_SSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}
/// SSL_CTX_set_min_proto_version(3).
static inline int kiosk_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}
/// SSL_OP_IGNORE_UNEXPECTED_EOF: a peer that closes without close_notify reads as end of
/// stream (the HTTP layer checks Content-Length and chunk framing itself).
static inline uint64_t kiosk_SSL_OP_IGNORE_UNEXPECTED_EOF(void) { return SSL_OP_IGNORE_UNEXPECTED_EOF; }

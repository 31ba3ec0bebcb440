// Thin shim over OpenSSL 3 (Debian `libssl-dev`).
//
// Real OpenSSL functions import into Swift directly (objects appear as OpaquePointer). This shim
// adds only what Swift cannot import: function-like macros and option bit constants.
#ifndef COPENSSL_H
#define COPENSSL_H

#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/pem.h>
#include <openssl/bio.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/sha.h>
#include <openssl/rand.h>

/// OpenSSL_version_num() is a real function; this names the major version for quick checks.
unsigned long COpenSSL_version_major(void);

/// Macro `SSL_set_tlsext_host_name` (SNI).
int COpenSSL_SSL_set_tlsext_host_name(SSL *ssl, const char *name);
/// Macro `SSL_CTX_set_min_proto_version`.
int COpenSSL_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version);
/// Macro `SSL_CTX_get_min_proto_version`.
int COpenSSL_SSL_CTX_get_min_proto_version(SSL_CTX *ctx);
/// Macro `SSL_CTX_set_mode`.
long COpenSSL_SSL_CTX_set_mode(SSL_CTX *ctx, long mode);
/// Macro `SSL_CTX_add1_chain_cert` (adds an intermediate; the context takes its own reference).
int COpenSSL_SSL_CTX_add1_chain_cert(SSL_CTX *ctx, X509 *x509);
/// Macro `BIO_pending`.
size_t COpenSSL_BIO_pending(BIO *bio);
/// Macro `SSL_get_cipher_name`.
const char *COpenSSL_SSL_get_cipher_name(const SSL *ssl);

/// Option and mode bits that are macros of 64-bit expressions Swift does not import.
extern const uint64_t COpenSSL_SSL_OP_NO_RENEGOTIATION;
extern const uint64_t COpenSSL_SSL_OP_NO_COMPRESSION;
extern const long COpenSSL_SSL_MODE_ENABLE_PARTIAL_WRITE;
extern const long COpenSSL_SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER;
extern const int COpenSSL_TLS1_2_VERSION;
extern const int COpenSSL_TLS1_3_VERSION;

#endif

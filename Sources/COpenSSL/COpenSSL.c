#include "COpenSSL.h"

unsigned long COpenSSL_version_major(void) { return OPENSSL_version_major(); }

int COpenSSL_SSL_set_tlsext_host_name(SSL *ssl, const char *name) { return (int)SSL_set_tlsext_host_name(ssl, name); }
int COpenSSL_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) { return (int)SSL_CTX_set_min_proto_version(ctx, version); }
int COpenSSL_SSL_CTX_get_min_proto_version(SSL_CTX *ctx) { return (int)SSL_CTX_get_min_proto_version(ctx); }
long COpenSSL_SSL_CTX_set_mode(SSL_CTX *ctx, long mode) { return SSL_CTX_set_mode(ctx, mode); }
int COpenSSL_SSL_CTX_add1_chain_cert(SSL_CTX *ctx, X509 *x509) { return (int)SSL_CTX_add1_chain_cert(ctx, x509); }
size_t COpenSSL_BIO_pending(BIO *bio) { return BIO_pending(bio); }
const char *COpenSSL_SSL_get_cipher_name(const SSL *ssl) { return SSL_get_cipher_name(ssl); }

const uint64_t COpenSSL_SSL_OP_NO_RENEGOTIATION = SSL_OP_NO_RENEGOTIATION;
const uint64_t COpenSSL_SSL_OP_NO_COMPRESSION = SSL_OP_NO_COMPRESSION;
const long COpenSSL_SSL_MODE_ENABLE_PARTIAL_WRITE = SSL_MODE_ENABLE_PARTIAL_WRITE;
const long COpenSSL_SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER = SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER;
const int COpenSSL_TLS1_2_VERSION = TLS1_2_VERSION;
const int COpenSSL_TLS1_3_VERSION = TLS1_3_VERSION;

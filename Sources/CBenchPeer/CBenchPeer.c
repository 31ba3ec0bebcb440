#define _GNU_SOURCE
#include "CBenchPeer.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct cbp_server {
    int listen_fd;
    SSL_CTX *ctx; // NULL: plaintext
    pthread_t thread;
};

struct cbp_connection {
    int fd;
    SSL_CTX *ctx;
};

static void set_err(char *err, size_t errlen, const char *what) {
    unsigned long code = ERR_get_error();
    if (code != 0) {
        char reason[160];
        ERR_error_string_n(code, reason, sizeof reason);
        snprintf(err, errlen, "%s: %s", what, reason);
    } else if (errno != 0) {
        snprintf(err, errlen, "%s: %s", what, strerror(errno));
    } else {
        snprintf(err, errlen, "%s", what);
    }
}

static void nodelay(int fd) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static void *serve(void *arg) {
    struct cbp_connection *c = arg;
    char buffer[65536];
    SSL *ssl = NULL;
    if (c->ctx) {
        ssl = SSL_new(c->ctx);
        SSL_set_fd(ssl, c->fd);
        if (SSL_accept(ssl) != 1) goto done;
    }
    for (;;) {
        int n = ssl ? SSL_read(ssl, buffer, sizeof buffer) : (int)read(c->fd, buffer, sizeof buffer);
        if (n <= 0) break;
        int sent = 0;
        while (sent < n) {
            int m = ssl ? SSL_write(ssl, buffer + sent, n - sent) : (int)write(c->fd, buffer + sent, (size_t)(n - sent));
            if (m <= 0) goto done;
            sent += m;
        }
    }
done:
    if (ssl) { SSL_shutdown(ssl); SSL_free(ssl); }
    close(c->fd);
    free(c);
    return NULL;
}

static void *accept_loop(void *arg) {
    cbp_server *s = arg;
    for (;;) {
        int fd = accept(s->listen_fd, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            return NULL; // the listening socket was shut down
        }
        nodelay(fd);
        struct cbp_connection *c = malloc(sizeof *c);
        c->fd = fd;
        c->ctx = s->ctx;
        pthread_t t;
        if (pthread_create(&t, NULL, serve, c) == 0) {
            pthread_detach(t);
        } else {
            close(fd);
            free(c);
        }
    }
}

cbp_server *cbp_server_start(const char *cert_path, const char *key_path, int *port_out, char *err, size_t errlen) {
    errno = 0;
    cbp_server *s = calloc(1, sizeof *s);
    if (cert_path && key_path) {
        s->ctx = SSL_CTX_new(TLS_server_method());
        SSL_CTX_set_min_proto_version(s->ctx, TLS1_2_VERSION);
        if (SSL_CTX_use_certificate_chain_file(s->ctx, cert_path) != 1 ||
            SSL_CTX_use_PrivateKey_file(s->ctx, key_path, SSL_FILETYPE_PEM) != 1) {
            set_err(err, errlen, "cannot load the server certificate or key");
            SSL_CTX_free(s->ctx);
            free(s);
            return NULL;
        }
    }
    s->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (bind(s->listen_fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(s->listen_fd, 64) != 0 ||
        getsockname(s->listen_fd, (struct sockaddr *)&a, &len) != 0) {
        set_err(err, errlen, "cannot listen on 127.0.0.1");
        close(s->listen_fd);
        if (s->ctx) SSL_CTX_free(s->ctx);
        free(s);
        return NULL;
    }
    *port_out = ntohs(a.sin_port);
    pthread_create(&s->thread, NULL, accept_loop, s);
    return s;
}

void cbp_server_stop(cbp_server *s) {
    if (!s) return;
    shutdown(s->listen_fd, SHUT_RDWR);
    close(s->listen_fd);
    pthread_join(s->thread, NULL);
    // Connection threads may still hold the context; it lives until the process ends.
    free(s);
}

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int cbp_pingpong(int port, int tls, size_t payload, int warmup, int iterations, int64_t *samples_ns,
                 char *err, size_t errlen) {
    errno = 0;
    int result = -1;
    char *out = malloc(payload), *in = malloc(payload);
    memset(out, 'k', payload);
    SSL_CTX *ctx = NULL;
    SSL *ssl = NULL;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)port);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) { set_err(err, errlen, "connect"); goto done; }
    nodelay(fd);
    if (tls) {
        ctx = SSL_CTX_new(TLS_client_method());
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
        ssl = SSL_new(ctx);
        SSL_set_fd(ssl, fd);
        if (SSL_connect(ssl) != 1) { set_err(err, errlen, "TLS handshake"); goto done; }
    }
    for (int i = -warmup; i < iterations; i++) {
        int64_t t0 = now_ns();
        size_t sent = 0;
        while (sent < payload) {
            int m = ssl ? SSL_write(ssl, out + sent, (int)(payload - sent)) : (int)write(fd, out + sent, payload - sent);
            if (m <= 0) { set_err(err, errlen, "write"); goto done; }
            sent += (size_t)m;
        }
        size_t got = 0;
        while (got < payload) {
            int n = ssl ? SSL_read(ssl, in + got, (int)(payload - got)) : (int)read(fd, in + got, payload - got);
            if (n <= 0) { set_err(err, errlen, "read"); goto done; }
            got += (size_t)n;
        }
        int64_t t1 = now_ns();
        if (i >= 0) samples_ns[i] = t1 - t0;
    }
    result = 0;
done:
    if (ssl) { SSL_shutdown(ssl); SSL_free(ssl); }
    if (ctx) SSL_CTX_free(ctx);
    close(fd);
    free(out);
    free(in);
    return result;
}

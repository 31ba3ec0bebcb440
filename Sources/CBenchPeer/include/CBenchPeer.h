#ifndef CBENCHPEER_H
#define CBENCHPEER_H

#include <stddef.h>
#include <stdint.h>

/// The benchmark's peer and its floor, in plain C with blocking sockets and OpenSSL:
///  - an echo server on 127.0.0.1 (one thread per connection, blocking read/write or
///    SSL_read/SSL_write) that every rtt variant talks to, so all variants share one peer;
///  - a ping-pong client that is the "raw floor": the fewest instructions a round trip can take.

typedef struct cbp_server cbp_server;

/// Starts the echo server on 127.0.0.1 with an ephemeral port written to `port_out`.
/// TLS when `cert_path` and `key_path` are both non-NULL (PEM files), plaintext otherwise.
/// Returns NULL and a message in `err` on failure.
cbp_server *cbp_server_start(const char *cert_path, const char *key_path, int *port_out, char *err, size_t errlen);

/// Stops accepting; connection threads end when their clients close.
void cbp_server_stop(cbp_server *server);

/// Ping-pong of `payload` bytes with the echo server at 127.0.0.1:`port` (TLS when `tls` != 0,
/// TLS 1.3 with verification off: the floor measures the round trip, not the handshake).
/// Runs `warmup` unrecorded round trips, then `iterations` recorded ones into `samples_ns`
/// (CLOCK_MONOTONIC nanoseconds per round trip). Returns 0, or -1 with a message in `err`.
int cbp_pingpong(int port, int tls, size_t payload, int warmup, int iterations, int64_t *samples_ns,
                 char *err, size_t errlen);

#endif

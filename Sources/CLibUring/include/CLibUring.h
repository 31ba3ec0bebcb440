// Thin shim over liburing (Debian `liburing-dev`).
//
// liburing's static inline helpers (io_uring_get_sqe, io_uring_prep_*, io_uring_cqe_seen, ...)
// import into Swift directly; this header exists to include liburing correctly and to expose the
// few things Swift cannot import.
#ifndef CLIBURING_H
#define CLIBURING_H

// <features.h> must come first: liburing.h defines _GNU_SOURCE/_XOPEN_SOURCE itself, and without
// features.h already in place a clean debug build fails on `fd_set` (see shared SWIFT-NOTES).
#include <features.h>
#include <liburing.h>
#include <sys/eventfd.h>
// The epoll fallback's header: Swift's Glibc module does not export it, and the transport
// keeps all Linux I/O declarations behind this one shim.
#include <sys/epoll.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <netdb.h>

/// The liburing version this shim was compiled against, as MAJOR * 100 + MINOR.
/// Why: IO_URING_VERSION_MAJOR/MINOR are macros Swift cannot see on every liburing release.
int CLibUring_version(void);

/// `io_uring_wait_cqe_timeout` with a relative timeout in nanoseconds. Does not submit queued
/// entries on kernels with IORING_FEAT_EXT_ARG.
/// Why a shim: the C API takes a `struct __kernel_timespec *`, which does not import cleanly.
int CLibUring_wait_cqe_timeout(struct io_uring *ring, struct io_uring_cqe **cqe_ptr, long long timeout_ns);

/// Submits queued entries and waits up to `timeout_ns` for one completion
/// (`io_uring_submit_and_wait_timeout`). Returns the number submitted, or -ETIME / -errno.
int CLibUring_submit_and_wait_timeout(struct io_uring *ring, struct io_uring_cqe **cqe_ptr, long long timeout_ns);

/// `accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)`; the new descriptor or -1 with errno.
/// Why a shim: accept4 is a GNU extension Swift's Glibc module does not export.
int CLibUring_accept_nonblocking(int fd);

#endif

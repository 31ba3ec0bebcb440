#define _GNU_SOURCE 1  // accept4
#include "CLibUring.h"

int CLibUring_version(void) {
#if defined(IO_URING_VERSION_MAJOR) && defined(IO_URING_VERSION_MINOR)
    return IO_URING_VERSION_MAJOR * 100 + IO_URING_VERSION_MINOR;
#else
    return 0;
#endif
}

int CLibUring_wait_cqe_timeout(struct io_uring *ring, struct io_uring_cqe **cqe_ptr, long long timeout_ns) {
    struct __kernel_timespec ts;
    ts.tv_sec = timeout_ns / 1000000000LL;
    ts.tv_nsec = timeout_ns % 1000000000LL;
    return io_uring_wait_cqe_timeout(ring, cqe_ptr, &ts);
}

int CLibUring_submit_and_wait_timeout(struct io_uring *ring, struct io_uring_cqe **cqe_ptr, long long timeout_ns) {
    struct __kernel_timespec ts;
    ts.tv_sec = timeout_ns / 1000000000LL;
    ts.tv_nsec = timeout_ns % 1000000000LL;
    return io_uring_submit_and_wait_timeout(ring, cqe_ptr, 1, &ts, NULL);
}

int CLibUring_accept_nonblocking(int fd) { return accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC); }

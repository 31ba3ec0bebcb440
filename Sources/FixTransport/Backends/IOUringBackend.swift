import CLibUring
#if canImport(Glibc)
import Glibc
#endif

/// Submits socket operations to one io_uring ring and reaps their completions.
///
/// - Important: I/O thread only.
final class IOUringBackend {
    private let ring: UnsafeMutablePointer<io_uring>
    private var unsubmitted = 0

    init(entries: UInt32) throws(TransportError) {
        ring = .allocate(capacity: 1)
        ring.initialize(to: io_uring())
        let rc = io_uring_queue_init(entries, ring, 0)
        guard rc == 0 else {
            ring.deallocate()
            throw .reactorSetupFailed(reason: "io_uring_queue_init: \(Errno(-rc))")
        }
    }

    deinit {
        io_uring_queue_exit(ring)
        ring.deallocate()
    }

    /// A free submission entry; submits queued ones first when the ring is full.
    private func nextEntry() -> UnsafeMutablePointer<io_uring_sqe> {
        if let sqe = io_uring_get_sqe(ring) { unsubmitted += 1; return sqe }
        _ = io_uring_submit(ring)
        unsubmitted = 0
        guard let sqe = io_uring_get_sqe(ring) else { preconditionFailure("io_uring has no free entry after submit") }
        unsubmitted += 1
        return sqe
    }

    func connect(fd: Int32, address: UnsafePointer<sockaddr>, length: socklen_t, token: UInt64) {
        let sqe = nextEntry()
        io_uring_prep_connect(sqe, fd, address, length)
        io_uring_sqe_set_data64(sqe, token)
    }

    func recv(fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int, token: UInt64) {
        let sqe = nextEntry()
        io_uring_prep_recv(sqe, fd, buffer, count, 0)
        io_uring_sqe_set_data64(sqe, token)
    }

    func read(fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int, token: UInt64) {
        let sqe = nextEntry()
        io_uring_prep_read(sqe, fd, buffer, UInt32(count), 0)
        io_uring_sqe_set_data64(sqe, token)
    }

    /// Accepts one connection on a listening socket; the result is the new descriptor
    /// (non-blocking, close-on-exec) or -errno.
    func accept(fd: Int32, token: UInt64) {
        let sqe = nextEntry()
        io_uring_prep_accept(sqe, fd, nil, nil, Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
        io_uring_sqe_set_data64(sqe, token)
    }

    func send(fd: Int32, from buffer: UnsafeRawPointer, count: Int, token: UInt64) {
        let sqe = nextEntry()
        io_uring_prep_send(sqe, fd, buffer, count, Int32(MSG_NOSIGNAL))
        io_uring_sqe_set_data64(sqe, token)
    }

    /// Asks the kernel to cancel the operation submitted with `token`; it completes with
    /// `-ECANCELED` (or with its own result if it finished first).
    func cancel(fd: Int32, token: UInt64) {
        let sqe = nextEntry()
        io_uring_prep_cancel64(sqe, token, 0)
        io_uring_sqe_set_data64(sqe, 0)  // the cancel's own completion is ignored
    }

    /// The descriptor is about to be closed; nothing to unregister with io_uring.
    func forget(fd: Int32) {}

    /// Submits what is queued and delivers completions to `handle`.
    /// - Parameter timeoutNanoseconds: nil waits for at least one completion; 0 does not wait.
    func poll(timeoutNanoseconds: Int64?, _ handle: (IOCompletion) -> Void) {
        var cqe: UnsafeMutablePointer<io_uring_cqe>?
        if timeoutNanoseconds == 0 {
            if unsubmitted > 0 { _ = io_uring_submit(ring); unsubmitted = 0 }
        } else if let timeout = timeoutNanoseconds {
            unsubmitted = 0
            // Not io_uring_wait_cqe_timeout: with IORING_FEAT_EXT_ARG it leaves queued entries unsubmitted.
            _ = CLibUring_submit_and_wait_timeout(ring, &cqe, timeout)  // -ETIME: nothing before the deadline
        } else {
            unsubmitted = 0
            _ = io_uring_submit_and_wait(ring, 1)
        }
        while io_uring_peek_cqe(ring, &cqe) == 0, let c = cqe {
            let completion = IOCompletion(token: c.pointee.user_data, result: c.pointee.res)
            io_uring_cqe_seen(ring, c)
            if completion.token != 0 { handle(completion) }
        }
    }
}

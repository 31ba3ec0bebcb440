import CLibUring
#if canImport(Glibc)
import Glibc
#endif

/// Emulates completions on top of epoll readiness, for machines where io_uring is disabled:
/// an operation is registered, and performed when its descriptor is ready.
///
/// Each descriptor has at most one pending read (recv/read) and one pending write
/// (connect/send) at a time, which is how the reactor uses it.
///
/// - Important: I/O thread only.
final class EpollBackend {
    private enum WriteKind { case connect, send }
    private enum ReadKind { case recv, read, accept }
    private struct PendingRead { var token: UInt64; var buffer: UnsafeMutableRawPointer?; var count: Int; var kind: ReadKind }
    private struct PendingWrite { var token: UInt64; var kind: WriteKind; var buffer: UnsafeRawPointer?; var count: Int }

    private let epfd: Int32
    private var reads: [Int32: PendingRead] = [:]
    private var writes: [Int32: PendingWrite] = [:]
    private var interest: [Int32: UInt32] = [:]
    /// Completions known without waiting (immediate sends, failures, cancels).
    private var ready: [IOCompletion] = []
    /// The batch being delivered; swapped with `ready` so neither array reallocates.
    private var delivering: [IOCompletion] = []
    private var events: UnsafeMutablePointer<epoll_event>
    private let maxEvents: Int32 = 256

    init() throws(TransportError) {
        epfd = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epfd >= 0 else { throw .reactorSetupFailed(reason: "epoll_create1: \(Errno.current)") }
        events = .allocate(capacity: Int(maxEvents))
        ready.reserveCapacity(64)
        delivering.reserveCapacity(64)
    }

    deinit {
        Glibc.close(epfd)
        events.deallocate()
    }

    func connect(fd: Int32, address: UnsafePointer<sockaddr>, length: socklen_t, token: UInt64) {
        if Glibc.connect(fd, address, length) == 0 {
            ready.append(IOCompletion(token: token, result: 0))
        } else if errno == EINPROGRESS {
            writes[fd] = PendingWrite(token: token, kind: .connect, buffer: nil, count: 0)
            updateInterest(fd)
        } else {
            ready.append(IOCompletion(token: token, result: -errno))
        }
    }

    func recv(fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int, token: UInt64) {
        reads[fd] = PendingRead(token: token, buffer: buffer, count: count, kind: .recv)
        updateInterest(fd)
    }

    func read(fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int, token: UInt64) {
        reads[fd] = PendingRead(token: token, buffer: buffer, count: count, kind: .read)
        updateInterest(fd)
    }

    /// Accepts one connection when the listening socket is readable; the result is the new
    /// descriptor (non-blocking, close-on-exec) or -errno.
    func accept(fd: Int32, token: UInt64) {
        reads[fd] = PendingRead(token: token, buffer: nil, count: 0, kind: .accept)
        updateInterest(fd)
    }

    func send(fd: Int32, from buffer: UnsafeRawPointer, count: Int, token: UInt64) {
        // Sockets usually have room: try now, wait for EPOLLOUT only when they do not.
        let n = Glibc.send(fd, buffer, count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
        if n >= 0 {
            ready.append(IOCompletion(token: token, result: Int32(n)))
        } else if errno == EAGAIN || errno == EWOULDBLOCK {
            writes[fd] = PendingWrite(token: token, kind: .send, buffer: buffer, count: count)
            updateInterest(fd)
        } else {
            ready.append(IOCompletion(token: token, result: -errno))
        }
    }

    func cancel(fd: Int32, token: UInt64) {
        if let r = reads[fd], r.token == token {
            reads[fd] = nil
            ready.append(IOCompletion(token: token, result: -ECANCELED))
        }
        if let w = writes[fd], w.token == token {
            writes[fd] = nil
            ready.append(IOCompletion(token: token, result: -ECANCELED))
        }
        updateInterest(fd)
    }

    /// Drops every registration of `fd` (about to be closed); pending operations complete
    /// with `-ECANCELED`.
    func forget(fd: Int32) {
        if let r = reads.removeValue(forKey: fd) { ready.append(IOCompletion(token: r.token, result: -ECANCELED)) }
        if let w = writes.removeValue(forKey: fd) { ready.append(IOCompletion(token: w.token, result: -ECANCELED)) }
        if interest.removeValue(forKey: fd) != nil { _ = epoll_ctl(epfd, EPOLL_CTL_DEL, fd, nil) }
    }

    private func updateInterest(_ fd: Int32) {
        var mask: UInt32 = 0
        if reads[fd] != nil { mask |= EPOLLIN.rawValue }
        if writes[fd] != nil { mask |= EPOLLOUT.rawValue }
        let current = interest[fd]
        if current == mask || (current == nil && mask == 0) { return }
        var event = epoll_event()
        event.events = mask
        event.data.fd = fd
        if mask == 0 {
            _ = epoll_ctl(epfd, EPOLL_CTL_DEL, fd, nil)
            interest[fd] = nil
        } else if current == nil {
            _ = epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event)
            interest[fd] = mask
        } else {
            _ = epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &event)
            interest[fd] = mask
        }
    }

    /// Waits for readiness (not at all when completions are already known), performs the
    /// ready operations and delivers their completions.
    /// - Parameter timeoutNanoseconds: nil waits indefinitely; 0 does not wait.
    func poll(timeoutNanoseconds: Int64?, _ handle: (IOCompletion) -> Void) {
        var timeoutMs: Int32 = -1
        if !ready.isEmpty || timeoutNanoseconds == 0 {
            timeoutMs = 0
        } else if let t = timeoutNanoseconds {
            timeoutMs = Int32(clamping: (t + 999_999) / 1_000_000)
        }
        let n = epoll_wait(epfd, events, maxEvents, timeoutMs)
        if n > 0 {
            for i in 0..<Int(n) {
                let fd = events[i].data.fd
                let flags = events[i].events
                let failed = flags & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0
                if flags & EPOLLIN.rawValue != 0 || failed { performRead(fd) }
                if flags & EPOLLOUT.rawValue != 0 || failed { performWrite(fd) }
                updateInterest(fd)
            }
        }
        // Deliver in order; handlers may queue more (delivered on the next poll).
        swap(&ready, &delivering)
        for completion in delivering { handle(completion) }
        delivering.removeAll(keepingCapacity: true)
    }

    private func performRead(_ fd: Int32) {
        guard let r = reads[fd] else { return }
        let n: Int
        switch r.kind {
        case .recv: n = Glibc.recv(fd, r.buffer, r.count, Int32(MSG_DONTWAIT))
        case .read: n = Glibc.read(fd, r.buffer, r.count)
        case .accept: n = Int(CLibUring_accept_nonblocking(fd))
        }
        if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
        reads[fd] = nil
        ready.append(IOCompletion(token: r.token, result: n >= 0 ? Int32(n) : -errno))
    }

    private func performWrite(_ fd: Int32) {
        guard let w = writes[fd] else { return }
        switch w.kind {
        case .connect:
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            _ = getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            writes[fd] = nil
            ready.append(IOCompletion(token: w.token, result: -error))
        case .send:
            let n = Glibc.send(fd, w.buffer, w.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
            writes[fd] = nil
            ready.append(IOCompletion(token: w.token, result: n >= 0 ? Int32(n) : -errno))
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// One TCP connection served by a ``Reactor``.
///
/// Received bytes land in a fixed receive buffer and are offered to the delegate until it
/// consumes them; outbound bytes are copied into a fixed send buffer and sent as the socket
/// takes them (partial sends continue where they stopped). Neither buffer grows: a peer that
/// stops reading fails the connection with ``TransportError/sendBufferFull(capacity:)``.
///
/// - Important: I/O thread only (see ``Reactor``).
public final class Connection {
    /// Lifecycle.
    public enum State: Sendable, Hashable { case connecting, open, closing, closed }

    public let host: String
    public let port: Int
    public private(set) var state: State = .connecting

    unowned let reactor: Reactor
    let slot: Int
    let generation: UInt16
    private var delegate: (any ConnectionDelegate)?
    private var fd: Int32 = -1
    private let address: UnsafeMutablePointer<SocketAddress>

    private let receiveBuffer: UnsafeMutableRawBufferPointer
    private var receiveStart = 0
    private var receiveEnd = 0
    private var receivePending = false

    private let sendBuffer: UnsafeMutableRawBufferPointer
    private var sendStart = 0
    private var sendEnd = 0
    private var sendInFlight = false

    private var connectPending = false
    private var connectTimer: Reactor.TimerID?
    private var didNotifyClose = false

    init(reactor: Reactor, slot: Int, generation: UInt16, host: String, port: Int, address: SocketAddress,
         delegate: any ConnectionDelegate, receiveBufferSize: Int, sendBufferSize: Int) {
        self.reactor = reactor
        self.slot = slot
        self.generation = generation
        self.host = host
        self.port = port
        self.delegate = delegate
        self.address = .allocate(capacity: 1)
        self.address.initialize(to: address)
        self.receiveBuffer = .allocate(byteCount: receiveBufferSize, alignment: 64)
        self.sendBuffer = .allocate(byteCount: sendBufferSize, alignment: 64)
    }

    deinit {
        if fd >= 0 { Glibc.close(fd) }
        address.deallocate()
        receiveBuffer.deallocate()
        sendBuffer.deallocate()
    }

    /// Bytes queued and not yet taken by the socket.
    public var pendingSendBytes: Int { sendEnd - sendStart }

    // MARK: Public operations

    /// Queues `bytes` and sends them as soon as the socket takes them.
    /// - Throws: ``TransportError/sendBufferFull(capacity:)`` (the connection is then failed),
    ///   or ``TransportError/writeFailed(_:)`` with `ENOTCONN` when it is not open.
    public func send(_ bytes: UnsafeRawBufferPointer) throws(TransportError) {
        guard state == .open else { throw .writeFailed(Errno(ENOTCONN)) }
        if sendEnd + bytes.count > sendBuffer.count {
            if !sendInFlight && sendStart > 0 { compactSendBuffer() }
            guard sendEnd + bytes.count <= sendBuffer.count else {
                let error = TransportError.sendBufferFull(capacity: sendBuffer.count)
                fail(error)
                throw error
            }
        }
        if let base = bytes.baseAddress {
            (sendBuffer.baseAddress! + sendEnd).copyMemory(from: base, byteCount: bytes.count)
        }
        sendEnd += bytes.count
        flush()
    }

    /// Closes after queued bytes are sent; the delegate then hears `didCloseWith(nil)`.
    public func close() {
        switch state {
        case .connecting: finish(nil)
        case .open:
            state = .closing
            if sendStart == sendEnd && !sendInFlight { finish(nil) }
        case .closing, .closed: break
        }
    }

    // MARK: Lifecycle (reactor)

    func start(timeout: Duration) throws(TransportError) {
        let family = address.pointee.family
        fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .connectFailed(host: host, port: port, errno: Errno.current) }
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        connectPending = true
        let token = reactor.token(self, .connect)
        withUnsafePointer(to: &address.pointee.storage) { storage in
            storage.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                switch reactor.backend {
                case .uring(let b): b.connect(fd: fd, address: sa, length: address.pointee.length, token: token)
                case .epoll(let b): b.connect(fd: fd, address: sa, length: address.pointee.length, token: token)
                }
            }
        }
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        connectTimer = reactor.schedule(after: timeout) { [weak self] in
            guard let self, self.state == .connecting else { return }
            self.fail(.connectTimeout(host: self.host, port: self.port, seconds: seconds))
        }
    }

    func connectCompleted(_ result: Int32) {
        connectPending = false
        guard state == .connecting else { releaseIfIdle(); return }
        if let timer = connectTimer { reactor.cancelTimer(timer); connectTimer = nil }
        guard result == 0 else {
            let e = Errno(-result)
            switch -result {
            case ECONNREFUSED: fail(.connectionRefused(host: host, port: port))
            case EHOSTUNREACH, ENETUNREACH: fail(.unreachable(host: host, port: port, errno: e))
            case ETIMEDOUT: fail(.connectTimeout(host: host, port: port, seconds: 0))
            default: fail(.connectFailed(host: host, port: port, errno: e))
            }
            return
        }
        state = .open
        postReceive()
        delegate?.connectionDidOpen(self)
    }

    func receiveCompleted(_ result: Int32) {
        receivePending = false
        guard state == .open || state == .closing else { releaseIfIdle(); return }
        if result > 0 {
            receiveEnd += Int(result)
            deliver()
            if state == .open || state == .closing { postReceive() }
        } else if result == 0 {
            fail(.peerClosed)
        } else {
            switch -result {
            case ECANCELED: releaseIfIdle()
            case ECONNRESET, EPIPE: fail(.connectionReset)
            default: fail(.readFailed(Errno(-result)))
            }
        }
    }

    func sendCompleted(_ result: Int32) {
        sendInFlight = false
        guard state == .open || state == .closing else { releaseIfIdle(); return }
        if result >= 0 {
            sendStart += Int(result)
            if sendStart == sendEnd { sendStart = 0; sendEnd = 0 }
            if state == .closing && sendStart == sendEnd {
                finish(nil)
            } else {
                flush()
            }
        } else {
            switch -result {
            case ECANCELED: releaseIfIdle()
            case ECONNRESET, EPIPE: fail(.connectionReset)
            default: fail(.writeFailed(Errno(-result)))
            }
        }
    }

    // MARK: Internals

    private func deliver() {
        guard let delegate else { return }
        let available = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(receiveBuffer)[receiveStart..<receiveEnd])
        let consumed = min(max(delegate.connection(self, didReceive: available), 0), available.count)
        receiveStart += consumed
        if receiveStart == receiveEnd {
            receiveStart = 0
            receiveEnd = 0
        }
    }

    private func postReceive() {
        guard !receivePending else { return }
        if receiveEnd == receiveBuffer.count {
            guard receiveStart > 0 else {
                fail(.readFailed(Errno(ENOBUFS)))  // one message larger than the receive buffer
                return
            }
            let unread = receiveEnd - receiveStart
            receiveBuffer.baseAddress!.copyMemory(from: receiveBuffer.baseAddress! + receiveStart, byteCount: unread)
            receiveStart = 0
            receiveEnd = unread
        }
        receivePending = true
        let target = receiveBuffer.baseAddress! + receiveEnd
        let room = receiveBuffer.count - receiveEnd
        let token = reactor.token(self, .receive)
        switch reactor.backend {
        case .uring(let b): b.recv(fd: fd, into: target, count: room, token: token)
        case .epoll(let b): b.recv(fd: fd, into: target, count: room, token: token)
        }
    }

    private func flush() {
        guard !sendInFlight, sendStart < sendEnd, fd >= 0 else { return }
        sendInFlight = true
        let token = reactor.token(self, .send)
        let from = UnsafeRawPointer(sendBuffer.baseAddress! + sendStart)
        switch reactor.backend {
        case .uring(let b): b.send(fd: fd, from: from, count: sendEnd - sendStart, token: token)
        case .epoll(let b): b.send(fd: fd, from: from, count: sendEnd - sendStart, token: token)
        }
    }

    private func compactSendBuffer() {
        let queued = sendEnd - sendStart
        sendBuffer.baseAddress!.copyMemory(from: sendBuffer.baseAddress! + sendStart, byteCount: queued)
        sendStart = 0
        sendEnd = queued
    }

    private func fail(_ error: TransportError) {
        guard state != .closed else { return }
        finish(error)
    }

    /// Closes the socket, tells the delegate once, and releases the slot when no operation
    /// still references the buffers.
    private func finish(_ error: TransportError?) {
        state = .closed
        if let timer = connectTimer { reactor.cancelTimer(timer); connectTimer = nil }
        if fd >= 0 {
            switch reactor.backend {
            case .uring(let b):
                if receivePending { b.cancel(fd: fd, token: reactor.token(self, .receive)) }
                if sendInFlight { b.cancel(fd: fd, token: reactor.token(self, .send)) }
                if connectPending { b.cancel(fd: fd, token: reactor.token(self, .connect)) }
            case .epoll(let b):
                b.forget(fd: fd)
            }
            Glibc.close(fd)
            fd = -1
        }
        if !didNotifyClose {
            didNotifyClose = true
            let d = delegate
            delegate = nil  // break the cycle; nothing follows didClose
            d?.connection(self, didCloseWith: error)
        }
        releaseIfIdle()
    }

    private func releaseIfIdle() {
        guard state == .closed, !receivePending, !sendInFlight, !connectPending else { return }
        reactor.release(self)
    }
}

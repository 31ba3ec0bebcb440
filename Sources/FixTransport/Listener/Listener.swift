import CLibUring  // socket constants (SOCK_*, IPPROTO_TCP, TCP_NODELAY) through the one Linux I/O shim
#if canImport(Glibc)
import Glibc
#endif

/// Hears a ``Listener``'s events, inline on the reactor's I/O thread.
public protocol ListenerDelegate: AnyObject {
    /// A client connected. Return the delegate for its connection, or nil to close it at once.
    /// The delegate hears ``ConnectionDelegate/connectionDidOpen(_:)`` once the connection is
    /// usable (after the TLS handshake on a TLS listener).
    func listener(_ listener: Listener, didAccept connection: Connection) -> (any ConnectionDelegate)?

    /// An accept failed (e.g. out of descriptors); the listener retries shortly and keeps
    /// serving.
    func listener(_ listener: Listener, acceptFailedWith error: TransportError)
}

extension ListenerDelegate {
    public func listener(_ listener: Listener, acceptFailedWith error: TransportError) {}
}

/// A listening TCP socket of a ``Reactor``, accepting connections (plaintext on loopback, or
/// TLS with one shared certificate context).
///
/// - Important: I/O thread only (see ``Reactor``). Create it with
///   ``Reactor/listen(host:port:security:backlog:handshakeTimeout:delegate:)``.
public final class Listener {
    /// The address listened on.
    public let host: String
    /// The bound port (the kernel's choice when 0 was asked for).
    public let port: Int
    /// Whether it still accepts.
    public private(set) var isOpen = true

    unowned let reactor: Reactor
    let slot: Int
    let generation: UInt16
    private var fd: Int32
    private var delegate: (any ListenerDelegate)?
    private let tlsContext: TLSContext?
    private let handshakeTimeout: Duration
    private var acceptPending = false
    private var retryTimer: Reactor.TimerID?

    init(reactor: Reactor, slot: Int, generation: UInt16, host: String, fd: Int32, port: Int,
         tlsContext: TLSContext?, handshakeTimeout: Duration, delegate: any ListenerDelegate) {
        self.reactor = reactor
        self.slot = slot
        self.generation = generation
        self.host = host
        self.fd = fd
        self.port = port
        self.tlsContext = tlsContext
        self.handshakeTimeout = handshakeTimeout
        self.delegate = delegate
    }

    deinit {
        if fd >= 0 { Glibc.close(fd) }
    }

    /// Stops accepting and closes the socket. Connections already accepted stay open.
    public func close() {
        guard isOpen else { return }
        isOpen = false
        delegate = nil
        if let timer = retryTimer { reactor.cancelTimer(timer); retryTimer = nil }
        if fd >= 0 {
            switch reactor.backend {
            case .uring(let b): if acceptPending { b.cancel(fd: fd, token: reactor.token(self)) }
            case .epoll(let b): b.forget(fd: fd)
            }
            Glibc.close(fd)
            fd = -1
        }
        releaseIfIdle()
    }

    func postAccept() {
        guard isOpen, !acceptPending, fd >= 0 else { return }
        acceptPending = true
        let token = reactor.token(self)
        switch reactor.backend {
        case .uring(let b): b.accept(fd: fd, token: token)
        case .epoll(let b): b.accept(fd: fd, token: token)
        }
    }

    func acceptCompleted(_ result: Int32) {
        acceptPending = false
        guard isOpen else {
            if result >= 0 { Glibc.close(result) }
            releaseIfIdle()
            return
        }
        if result >= 0 {
            admit(result)
            postAccept()
            return
        }
        switch -result {
        case ECANCELED:
            releaseIfIdle()
        case ECONNABORTED, EINTR, EAGAIN:
            postAccept()  // the client gave up before we took it: nothing to report
        default:
            // EMFILE/ENFILE/ENOBUFS: report, and retry after a pause rather than spin.
            delegate?.listener(self, acceptFailedWith: .acceptFailed(Errno(-result)))
            retryTimer = reactor.schedule(after: .milliseconds(50)) { [weak self] in
                self?.retryTimer = nil
                self?.postAccept()
            }
        }
    }

    private func admit(_ clientFD: Int32) {
        var one: Int32 = 1
        _ = setsockopt(clientFD, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let peer = SocketAddress.peer(of: clientFD)
        let connection = reactor.adopt(fd: clientFD, peer: peer, tlsContext: tlsContext)
        guard let delegate, let connectionDelegate = delegate.listener(self, didAccept: connection) else {
            connection.close()
            return
        }
        connection.startAccepted(delegate: connectionDelegate, handshakeTimeout: handshakeTimeout)
    }

    private func releaseIfIdle() {
        guard !isOpen, !acceptPending else { return }
        reactor.release(self)
    }
}

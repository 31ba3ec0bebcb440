import CLibUring  // socket constants (SOCK_*, IPPROTO_TCP, TCP_NODELAY) through the one Linux I/O shim
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

    /// The host connected to, or the peer's numeric address for an accepted connection.
    public let host: String
    /// The port connected to, or the peer's port for an accepted connection.
    public let port: Int
    /// Whether a ``Listener`` accepted this connection (rather than ``Reactor/connect(host:port:security:timeout:delegate:receiveBufferSize:sendBufferSize:)``).
    public let isAccepted: Bool
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
    private var tlsSetupFailed = false

    /// What an outbound connection asked for; nil for accepted ones (their TLS comes from the listener).
    private let security: ConnectionSecurity?
    /// TLS state when the connection encrypts; ciphertext then lands in `cipherBuffer` and the
    /// plaintext in `receiveBuffer`.
    private var tls: TLSSession?
    private var cipherBuffer: UnsafeMutableRawBufferPointer?

    /// The negotiated TLS version (e.g. `TLSv1.3`), or nil for plaintext.
    public var tlsVersion: String? { tls?.protocolVersion }

    init(reactor: Reactor, slot: Int, generation: UInt16, host: String, port: Int, address: SocketAddress,
         security: ConnectionSecurity, delegate: any ConnectionDelegate, receiveBufferSize: Int, sendBufferSize: Int) {
        self.reactor = reactor
        self.security = security
        self.slot = slot
        self.generation = generation
        self.host = host
        self.port = port
        self.isAccepted = false
        self.delegate = delegate
        self.address = .allocate(capacity: 1)
        self.address.initialize(to: address)
        self.receiveBuffer = .allocate(byteCount: receiveBufferSize, alignment: 64)
        self.sendBuffer = .allocate(byteCount: sendBufferSize, alignment: 64)
    }

    /// An accepted connection; ``startAccepted(delegate:handshakeTimeout:)`` starts it.
    init(reactor: Reactor, slot: Int, generation: UInt16, acceptedFD: Int32, peer: SocketAddress,
         tlsContext: TLSContext?, receiveBufferSize: Int, sendBufferSize: Int) {
        self.reactor = reactor
        self.security = nil
        self.slot = slot
        self.generation = generation
        (self.host, self.port) = peer.numericHostAndPort
        self.isAccepted = true
        self.delegate = nil
        self.fd = acceptedFD
        self.address = .allocate(capacity: 1)
        self.address.initialize(to: peer)
        self.receiveBuffer = .allocate(byteCount: receiveBufferSize, alignment: 64)
        self.sendBuffer = .allocate(byteCount: sendBufferSize, alignment: 64)
        if let tlsContext {
            // A failure here (out of memory) surfaces as a handshake failure in startAccepted.
            tls = try? TLSSession(server: tlsContext)
            cipherBuffer = .allocate(byteCount: 64 * 1024, alignment: 64)
            tlsSetupFailed = tls == nil
        }
    }

    deinit {
        if fd >= 0 { Glibc.close(fd) }
        address.deallocate()
        receiveBuffer.deallocate()
        sendBuffer.deallocate()
        cipherBuffer?.deallocate()
    }

    /// Bytes queued and not yet taken by the socket.
    public var pendingSendBytes: Int { sendEnd - sendStart }

    // MARK: Public operations

    /// Queues `bytes` and sends them as soon as the socket takes them.
    /// - Throws: ``TransportError/sendBufferFull(capacity:)`` (the connection is then failed),
    ///   or ``TransportError/writeFailed(_:)`` with `ENOTCONN` when it is not open.
    public func send(_ bytes: UnsafeRawBufferPointer) throws(TransportError) {
        guard state == .open else { throw .writeFailed(Errno(ENOTCONN)) }
        if let tls {
            // Encrypt in pieces as the BIO pair has room, moving ciphertext into the send buffer
            // between them; only a send buffer that cannot take more fails the connection.
            var offset = 0
            while offset < bytes.count {
                let taken: Int
                do throws(TransportError) {
                    taken = try tls.write(UnsafeRawBufferPointer(rebasing: bytes[offset...]))
                } catch {
                    fail(error)
                    throw error
                }
                offset += taken
                let moved = pumpCiphertext()
                if taken == 0 && moved == 0 {
                    let error = TransportError.sendBufferFull(capacity: sendBuffer.count)
                    fail(error)
                    throw error
                }
            }
            return
        }
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
            if let tls {
                tls.shutdown()  // queue close_notify
                pumpCiphertext()
            }
            if sendStart == sendEnd && !sendInFlight { finish(nil) }
        case .closing, .closed: break
        }
    }

    // MARK: Lifecycle (reactor)

    /// Starts an accepted connection: plaintext opens at once, TLS once the client's handshake
    /// completes within `handshakeTimeout`.
    func startAccepted(delegate: any ConnectionDelegate, handshakeTimeout: Duration) {
        self.delegate = delegate
        if tlsSetupFailed {
            fail(.tlsSetupFailed(reason: OpenSSLError.drain(fallback: "SSL_new failed")))
            return
        }
        postReceive()
        if tls == nil {
            state = .open
            delegate.connectionDidOpen(self)
            return
        }
        let seconds = Double(handshakeTimeout.components.seconds) + Double(handshakeTimeout.components.attoseconds) / 1e18
        connectTimer = reactor.schedule(after: handshakeTimeout) { [weak self] in
            guard let self, self.state == .connecting else { return }
            self.fail(.tlsHandshakeFailed(reason: "the client did not complete the handshake within \(seconds) s"))
        }
    }

    func start(timeout: Duration) throws(TransportError) {
        if case .tls(let configuration)? = security {
            tls = try TLSSession(configuration: configuration, host: host)
            cipherBuffer = .allocate(byteCount: 64 * 1024, alignment: 64)
        }
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
        // TLS keeps the timer until the handshake completes: the timeout covers connect + handshake.
        if tls == nil, let timer = connectTimer { reactor.cancelTimer(timer); connectTimer = nil }
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
        postReceive()
        if tls != nil {
            advanceHandshake()  // the ClientHello; the connect timer keeps running until it completes
        } else {
            state = .open
            delegate?.connectionDidOpen(self)
        }
    }

    private func advanceHandshake() {
        guard let tls, state == .connecting else { return }
        let progress: TLSSession.HandshakeProgress
        do throws(TransportError) { progress = try tls.continueHandshake() } catch {
            pumpCiphertext()  // send the alert, best effort
            fail(error)
            return
        }
        pumpCiphertext()
        guard progress == .complete else { return }
        if let timer = connectTimer { reactor.cancelTimer(timer); connectTimer = nil }
        state = .open
        delegate?.connectionDidOpen(self)
        decryptAndDeliver()  // application data that came with the last handshake flight
    }

    /// Decrypts what OpenSSL can and offers it to the delegate.
    private func decryptAndDeliver() {
        guard let tls, state == .open || state == .closing else { return }
        while true {
            if receiveEnd == receiveBuffer.count {
                guard receiveStart > 0 else { fail(.readFailed(Errno(ENOBUFS))); return }
                compactReceiveBuffer()
            }
            let result: TLSSession.ReadResult
            do throws(TransportError) {
                result = try tls.read(into: receiveBuffer.baseAddress! + receiveEnd, count: receiveBuffer.count - receiveEnd)
            } catch {
                fail(error)
                return
            }
            switch result {
            case .bytes(let n):
                receiveEnd += n
                continue
            case .wantRead:
                break
            case .closed:
                deliver()
                // The delegate may have closed while handling the last bytes (a FIX Logout
                // answered, then close_notify): that is an orderly end, not a lost peer.
                if state == .closing { finish(nil) } else { fail(.peerClosed) }
                return
            }
            break
        }
        deliver()
        pumpCiphertext()  // reading may have produced records to send (key updates)
    }

    /// Moves ciphertext OpenSSL produced into the send buffer and sends it; returns the bytes moved.
    @discardableResult
    private func pumpCiphertext() -> Int {
        guard let tls else { return 0 }
        var moved = 0
        while tls.pendingCiphertext > 0 {
            if sendEnd == sendBuffer.count {
                if !sendInFlight && sendStart > 0 { compactSendBuffer() } else { break }
            }
            let n = tls.takeCiphertext(into: sendBuffer.baseAddress! + sendEnd, count: sendBuffer.count - sendEnd)
            if n == 0 { break }
            sendEnd += n
            moved += n
        }
        flush()
        return moved
    }

    func receiveCompleted(_ result: Int32) {
        receivePending = false
        guard state == .open || state == .closing || (tls != nil && state == .connecting) else { releaseIfIdle(); return }
        if result > 0 {
            if let tls, let cipher = cipherBuffer {
                tls.receiveCiphertext(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(cipher)[0..<Int(result)]))
                if state == .connecting { advanceHandshake() } else { decryptAndDeliver() }
            } else {
                receiveEnd += Int(result)
                deliver()
            }
            if state != .closed { postReceive() }
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
        // A TLS connection sends handshake records while still `.connecting`.
        guard state == .open || state == .closing || (tls != nil && state == .connecting) else { releaseIfIdle(); return }
        if result >= 0 {
            sendStart += Int(result)
            if sendStart == sendEnd { sendStart = 0; sendEnd = 0 }
            pumpCiphertext()  // ciphertext that did not fit before
            if state == .closing && sendStart == sendEnd && (tls?.pendingCiphertext ?? 0) == 0 {
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
        guard !receivePending, fd >= 0 else { return }
        let target: UnsafeMutableRawPointer
        let room: Int
        if let cipher = cipherBuffer, let tls {
            // TLS: ciphertext goes to OpenSSL as soon as it arrives, so the buffer is free; read no
            // more than the BIO pair can take, so nothing received is ever dropped.
            let available = tls.receiveRoom
            guard available > 0 else {
                fail(.readFailed(Errno(ENOBUFS)))  // decrypted data is not being consumed
                return
            }
            target = cipher.baseAddress!
            room = min(cipher.count, available)
        } else {
            if receiveEnd == receiveBuffer.count {
                guard receiveStart > 0 else {
                    fail(.readFailed(Errno(ENOBUFS)))  // one message larger than the receive buffer
                    return
                }
                compactReceiveBuffer()
            }
            target = receiveBuffer.baseAddress! + receiveEnd
            room = receiveBuffer.count - receiveEnd
        }
        receivePending = true
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

    private func compactReceiveBuffer() {
        let unread = receiveEnd - receiveStart
        receiveBuffer.baseAddress!.copyMemory(from: receiveBuffer.baseAddress! + receiveStart, byteCount: unread)
        receiveStart = 0
        receiveEnd = unread
    }

    private func compactSendBuffer() {
        let queued = sendEnd - sendStart
        sendBuffer.baseAddress!.copyMemory(from: sendBuffer.baseAddress! + sendStart, byteCount: queued)
        sendStart = 0
        sendEnd = queued
    }

    private func fail(_ error: TransportError) {
        guard state != .closed else { return }
        if tls != nil && state == .connecting && (error == .peerClosed || error == .connectionReset) {
            // Mid-handshake, "closed" alone would not tell the user that TLS is what failed.
            finish(.tlsHandshakeFailed(reason: "the peer \(error == .peerClosed ? "closed" : "reset") the connection during the handshake (not a TLS server, or it rejected us without an alert)"))
            return
        }
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

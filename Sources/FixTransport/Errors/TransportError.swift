/// Why a connection could not be made or was lost, in terms a user can act on.
public enum TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The host name did not resolve; `reason` is the resolver's.
    case dnsFailure(host: String, reason: String)
    /// Nothing listens at the address (ECONNREFUSED).
    case connectionRefused(host: String, port: Int)
    /// No route to the host or network (EHOSTUNREACH / ENETUNREACH).
    case unreachable(host: String, port: Int, errno: Errno)
    /// The TCP connect did not complete in time.
    case connectTimeout(host: String, port: Int, seconds: Double)
    /// Any other connect failure.
    case connectFailed(host: String, port: Int, errno: Errno)
    /// The peer closed the connection (orderly shutdown, EOF).
    case peerClosed
    /// The peer reset the connection (ECONNRESET / EPIPE).
    case connectionReset
    /// A receive failed.
    case readFailed(Errno)
    /// A send failed.
    case writeFailed(Errno)
    /// More outbound data was queued than the connection's send buffer holds.
    case sendBufferFull(capacity: Int)
    /// Plaintext was requested to a host that is not loopback; Kalshi requires TLS.
    case plaintextNotAllowed(host: String)
    /// The reactor could not start (ring, epoll or eventfd setup).
    case reactorSetupFailed(reason: String)
    /// The TLS handshake failed; `reason` is OpenSSL's (e.g. protocol version, alert).
    case tlsHandshakeFailed(reason: String)
    /// The peer's certificate did not verify; `reason` names the check
    /// (e.g. "self-signed certificate", "hostname mismatch", "certificate has expired").
    case certificateVerifyFailed(reason: String)
    /// The certificate verified but matches none of the configured pins.
    case pinMismatch(expected: [String], certificate: String, publicKey: String)
    /// TLS failed after the handshake; `reason` is OpenSSL's.
    case tlsFailed(reason: String)
    /// A TLS certificate, key or context could not be set up (listener or self-signed
    /// certificate); `reason` is OpenSSL's, never key material.
    case tlsSetupFailed(reason: String)
    /// A listening socket could not be opened (bind/listen failed, e.g. EADDRINUSE).
    case listenFailed(host: String, port: Int, errno: Errno)
    /// An accept on a listening socket failed (e.g. EMFILE); the listener keeps accepting.
    case acceptFailed(Errno)

    public var description: String {
        switch self {
        case .dnsFailure(let h, let r): return "cannot resolve \(h): \(r)"
        case .connectionRefused(let h, let p): return "connection refused by \(h):\(p) (nothing listening?)"
        case .unreachable(let h, let p, let e): return "\(h):\(p) is unreachable: \(e)"
        case .connectTimeout(let h, let p, let s): return "connect to \(h):\(p) timed out after \(s) s"
        case .connectFailed(let h, let p, let e): return "connect to \(h):\(p) failed: \(e)"
        case .peerClosed: return "the peer closed the connection"
        case .connectionReset: return "the peer reset the connection"
        case .readFailed(let e): return "receive failed: \(e)"
        case .writeFailed(let e): return "send failed: \(e)"
        case .sendBufferFull(let c): return "send buffer full (\(c) bytes queued); the peer is not reading"
        case .plaintextNotAllowed(let h): return "plaintext to \(h) refused: only loopback may skip TLS"
        case .reactorSetupFailed(let r): return "I/O reactor setup failed: \(r)"
        case .tlsHandshakeFailed(let r): return "TLS handshake failed: \(r)"
        case .certificateVerifyFailed(let r): return "server certificate rejected: \(r)"
        case .pinMismatch(let expected, let c, let k):
            return "server certificate matches no pin (expected \(expected.joined(separator: " or ")); got certificate sha256 \(c), public-key sha256 \(k))"
        case .tlsFailed(let r): return "TLS failed: \(r)"
        case .tlsSetupFailed(let r): return "TLS setup failed: \(r)"
        case .listenFailed(let h, let p, let e): return "cannot listen on \(h):\(p): \(e)"
        case .acceptFailed(let e): return "accept failed: \(e)"
        }
    }
}

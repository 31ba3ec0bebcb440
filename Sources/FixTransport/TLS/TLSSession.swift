import COpenSSL

/// One connection's TLS state: OpenSSL over a BIO pair, so the reactor moves the ciphertext
/// and OpenSSL never touches the socket.
///
/// ```
///  socket → (recv) → ciphertext → BIO_write(network) → SSL_read → plaintext → delegate
///  delegate → plaintext → SSL_write → BIO_read(network) → send buffer → (send) → socket
/// ```
///
/// Why a BIO pair rather than two memory BIOs: the pair's two ring buffers are allocated once,
/// while a memory BIO grows and frees its buffer as records pass, which cost allocations on
/// every message in both directions.
/// - Important: I/O thread only.
final class TLSSession {
    private let context: TLSContext  // kept alive: the SSL refers to it
    let ssl: OpaquePointer
    /// Our end of the BIO pair: ciphertext from the peer goes in, ciphertext to send comes out.
    private let networkBIO: OpaquePointer
    /// Bytes each direction of the pair holds: a full 64 KB receive plus a partly decrypted
    /// record fit, and large sends are written in pieces (``write(_:)`` returns what it took).
    static let pairBufferSize = 256 * 1024
    private(set) var handshakeComplete = false

    /// A client session to `host`, verifying and pinning per `configuration`.
    convenience init(configuration: TLSConfiguration, host: String) throws(TransportError) {
        try self.init(context: TLSContext(client: configuration))
        SSL_set_connect_state(ssl)
        let name = configuration.serverName ?? host
        if !Self.isIPAddress(name) { _ = COpenSSL_SSL_set_tlsext_host_name(ssl, name) }
        if configuration.verifyPeer {
            if Self.isIPAddress(name) {
                _ = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name)
            } else {
                _ = SSL_set1_host(ssl, name)
            }
        }
    }

    /// A server session from a listener's shared context.
    convenience init(server context: TLSContext) throws(TransportError) {
        try self.init(context: context)
        SSL_set_accept_state(ssl)
    }

    private init(context: TLSContext) throws(TransportError) {
        self.context = context
        OpenSSLError.clear()
        var sslSide: OpaquePointer?
        var network: OpaquePointer?
        guard let ssl = SSL_new(context.context),
              BIO_new_bio_pair(&sslSide, Self.pairBufferSize, &network, Self.pairBufferSize) == 1,
              let sslSide, let network else {
            throw .tlsHandshakeFailed(reason: OpenSSLError.drain(fallback: "SSL_new / BIO_new_bio_pair failed"))
        }
        self.ssl = ssl
        self.networkBIO = network
        SSL_set_bio(ssl, sslSide, sslSide)  // the SSL owns its end (one reference for both directions)
    }

    deinit {
        SSL_free(ssl)
        BIO_free(networkBIO)
    }

    /// Hands ciphertext from the socket to OpenSSL; returns how many bytes it took (all of them
    /// when `bytes.count` ≤ ``receiveRoom``).
    @discardableResult
    func receiveCiphertext(_ bytes: UnsafeRawBufferPointer) -> Int {
        var offset = 0
        while offset < bytes.count {
            let n = BIO_write(networkBIO, bytes.baseAddress! + offset, Int32(bytes.count - offset))
            if n <= 0 { break }
            offset += Int(n)
        }
        return offset
    }

    /// Ciphertext bytes OpenSSL can take now: the most a receive should read from the socket.
    var receiveRoom: Int { BIO_ctrl_get_write_guarantee(networkBIO) }

    /// Bytes of ciphertext waiting to be sent.
    var pendingCiphertext: Int { BIO_ctrl_pending(networkBIO) }

    /// Moves up to `count` bytes of produced ciphertext into `destination`; returns how many.
    func takeCiphertext(into destination: UnsafeMutableRawPointer, count: Int) -> Int {
        let n = BIO_read(networkBIO, destination, Int32(count))
        return n > 0 ? Int(n) : 0
    }

    enum HandshakeProgress { case needMoreData, complete }

    /// Advances the handshake with the ciphertext received so far.
    func continueHandshake() throws(TransportError) -> HandshakeProgress {
        OpenSSLError.clear()
        let rc = SSL_do_handshake(ssl)
        if rc == 1 {
            handshakeComplete = true
            try checkPins()
            return .complete
        }
        let error = SSL_get_error(ssl, rc)
        if error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE { return .needMoreData }
        let verify = SSL_get_verify_result(ssl)
        if context.client?.verifyPeer == true && verify != X509_V_OK {
            throw .certificateVerifyFailed(reason: String(cString: X509_verify_cert_error_string(verify)))
        }
        throw .tlsHandshakeFailed(reason: OpenSSLError.drain(fallback: "SSL error \(error)"))
    }

    enum ReadResult { case bytes(Int), wantRead, closed }

    /// Decrypts into `destination`.
    func read(into destination: UnsafeMutableRawPointer, count: Int) throws(TransportError) -> ReadResult {
        OpenSSLError.clear()
        let n = SSL_read(ssl, destination, Int32(count))
        if n > 0 { return .bytes(Int(n)) }
        let error = SSL_get_error(ssl, n)
        switch error {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return .wantRead
        case SSL_ERROR_ZERO_RETURN: return .closed  // the peer's close_notify
        default: throw .tlsFailed(reason: OpenSSLError.drain(fallback: "SSL_read error \(error)"))
        }
    }

    /// Encrypts as much of `bytes` as the pair has room for; returns how many plaintext bytes
    /// were taken (fewer than `bytes.count` when the caller must first move ciphertext out).
    func write(_ bytes: UnsafeRawBufferPointer) throws(TransportError) -> Int {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
        OpenSSLError.clear()
        var offset = 0
        while offset < bytes.count {
            let n = SSL_write(ssl, base + offset, Int32(bytes.count - offset))
            if n > 0 { offset += Int(n); continue }
            let error = SSL_get_error(ssl, n)
            if error == SSL_ERROR_WANT_WRITE || error == SSL_ERROR_WANT_READ { break }
            throw .tlsFailed(reason: OpenSSLError.drain(fallback: "SSL_write error \(error)"))
        }
        return offset
    }

    /// Queues our close_notify.
    func shutdown() {
        _ = SSL_shutdown(ssl)
    }

    /// The negotiated protocol, e.g. `TLSv1.3`.
    var protocolVersion: String { String(cString: SSL_get_version(ssl)) }

    private func checkPins() throws(TransportError) {
        guard let configuration = context.client, !configuration.pins.isEmpty else { return }
        guard let cert = SSL_get1_peer_certificate(ssl) else {
            throw .pinMismatch(expected: configuration.pins.map(\.description), certificate: "none", publicKey: "none")
        }
        defer { X509_free(cert) }
        let certificateHash = TLSDigest.sha256Hex(der: { i2d_X509(cert, $0) })
        let publicKeyHash = TLSDigest.sha256Hex(der: { i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), $0) })
        for pin in configuration.pins {
            switch pin {
            case .certificate where pin.normalizedHex == certificateHash: return
            case .publicKey where pin.normalizedHex == publicKeyHash: return
            default: continue
            }
        }
        throw .pinMismatch(expected: configuration.pins.map(\.description), certificate: certificateHash, publicKey: publicKeyHash)
    }

    private static func isIPAddress(_ s: String) -> Bool {
        s.contains(":") || s.split(separator: ".").count == 4 && s.allSatisfy { $0.isNumber || $0 == "." }
    }
}

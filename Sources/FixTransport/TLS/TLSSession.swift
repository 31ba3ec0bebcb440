import COpenSSL

/// One connection's TLS state: OpenSSL over two memory BIOs, so the reactor moves the
/// ciphertext and OpenSSL never touches the socket.
///
/// ```
///  socket → (recv) → ciphertext → BIO_write(rbio) → SSL_read → plaintext → delegate
///  delegate → plaintext → SSL_write → wbio → BIO_read → send buffer → (send) → socket
/// ```
/// - Important: I/O thread only.
final class TLSSession {
    private let context: OpaquePointer
    let ssl: OpaquePointer
    private let readBIO: OpaquePointer   // ciphertext from the peer, for OpenSSL to read
    private let writeBIO: OpaquePointer  // ciphertext OpenSSL produced, for us to send
    private let configuration: TLSConfiguration
    private(set) var handshakeComplete = false

    init(configuration: TLSConfiguration, host: String) throws(TransportError) {
        self.configuration = configuration
        OpenSSLError.clear()
        guard let ctx = SSL_CTX_new(TLS_client_method()) else {
            throw .tlsHandshakeFailed(reason: OpenSSLError.drain(fallback: "SSL_CTX_new failed"))
        }
        context = ctx
        let minimum = configuration.minimumVersion == .tls13 ? COpenSSL_TLS1_3_VERSION : COpenSSL_TLS1_2_VERSION
        _ = COpenSSL_SSL_CTX_set_min_proto_version(ctx, minimum)
        _ = SSL_CTX_set_options(ctx, COpenSSL_SSL_OP_NO_COMPRESSION)
        if configuration.verifyPeer {
            SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nil)
            let loaded: Int32
            switch configuration.trust {
            case .systemDefault: loaded = SSL_CTX_set_default_verify_paths(ctx)
            case .caFile(let path): loaded = SSL_CTX_load_verify_locations(ctx, path, nil)
            }
            guard loaded == 1 else {
                SSL_CTX_free(ctx)
                throw .tlsHandshakeFailed(reason: "cannot load trusted certificates: " + OpenSSLError.drain(fallback: "unknown"))
            }
        } else {
            SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nil)
        }
        guard let ssl = SSL_new(ctx), let rbio = BIO_new(BIO_s_mem()), let wbio = BIO_new(BIO_s_mem()) else {
            SSL_CTX_free(ctx)
            throw .tlsHandshakeFailed(reason: OpenSSLError.drain(fallback: "SSL_new failed"))
        }
        self.ssl = ssl
        self.readBIO = rbio
        self.writeBIO = wbio
        SSL_set_bio(ssl, rbio, wbio)  // the SSL now owns both BIOs
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

    deinit {
        SSL_free(ssl)
        SSL_CTX_free(context)
    }

    /// Hands ciphertext from the socket to OpenSSL.
    func receiveCiphertext(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            let n = BIO_write(readBIO, bytes.baseAddress! + offset, Int32(bytes.count - offset))
            if n <= 0 { break }
            offset += Int(n)
        }
    }

    /// Bytes of ciphertext waiting to be sent.
    var pendingCiphertext: Int { COpenSSL_BIO_pending(writeBIO) }

    /// Moves up to `count` bytes of produced ciphertext into `destination`; returns how many.
    func takeCiphertext(into destination: UnsafeMutableRawPointer, count: Int) -> Int {
        let n = BIO_read(writeBIO, destination, Int32(count))
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
        if configuration.verifyPeer && verify != X509_V_OK {
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

    /// Encrypts all of `bytes` into the write BIO (memory BIOs never block).
    func write(_ bytes: UnsafeRawBufferPointer) throws(TransportError) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        OpenSSLError.clear()
        var offset = 0
        while offset < bytes.count {
            let n = SSL_write(ssl, base + offset, Int32(bytes.count - offset))
            guard n > 0 else {
                throw .tlsFailed(reason: OpenSSLError.drain(fallback: "SSL_write error \(SSL_get_error(ssl, n))"))
            }
            offset += Int(n)
        }
    }

    /// Queues our close_notify.
    func shutdown() {
        _ = SSL_shutdown(ssl)
    }

    /// The negotiated protocol, e.g. `TLSv1.3`.
    var protocolVersion: String { String(cString: SSL_get_version(ssl)) }

    private func checkPins() throws(TransportError) {
        guard !configuration.pins.isEmpty else { return }
        guard let cert = SSL_get1_peer_certificate(ssl) else {
            throw .pinMismatch(expected: configuration.pins.map(\.description), certificate: "none", publicKey: "none")
        }
        defer { X509_free(cert) }
        let certificateHash = Self.sha256Hex(der: { i2d_X509(cert, $0) })
        let publicKeyHash = Self.sha256Hex(der: { i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), $0) })
        for pin in configuration.pins {
            switch pin {
            case .certificate where pin.normalizedHex == certificateHash: return
            case .publicKey where pin.normalizedHex == publicKeyHash: return
            default: continue
            }
        }
        throw .pinMismatch(expected: configuration.pins.map(\.description), certificate: certificateHash, publicKey: publicKeyHash)
    }

    /// SHA-256 hex of a DER encoding produced by an `i2d_*` function.
    private static func sha256Hex(der encode: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?) -> Int32) -> String {
        let length = encode(nil)
        guard length > 0 else { return "" }
        var der = [UInt8](repeating: 0, count: Int(length))
        der.withUnsafeMutableBufferPointer { buffer in
            var p: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            _ = encode(&p)
        }
        var digest = [UInt8](repeating: 0, count: 32)
        _ = SHA256(der, der.count, &digest)
        return digest.map { b in let h = String(b, radix: 16); return h.count == 1 ? "0" + h : h }.joined()
    }

    private static func isIPAddress(_ s: String) -> Bool {
        s.contains(":") || s.split(separator: ".").count == 4 && s.allSatisfy { $0.isNumber || $0 == "." }
    }
}

import COpenSSL

/// An `SSL_CTX`: the settings and credentials TLS sessions are made from.
///
/// A listener builds one and shares it with every accepted connection, so the certificate
/// and key are parsed once. Immutable after init; freed with the last session using it.
final class TLSContext {
    let context: OpaquePointer
    /// Client side: what the sessions verify and pin.
    let client: TLSConfiguration?

    /// A client context (one per connection; its cost is dwarfed by the handshake).
    init(client configuration: TLSConfiguration) throws(TransportError) {
        OpenSSLError.clear()
        guard let ctx = SSL_CTX_new(TLS_client_method()) else {
            throw .tlsHandshakeFailed(reason: OpenSSLError.drain(fallback: "SSL_CTX_new failed"))
        }
        context = ctx
        client = configuration
        Self.applyCommonOptions(ctx, minimumVersion: configuration.minimumVersion)
        if configuration.verifyPeer {
            SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nil)
            let loaded: Int32
            switch configuration.trust {
            case .systemDefault: loaded = SSL_CTX_set_default_verify_paths(ctx)
            case .caFile(let path): loaded = SSL_CTX_load_verify_locations(ctx, path, nil)
            case .pem(let text): loaded = try Self.addTrusted(pem: text, to: ctx)
            }
            guard loaded == 1 else {
                throw .tlsHandshakeFailed(reason: "cannot load trusted certificates: " + OpenSSLError.drain(fallback: "unknown"))
            }
        } else {
            SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nil)
        }
    }

    /// A server context presenting `configuration`'s certificate.
    /// - Throws: ``TransportError/tlsSetupFailed(reason:)`` when the certificate or key cannot
    ///   be loaded or do not match.
    init(server configuration: TLSServerConfiguration) throws(TransportError) {
        OpenSSLError.clear()
        guard let ctx = SSL_CTX_new(TLS_server_method()) else {
            throw .tlsSetupFailed(reason: OpenSSLError.drain(fallback: "SSL_CTX_new failed"))
        }
        context = ctx
        client = nil
        Self.applyCommonOptions(ctx, minimumVersion: configuration.minimumVersion)
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nil)  // clients authenticate in the FIX Logon
        switch configuration.certificateChain {
        case .file(let path):
            guard SSL_CTX_use_certificate_chain_file(ctx, path) == 1 else {
                throw .tlsSetupFailed(reason: "cannot load certificate chain \(path): " + OpenSSLError.drain(fallback: "unknown"))
            }
        case .pem(let text):
            try Self.useCertificateChain(pem: text, context: ctx)
        }
        switch configuration.privateKey {
        case .file(let path):
            guard SSL_CTX_use_PrivateKey_file(ctx, path, SSL_FILETYPE_PEM) == 1 else {
                // OpenSSL's reasons name formats, never key bytes.
                throw .tlsSetupFailed(reason: "cannot load private key \(path): " + OpenSSLError.drain(fallback: "unknown"))
            }
        case .pem(let text):
            let key = try Self.withMemoryBIO(text) { bio in PEM_read_bio_PrivateKey(bio, nil, nil, nil) }
            guard let key else { throw .tlsSetupFailed(reason: "the private key PEM does not parse") }
            defer { EVP_PKEY_free(key) }
            guard SSL_CTX_use_PrivateKey(ctx, key) == 1 else {
                throw .tlsSetupFailed(reason: "the private key does not match the certificate (" + OpenSSLError.drain(fallback: "unknown") + ")")
            }
        }
        guard SSL_CTX_check_private_key(ctx) == 1 else {
            throw .tlsSetupFailed(reason: "the private key does not match the certificate")
        }
    }

    deinit { SSL_CTX_free(context) }

    /// Adds every certificate in `pem` to the context's trust store; 1 when at least one was added.
    private static func addTrusted(pem: String, to ctx: OpaquePointer) throws(TransportError) -> Int32 {
        guard let store = SSL_CTX_get_cert_store(ctx) else { return 0 }
        return try withMemoryBIO(pem) { bio in
            var added: Int32 = 0
            while let certificate = PEM_read_bio_X509(bio, nil, nil, nil) {
                if X509_STORE_add_cert(store, certificate) == 1 { added = 1 }
                X509_free(certificate)
            }
            OpenSSLError.clear()  // the end-of-input "no start line"
            return added
        }
    }

    private static func applyCommonOptions(_ ctx: OpaquePointer, minimumVersion: TLSVersion) {
        let minimum = minimumVersion == .tls13 ? COpenSSL_TLS1_3_VERSION : COpenSSL_TLS1_2_VERSION
        _ = COpenSSL_SSL_CTX_set_min_proto_version(ctx, minimum)
        _ = SSL_CTX_set_options(ctx, COpenSSL_SSL_OP_NO_COMPRESSION)
    }

    private static func useCertificateChain(pem: String, context ctx: OpaquePointer) throws(TransportError) {
        try withMemoryBIO(pem) { bio throws(TransportError) in
            guard let leaf = PEM_read_bio_X509(bio, nil, nil, nil) else {
                throw .tlsSetupFailed(reason: "the certificate PEM does not parse")
            }
            defer { X509_free(leaf) }
            guard SSL_CTX_use_certificate(ctx, leaf) == 1 else {
                throw .tlsSetupFailed(reason: "cannot use the certificate: " + OpenSSLError.drain(fallback: "unknown"))
            }
            while let extra = PEM_read_bio_X509(bio, nil, nil, nil) {
                if COpenSSL_SSL_CTX_add1_chain_cert(ctx, extra) != 1 { X509_free(extra); break }
                X509_free(extra)
            }
            OpenSSLError.clear()  // the end-of-input "no start line" of the loop above
        }
    }

    /// Runs `body` with a memory BIO holding a copy of `text`.
    static func withMemoryBIO<R>(_ text: String, _ body: (OpaquePointer) throws(TransportError) -> R) throws(TransportError) -> R {
        guard let bio = BIO_new(BIO_s_mem()) else {
            throw .tlsSetupFailed(reason: OpenSSLError.drain(fallback: "BIO_new failed"))
        }
        defer { BIO_free(bio) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { BIO_write(bio, $0.baseAddress, Int32($0.count)) }
        guard written == Int32(bytes.count) else { throw .tlsSetupFailed(reason: "BIO_write failed") }
        return try body(bio)
    }
}

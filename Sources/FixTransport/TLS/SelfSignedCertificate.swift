import COpenSSL

/// A self-signed certificate and its key, generated in memory (ECDSA P-256, SHA-256): what
/// the embedded simulator presents on loopback TLS, and what tests trust or pin.
///
/// `description` never shows the private key.
public struct SelfSignedCertificate: Sendable, CustomStringConvertible {
    /// The certificate, PEM.
    public let certificatePEM: String
    /// Its private key, PKCS#8 PEM (unencrypted: it lives as long as the process).
    public let privateKeyPEM: String
    /// SHA-256 of the certificate's DER, lowercase hex, for ``CertificatePin/certificate(_:)``.
    public let certificateSHA256: String
    /// SHA-256 of the SubjectPublicKeyInfo's DER, for ``CertificatePin/publicKey(_:)``.
    public let publicKeySHA256: String

    /// - Parameters:
    ///   - commonName: the subject CN.
    ///   - dnsNames: subjectAltName DNS entries (hostname checks use these).
    ///   - ipAddresses: subjectAltName IP entries, e.g. `127.0.0.1`.
    ///   - validDays: validity from now, days.
    public init(commonName: String = "kalshi-fix simulator", dnsNames: [String] = ["localhost"],
                ipAddresses: [String] = ["127.0.0.1", "::1"], validDays: Int = 30) throws(TransportError) {
        OpenSSLError.clear()
        guard let keyContext = EVP_PKEY_CTX_new_id(NID_X9_62_id_ecPublicKey, nil) else {
            throw .tlsSetupFailed(reason: OpenSSLError.drain(fallback: "EVP_PKEY_CTX_new_id failed"))
        }
        defer { EVP_PKEY_CTX_free(keyContext) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(keyContext) == 1,
              EVP_PKEY_CTX_set_ec_paramgen_curve_nid(keyContext, NID_X9_62_prime256v1) == 1,
              EVP_PKEY_keygen(keyContext, &key) == 1, let key else {
            throw .tlsSetupFailed(reason: OpenSSLError.drain(fallback: "EC key generation failed"))
        }
        defer { EVP_PKEY_free(key) }
        guard let x509 = X509_new() else { throw .tlsSetupFailed(reason: "X509_new failed") }
        defer { X509_free(x509) }
        var serial = [UInt8](repeating: 0, count: 8)
        _ = RAND_bytes(&serial, 8)
        let serialNumber = serial.reduce(0) { ($0 << 8) | Int($1) } & Int.max
        var sans = dnsNames.map { "DNS:" + $0 } + ipAddresses.map { "IP:" + $0 }
        if sans.isEmpty { sans = ["DNS:" + commonName] }
        guard X509_set_version(x509, 2) == 1,  // v3
              ASN1_INTEGER_set(X509_get_serialNumber(x509), serialNumber) == 1,
              X509_gmtime_adj(X509_getm_notBefore(x509), -60) != nil,
              X509_gmtime_adj(X509_getm_notAfter(x509), validDays * 86_400) != nil,
              X509_set_pubkey(x509, key) == 1,
              let name = X509_get_subject_name(x509),
              X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, commonName, -1, -1, 0) == 1,
              X509_set_issuer_name(x509, name) == 1,
              let extensionSAN = X509V3_EXT_conf_nid(nil, nil, NID_subject_alt_name, sans.joined(separator: ","))
        else {
            throw .tlsSetupFailed(reason: OpenSSLError.drain(fallback: "building the certificate failed"))
        }
        defer { X509_EXTENSION_free(extensionSAN) }
        guard X509_add_ext(x509, extensionSAN, -1) == 1, X509_sign(x509, key, EVP_sha256()) > 0 else {
            throw .tlsSetupFailed(reason: OpenSSLError.drain(fallback: "signing the certificate failed"))
        }
        certificatePEM = try Self.pem { PEM_write_bio_X509($0, x509) }
        privateKeyPEM = try Self.pem { PEM_write_bio_PrivateKey($0, key, nil, nil, 0, nil, nil) }
        certificateSHA256 = TLSDigest.sha256Hex { i2d_X509(x509, $0) }
        publicKeySHA256 = TLSDigest.sha256Hex { i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x509), $0) }
    }

    /// A pin of this certificate's public key, for a client's ``TLSConfiguration/pins``.
    public var publicKeyPin: CertificatePin { .publicKey(publicKeySHA256) }
    /// A pin of this exact certificate.
    public var certificatePin: CertificatePin { .certificate(certificateSHA256) }

    public var description: String {
        "SelfSignedCertificate(sha256: \(certificateSHA256), publicKeySHA256: \(publicKeySHA256), privateKey: <redacted>)"
    }

    private static func pem(_ write: (OpaquePointer) -> Int32) throws(TransportError) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw .tlsSetupFailed(reason: "BIO_new failed") }
        defer { BIO_free(bio) }
        guard write(bio) == 1 else { throw .tlsSetupFailed(reason: OpenSSLError.drain(fallback: "PEM encoding failed")) }
        let count = COpenSSL_BIO_pending(bio)
        var bytes = [UInt8](repeating: 0, count: count)
        let read = BIO_read(bio, &bytes, Int32(count))
        return String(decoding: bytes.prefix(Int(max(read, 0))), as: UTF8.self)
    }
}

/// SHA-256 of DER encodings, as hex: certificate and public-key pins.
enum TLSDigest {
    /// Hashes what an `i2d_*` function encodes.
    static func sha256Hex(der encode: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?) -> Int32) -> String {
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
}

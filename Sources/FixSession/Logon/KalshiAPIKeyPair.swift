import COpenSSL
import FixTransport

/// A freshly generated RSA key pair in Kalshi's format (2048-bit, PKCS#8 private key,
/// SubjectPublicKeyInfo public key): for the embedded simulator, the demo and tests. Real
/// Kalshi keys are created in the Kalshi account and loaded with ``LogonSigner``.
///
/// `description` never shows the private key.
public struct KalshiAPIKeyPair: Sendable, CustomStringConvertible {
    /// `BEGIN PRIVATE KEY` (PKCS#8), unencrypted.
    public let privateKeyPEM: String
    /// `BEGIN PUBLIC KEY`, what the simulator registers.
    public let publicKeyPEM: String

    /// Generates a key pair; ≈ 50–200 ms for 2048 bits.
    public static func generate(bits: Int32 = 2048) throws(LogonSignerError) -> KalshiAPIKeyPair {
        OpenSSLError.clear()
        guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, nil) else {
            throw .cryptoFailure(reason: OpenSSLError.drain(fallback: "EVP_PKEY_CTX_new_id failed"))
        }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_CTX_set_rsa_keygen_bits(context, bits) == 1,
              EVP_PKEY_keygen(context, &key) == 1, let key else {
            throw .cryptoFailure(reason: OpenSSLError.drain(fallback: "RSA key generation failed"))
        }
        defer { EVP_PKEY_free(key) }
        let privatePEM = try pem { PEM_write_bio_PrivateKey($0, key, nil, nil, 0, nil, nil) }
        let publicPEM = try pem { PEM_write_bio_PUBKEY($0, key) }
        return KalshiAPIKeyPair(privateKeyPEM: privatePEM, publicKeyPEM: publicPEM)
    }

    /// A signer for this pair's private key.
    public func signer() throws(LogonSignerError) -> LogonSigner {
        try LogonSigner(pem: Array(privateKeyPEM.utf8))
    }

    public var description: String { "KalshiAPIKeyPair(RSA, privateKey: <redacted>)" }

    private static func pem(_ write: (OpaquePointer) -> Int32) throws(LogonSignerError) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw .cryptoFailure(reason: "BIO_new failed") }
        defer { BIO_free(bio) }
        guard write(bio) == 1 else { throw .cryptoFailure(reason: OpenSSLError.drain(fallback: "PEM encoding failed")) }
        let count = COpenSSL_BIO_pending(bio)
        var bytes = [UInt8](repeating: 0, count: count)
        let read = BIO_read(bio, &bytes, Int32(count))
        return String(decoding: bytes.prefix(Int(max(read, 0))), as: UTF8.self)
    }
}

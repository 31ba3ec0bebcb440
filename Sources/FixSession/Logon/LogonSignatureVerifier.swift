import COpenSSL
import FixTransport

/// Verifies Kalshi logon signatures with a registered public key (what a gateway, and our
/// simulator, does with RawData (96)).
///
/// - Important: immutable after `init`; safe from any thread.
public final class LogonSignatureVerifier: @unchecked Sendable, CustomStringConvertible {
    private let key: OpaquePointer

    /// Loads a PEM public key (`BEGIN PUBLIC KEY`, SubjectPublicKeyInfo) or an RSA public key.
    public init(publicKeyPEM pem: [UInt8]) throws(LogonSignerError) {
        OpenSSLError.clear()
        let loaded: OpaquePointer? = pem.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PUBKEY(bio, nil, nil, nil)
        }
        guard let key = loaded else {
            throw .unreadableKey(reason: OpenSSLError.drain(fallback: "no PEM public key found"))
        }
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA else {
            EVP_PKEY_free(key)
            throw .notRSA
        }
        self.key = key
    }

    deinit {
        EVP_PKEY_free(key)
    }

    public var description: String { "LogonSignatureVerifier(RSA-\(EVP_PKEY_get_bits(key)))" }

    /// True when `base64Signature` is a valid RSA-PSS (SHA-256, salt 32) signature of `message`.
    /// Malformed base64 is simply not valid.
    public func isValid(base64Signature: String, for message: [UInt8]) -> Bool {
        guard let signature = Base64.decode(base64Signature) else { return false }
        OpenSSLError.clear()
        guard let ctx = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(ctx) }
        var pctx: OpaquePointer?
        guard EVP_DigestVerifyInit(ctx, &pctx, EVP_sha256(), nil, key) == 1, let pctx, RSAPSS.configure(pctx) else {
            OpenSSLError.clear()
            return false
        }
        let ok = EVP_DigestVerify(ctx, signature, signature.count, message, message.count) == 1
        OpenSSLError.clear()
        return ok
    }
}

import COpenSSL
import FixTransport
#if canImport(Glibc)
import Glibc
#endif

/// Signs Kalshi FIX Logon messages.
///
/// Kalshi authenticates a FIX session by an RSA-PSS signature in RawData (96): SHA-256, MGF1
/// with SHA-256, salt length 32, over
/// `SendingTime <SOH> MsgType <SOH> MsgSeqNum <SOH> SenderCompID <SOH> TargetCompID` exactly as
/// those values are written in the Logon, base64-encoded (344 characters for a 2048-bit key).
///
/// The key is parsed once, at initialisation; signing takes ≈ 1 ms, so it happens once per
/// logon and never on the order path. Neither the key nor its passphrase is kept in a form
/// that `description`, logs or errors could show; the passphrase bytes are zeroed after use.
///
/// - Important: immutable after `init`; `signature(...)` is safe to call from any thread.
public final class LogonSigner: @unchecked Sendable, CustomStringConvertible {
    /// Where the passphrase of an encrypted PEM comes from.
    public enum Passphrase: Sendable {
        case string(String)
        case bytes([UInt8])
        /// Called once while the key is loaded (e.g. to read a secret store).
        case provider(@Sendable () throws -> [UInt8])
    }

    // The EVP_PKEY is immutable once loaded; OpenSSL allows concurrent use of a const key.
    private let key: OpaquePointer
    /// Key size in bits (e.g. 2048).
    public let keyBits: Int

    /// Loads a PEM private key: PKCS#1 (`BEGIN RSA PRIVATE KEY`), PKCS#8 (`BEGIN PRIVATE KEY`)
    /// or encrypted PKCS#8 (`BEGIN ENCRYPTED PRIVATE KEY`, needs `passphrase`).
    /// - Throws: ``LogonSignerError``.
    public init(pem: [UInt8], passphrase: Passphrase? = nil) throws(LogonSignerError) {
        OpenSSLError.clear()
        var secret: [UInt8]
        switch passphrase {
        case .none: secret = []
        case .string(let s): secret = Array(s.utf8)
        case .bytes(let b): secret = b
        case .provider(let fetch):
            do { secret = try fetch() } catch {
                throw .cryptoFailure(reason: "passphrase provider failed: \(type(of: error))")
            }
        }
        secret.append(0)  // OpenSSL reads `u` as a NUL-terminated passphrase when no callback is given
        defer { secret.withUnsafeMutableBytes { _ = memset($0.baseAddress!, 0, $0.count) } }

        let loaded: OpaquePointer? = pem.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
            defer { BIO_free(bio) }
            return secret.withUnsafeMutableBytes { pass in
                // With no passphrase, pass an empty one: OpenSSL must not prompt on a terminal.
                PEM_read_bio_PrivateKey(bio, nil, nil, pass.baseAddress)
            }
        }
        guard let key = loaded else {
            let reason = OpenSSLError.drain(fallback: "no PEM private key found")
            // An encrypted PEM that does not load: the passphrase (OpenSSL's reason is "bad decrypt").
            if Self.isEncrypted(pem) { throw .wrongOrMissingPassphrase }
            throw .unreadableKey(reason: reason)
        }
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA else {
            EVP_PKEY_free(key)
            throw .notRSA
        }
        let bits = Int(EVP_PKEY_get_bits(key))
        guard bits >= 2048 else {
            EVP_PKEY_free(key)
            throw .keyTooSmall(bits: bits)
        }
        self.key = key
        self.keyBits = bits
    }

    /// Loads the PEM private key at `path`.
    public convenience init(contentsOf path: String, passphrase: Passphrase? = nil) throws(LogonSignerError) {
        guard let file = fopen(path, "rb") else {
            let e = errno
            throw .keyFileUnreadable(path: path, reason: "\(String(cString: strerror(e))) (errno \(e))")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&chunk, 1, chunk.count, file)
            if n > 0 { bytes += chunk[0..<n] }
            if n < chunk.count { break }
        }
        defer { bytes.withUnsafeMutableBytes { _ = memset($0.baseAddress!, 0, $0.count) } }
        try self.init(pem: bytes, passphrase: passphrase)
    }

    deinit {
        EVP_PKEY_free(key)
    }

    /// Never shows key material.
    public var description: String { "LogonSigner(RSA-\(keyBits), RSA-PSS SHA-256 salt 32)" }

    /// The bytes Kalshi signs: the five values joined with SOH, no trailing SOH.
    /// - Parameter sendingTime: the exact bytes of tag 52 in this Logon.
    public static func preHash(sendingTime: String, msgType: String = "A", msgSeqNum: Int,
                               senderCompID: String, targetCompID: String) -> [UInt8] {
        Array("\(sendingTime)\u{1}\(msgType)\u{1}\(msgSeqNum)\u{1}\(senderCompID)\u{1}\(targetCompID)".utf8)
    }

    /// The base64 RSA-PSS signature of ``preHash(sendingTime:msgType:msgSeqNum:senderCompID:targetCompID:)``,
    /// for RawData (96); its byte count goes in RawDataLength (95).
    public func signature(sendingTime: String, msgType: String = "A", msgSeqNum: Int,
                          senderCompID: String, targetCompID: String) throws(LogonSignerError) -> String {
        try sign(Self.preHash(sendingTime: sendingTime, msgType: msgType, msgSeqNum: msgSeqNum,
                              senderCompID: senderCompID, targetCompID: targetCompID))
    }

    /// Signs `message` (RSA-PSS, SHA-256, MGF1-SHA-256, salt 32) and returns standard base64.
    public func sign(_ message: [UInt8]) throws(LogonSignerError) -> String {
        OpenSSLError.clear()
        guard let ctx = EVP_MD_CTX_new() else { throw .cryptoFailure(reason: "EVP_MD_CTX_new failed") }
        defer { EVP_MD_CTX_free(ctx) }
        var pctx: OpaquePointer?
        guard EVP_DigestSignInit(ctx, &pctx, EVP_sha256(), nil, key) == 1, let pctx,
              RSAPSS.configure(pctx) else {
            throw .cryptoFailure(reason: OpenSSLError.drain(fallback: "EVP_DigestSignInit failed"))
        }
        var length = 0
        guard EVP_DigestSign(ctx, nil, &length, message, message.count) == 1 else {
            throw .cryptoFailure(reason: OpenSSLError.drain(fallback: "EVP_DigestSign (size) failed"))
        }
        var signature = [UInt8](repeating: 0, count: length)
        guard EVP_DigestSign(ctx, &signature, &length, message, message.count) == 1 else {
            throw .cryptoFailure(reason: OpenSSLError.drain(fallback: "EVP_DigestSign failed"))
        }
        return Base64.encode(Array(signature[0..<length]))
    }

    private static func isEncrypted(_ pem: [UInt8]) -> Bool {
        let text = String(decoding: pem.prefix(200), as: UTF8.self)
        return text.contains("ENCRYPTED") || text.contains("Proc-Type: 4,ENCRYPTED")
    }
}

/// Kalshi's PSS parameters, shared by signing and verifying.
enum RSAPSS {
    static let saltLength: Int32 = 32

    static func configure(_ pctx: OpaquePointer) -> Bool {
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1
            && EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, saltLength) == 1
            && EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) == 1
    }
}

/// Standard base64 (with `=` padding, no line breaks) through OpenSSL's block coder.
enum Base64 {
    static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8](repeating: 0, count: 4 * ((bytes.count + 2) / 3) + 1)
        let n = EVP_EncodeBlock(&out, bytes, Int32(bytes.count))
        return String(decoding: out[0..<Int(n)], as: UTF8.self)
    }

    /// Nil when `text` is not valid base64.
    static func decode(_ text: String) -> [UInt8]? {
        let input = Array(text.utf8)
        guard !input.isEmpty, input.count % 4 == 0 else { return nil }
        var out = [UInt8](repeating: 0, count: input.count / 4 * 3)
        let n = EVP_DecodeBlock(&out, input, Int32(input.count))
        guard n >= 0 else { return nil }
        let padding = input.reversed().prefix(2).filter { $0 == UInt8(ascii: "=") }.count
        return Array(out[0..<(Int(n) - padding)])
    }
}

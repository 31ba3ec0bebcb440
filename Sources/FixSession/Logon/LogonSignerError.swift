/// Why a logon key could not be loaded or a logon could not be signed or verified.
/// Messages name the cause and the fix; they never contain key material or a passphrase.
public enum LogonSignerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The key file could not be read (`errno` name and number).
    case keyFileUnreadable(path: String, reason: String)
    /// The PEM could not be parsed; `reason` is OpenSSL's.
    case unreadableKey(reason: String)
    /// The PEM is encrypted and no passphrase was given, or the passphrase is wrong.
    case wrongOrMissingPassphrase
    /// The key is not an RSA key (Kalshi uses RSA-PSS).
    case notRSA
    /// The key is smaller than Kalshi's 2048 bits.
    case keyTooSmall(bits: Int)
    /// OpenSSL failed while signing or verifying; `reason` is OpenSSL's.
    case cryptoFailure(reason: String)

    public var description: String {
        switch self {
        case .keyFileUnreadable(let path, let reason):
            return "cannot read private key file \(path): \(reason)"
        case .unreadableKey(let reason):
            return "private key is not a readable PEM (PKCS#1 or PKCS#8): \(reason)"
        case .wrongOrMissingPassphrase:
            return "private key is encrypted: the passphrase is missing or wrong (set KALSHI_PRIVATE_KEY_PASSPHRASE)"
        case .notRSA:
            return "private key is not an RSA key; Kalshi FIX logons need the RSA key registered with your API key"
        case .keyTooSmall(let bits):
            return "RSA key has \(bits) bits; Kalshi requires 2048 or more"
        case .cryptoFailure(let reason):
            return "OpenSSL failed: \(reason)"
        }
    }
}

/// A FIX API key: its id (the SenderCompID) and the loaded private key that signs Logons.
///
/// The PEM text and its passphrase are never stored: ``LogonSigner`` parses the key once and
/// keeps only OpenSSL's key object, so neither `description`, `debugDescription`, `dump` nor
/// any error can show them. The key id is not secret (it is in every message header) and is shown.
///
/// - Important: immutable; safe to share between threads and sessions. Kalshi allows one FIX
///   connection per API key at a time, so sessions running in parallel need separate keys.
public struct KalshiCredentials: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Where the private key came from, for diagnostics (never the key itself).
    public enum KeySource: Sendable, Hashable, CustomStringConvertible {
        /// A ``LogonSigner`` built by the caller.
        case signer
        /// PEM text in this environment variable.
        case environmentPEM(variable: String)
        /// A PEM file, named by this environment variable.
        case file(path: String, variable: String)

        public var description: String {
            switch self {
            case .signer: return "caller-supplied signer"
            case .environmentPEM(let variable): return "PEM in \(variable)"
            case .file(let path, let variable): return "\(path) (from \(variable))"
            }
        }
    }

    /// The FIX API key id (a UUID): SenderCompID (49) of every outbound message.
    public let keyID: String
    /// Signs the Logon (RawData 96).
    public let signer: LogonSigner
    public let keySource: KeySource

    public init(keyID: String, signer: LogonSigner) {
        self.init(keyID: keyID, signer: signer, keySource: .signer)
    }

    init(keyID: String, signer: LogonSigner, keySource: KeySource) {
        self.keyID = keyID
        self.signer = signer
        self.keySource = keySource
    }

    public var description: String {
        "KalshiCredentials(keyID: \(keyID), key: \(keySource), \(signer))"
    }

    public var debugDescription: String { description }

    // `dump` and debuggers see exactly what `description` shows.
    public var customMirror: Mirror {
        Mirror(self, children: ["keyID": keyID, "keySource": keySource.description, "signer": signer.description],
               displayStyle: .struct)
    }
}

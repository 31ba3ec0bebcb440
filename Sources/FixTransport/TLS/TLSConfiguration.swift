/// TLS settings of a connection. Kalshi requires TLS 1.2 or later.
public struct TLSConfiguration: Sendable, Hashable {
    /// Which certificates are trusted.
    public enum Trust: Sendable, Hashable {
        /// The system CA store (Debian: /etc/ssl/certs).
        case systemDefault
        /// The CA or self-signed certificate(s) in this PEM file.
        case caFile(String)
        /// The CA or self-signed certificate(s) in this PEM text (e.g. KalshiSim's generated one).
        case pem(String)
    }

    /// Name for SNI and the hostname check; nil uses the host connected to.
    public var serverName: String?
    public var trust: Trust
    /// Verify the certificate chain and hostname. Turn off only for tests.
    public var verifyPeer: Bool
    /// Accept the peer only if its leaf certificate matches one of these pins (empty: no pinning).
    public var pins: [CertificatePin]
    /// Oldest protocol allowed; TLS 1.3 is preferred whenever the peer offers it.
    public var minimumVersion: TLSVersion

    public init(serverName: String? = nil, trust: Trust = .systemDefault, verifyPeer: Bool = true,
                pins: [CertificatePin] = [], minimumVersion: TLSVersion = .tls12) {
        self.serverName = serverName
        self.trust = trust
        self.verifyPeer = verifyPeer
        self.pins = pins
        self.minimumVersion = minimumVersion
    }
}

public enum TLSVersion: String, Sendable, Hashable {
    case tls12 = "TLSv1.2"
    case tls13 = "TLSv1.3"
}

/// A SHA-256 pin of the peer's leaf certificate, as hex (colons and case ignored).
public enum CertificatePin: Sendable, Hashable, CustomStringConvertible {
    /// SHA-256 of the whole certificate (DER), as `openssl x509 -outform DER | sha256sum` prints.
    case certificate(String)
    /// SHA-256 of the SubjectPublicKeyInfo (DER): survives certificate renewal with the same key.
    case publicKey(String)

    var normalizedHex: String {
        switch self {
        case .certificate(let h), .publicKey(let h):
            return h.lowercased().filter { $0 != ":" && $0 != " " }
        }
    }

    public var description: String {
        switch self {
        case .certificate: return "certificate sha256 \(normalizedHex)"
        case .publicKey: return "public-key sha256 \(normalizedHex)"
        }
    }
}

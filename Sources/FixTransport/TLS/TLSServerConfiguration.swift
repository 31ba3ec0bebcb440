/// TLS settings of a ``Listener``: the certificate it presents and the oldest protocol it takes.
///
/// The private key is held as given (PEM text or a path) and never printed: `description`
/// names only where the certificate comes from.
public struct TLSServerConfiguration: Sendable, Hashable, CustomStringConvertible {
    /// Where a PEM object comes from.
    public enum PEMSource: Sendable, Hashable {
        /// A PEM file on disk.
        case file(String)
        /// PEM text in memory (e.g. from ``SelfSignedCertificate``).
        case pem(String)
    }

    /// The leaf certificate, optionally followed by its chain.
    public var certificateChain: PEMSource
    /// The certificate's private key (unencrypted PEM).
    public var privateKey: PEMSource
    /// Oldest protocol accepted; TLS 1.3 whenever the client offers it.
    public var minimumVersion: TLSVersion

    public init(certificateChain: PEMSource, privateKey: PEMSource, minimumVersion: TLSVersion = .tls12) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
        self.minimumVersion = minimumVersion
    }

    /// A configuration presenting a freshly generated self-signed certificate.
    public init(selfSigned certificate: SelfSignedCertificate, minimumVersion: TLSVersion = .tls12) {
        self.init(certificateChain: .pem(certificate.certificatePEM), privateKey: .pem(certificate.privateKeyPEM),
                  minimumVersion: minimumVersion)
    }

    public var description: String {
        let source: String
        switch certificateChain {
        case .file(let path): source = path
        case .pem: source = "in-memory PEM"
        }
        return "TLSServerConfiguration(certificate: \(source), privateKey: <redacted>, minimum: \(minimumVersion.rawValue))"
    }
}

/// Whether a ``Listener`` encrypts.
public enum ListenerSecurity: Sendable {
    /// No TLS: allowed only on loopback addresses (the embedded simulator, tests).
    case plaintext
    /// TLS 1.2+ through OpenSSL memory BIOs, as for outbound connections.
    case tls(TLSServerConfiguration)
}

import FixTransport

/// Everything needed to open and log on one Kalshi FIX session.
///
/// Build one with ``init(product:sessionType:destination:credentials:)`` (then adjust the
/// `var`s) or ``fromEnvironment(product:sessionType:environment:)``, and call
/// ``validate(environment:)`` before connecting: the initializer does not check anything, so
/// a configuration can be assembled step by step.
///
/// - Important: a value type; copies are independent and safe to pass between threads.
public struct SessionConfiguration: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// Where to connect.
    public enum Destination: Sendable, Hashable, CustomStringConvertible {
        /// Kalshi's published host for the product and session type, and the session's port.
        case kalshi(KalshiEnvironment)
        /// An explicit host and port: KalshiSim on loopback, a local TLS proxy, a PrivateLink
        /// name. Hosts other than Kalshi's and loopback need ``SessionConfiguration/allowUnknownHost``.
        case endpoint(SessionEndpoint)

        public var description: String {
            switch self {
            case .kalshi(let environment): return "Kalshi \(environment)"
            case .endpoint(let endpoint): return "\(endpoint)"
            }
        }
    }

    /// Default HeartBtInt (108), in seconds: Kalshi's documented default.
    public static let defaultHeartbeatInterval = 30
    /// Default logon timeout, in seconds (the SDK's connect timeout).
    public static let defaultLogonTimeout = 10.0

    public var product: KalshiProduct
    public var sessionType: KalshiSessionType
    public var destination: Destination
    /// API key id and signer.
    public var credentials: KalshiCredentials
    /// HeartBtInt (108), in whole seconds: > 3 on prediction, >= 3 on margin. Default 30.
    public var heartbeatInterval: Int
    /// TLS (default: system CAs, peer verification, TLS 1.2+) or plaintext (loopback only).
    public var security: ConnectionSecurity
    /// Kalshi's optional Logon flags; all unset by default.
    public var logonOptions: KalshiLogonOptions
    /// Allow a non-loopback host outside ``KalshiHosts/known`` (also enabled by the environment
    /// variable `KALSHI_FIX_ALLOW_UNKNOWN_HOST=1`). Default false.
    public var allowUnknownHost: Bool
    /// Backoff between reconnect attempts.
    public var reconnect: ReconnectPolicy
    /// How long to wait for the gateway's Logon reply after sending ours, in seconds. Default 10.
    public var logonTimeout: Double

    public init(product: KalshiProduct, sessionType: KalshiSessionType, destination: Destination,
                credentials: KalshiCredentials) {
        self.product = product
        self.sessionType = sessionType
        self.destination = destination
        self.credentials = credentials
        self.heartbeatInterval = Self.defaultHeartbeatInterval
        self.security = .tls(TLSConfiguration())
        self.logonOptions = KalshiLogonOptions()
        self.allowUnknownHost = false
        self.reconnect = ReconnectPolicy()
        self.logonTimeout = Self.defaultLogonTimeout
    }

    /// SenderCompID (49): the FIX API key id.
    public var senderCompID: String { credentials.keyID }
    /// TargetCompID (56): the session name, e.g. `KalshiRT`.
    public var targetCompID: String { sessionType.targetCompID }
    /// Whether the session logs on as a read-only listener (20126=Y).
    public var isListener: Bool { logonOptions.isListener }

    /// Host and port to connect to.
    /// - Throws: ``SessionConfigurationError/sessionTypeNotAvailable(_:product:)`` when the
    ///   destination is a Kalshi environment whose gateway has no such session type.
    public func endpoint() throws(SessionConfigurationError) -> SessionEndpoint {
        switch destination {
        case .kalshi(let environment):
            return try environment.endpoint(product: product, sessionType: sessionType)
        case .endpoint(let endpoint):
            return endpoint
        }
    }

    public var description: String {
        var parts = ["\(product) \(sessionType)\(isListener ? " listener" : "")", "\(destination)"]
        if let endpoint = try? endpoint() { parts.append("\(endpoint)") }
        parts.append(Self.describe(security))
        parts.append("SenderCompID \(senderCompID)")
        parts.append("key: \(credentials.keySource)")
        parts.append("heartbeat \(heartbeatInterval) s")
        let flags = logonOptions.setFlags.compactMap { flag in logonOptions.wireValue(flag).map { "\(flag.tag)=\($0)" } }
        if !flags.isEmpty { parts.append("logon flags " + flags.joined(separator: " ")) }
        if allowUnknownHost { parts.append("unknown hosts allowed") }
        return "SessionConfiguration(" + parts.joined(separator: ", ") + ")"
    }

    public var debugDescription: String { description }

    static func describe(_ security: ConnectionSecurity) -> String {
        switch security {
        case .plaintext:
            return "plaintext"
        case .tls(let tls):
            var s = "TLS \(tls.minimumVersion.rawValue)+"
            if !tls.verifyPeer { s += " without peer verification" }
            if !tls.pins.isEmpty { s += ", \(tls.pins.count) pin(s)" }
            return s
        }
    }
}

/// Why a session configuration is unusable, or could not be read from the environment.
///
/// Each `description` is one line: what is wrong and how to fix it. No case carries a private
/// key, a PEM line or a passphrase.
public enum SessionConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    // MARK: Configuration
    /// The gateway has no such session (KalshiPT and KalshiRFQ are prediction only).
    case sessionTypeNotAvailable(KalshiSessionType, product: KalshiProduct)
    /// HeartBtInt (108) below the gateway's minimum, in seconds.
    case heartbeatIntervalTooShort(seconds: Int, minimum: Int, product: KalshiProduct)
    case portOutOfRange(Int)
    case emptyHost
    /// A non-loopback host that is not one of ``KalshiHosts/known``.
    case unknownHost(String)
    /// Plaintext requested to a host that is not loopback.
    case plaintextToNonLoopbackHost(String)
    /// A Logon flag set on a session (or gateway) that does not accept it.
    case logonFlagNotAllowed(KalshiLogonFlag, sessionType: KalshiSessionType, product: KalshiProduct)
    /// UseDollars = cents on margin, where prices are always dollars.
    case centPricesOnMargin
    /// ListenerSession=Y without SkipPendingExecReports=Y.
    case listenerWithoutSkipPendingExecReports
    /// CancelOrdersOnDisconnect=Y on a listener session.
    case cancelOrdersOnDisconnectOnListener
    /// MessageRetentionPeriod outside 1...72 hours.
    case messageRetentionOutOfRange(hours: Int)
    /// SenderCompID (API key id) empty.
    case missingKeyID
    /// SenderCompID contains characters that cannot go into a FIX field.
    case invalidKeyID(reason: String)
    case invalidLogonTimeout(seconds: Double)
    case invalidReconnectPolicy(reason: String)

    // MARK: Environment
    /// A required environment variable is unset or empty; `hint` says what to do beyond setting it.
    case missingEnvironmentVariable(String, hint: String?)
    /// Two environment variables that exclude each other are both set.
    case conflictingEnvironmentVariables(String, String)
    /// A non-secret variable has a value that cannot be used.
    case invalidEnvironmentVariable(String, value: String, expected: String)
    /// The private key named by `keyVariable` did not load; `passphraseVariable` is where its
    /// passphrase is read from.
    case privateKeyNotLoadable(keyVariable: String, passphraseVariable: String, reason: LogonSignerError)

    public var description: String {
        switch self {
        case .sessionTypeNotAvailable(let type, let product):
            let offered = product.sessionTypes.map(\.targetCompID).joined(separator: ", ")
            return "\(type) does not exist on the \(product) gateway; use one of \(offered)"
        case .heartbeatIntervalTooShort(let seconds, let minimum, let product):
            return "heartbeat interval \(seconds) s is too short for the \(product) gateway; set heartbeatInterval to \(minimum) s or more (default 30)"
        case .portOutOfRange(let port):
            return "port \(port) is outside 1...65535; set a valid TCP port"
        case .emptyHost:
            return "host is empty; set a host name or use a Kalshi environment (.kalshi(.production) or .kalshi(.demo))"
        case .unknownHost(let host):
            return "host \(host) is not a known Kalshi FIX host and not loopback; fix the host, or set allowUnknownHost (or KALSHI_FIX_ALLOW_UNKNOWN_HOST=1) if you really mean it (e.g. a TLS proxy or PrivateLink name)"
        case .plaintextToNonLoopbackHost(let host):
            return "plaintext to \(host) would expose the logon signature; Kalshi requires TLS: use security .tls(...) (plaintext is for loopback only)"
        case .logonFlagNotAllowed(let flag, let type, let product):
            let scope = flag.scopeDescription
            return "\(flag) is not accepted on a \(product) \(type) session (it applies to \(scope.isEmpty ? "no session" : scope)); remove it from logonOptions"
        case .centPricesOnMargin:
            return "UseDollars (21005) = cents is not possible on the margin gateway, whose prices are always dollars; set priceUnit to nil or .dollars"
        case .listenerWithoutSkipPendingExecReports:
            return "a listener session (ListenerSession 20126=Y) requires SkipPendingExecReports (21011)=Y; set skipPendingExecReports = true"
        case .cancelOrdersOnDisconnectOnListener:
            return "CancelOrdersOnDisconnect (8013)=Y is not allowed on a listener session; set cancelOrdersOnDisconnect to nil or false"
        case .messageRetentionOutOfRange(let hours):
            return "MessageRetentionPeriod (20200) \(hours) h is outside 1...72 hours; use at most 72 (default 24)"
        case .missingKeyID:
            return "SenderCompID (your FIX API key id) is empty; set it to the key's UUID (KALSHI_KEY_ID or KALSHI_PERPS_KEY_ID)"
        case .invalidKeyID(let reason):
            return "SenderCompID (your FIX API key id) is invalid: \(reason); copy the key id (a UUID) exactly"
        case .invalidLogonTimeout(let seconds):
            return "logon timeout \(seconds) s is not usable; set logonTimeout to a finite number of seconds > 0 (default 10)"
        case .invalidReconnectPolicy(let reason):
            return "reconnect policy: \(reason)"
        case .missingEnvironmentVariable(let name, let hint):
            return "environment variable \(name) is not set" + (hint.map { "; \($0)" } ?? "")
        case .conflictingEnvironmentVariables(let a, let b):
            return "both \(a) and \(b) are set; set only one of them"
        case .invalidEnvironmentVariable(let name, let value, let expected):
            return "environment variable \(name)=\(value) is not valid; expected \(expected)"
        case .privateKeyNotLoadable(let keyVariable, let passphraseVariable, let reason):
            if reason == .wrongOrMissingPassphrase {
                return "private key from \(keyVariable) is encrypted and the passphrase is missing or wrong; set \(passphraseVariable)"
            }
            return "private key from \(keyVariable) could not be loaded: \(reason)"
        }
    }
}

/// Which Kalshi FIX gateway a session talks to.
///
/// The two gateways are separate systems: different hosts, a different set of session types,
/// different price conventions and separate API keys (FACTS §2.2, §17).
public enum KalshiProduct: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Event contracts (the "prediction" gateway, `docs.kalshi.com/fix`).
    case prediction
    /// Perpetual futures (the "margin" gateway, `docs.kalshi.com/fix-margin`).
    case margin

    /// The session types this gateway offers, in port order (FACTS §2.3, §17).
    public var sessionTypes: [KalshiSessionType] {
        KalshiSessionType.allCases.filter { $0.isAvailable(on: self) }
    }

    /// The smallest HeartBtInt (108) the gateway accepts, in seconds.
    ///
    /// Prediction documents "HeartbeatInt > 3", margin ">= 3" (FACTS §4.1, §17).
    // Decision (Q26): HeartBtInt is an integer on the wire, so "> 3" means 4 on prediction and
    // ">= 3" means 3 on margin; the SDK enforces the same two limits.
    public var minimumHeartbeatInterval: Int {
        switch self {
        case .prediction: return 4
        case .margin: return 3
        }
    }

    /// Margin prices are always fixed-point dollars; UseDollars (21005) cannot switch them to
    /// cents (FACTS §16, §17).
    public var alwaysUsesDollarPrices: Bool { self == .margin }

    /// Prefix of the environment variables holding this gateway's credentials:
    /// `KALSHI_` for prediction, `KALSHI_PERPS_` for margin.
    // The margin gateway must not share API keys with the prediction one (FACTS §2.2), so it
    // reads its own variables and never falls back to the prediction ones.
    public var environmentVariablePrefix: String {
        switch self {
        case .prediction: return "KALSHI_"
        case .margin: return "KALSHI_PERPS_"
        }
    }

    public var description: String { rawValue }
}

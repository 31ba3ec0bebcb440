import FixSession
import FixTransport

/// An API key the simulator accepts: the key id (the client's SenderCompID) and the RSA public
/// key its Logon signatures verify with.
public struct SimAPIKey: Sendable {
    public var keyID: String
    /// PEM `BEGIN PUBLIC KEY` (SubjectPublicKeyInfo) or `BEGIN RSA PUBLIC KEY`.
    public var publicKeyPEM: String
    /// The account the key trades for (default: its own). Keys of one account share orders,
    /// positions and listener copies (a listener session needs its own key, FACTS §10).
    public var account: String
    /// Other accounts the key's firm clears for (an FCM's customer accounts): settlement
    /// reports to this key's sessions carry their party entries too, besides ``account``'s
    /// (FACTS §15, PartyRole 24 Customer Account). Empty by default.
    public var clearedAccounts: [String]

    public init(keyID: String, publicKeyPEM: String, account: String? = nil, clearedAccounts: [String] = []) {
        self.keyID = keyID
        self.publicKeyPEM = publicKeyPEM
        self.account = account ?? keyID
        self.clearedAccounts = clearedAccounts
    }
}

/// A market the simulator trades.
public struct SimMarket: Sendable, Hashable {
    /// Market ticker (Symbol, 55).
    public var ticker: String
    /// Price increment: 1 cent (prediction default) or 0.0001 dollar (margin, subpenny).
    public var tick: SimPrice
    /// Margin accepts whole contracts only (FACTS §17).
    public var wholeContractsOnly: Bool

    public init(ticker: String, tick: SimPrice = .cents(1), wholeContractsOnly: Bool = false) {
        self.ticker = ticker
        self.tick = tick
        self.wholeContractsOnly = wholeContractsOnly
    }

    /// Demo markets per product: prediction event contracts and one perpetual.
    public static func defaults(for product: KalshiProduct) -> [SimMarket] {
        switch product {
        case .prediction:
            return [SimMarket(ticker: "KXFEDDECISION-26DEC-H0"), SimMarket(ticker: "KXBTCD-26DEC3117-T100000"),
                    SimMarket(ticker: "INXD-26DEC31-B6000")]
        case .margin:
            return [SimMarket(ticker: "BTC-PERP", tick: SimPrice(units: 1), wholeContractsOnly: true)]
        }
    }
}

/// How a ``KalshiSimServer`` runs.
public struct SimConfiguration: Sendable {
    /// How the simulator picks its listening ports.
    public enum Ports: Sendable, Hashable {
        /// Kalshi's own ports (8228–8233); fails if they are taken.
        case kalshi
        /// Kalshi's ports shifted by an offset (e.g. 10000 → 18228…).
        case offset(Int)
        /// Ports the kernel picks: what tests use (read ``KalshiSimServer/port(for:)``).
        case ephemeral
        /// These ports (session types not listed get ephemeral ones).
        case explicit([KalshiSessionType: Int])
    }

    /// Prediction (six session types) or margin (NR, RT, DC, MD).
    public var product: KalshiProduct
    /// The address listened on; plaintext requires loopback.
    public var host: String
    public var ports: Ports
    /// TLS with a certificate generated at start (the default), or plaintext on loopback.
    public var useTLS: Bool
    /// The keys whose signed logons are accepted.
    public var apiKeys: [SimAPIKey]
    /// The markets traded (default: ``SimMarket/defaults(for:)``).
    public var markets: [SimMarket]
    /// Largest accepted SendingTime skew, seconds (Kalshi: 30 s; Decision Q6).
    public var sendingTimeTolerance: Double
    /// Which session types listen (default: all of the product's).
    public var sessionTypes: [KalshiSessionType]
    /// Party entries per MarketSettlementReport (UMS) page: a settlement batch with more
    /// parties is split into fragments, `LastFragment` (893) `N` on all but the last (FACTS §15).
    /// Kalshi does not publish its page size; default 100. Must be at least 1.
    public var settlementReportPageSize: Int
    /// How long a market maker has to confirm (U7) an accepted quote before it is voided
    /// (Kalshi: 30 s, FACTS §14).
    public var rfqConfirmTimeout: Duration
    /// Scripted market activity (``SimBotConfiguration``); nil (the default) for none.
    public var bots: SimBotConfiguration?
    /// Latency probe for benchmarks (nil: none).
    public var probe: SimProbe?
    /// Where the simulator reports what it does (logons, refusals, errors), one line each;
    /// called on the simulator's I/O thread. Never receives key material.
    public var log: (@Sendable (String) -> Void)?
    /// The exchange's clock, nanoseconds since the Unix epoch (default: the wall clock). It
    /// dates TransactTime, DAY/GTD expiry, the order-group 15-second window and the drop-copy
    /// 3-hour window; tests inject one to move through those windows without sleeping. Called
    /// on the simulator's I/O thread. Session-level times (SendingTime, heartbeats) stay on the
    /// wall clock.
    public var clock: (@Sendable () -> Int64)?

    public init(product: KalshiProduct = .prediction, host: String = "127.0.0.1", ports: Ports = .ephemeral,
                useTLS: Bool = true, apiKeys: [SimAPIKey] = [], sendingTimeTolerance: Double = 30,
                sessionTypes: [KalshiSessionType]? = nil, markets: [SimMarket]? = nil,
                settlementReportPageSize: Int = 100, rfqConfirmTimeout: Duration = .seconds(30),
                bots: SimBotConfiguration? = nil, log: (@Sendable (String) -> Void)? = nil,
                clock: (@Sendable () -> Int64)? = nil) {
        precondition(settlementReportPageSize >= 1, "settlementReportPageSize must be at least 1")
        self.product = product
        self.host = host
        self.ports = ports
        self.useTLS = useTLS
        self.apiKeys = apiKeys
        self.sendingTimeTolerance = sendingTimeTolerance
        self.sessionTypes = sessionTypes ?? product.sessionTypes
        self.markets = markets ?? SimMarket.defaults(for: product)
        self.settlementReportPageSize = settlementReportPageSize
        self.rfqConfirmTimeout = rfqConfirmTimeout
        self.bots = bots
        self.probe = nil
        self.log = log
        self.clock = clock
    }

    func port(for type: KalshiSessionType) -> Int {
        switch ports {
        case .kalshi: return type.port
        case .offset(let offset): return type.port + offset
        case .ephemeral: return 0
        case .explicit(let ports): return ports[type] ?? 0
        }
    }
}

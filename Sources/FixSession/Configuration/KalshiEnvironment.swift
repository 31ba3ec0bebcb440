/// Kalshi's production exchange or its demo (paper-trading) exchange.
public enum KalshiEnvironment: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case production
    case demo

    /// The host serving `role` sessions of `product` in this environment.
    ///
    /// | Product | Env | Order entry | Market data |
    /// |---|---|---|---|
    /// | prediction | production | `mm.fix.elections.kalshi.com` | `marketdata.fix.elections.kalshi.com` |
    /// | prediction | demo | `fix.demo.kalshi.co` | `marketdata.fix.demo.kalshi.co` |
    /// | margin | production | `margin-mm.fix.elections.kalshi.com` | `margin-marketdata.fix.elections.kalshi.com` |
    /// | margin | demo | `margin-fix.demo.kalshi.co` | `margin-marketdata.fix.demo.kalshi.co` |
    // Decision (Q1): production hosts are the newest connectivity pages' values (prediction
    // D-conn, margin M-conn .md copy), because those are what Kalshi documents now; the SDK's
    // co-located hosts contradict "KalshiMD only on the market-data host". The older and the
    // SDK's hosts stay in `KalshiHosts.known`, so pointing a session at one of them explicitly
    // needs no `allowUnknownHost`. Demo hosts agree in every source.
    public func host(for product: KalshiProduct, role: KalshiHostRole) -> String {
        switch (product, self, role) {
        case (.prediction, .production, .orderEntry): return "mm.fix.elections.kalshi.com"
        case (.prediction, .production, .marketData): return "marketdata.fix.elections.kalshi.com"
        case (.prediction, .demo, .orderEntry): return "fix.demo.kalshi.co"
        case (.prediction, .demo, .marketData): return "marketdata.fix.demo.kalshi.co"
        case (.margin, .production, .orderEntry): return "margin-mm.fix.elections.kalshi.com"
        case (.margin, .production, .marketData): return "margin-marketdata.fix.elections.kalshi.com"
        case (.margin, .demo, .orderEntry): return "margin-fix.demo.kalshi.co"
        case (.margin, .demo, .marketData): return "margin-marketdata.fix.demo.kalshi.co"
        }
    }

    /// Host and port of `sessionType` on `product`'s gateway in this environment.
    /// - Throws: ``SessionConfigurationError/sessionTypeNotAvailable(_:product:)`` for KalshiPT
    ///   or KalshiRFQ on margin.
    public func endpoint(product: KalshiProduct, sessionType: KalshiSessionType) throws(SessionConfigurationError) -> SessionEndpoint {
        guard sessionType.isAvailable(on: product) else {
            throw .sessionTypeNotAvailable(sessionType, product: product)
        }
        return SessionEndpoint(host: host(for: product, role: sessionType.hostRole), port: sessionType.port)
    }

    public var description: String { rawValue }
}

/// Host names Kalshi has published for its FIX gateways.
public enum KalshiHosts {
    /// Every host any source names (current docs, older docs, the SDK), lower case. A session to
    /// another non-loopback host needs `allowUnknownHost` or `KALSHI_FIX_ALLOW_UNKNOWN_HOST=1`.
    // Why a list at all: the Logon signature travels to whatever host is configured; a typo or a
    // hostile override should not silently hand it to someone else (the SDK does the same).
    public static let known: Set<String> = {
        var hosts: Set<String> = []
        for product in KalshiProduct.allCases {
            for environment in KalshiEnvironment.allCases {
                for role in KalshiHostRole.allCases {
                    hosts.insert(environment.host(for: product, role: role))
                }
            }
        }
        // Older prediction docs (single host; listener, drop-copy pages) and the SDK's margin host.
        hosts.insert("fix.elections.kalshi.com")
        hosts.insert("margin-fix-api.fix.elections.kalshi.com")
        return hosts
    }()

    /// Whether `host` (any case, trailing dot allowed) is one of ``known``.
    public static func isKnown(_ host: String) -> Bool {
        known.contains(HostName.normalized(host))
    }
}

/// A host name (or IP literal) and TCP port.
public struct SessionEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    /// TCP port, 1...65535.
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

import FixCodec
import FixSession

/// The exchange behind the gateway: accounts, markets, and the per-role handlers each
/// logged-on session's application messages are routed to. I/O thread only.
final class SimExchange {
    let product: KalshiProduct
    unowned(unsafe) var server: KalshiSimServer!
    private(set) var orderEntry: SimOrderEntry!
    private(set) var marketData: SimMarketData!
    private(set) var bots: SimBots?
    private var owners: [String: SimOwnerID] = [:]

    init(product: KalshiProduct, markets: [SimMarket]) {
        self.product = product
        orderEntry = SimOrderEntry(exchange: self, now: FixTimestamp.now().nanosecondsSinceEpoch)
        marketData = SimMarketData(exchange: self)
        for market in markets { addMarket(market) }
    }

    /// Wall-clock nanoseconds since the Unix epoch: what the engine's deadlines compare with.
    var now: Int64 { FixTimestamp.now().nanosecondsSinceEpoch }

    @discardableResult
    func addMarket(_ market: SimMarket) -> Bool {
        orderEntry.engine.addMarket(market.ticker, config: SimMarketConfig(tick: market.tick, wholeContractsOnly: market.wholeContractsOnly))
    }

    /// The account a session trades for (its API key's account), as the engine's owner id.
    func owner(of session: SimSession) -> SimOwnerID? {
        guard let keyID = session.keyID, let account = server.account(of: keyID) else { return nil }
        return owner(ofAccount: account)
    }

    /// The engine's owner id of `account` (API-key accounts and the simulator's own, e.g. bots).
    func owner(ofAccount account: String) -> SimOwnerID {
        if let owner = owners[account] { return owner }
        let owner = SimOwnerID(UInt64(owners.count + 1))
        owners[account] = owner
        return owner
    }

    /// Logged-on listener sessions (20126=Y) of `owner`'s account: they mirror its reports.
    func listeners(of owner: SimOwnerID) -> [SimSession] {
        server.sessions.values.filter { $0.isActive && $0.options.listener && self.owner(of: $0) == owner }
    }

    func sessionActive(_ session: SimSession) {}

    func sessionClosed(_ session: SimSession) {
        if session.sessionType.isOrderEntry { orderEntry.sessionClosed(session) }
        if session.sessionType == .kalshiMD { marketData.sessionClosed(session) }
    }

    /// The book changed: market-data subscribers hear about it.
    func marketDataChanged() { marketData.bookChanged() }

    /// Starts the scripted traders on the simulator's reactor (from its I/O thread).
    func startBots(_ configuration: SimBotConfiguration) {
        let tickers = configuration.markets ?? Array(server.configuration.markets.prefix(2).map(\.ticker))
        let bots = SimBots(configuration: configuration, exchange: self, markets: tickers)
        self.bots = bots
        bots.start(on: server.reactor)
    }

    /// Starts (`paused`) or ends a trading pause in `market`; SecurityStatus subscribers hear of
    /// a change. False for an unknown market.
    func setPaused(_ paused: Bool, market: String) -> Bool {
        guard let wasPaused = orderEntry.engine.isPaused(market: market) else { return false }
        guard wasPaused != paused else { return true }
        if paused { orderEntry.pause(market: market) } else { orderEntry.engine.resume(market: market) }
        marketData.tradingStatusChanged(market: market, paused: paused)
        return true
    }

    func received(_ message: FixMessage, on session: SimSession) {
        let type = message.msgType
        if session.sessionType.isOrderEntry {
            let isOrderMessage = type.equals("D") || type.equals("F") || type.equals("G") || type.equals("q")
            if isOrderMessage && session.options.listener {
                // Listener sessions are read-only (FACTS §10).
                session.businessReject(message, reason: .notAuthorized, text: "Listener sessions cannot send \(type.string)")
                return
            }
            if type.equals("D") { return orderEntry.newOrder(message, on: session) }
            if type.equals("F") { return orderEntry.cancel(message, on: session) }
            if type.equals("G") { return orderEntry.replace(message, on: session) }
            if type.equals("q") {
                // Mass cancel is a KalshiNR message (FACTS §9.4).
                guard session.sessionType == .kalshiNR else {
                    session.businessReject(message, reason: .unsupportedMessageType, text: "OrderMassCancelRequest is only accepted on KalshiNR")
                    return
                }
                return orderEntry.massCancel(message, on: session)
            }
        }
        if session.sessionType == .kalshiMD, marketData.received(message, on: session) { return }
        session.businessReject(message, reason: .unsupportedMessageType,
                               text: "Unsupported Message Type \(type.string) on \(session.sessionType)", refTagID: 35)
    }
}

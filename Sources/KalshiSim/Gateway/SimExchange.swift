import FixCodec
import FixSession

/// The exchange behind the gateway: accounts, markets, and the per-role handlers each
/// logged-on session's application messages are routed to. I/O thread only.
final class SimExchange {
    let product: KalshiProduct
    unowned(unsafe) var server: KalshiSimServer!
    private(set) var orderEntry: SimOrderEntry!
    private(set) var settlement: SimSettlementDesk!
    private(set) var rfq: SimRFQDesk!
    /// ExecutionReport history for KalshiDC (DropCopy/).
    let dropCopy = SimDropCopy()
    private(set) var marketData: SimMarketData!
    private(set) var bots: SimBots?
    private var owners: [String: SimOwnerID] = [:]
    private var accounts: [SimOwnerID: String] = [:]
    private let clock: (@Sendable () -> Int64)?

    init(product: KalshiProduct, markets: [SimMarket], clock: (@Sendable () -> Int64)? = nil) {
        self.product = product
        self.clock = clock
        orderEntry = SimOrderEntry(exchange: self, now: FixTimestamp.now().nanosecondsSinceEpoch)
        settlement = SimSettlementDesk(exchange: self)
        rfq = SimRFQDesk(exchange: self)
        marketData = SimMarketData(exchange: self)
        for market in markets { addMarket(market) }
    }

    /// The exchange clock (``SimConfiguration/clock``, default the wall clock), nanoseconds
    /// since the Unix epoch: what deadlines, TransactTime and the group and drop-copy windows use.
    var now: Int64 { clock?() ?? FixTimestamp.now().nanosecondsSinceEpoch }

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
        accounts[owner] = account
        return owner
    }

    /// The account an owner id stands for.
    func account(of owner: SimOwnerID) -> String? { accounts[owner] }

    func sessionActive(_ session: SimSession) {
        if let owner = owner(of: session) { server.offline.loggedOn(session, owner: owner) }
    }

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
                || type.equals("UOG")
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
            if type.equals("UOG") { return orderEntry.orderGroupRequest(message, on: session) }
        }
        // RFQ (FACTS §14): creators on prediction KalshiRT, makers on KalshiRFQ.
        if product == .prediction && session.sessionType == .kalshiRT && (type.equals("R") || type.equals("UA") || type.equals("UE")) {
            if session.options.listener {
                // Listener sessions cannot create RFQs or accept quotes (FACTS §10).
                return session.businessReject(message, reason: .notAuthorized, text: "Listener sessions cannot send \(type.string)")
            }
            if type.equals("R") { return rfq.quoteRequest(message, on: session) }
            if type.equals("UA") { return rfq.acceptQuote(message, on: session) }
            return rfq.cancelRequest(message, on: session)
        }
        if session.sessionType == .kalshiRFQ {
            if type.equals("S") { return rfq.quote(message, on: session) }
            if type.equals("Z") { return rfq.quoteCancel(message, on: session) }
            if type.equals("U7") { return rfq.quoteConfirm(message, on: session) }
        }
        if session.sessionType == .kalshiDC, type.equals("U1") { return eventResendRequest(message, on: session) }
        if session.sessionType == .kalshiMD, marketData.received(message, on: session) { return }
        session.businessReject(message, reason: .unsupportedMessageType,
                               text: "Unsupported Message Type \(type.string) on \(session.sessionType)", refTagID: 35)
    }
}

import FixCodec
import FixSession
import FixTransport

/// What a market-data session tells the application, inline on the I/O thread.
public protocol MarketDataDelegate: AnyObject {
    /// A book changed (snapshot or incremental); read it now, it keeps changing.
    func marketData(_ session: MarketDataSession, bookChanged book: FixOrderBook)
    /// A MarketDataRequestReject (Y) arrived.
    func marketData(_ session: MarketDataSession, requestRejected text: String, reason: Int?)
    /// A SecurityStatus (f): a market's trading status changed (326: 2 halted, 3 resumed, …).
    func marketData(_ session: MarketDataSession, status symbol: String, tradingStatus: Int)
    /// The session changed state.
    func marketData(_ session: MarketDataSession, stateChanged state: SessionState)
    /// The connection was lost: every book was dropped (they are rebuilt from the snapshots
    /// the automatic resubscription brings).
    func marketData(_ session: MarketDataSession, cleared report: BookClearReport)
    /// A session error (refused logon, lost connection, Reject…); fatal ones end the connection.
    func marketData(_ session: MarketDataSession, error: SessionError)
}

extension MarketDataDelegate {
    public func marketData(_ session: MarketDataSession, requestRejected text: String, reason: Int?) {}
    public func marketData(_ session: MarketDataSession, status symbol: String, tradingStatus: Int) {}
    public func marketData(_ session: MarketDataSession, stateChanged state: SessionState) {}
    public func marketData(_ session: MarketDataSession, cleared report: BookClearReport) {}
    public func marketData(_ session: MarketDataSession, error: SessionError) {}
}

/// A KalshiMD session: subscriptions by symbol (V), books from W snapshots and X incrementals
/// (``FixOrderBooks``, FACTS §13.6), SecurityStatus (e/f). KalshiMD has no retransmission, so
/// a disconnect clears every book and the next logon resubscribes what was subscribed.
///
/// - Important: I/O thread only.
public final class MarketDataSession: SessionHandler {
    public let configuration: SessionConfiguration
    /// The books, keyed by symbol.
    public let books: FixOrderBooks
    public weak var delegate: (any MarketDataDelegate)?
    public private(set) var driver: SessionDriver!
    private var statusSymbols: Set<String> = []
    private var wasActive = false

    init(configuration: SessionConfiguration, endpoint: SessionEndpoint, reactor: Reactor, store: any SessionStore,
         reconnectPolicy: ReconnectPolicy?) {
        self.configuration = configuration
        books = FixOrderBooks(priceModel: configuration.product == .margin ? .unbounded : .predictionGrid)
        driver = SessionDriver(configuration: configuration, endpoint: endpoint, reactor: reactor, store: store, handler: self,
                               reconnectPolicy: reconnectPolicy)
    }

    /// Connects and logs on.
    public func start() { driver.start() }

    /// Logs out.
    public func logout() { driver.logout() }

    /// Subscribes to snapshots plus updates for `symbols` (sent now if logged on, otherwise
    /// at logon).
    public func subscribe(_ symbols: [String]) {
        books.noteSubscribed(symbols)
        if driver.core.state == .active { sendSubscription(symbols) }
    }

    /// Stops updates for `symbols` and drops their books.
    public func unsubscribe(_ symbols: [String]) {
        books.noteUnsubscribed(symbols)
        guard driver.core.state == .active else { return }
        try? driver.send(MarketDataRequest(subscriptionRequestType: .disablePreviousSnapshotPlusUpdateRequest,
                                           relatedSym: symbols.map { RelatedSymEntry(symbol: $0) }))
    }

    /// Subscribes to SecurityStatus changes (prediction only, FACTS §13.5).
    public func subscribeStatus(_ symbol: String) {
        statusSymbols.insert(symbol)
        if driver.core.state == .active { sendStatusRequest(symbol) }
    }

    private func sendSubscription(_ symbols: [String]) {
        guard !symbols.isEmpty else { return }
        try? driver.send(MarketDataRequest(subscriptionRequestType: .snapshotPlusUpdates,
                                           relatedSym: symbols.map { RelatedSymEntry(symbol: $0) }))
    }

    private func sendStatusRequest(_ symbol: String) {
        try? driver.send(SecurityStatusRequest(subscriptionRequestType: .snapshotPlusUpdates, symbol: symbol))
    }

    // MARK: SessionHandler

    public func session(_ session: SessionDriver, received message: FixMessage) {
        let type = message.msgType
        if type.equals("W") || type.equals("X") {
            books.apply(message) { book in delegate?.marketData(self, bookChanged: book) }
        } else if type.equals("Y") {
            delegate?.marketData(self, requestRejected: message.body.value(58)?.string ?? "",
                                 reason: (try? message.body.int(281)) ?? nil)
        } else if type.equals("f") {
            guard let symbol = message.body.value(55)?.string, let status = (try? message.body.int(326)) ?? nil else { return }
            delegate?.marketData(self, status: symbol, tradingStatus: status)
        }
    }

    public func session(_ session: SessionDriver, stateChanged state: SessionState) {
        switch state {
        case .active:
            wasActive = true
            sendSubscription(books.subscribedSymbols.sorted())
            for symbol in statusSymbols.sorted() { sendStatusRequest(symbol) }
        case .disconnected where wasActive:
            wasActive = false
            let report = books.clear()
            delegate?.marketData(self, cleared: report)
        default:
            break
        }
        delegate?.marketData(self, stateChanged: state)
    }

    public func session(_ session: SessionDriver, error: SessionError) { delegate?.marketData(self, error: error) }
}

/// What a post-trade session tells the application, inline on the I/O thread.
public protocol SettlementDelegate: AnyObject {
    /// A market's settlement, complete (every fragment received). May be resent after a
    /// reconnect: handle it idempotently (key: symbol + report ids).
    func settlement(_ session: SettlementSession, settled: MarketSettlement)
    /// Fragments were dropped on a disconnect (the warning says which).
    func settlement(_ session: SettlementSession, dropped warning: SettlementClearWarning)
    /// A MarketSettlementReport that could not be decoded (it is not reassembled), or a session error.
    func settlement(_ session: SettlementSession, error: String)
}

extension SettlementDelegate {
    public func settlement(_ session: SettlementSession, dropped warning: SettlementClearWarning) {}
    public func settlement(_ session: SettlementSession, error: String) {}
}

/// A KalshiPT session (or KalshiRT with ReceiveSettlementReports): MarketSettlementReport
/// fragments reassembled per market (``SettlementReassembler``, FACTS §15).
///
/// - Important: I/O thread only.
public final class SettlementSession: SessionHandler {
    public let configuration: SessionConfiguration
    public let reassembler = SettlementReassembler()
    public weak var delegate: (any SettlementDelegate)?
    public private(set) var driver: SessionDriver!
    /// Called with state changes, on the I/O thread.
    public var onStateChange: ((SessionState) -> Void)?

    init(configuration: SessionConfiguration, endpoint: SessionEndpoint, reactor: Reactor, store: any SessionStore,
         reconnectPolicy: ReconnectPolicy?) {
        self.configuration = configuration
        driver = SessionDriver(configuration: configuration, endpoint: endpoint, reactor: reactor, store: store, handler: self,
                               reconnectPolicy: reconnectPolicy)
    }

    public func start() { driver.start() }
    public func logout() { driver.logout() }

    public func session(_ session: SessionDriver, received message: FixMessage) {
        guard message.msgType.equals("UMS") else { return }
        do throws(FixDecodeError) {
            if case .complete(let settlement) = try reassembler.apply(message) { delegate?.settlement(self, settled: settlement) }
        } catch {
            delegate?.settlement(self, error: "MarketSettlementReport not reassembled: \(error)")
        }
    }

    public func session(_ session: SessionDriver, stateChanged state: SessionState) {
        if state == .disconnected, let warning = reassembler.clear() { delegate?.settlement(self, dropped: warning) }
        onStateChange?(state)
    }

    public func session(_ session: SessionDriver, error: SessionError) { delegate?.settlement(self, error: "\(error)") }
}

extension FixClient {
    /// Builds a market-data session (KalshiMD); call ``MarketDataSession/start()`` on the I/O thread.
    public func openMarketData(_ configuration: SessionConfiguration, reconnectPolicy: ReconnectPolicy? = ReconnectPolicy()) throws -> MarketDataSession {
        return MarketDataSession(configuration: configuration, endpoint: try endpoint(of: configuration, for: [.kalshiMD]), reactor: reactor,
                                 store: InMemorySessionStore(keepsMessages: false), reconnectPolicy: reconnectPolicy)
    }

    /// Builds a settlement session (KalshiPT, or KalshiRT with 20127=Y).
    public func openSettlement(_ configuration: SessionConfiguration, store: (any SessionStore)? = nil,
                               reconnectPolicy: ReconnectPolicy? = ReconnectPolicy()) throws -> SettlementSession {
        return SettlementSession(configuration: configuration, endpoint: try endpoint(of: configuration, for: [.kalshiPT, .kalshiRT]),
                                 reactor: reactor,
                                 store: store ?? InMemorySessionStore(), reconnectPolicy: reconnectPolicy)
    }
}

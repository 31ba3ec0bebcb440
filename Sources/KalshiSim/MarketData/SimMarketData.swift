import FixCodec
import FixSession
import FixTransport

/// Market data on KalshiMD (FACTS §13), both products: MarketDataRequest (V) answered with a
/// snapshot (W) and, for subscriptions, incremental refreshes (X) of book levels and trade
/// prints; MarketDataRequestReject (Y) for requests it refuses; SecurityStatusRequest (e) and
/// SecurityStatus (f) on prediction.
///
/// Subscriptions are keyed by Symbol per session (there is no MDReqID). Prices are always
/// dollars with 4 decimals and sizes contracts with 2 decimals (FACTS §13, §16; Decision Q5:
/// UseDollars does not apply to KalshiMD).
///
/// Decisions where FACTS and OPEN-QUESTIONS leave room:
/// - Offers (269=1) are YES asks at YES prices, the standard reading (Q12).
/// - Levels that appear or change are sent as 279=1 Change with the new absolute size, levels
///   that empty as 279=2 Delete with size 0.00; 279=0 New is used only for trade prints (Q11:
///   the docs' only New example is a trade, and the SDK, written against an earlier Kalshi spec,
///   says Kalshi does not emit New for levels).
/// - Unknown symbols are not rejected (FACTS §13.2): they get an empty snapshot, and a
///   subscription to one is kept (it counts toward the limit) and stays silent.
/// - One X per market per book change, with every entry of that market: its trade prints in
///   execution order first, then each changed level once with its current size.
/// - A session may hold at most ``symbolLimit`` subscribed symbols and name at most that many
///   in one request; more is refused as a whole with 281=2 (FACTS §13.4 names the reason but
///   no number).
/// - SecurityStatus is prediction-only (Q13; margin answers 35=e with a BusinessMessageReject)
///   and changes-only (FACTS §13.5): nothing on subscribe, 326=2 when a market pauses, 326=3
///   when it resumes.
///
/// - Important: I/O thread only (the simulator's reactor).
final class SimMarketData {
    /// Most symbols one session may subscribe to, and most symbols one request may name.
    static let symbolLimit = 100

    unowned let exchange: SimExchange
    /// Sessions subscribed to each symbol's book, in subscription order.
    private var bookSubscribers: [String: [SimSession]] = [:]
    /// Symbols each session subscribed to (book updates).
    private var bookSymbols: [ObjectIdentifier: Set<String>] = [:]
    /// Sessions subscribed to each symbol's trading status (35=e).
    private var statusSubscribers: [String: [SimSession]] = [:]
    // Scratch buffers, reused so a quiet book change allocates nothing.
    private var changes: [SimMarketDataChange] = []
    private var levels: [SimLevel] = []

    init(exchange: SimExchange) {
        self.exchange = exchange
        changes.reserveCapacity(64)
    }

    /// Handles a KalshiMD application message; false when it is not a market-data message.
    func received(_ message: FixMessage, on session: SimSession) -> Bool {
        let type = message.msgType
        if type.equals("V") {
            marketDataRequest(message, on: session)
            return true
        }
        if type.equals("e") {
            securityStatusRequest(message, on: session)
            return true
        }
        return false
    }

    func sessionClosed(_ session: SimSession) {
        let id = ObjectIdentifier(session)
        for symbol in bookSymbols[id] ?? [] { bookSubscribers[symbol]?.removeAll { $0 === session } }
        bookSymbols[id] = nil
        for symbol in statusSubscribers.keys { statusSubscribers[symbol]?.removeAll { $0 === session } }
    }

    // MARK: V / W / Y

    private func marketDataRequest(_ message: FixMessage, on session: SimSession) {
        let request = MarketDataRequestView(unchecked: message)
        // The strict decoder already checked 263 and the 146 group against the dictionary.
        guard let type = try? request.subscriptionRequestType else { return }
        var symbols: [String] = []
        if let group = try? request.relatedSym {
            for entry in group {
                guard let symbol = try? entry.symbol.string, !symbols.contains(symbol) else { continue }
                symbols.append(symbol)
            }
        }
        func reject(_ reason: MDReqRejReason?, _ text: String) {
            session.send(MarketDataRequestReject(mdReqRejReason: reason, text: text))
        }
        let id = ObjectIdentifier(session)
        switch type {
        case .snapshot, .snapshotPlusUpdates:
            guard !symbols.isEmpty else {
                return reject(nil, "NoRelatedSym(146) is required with SubscriptionRequestType(263)=\(type.rawValue)")
            }
            guard symbols.count <= Self.symbolLimit else {
                return reject(.insufficientBandwidth, "Too many symbols in one request: at most \(Self.symbolLimit)")
            }
            if type == .snapshotPlusUpdates {
                let current = bookSymbols[id] ?? []
                let added = symbols.filter { !current.contains($0) }
                guard current.count + added.count <= Self.symbolLimit else {
                    return reject(.insufficientBandwidth, "Symbol limit exceeded: at most \(Self.symbolLimit) subscribed symbols per session")
                }
                for symbol in added { bookSubscribers[symbol, default: []].append(session) }
                bookSymbols[id, default: []].formUnion(added)
            }
            // A repeated subscribe gets a fresh snapshot, which lets a client resynchronise.
            for symbol in symbols { session.send(snapshot(symbol)) }
        case .disablePreviousSnapshotPlusUpdateRequest:
            // Without 146 every subscription of the session ends (FACTS §13.1); no answer either way.
            let dropped = symbols.isEmpty ? Array(bookSymbols[id] ?? []) : symbols
            for symbol in dropped where bookSymbols[id]?.remove(symbol) != nil {
                bookSubscribers[symbol]?.removeAll { $0 === session }
            }
        case .unknown(let raw):
            // Unreachable through the strict decoder (263 outside 0/1/2 is a session Reject);
            // kept so a lenient front end still answers as the docs say.
            reject(.unsupportedSubscriptionRequestType, "Unsupported SubscriptionRequestType(263)=\(raw)")
        }
    }

    /// The full aggregated book of `symbol`: bids best (highest) first, then offers best
    /// (lowest) first; empty for an unknown symbol.
    func snapshot(_ symbol: String) -> MarketDataSnapshotFullRefresh {
        var entries: [MarketDataSnapshotFullRefresh.MDEntriesEntry] = []
        for side in [SimSide.buy, .sell] {
            levels.removeAll(keepingCapacity: true)
            exchange.orderEntry.engine.depth(market: symbol, side: side, into: &levels)
            for level in levels {
                entries.append(.init(mdEntryType: side == .buy ? .bid : .offer, mdEntryPx: Self.wire(level.price),
                                     mdEntrySize: SimWireValues.wire(level.quantity)))
            }
        }
        return MarketDataSnapshotFullRefresh(symbol: symbol, mdEntries: entries)
    }

    // MARK: X

    /// Drains the engine's market-data feed and sends each subscribed market's changes as one X.
    func bookChanged() {
        changes.removeAll(keepingCapacity: true)
        exchange.orderEntry.engine.drainMarketData(into: &changes)
        guard !changes.isEmpty, !bookSymbols.isEmpty else { return }
        // Markets in first-change order; the feed lists all trades first, then levels per market.
        var markets: [String] = []
        var entries: [String: [MarketDataIncrementalRefresh.MDEntriesEntry]] = [:]
        for change in changes {
            let market: String
            let entry: MarketDataIncrementalRefresh.MDEntriesEntry
            switch change {
            case .trade(let trade):
                market = trade.market
                entry = .init(mdUpdateAction: .new, symbol: market, mdEntryType: .trade, mdEntryPx: Self.wire(trade.price),
                              mdEntrySize: SimWireValues.wire(trade.quantity),
                              aggressorSide: trade.aggressorSide == .buy ? .buy : .sell)
            case .level(let m, let side, let level):
                market = m
                // 271 is required on every entry (dictionary), so a Delete carries 0.00.
                entry = .init(mdUpdateAction: level.quantity.hundredths > 0 ? .change : .delete, symbol: market,
                              mdEntryType: side == .buy ? .bid : .offer, mdEntryPx: Self.wire(level.price),
                              mdEntrySize: SimWireValues.wire(level.quantity))
            }
            guard let subscribers = bookSubscribers[market], !subscribers.isEmpty else { continue }
            if entries[market] == nil { markets.append(market) }
            entries[market, default: []].append(entry)
        }
        let probe = exchange.server.configuration.probe
        for market in markets {
            let refresh = MarketDataIncrementalRefresh(mdEntries: entries[market] ?? [])
            probe?.marketDataSent?(market, Reactor.monotonicNanoseconds())
            for session in bookSubscribers[market] ?? [] { session.send(refresh) }
        }
    }

    // MARK: e / f

    private func securityStatusRequest(_ message: FixMessage, on session: SimSession) {
        guard exchange.product == .prediction else {
            // Decision Q13: documented for prediction only.
            session.businessReject(message, reason: .unsupportedMessageType,
                                   text: "SecurityStatusRequest is not supported on the margin gateway", refTagID: 35)
            return
        }
        let request = SecurityStatusRequestView(unchecked: message)
        guard let type = try? request.subscriptionRequestType, let symbol = try? request.symbol.string else { return }
        switch type {
        case .snapshotPlusUpdates:
            // Changes only: nothing is sent now (FACTS §13.5).
            if statusSubscribers[symbol]?.contains(where: { $0 === session }) != true {
                statusSubscribers[symbol, default: []].append(session)
            }
        case .disablePreviousSnapshotPlusUpdateRequest:
            statusSubscribers[symbol]?.removeAll { $0 === session }
        default:
            session.businessReject(message, reason: .other,
                                   text: "SecurityStatusRequest takes SubscriptionRequestType(263) 1 or 2, not \(type.rawValue)",
                                   refTagID: 263)
        }
    }

    /// A market paused or resumed: SecurityStatus to its status subscribers.
    func tradingStatusChanged(market: String, paused: Bool) {
        let status = SecurityStatus(symbol: market, securityTradingStatus: paused ? .tradingHalt : .resume)
        for session in statusSubscribers[market] ?? [] { session.send(status) }
    }

    /// Market-data prices are dollars with 4 decimals on both products (FACTS §13).
    static func wire(_ price: SimPrice) -> FixDecimal {
        FixDecimal(mantissa: price.units, scale: 4)
    }
}

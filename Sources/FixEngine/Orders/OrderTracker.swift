import FixCodec

/// Follows every order through its ExecutionReports — pending → new → partially filled →
/// filled / canceled / replaced / expired / rejected — keeps fills and per-market positions,
/// follows replace chains, and is **idempotent**: a report whose ExecID was already applied
/// (a PossDup resend, a drop-copy replay, the same report on a listener session) changes
/// nothing and is reported as a duplicate. Pending reports (ExecID `-1;-1`) carry no identity;
/// they only ever move an order forward, so a repeated one is harmless.
///
/// Prices are YES prices; which unit a report uses (cents or dollars) is the session's
/// UseDollars setting, passed to ``apply(_:dollars:)``.
///
/// - Important: not thread-safe; feed it from one thread (normally the session's I/O thread,
///   inline in the handler).
public final class OrderTracker {
    /// What one report did.
    public enum Update: Sendable, Hashable {
        /// The order changed; `fill` is set for a Trade report.
        case applied(TrackedOrder, fill: Fill?)
        /// The ExecID was applied before: nothing changed.
        case duplicate(execID: String)
        /// A report for an order the tracker never saw (another client of the account, or a
        /// drop-copy replay of old orders); it is now tracked from this report.
        case adopted(TrackedOrder, fill: Fill?)
        /// Not an ExecutionReport, or one missing required fields.
        case ignored(reason: String)
    }

    private var orders: [TrackedOrder] = []
    private var byOrderID: [String: Int] = [:]
    private var byClOrdID: [String: Int] = [:]
    private var seen: Set<ExecKey> = []
    private var seenText: Set<String> = []  // ExecIDs that are not `int;int[;int]`
    private var positions: [String: Int64] = [:]
    /// Every fill, in the order applied.
    public private(set) var fills: [Fill] = []
    /// Reports skipped as duplicates so far.
    public private(set) var duplicateCount = 0
    /// Orders not terminal, and their open quantity per (symbol, side): kept incrementally so
    /// pre-trade checks cost O(1) however many orders rest.
    public private(set) var openOrderCount = 0
    private var openLeaves: [ExposureKey: Int64] = [:]
    private var lastFillPrices: [String: KalshiPrice] = [:]

    struct ExposureKey: Hashable { var symbol: String; var sell: Bool }

    /// ExecIDs of every applied report (pending ones excluded), in the order applied: what a
    /// drop-copy reconciliation compares with the exchange's history.
    public private(set) var appliedExecIDs: [String] = []

    public init() {}

    // MARK: Queries

    /// The order that answers to `clOrdID` (current or earlier in its replace chain, or a
    /// cancel request's id).
    public func order(clOrdID: String) -> TrackedOrder? { byClOrdID[clOrdID].map { orders[$0] } }

    /// The order with Kalshi's order id.
    public func order(orderID: String) -> TrackedOrder? { byOrderID[orderID].map { orders[$0] } }

    /// Orders not yet filled, canceled, expired or rejected (O(n): for display, not the hot path).
    public var openOrders: [TrackedOrder] { orders.filter { $0.state.isOpen } }

    /// Open (leaves) quantity of our orders in `symbol` on `side`. O(1).
    public func openQuantity(symbol: String, side: Side) -> Contracts {
        Contracts(hundredths: openLeaves[ExposureKey(symbol: symbol, sell: side == .sellNo)] ?? 0)
    }

    /// The price of our last fill in `symbol`. O(1).
    public func lastFillPrice(symbol: String) -> KalshiPrice? { lastFillPrices[symbol] }

    private func account(_ order: TrackedOrder, _ sign: Int64) {
        guard order.state.isOpen else { return }
        openOrderCount += Int(sign)
        openLeaves[ExposureKey(symbol: order.symbol, sell: order.side == .sellNo), default: 0] += sign * order.leavesQty.hundredths
    }

    /// Every tracked order, in the order first seen.
    public var allOrders: [TrackedOrder] { orders }

    /// Whether a report with this ExecID was applied.
    public func hasApplied(execID: String) -> Bool {
        let bytes = Array(execID.utf8)
        let key = bytes.withUnsafeBytes { ExecKey(FixValue($0)) }
        if let key { return seen.contains(key) }
        return seenText.contains(execID)
    }

    /// Net YES position in `symbol` from our fills (negative: net NO), contracts.
    public func position(symbol: String) -> Contracts { Contracts(hundredths: positions[symbol] ?? 0) }

    /// Every non-zero position.
    public var positionsBySymbol: [String: Contracts] {
        positions.filter { $0.value != 0 }.mapValues { Contracts(hundredths: $0) }
    }

    // MARK: Outbound

    /// Registers an order we are about to send (state ``OrderState/sent``), so its reports
    /// and queries find it before Kalshi answers.
    public func willSend(clOrdID: String, symbol: String, side: Side, price: KalshiPrice, quantity: Contracts) {
        guard byClOrdID[clOrdID] == nil else { return }
        byClOrdID[clOrdID] = orders.count
        let order = TrackedOrder(orderID: nil, clOrdID: clOrdID, previousClOrdIDs: [], symbol: symbol, side: side, price: price,
                                 orderQty: quantity, cumQty: .zero, leavesQty: quantity, averagePrice: nil, state: .sent)
        orders.append(order)
        account(order, 1)
    }

    /// Remembers that `requestClOrdID` (a cancel or replace request) refers to the order now
    /// answering to `clOrdID`, so its reports find the order even before Kalshi echoes 37.
    public func willAmend(requestClOrdID: String, of clOrdID: String) {
        if let index = byClOrdID[clOrdID] { byClOrdID[requestClOrdID] = index }
    }

    // MARK: Inbound

    /// Applies one ExecutionReport (35=8); other messages are ignored.
    /// - Parameter dollars: the session's UseDollars (prices in dollars rather than cents).
    @discardableResult
    public func apply(_ message: FixMessage, dollars: Bool) -> Update {
        guard let report = ExecutionReportView(message) else { return .ignored(reason: "not an ExecutionReport") }
        let fields = message.body
        guard let execIDValue = fields.value(17), let execType = try? report.execType,
              let statusValue = try? report.ordStatus, let status = OrderState(statusValue) else {
            return .ignored(reason: "ExecutionReport without a usable 17/150/39")
        }
        let isPending = execIDValue.equals("-1;-1")
        if !isPending {
            if let key = ExecKey(execIDValue) {
                if seen.contains(key) { duplicateCount += 1; return .duplicate(execID: execIDValue.string) }
                seen.insert(key)
            } else {
                let text = execIDValue.string
                if seenText.contains(text) { duplicateCount += 1; return .duplicate(execID: text) }
                seenText.insert(text)
            }
            appliedExecIDs.append(execIDValue.string)
        }

        let clOrdID = fields.value(11)?.string ?? ""
        let orderIDText = fields.value(37).map { $0.string }
        let orderID = (orderIDText == nil || orderIDText == "NONE") ? nil : orderIDText
        let origClOrdID = fields.value(41)?.string
        var index = orderID.flatMap { byOrderID[$0] } ?? origClOrdID.flatMap { byClOrdID[$0] } ?? byClOrdID[clOrdID]
        var adopted = false
        if index == nil {
            guard let symbol = fields.value(55)?.string, let side = try? report.side else {
                return .ignored(reason: "ExecutionReport for an unknown order without 55/54")
            }
            index = orders.count
            // orderID stays nil here: the indexing below records it.
            orders.append(TrackedOrder(orderID: nil, clOrdID: origClOrdID ?? clOrdID, previousClOrdIDs: [], symbol: symbol, side: side,
                                       price: nil, orderQty: .zero, cumQty: .zero, leavesQty: .zero, averagePrice: nil, state: .sent))
            byClOrdID[origClOrdID ?? clOrdID] = index
            adopted = true
        }
        let i = index!
        if let orderID, orders[i].orderID == nil {
            orders[i].orderID = orderID
            byOrderID[orderID] = i
        }
        var order = orders[i]
        let previousState = order.state
        account(order, -1)  // re-added below with the new state and leaves

        // Quantities only move forward: a late or replayed report never undoes a fill.
        let cum = ((try? report.cumQty).flatMap { Contracts(wire: $0) }) ?? order.cumQty
        let leaves = ((try? report.leavesQty).flatMap { Contracts(wire: $0) }) ?? order.leavesQty
        let newerOrSame = cum >= order.cumQty
        if newerOrSame {
            order.cumQty = cum
            order.leavesQty = leaves
            if let total = (try? report.orderQty).flatMap({ Contracts(wire: $0) }) { order.orderQty = total }
            if let avg = try? report.avgPx, cum > .zero { order.averagePrice = KalshiPrice(wire: avg, dollars: dollars) }
        }
        if let price = (try? report.price) ?? nil, let p = KalshiPrice(wire: price, dollars: dollars) { order.price = p }
        if let text = fields.value(58) { order.text = text.string }

        var fill: Fill?
        switch execType {
        case .trade:
            if let lastPx = (try? report.lastPx) ?? nil, let price = KalshiPrice(wire: lastPx, dollars: dollars),
               let lastQtyValue = (try? report.lastQty) ?? nil, let quantity = Contracts(wire: lastQtyValue) {
                var fee = FixDecimal.zero
                if let group = try? report.miscFees {
                    for entry in group { if let amount = try? entry.miscFeeAmt { fee = (try? fee.adding(amount)) ?? fee } }
                }
                let f = Fill(execID: execIDValue.string, orderID: order.orderID ?? "", clOrdID: order.clOrdID, symbol: order.symbol,
                             side: order.side, price: price, quantity: quantity, tradeID: fields.value(880)?.string,
                             aggressor: (try? report.aggressorIndicator) ?? nil, fee: fee, time: (try? report.transactTime) ?? nil)
                fills.append(f)
                let signed = order.side == .sellNo ? -quantity.hundredths : quantity.hundredths
                positions[order.symbol, default: 0] += signed
                fill = f
            }
        case .replaced:
            if clOrdID != order.clOrdID, !clOrdID.isEmpty {
                order.previousClOrdIDs.append(order.clOrdID)
                order.clOrdID = clOrdID
            }
        case .rejected:
            order.rejectReason = ((try? report.ordRejReason) ?? nil)?.rawValue
        default:
            break
        }
        if !clOrdID.isEmpty, byClOrdID[clOrdID] == nil { byClOrdID[clOrdID] = i }

        // States only move forward too: terminal states stick; pending states do not undo fills.
        var next = status
        if statusValue == .replaced || (execType == .replaced) {
            next = order.cumQty > .zero ? .partiallyFilled : .new
        }
        if Self.rank(next) < Self.rank(previousState) || !newerOrSame {
            next = previousState
        }
        order.state = next
        if !isPending { order.lastExecID = execIDValue.string }
        if let fill { lastFillPrices[order.symbol] = fill.price }
        orders[i] = order
        account(order, 1)
        return adopted ? .adopted(order, fill: fill) : .applied(order, fill: fill)
    }

    /// Life-cycle order: a report never moves an order back (a late Pending New after the New,
    /// a replayed New after a fill, anything after a terminal state).
    private static func rank(_ state: OrderState) -> Int {
        switch state {
        case .sent: return 0
        case .pendingNew: return 1
        case .new, .partiallyFilled, .pendingCancel, .pendingReplace: return 2
        case .filled, .canceled, .expired, .rejected: return 3
        }
    }
}

/// An ExecID of Kalshi's `clock;event[;exchange]` form as integers: a set of these costs no
/// string allocation per report.
struct ExecKey: Hashable, Comparable {
    static func < (a: ExecKey, b: ExecKey) -> Bool {
        (a.clock, a.event, a.exchange) < (b.clock, b.event, b.exchange)
    }

    /// Parses text (not on the hot path).
    init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard let key = bytes.withUnsafeBytes({ ExecKey(FixValue($0)) }) else { return nil }
        self = key
    }

    var clock: Int64
    var event: Int64
    var exchange: Int64

    init?(_ value: FixValue) {
        var parts: (Int64, Int64, Int64) = (0, 0, 0)
        var index = 0
        var current: Int64 = 0
        var digits = 0
        for byte in value.bytes {
            if byte == UInt8(ascii: ";") {
                guard digits > 0, index < 2 else { return nil }
                if index == 0 { parts.0 = current } else { parts.1 = current }
                index += 1
                current = 0
                digits = 0
            } else if byte >= 0x30 && byte <= 0x39, digits < 18 {
                current = current * 10 + Int64(byte - 0x30)
                digits += 1
            } else {
                return nil
            }
        }
        guard digits > 0, index >= 1 else { return nil }
        if index == 1 { parts.1 = current } else { parts.2 = current }
        (clock, event, exchange) = parts
    }
}

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
        case duplicate(execID: ExecID)
        /// A report for an order the tracker never saw (another client of the account, or a
        /// drop-copy replay of old orders); it is now tracked from this report.
        case adopted(TrackedOrder, fill: Fill?)
        /// Not an ExecutionReport, or one missing required fields.
        case ignored(reason: String)
    }

    private var orders: [TrackedOrder] = []
    private var byOrderID = IDIndex()
    private var byClOrdID = IDIndex()
    private var seen: Set<ExecID> = []
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
    public private(set) var appliedExecIDs: [ExecID] = []

    public init() {}

    // MARK: Queries

    /// The order that answers to `clOrdID` (current or earlier in its replace chain, or a
    /// cancel request's id).
    public func order(clOrdID: String) -> TrackedOrder? { byClOrdID.find(clOrdID).map { orders[$0] } }

    /// The order with Kalshi's order id.
    public func order(orderID: String) -> TrackedOrder? { byOrderID.find(orderID).map { orders[$0] } }

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
    public func hasApplied(execID: ExecID) -> Bool { seen.contains(execID) }

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
        guard byClOrdID.find(clOrdID) == nil else { return }
        byClOrdID.insert(clOrdID, orders.count)
        let order = TrackedOrder(orderID: nil, clOrdID: clOrdID, previousClOrdIDs: [], symbol: symbol, side: side, price: price,
                                 orderQty: quantity, cumQty: .zero, leavesQty: quantity, averagePrice: nil, state: .sent)
        orders.append(order)
        account(order, 1)
    }

    /// Remembers that `requestClOrdID` (a cancel or replace request) refers to the order now
    /// answering to `clOrdID`, so its reports find the order even before Kalshi echoes 37.
    public func willAmend(requestClOrdID: String, of clOrdID: String) {
        if let index = byClOrdID.find(clOrdID) { byClOrdID.insert(requestClOrdID, index) }
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
        // Identity without building Strings: ExecIDs as integers, ids looked up by their bytes.
        let isPending = execIDValue.equals("-1;-1")
        let execID = ExecID(execIDValue)
        if !isPending {
            guard seen.insert(execID).inserted else { duplicateCount += 1; return .duplicate(execID: execID) }
            appliedExecIDs.append(execID)
        }
        let clOrdIDValue = fields.value(11)
        var orderIDValue = fields.value(37)
        if orderIDValue?.equals("NONE") == true || orderIDValue?.isEmpty == true { orderIDValue = nil }
        let origValue = fields.value(41)
        var index = orderIDValue.flatMap { byOrderID.find($0.bytes) } ?? origValue.flatMap { byClOrdID.find($0.bytes) }
            ?? clOrdIDValue.flatMap { byClOrdID.find($0.bytes) }
        var adopted = false
        if index == nil {
            guard let symbol = fields.value(55)?.string, let side = try? report.side else {
                return .ignored(reason: "ExecutionReport for an unknown order without 55/54")
            }
            index = orders.count
            let key = (origValue ?? clOrdIDValue)?.string ?? ""
            // orderID stays nil here: the indexing below records it.
            orders.append(TrackedOrder(orderID: nil, clOrdID: key, previousClOrdIDs: [], symbol: symbol, side: side,
                                       price: nil, orderQty: .zero, cumQty: .zero, leavesQty: .zero, averagePrice: nil, state: .sent))
            byClOrdID.insert(key, orders.count - 1)
            adopted = true
        }
        let i = index!
        if let orderIDValue, orders[i].orderID == nil {
            // Once per order (its first acknowledgement), not per report.
            let orderID = orderIDValue.string
            orders[i].orderID = orderID
            byOrderID.insert(orderID, i)
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
                let f = Fill(execID: execID, orderID: order.orderID ?? "", clOrdID: order.clOrdID, symbol: order.symbol,
                             side: order.side, price: price, quantity: quantity, tradeID: fields.value(880)?.string,
                             aggressor: (try? report.aggressorIndicator) ?? nil, fee: fee, time: (try? report.transactTime) ?? nil)
                fills.append(f)
                let signed = order.side == .sellNo ? -quantity.hundredths : quantity.hundredths
                positions[order.symbol, default: 0] += signed
                fill = f
            }
        case .replaced:
            if let value = clOrdIDValue, !value.isEmpty, !order.clOrdID.utf8.elementsEqual(value.bytes) {
                order.previousClOrdIDs.append(order.clOrdID)
                order.clOrdID = value.string  // a replace: once per amendment
            }
        case .rejected:
            order.rejectReason = ((try? report.ordRejReason) ?? nil)?.rawValue
        default:
            break
        }
        // A cancel/replace request's id (unknown until now if it came from another client).
        if let value = clOrdIDValue, !value.isEmpty, byClOrdID.find(value.bytes) == nil { byClOrdID.insert(value.string, i) }

        // States only move forward too: terminal states stick; pending states do not undo fills.
        var next = status
        if statusValue == .replaced || (execType == .replaced) {
            next = order.cumQty > .zero ? .partiallyFilled : .new
        }
        if Self.rank(next) < Self.rank(previousState) || !newerOrSame {
            next = previousState
        }
        order.state = next
        if !isPending { order.lastExecID = execID }
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

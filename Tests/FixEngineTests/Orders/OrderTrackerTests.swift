import FixCodec
@testable import FixEngine
import Testing

/// The order-state tracker fed with real encoded ExecutionReports.
@Suite("OrderTracker")
struct OrderTrackerTests {
    /// Encodes `report` as a full frame and applies it.
    @discardableResult
    static func apply(_ report: ExecutionReport, to tracker: OrderTracker, dollars: Bool = false) -> OrderTracker.Update {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 8)
        defer { buffer.deallocate() }
        var writer = FixWriter(buffer: buffer)
        let header = FixSessionHeader(senderCompID: "KalshiNR", targetCompID: "key")
        let frame = try! header.encodeFrame(report, into: &writer, msgSeqNum: 1, sendingTime: FixTimestamp(secondsSinceEpoch: 1_780_000_000))
        var decoder = KalshiFixDecoder(mode: .lenient)
        guard case .message(let message, _) = decoder.decode(frame) else {
            Issue.record("the report did not decode")
            return .ignored(reason: "decode")
        }
        return tracker.apply(message, dollars: dollars)
    }

    static func er(_ execID: String, _ execType: ExecType, _ status: OrdStatus, clOrdID: String = "c1", orderID: String = "101",
                   cum: Int64 = 0, leaves: Int64 = 10, qty: Int64 = 10, price: Int64 = 45, side: Side = .buyYes,
                   lastPx: Int64? = nil, lastQty: Int64? = nil, orig: String? = nil) -> ExecutionReport {
        var r = ExecutionReport(orderID: orderID, clOrdID: clOrdID, execID: execID, execType: execType, ordStatus: status, side: side,
                                symbol: "KXTEST", leavesQty: FixDecimal(mantissa: leaves * 100, scale: 2),
                                cumQty: FixDecimal(mantissa: cum * 100, scale: 2), avgPx: FixDecimal(mantissa: cum > 0 ? price : 0, scale: 0),
                                orderQty: FixDecimal(mantissa: qty * 100, scale: 2), origClOrdID: orig,
                                price: FixDecimal(mantissa: price, scale: 0))
        if let lastPx, let lastQty {
            r.lastPx = FixDecimal(mantissa: lastPx, scale: 0)
            r.lastQty = FixDecimal(mantissa: lastQty * 100, scale: 2)
            r.trdMatchID = "T-\(execID)"
            r.miscFees = [MiscFeesEntry(miscFeeAmt: FixDecimal(mantissa: 700, scale: 4), miscFeeCurr: "USD",
                                        miscFeeType: .exchangeFees, miscFeeBasis: .absolute)]
        }
        return r
    }

    @Test("sent → pending new → new → partially filled → filled, with fills, fees and the position")
    func lifecycle() {
        let tracker = OrderTracker()
        tracker.willSend(clOrdID: "c1", symbol: "KXTEST", side: .buyYes, price: .cents(45), quantity: 10)
        #expect(tracker.order(clOrdID: "c1")?.state == .sent)
        #expect(tracker.openOrderCount == 1 && tracker.openQuantity(symbol: "KXTEST", side: .buyYes) == 10)
        Self.apply(Self.er("-1;-1", .pendingNew, .pendingNew), to: tracker)
        #expect(tracker.order(clOrdID: "c1")?.state == .pendingNew)
        Self.apply(Self.er("5;1", .new, .new), to: tracker)
        #expect(tracker.order(orderID: "101")?.state == .new)
        let update = Self.apply(Self.er("5;2", .trade, .partiallyFilled, cum: 4, leaves: 6, lastPx: 45, lastQty: 4), to: tracker)
        guard case .applied(let order, let fill?) = update else { Issue.record("no fill in \(update)"); return }
        #expect(order.state == .partiallyFilled && order.cumQty == 4 && order.leavesQty == 6)
        #expect(tracker.openQuantity(symbol: "KXTEST", side: .buyYes) == 6 && tracker.lastFillPrice(symbol: "KXTEST") == .cents(45))
        #expect(fill.price == .cents(45) && fill.quantity == 4 && fill.fee == FixDecimal(mantissa: 700, scale: 4) && fill.tradeID == "T-5;2")
        Self.apply(Self.er("5;3", .trade, .filled, cum: 10, leaves: 0, lastPx: 44, lastQty: 6), to: tracker)
        #expect(tracker.order(clOrdID: "c1")?.state == .filled)
        #expect(tracker.position(symbol: "KXTEST") == 10)
        #expect(tracker.fills.count == 2 && tracker.openOrders.isEmpty)
        #expect(tracker.openOrderCount == 0 && tracker.openQuantity(symbol: "KXTEST", side: .buyYes) == .zero)
    }

    @Test("idempotent: a resent, replayed or mirrored report (same ExecID) changes nothing")
    func duplicates() {
        let tracker = OrderTracker()
        Self.apply(Self.er("5;1", .new, .new), to: tracker)
        let trade = Self.er("5;2", .trade, .partiallyFilled, cum: 4, leaves: 6, lastPx: 45, lastQty: 4)
        Self.apply(trade, to: tracker)
        #expect(Self.apply(trade, to: tracker) == .duplicate(execID: ExecID("5;2")))
        #expect(Self.apply(trade, to: tracker, dollars: true) == .duplicate(execID: ExecID("5;2")))
        #expect(tracker.fills.count == 1 && tracker.position(symbol: "KXTEST") == 4 && tracker.duplicateCount == 2)
    }

    @Test("ExecIDs: Kalshi's numeric forms compare as integers; an exchange index distinguishes; other forms are text")
    func execIDs() {
        #expect(ExecID("5;9") < ExecID("5;10") && ExecID("4;99") < ExecID("5;1"))
        #expect(ExecID("5;9") != ExecID("5;9;1") && ExecID("5;9") == ExecID("5;9;0"))
        #expect(ExecID("5;9").description == "5;9" && ExecID("5;9;2").description == "5;9;2")
        #expect(ExecID("-1;-1").isPendingPlaceholder && ExecID("abc").description == "abc")
    }

    @Test("a late or replayed earlier report never moves an order back")
    func noRegression() {
        let tracker = OrderTracker()
        Self.apply(Self.er("5;1", .new, .new), to: tracker)
        Self.apply(Self.er("5;2", .trade, .filled, cum: 10, leaves: 0, lastPx: 45, lastQty: 10), to: tracker)
        Self.apply(Self.er("-1;-1", .pendingNew, .pendingNew), to: tracker)
        Self.apply(Self.er("5;0", .new, .new), to: tracker)  // an older New seen for the first time (drop copy)
        let order = tracker.order(clOrdID: "c1")
        #expect(order?.state == .filled && order?.cumQty == 10 && order?.leavesQty == 0)
    }

    @Test("replace chains: the order answers to its old and new ClOrdIDs; cancels by request id")
    func replaceChain() {
        let tracker = OrderTracker()
        tracker.willSend(clOrdID: "c1", symbol: "KXTEST", side: .sellNo, price: .cents(60), quantity: 10)
        Self.apply(Self.er("5;1", .new, .new, side: .sellNo), to: tracker)
        tracker.willAmend(requestClOrdID: "c2", of: "c1")
        Self.apply(Self.er("5;2", .replaced, .replaced, clOrdID: "c2", qty: 12, price: 61, side: .sellNo, orig: "c1"), to: tracker)
        let replaced = tracker.order(clOrdID: "c1")
        #expect(replaced?.clOrdID == "c2" && replaced?.previousClOrdIDs == ["c1"] && replaced?.price == .cents(61))
        #expect(replaced?.orderQty == 12 && replaced?.state == .new)
        #expect(tracker.order(clOrdID: "c2")?.orderID == "101")
        Self.apply(Self.er("5;3", .canceled, .canceled, clOrdID: "c3", leaves: 0, qty: 0, side: .sellNo, orig: "c2"), to: tracker)
        #expect(tracker.order(clOrdID: "c2")?.state == .canceled && tracker.order(clOrdID: "c3")?.state == .canceled)
    }

    @Test("reports for unknown orders are adopted; rejects record the reason; dollar prices parse exactly")
    func adoptRejectDollars() {
        let tracker = OrderTracker()
        var new = Self.er("7;1", .new, .new, clOrdID: "other", orderID: "900")
        new.price = FixDecimal(mantissa: 4550, scale: 4)
        guard case .adopted(let order, nil) = Self.apply(new, to: tracker, dollars: true) else {
            Issue.record("an unknown order was not adopted")
            return
        }
        #expect(order.price == KalshiPrice(units: 4550) && order.symbol == "KXTEST")
        #expect(tracker.order(orderID: "900")?.clOrdID == "other", "an adopted order must be found by its OrderID")
        var reject = Self.er("-1;-1", .rejected, .rejected, clOrdID: "bad", orderID: "NONE", leaves: 0)
        reject.ordRejReason = .unknownSymbol
        reject.text = "MARKET_NOT_FOUND"
        tracker.willSend(clOrdID: "bad", symbol: "KXTEST", side: .buyYes, price: .cents(1), quantity: 1)
        Self.apply(reject, to: tracker)
        let rejected = tracker.order(clOrdID: "bad")
        #expect(rejected?.state == .rejected && rejected?.rejectReason == 1 && rejected?.text == "MARKET_NOT_FOUND")
    }

    @Test("prices and quantities convert exactly or not at all")
    func values() {
        #expect(KalshiPrice(wire: FixDecimal(mantissa: 45, scale: 0), dollars: false) == .cents(45))
        #expect(KalshiPrice(wire: FixDecimal(mantissa: 455, scale: 1), dollars: false) == KalshiPrice(units: 4550))
        #expect(KalshiPrice(wire: FixDecimal(mantissa: 45501, scale: 5), dollars: true) == nil)
        #expect(KalshiPrice.cents(45).wire(dollars: true).description == "0.4500")
        #expect(KalshiPrice(units: 4550).wire(dollars: false).description == "45.5")
        #expect(KalshiPrice.cents(45).complement == .cents(55))
        #expect(Contracts(wire: FixDecimal(mantissa: 1005, scale: 3)) == nil)
        #expect(Contracts(wire: FixDecimal(mantissa: 25, scale: 1))?.wire.description == "2.50")
    }
}

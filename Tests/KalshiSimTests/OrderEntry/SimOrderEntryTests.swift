import FixCodec
import FixSession
import Foundation
import KalshiSim
import Testing

/// Order entry through the simulator, seen from real client sessions: the ExecutionReports of
/// FACTS §9 for new, trade, cancel, replace, reject, mass cancel, listeners and cancel on
/// disconnect.
@Suite("KalshiSim order entry", .serialized)
struct SimOrderEntryTests {
    static let market = "KXFEDDECISION-26DEC-H0"
    static let otherKeyID = "8d0c7a52-1f4b-4d7e-9f11-22aa33bb44cc"
    static var otherKey: SimAPIKey { SimAPIKey(keyID: otherKeyID, publicKeyPEM: SimTestKeys.otherPair.publicKeyPEM) }
    static let listenerKeyID = "listener-of-first-account"
    /// A second key of the first account, for its listener session.
    static var listenerKey: SimAPIKey {
        SimAPIKey(keyID: listenerKeyID, publicKeyPEM: SimTestKeys.pair.publicKeyPEM, account: SimTestKeys.keyID)
    }

    static func order(_ clOrdID: String, _ side: Side, qty: Int64, cents: Int64, tif: TimeInForce? = nil,
                      market: String = market) -> NewOrderSingle {
        NewOrderSingle(clOrdID: clOrdID, orderQty: FixDecimal(mantissa: qty, scale: 0), ordType: .limit,
                       price: FixDecimal(mantissa: cents, scale: 0), side: side, symbol: market, timeInForce: tif)
    }

    /// Two traders on KalshiNR: the first rests a bid, the second sells into it.
    func twoTraders(_ harness: SimHarness, firstOptions: KalshiLogonOptions = KalshiLogonOptions())
        throws -> (maker: ClientRecorder, taker: ClientRecorder) {
        var makerConfiguration = try harness.configuration(.kalshiNR)
        makerConfiguration.logonOptions = firstOptions
        let maker = harness.connect(makerConfiguration)
        let taker = harness.connect(try harness.configuration(.kalshiNR, pair: SimTestKeys.otherPair, keyID: Self.otherKeyID))
        #expect(maker.wait { $0.isActive } && taker.wait { $0.isActive }, "logons failed: \(harness.log.all)")
        return (maker, taker)
    }

    @Test("a resting bid, a crossing sell: New, then Trade reports on both sides at the maker's price with fees and positions")
    func newAndTrade() throws {
        let harness = try SimHarness(sessionTypes: [.kalshiNR], extraKeys: [Self.otherKey])
        let (maker, taker) = try twoTraders(harness)
        harness.send(Self.order("bid-1", .buyYes, qty: 10, cents: 45), on: maker)
        let pending = maker.waitForReport(execType: "A", clOrdID: "bid-1")
        #expect(pending.map { field(17, in: $0) } == "-1;-1", "pending new: \(String(describing: pending))")
        let new = try #require(maker.waitForReport(execType: "0", clOrdID: "bid-1"), "no New: \(maker.messages)")
        #expect(field(39, in: new) == "0" && field(151, in: new) == "10.00" && field(14, in: new) == "0.00")
        #expect(field(44, in: new) == "45" && field(54, in: new) == "1" && field(55, in: new) == Self.market)
        let orderID = try #require(field(37, in: new))

        harness.send(Self.order("ask-1", .sellNo, qty: 4, cents: 40), on: taker)
        let takerTrade = try #require(taker.waitForReport(execType: "F", clOrdID: "ask-1"), "taker got \(taker.messages)")
        #expect(field(31, in: takerTrade) == "45", "trades at the maker's price: \(takerTrade)")
        #expect(field(32, in: takerTrade) == "4.00" && field(39, in: takerTrade) == "2" && field(151, in: takerTrade) == "0.00")
        #expect(field(1057, in: takerTrade) == "Y" && field(136, in: takerTrade) == "1")
        // Taker fee: ceil(0.07 × 4 × 0.45 × 0.55) = ceil(0.0693) = 0.07 dollars.
        #expect(field(137, in: takerTrade) == "0.0700" && field(138, in: takerTrade) == "USD" && field(139, in: takerTrade) == "4")
        #expect(field(705, in: takerTrade) == "4.00" && field(704, in: takerTrade) == "0.00", "the seller is short 4 YES")
        #expect(field(715, in: takerTrade)?.count == 8)
        // Without AlwaysEmitNewBeforeTrade the taker's New is folded into the Trade.
        #expect(taker.messages(ofType: "8").allSatisfy { field(150, in: $0) != "0" }, "\(taker.messages)")

        let makerTrade = try #require(maker.waitForReport(execType: "F", clOrdID: "bid-1"))
        #expect(field(37, in: makerTrade) == orderID && field(1057, in: makerTrade) == "N")
        #expect(field(39, in: makerTrade) == "1" && field(14, in: makerTrade) == "4.00" && field(151, in: makerTrade) == "6.00")
        #expect(field(6, in: makerTrade) == "45" && field(704, in: makerTrade) == "4.00" && field(137, in: makerTrade) == "0.0000")
        #expect(field(880, in: makerTrade) == field(880, in: takerTrade))
        #expect(field(17, in: makerTrade) != field(17, in: takerTrade), "each report has its own ExecID")
    }

    @Test("cancel and replace: pending then final reports with OrigClOrdID; unknown orders get OrderCancelReject")
    func cancelAndReplace() throws {
        let harness = try SimHarness(sessionTypes: [.kalshiNR], extraKeys: [Self.otherKey])
        let (trader, _) = try twoTraders(harness)
        harness.send(Self.order("o-1", .buyYes, qty: 5, cents: 30), on: trader)
        _ = try #require(trader.waitForReport(execType: "0", clOrdID: "o-1"))
        harness.send(OrderCancelReplaceRequest(clOrdID: "o-2", origClOrdID: "o-1", orderQty: FixDecimal(mantissa: 7, scale: 0),
                                               ordType: .limit, price: FixDecimal(mantissa: 31, scale: 0), side: .buyYes,
                                               symbol: Self.market), on: trader)
        _ = try #require(trader.waitForReport(execType: "E", clOrdID: "o-2"), "no Pending Replace: \(trader.messages)")
        let replaced = try #require(trader.waitForReport(execType: "5", clOrdID: "o-2"))
        #expect(field(41, in: replaced) == "o-1" && field(44, in: replaced) == "31" && field(38, in: replaced) == "7.00")
        #expect(field(39, in: replaced) == "5" && field(59, in: replaced) == "1")

        harness.send(OrderCancelRequest(clOrdID: "o-3", origClOrdID: "o-2", side: .buyYes, symbol: Self.market), on: trader)
        let canceled = try #require(trader.waitForReport(execType: "4", clOrdID: "o-3"), "\(trader.messages)")
        #expect(field(41, in: canceled) == "o-2" && field(39, in: canceled) == "4" && field(151, in: canceled) == "0.00")
        #expect(trader.messages(ofType: "8").contains { field(150, in: $0) == "6" && field(11, in: $0) == "o-3" }, "no Pending Cancel")

        harness.send(OrderCancelRequest(clOrdID: "o-4", origClOrdID: "o-2", side: .buyYes, symbol: Self.market), on: trader)
        #expect(trader.wait { !$0.messages(ofType: "9").isEmpty }, "no OrderCancelReject: \(trader.messages)")
        let reject = try #require(trader.messages(ofType: "9").first)
        #expect(field(11, in: reject) == "o-4" && field(434, in: reject) == "1" && field(102, in: reject) == "1")
        #expect(field(58, in: reject) == "ORDER_NOT_FOUND")
    }

    @Test("rejects: unknown market, price off the grid, duplicate ClOrdID — OrdRejReason and Text per FACTS §9.7")
    func rejects() throws {
        let harness = try SimHarness(sessionTypes: [.kalshiNR], extraKeys: [Self.otherKey])
        let (trader, _) = try twoTraders(harness, firstOptions: KalshiLogonOptions(skipPendingExecReports: true))
        harness.send(Self.order("r-1", .buyYes, qty: 1, cents: 50, market: "NO-SUCH-MARKET"), on: trader)
        let unknown = try #require(trader.waitForReport(execType: "8", clOrdID: "r-1"))
        #expect(field(103, in: unknown) == "1" && field(58, in: unknown) == "MARKET_NOT_FOUND" && field(39, in: unknown) == "8")
        harness.send(Self.order("r-2", .buyYes, qty: 1, cents: 100), on: trader)
        let offGrid = try #require(trader.waitForReport(execType: "8", clOrdID: "r-2"))
        #expect(field(58, in: offGrid) == "INVALID_ORDER" && field(103, in: offGrid) == "11")
        harness.send(Self.order("r-3", .buyYes, qty: 1, cents: 20), on: trader)
        _ = try #require(trader.waitForReport(execType: "0", clOrdID: "r-3"))
        harness.send(Self.order("r-3", .buyYes, qty: 1, cents: 21), on: trader)
        let duplicate = try #require(trader.waitForReport(execType: "8", clOrdID: "r-3"))
        #expect(field(58, in: duplicate) == "ORDER_ALREADY_EXISTS" && field(103, in: duplicate) == "6")
        #expect(trader.messages(ofType: "8").allSatisfy { field(150, in: $0) != "A" }, "SkipPendingExecReports was ignored")
    }

    @Test("UseDollars prices, AlwaysEmitNewBeforeTrade, and a listener session of the same account mirrors the reports")
    func optionsAndListener() throws {
        let harness = try SimHarness(sessionTypes: [.kalshiNR, .kalshiRT], extraKeys: [Self.otherKey, Self.listenerKey])
        var listenerConfiguration = try harness.configuration(.kalshiRT, keyID: Self.listenerKeyID)
        listenerConfiguration.logonOptions = KalshiLogonOptions(listenerSession: true, skipPendingExecReports: true)
        let listener = harness.connect(listenerConfiguration)
        #expect(listener.wait { $0.isActive }, "listener logon: \(listener.errors) \(harness.log.all)")
        let options = KalshiLogonOptions(priceUnit: .dollars, alwaysEmitNewBeforeTrade: true)
        let (maker, taker) = try twoTraders(harness, firstOptions: options)
        harness.send(NewOrderSingle(clOrdID: "d-1", orderQty: FixDecimal(mantissa: 250, scale: 2), ordType: .limit,
                                    price: FixDecimal(mantissa: 4500, scale: 4), side: .buyYes, symbol: Self.market), on: maker)
        let new = try #require(maker.waitForReport(execType: "0", clOrdID: "d-1"), "maker got \(maker.messages)")
        #expect(field(44, in: new) == "0.4500" && field(38, in: new) == "2.50", "dollar prices print with 4 decimals: \(new)")
        // The other account (cents) sells at 44 cents: it trades at the maker's 45 cents.
        harness.send(Self.order("x-1", .sellNo, qty: 1, cents: 44), on: taker)
        let trade = try #require(maker.waitForReport(execType: "F", clOrdID: "d-1"))
        #expect(field(31, in: trade) == "0.4500" && field(32, in: trade) == "1.00")
        // The listener (another key of the maker's account) saw the New and the Trade, no pending ones.
        #expect(listener.waitForReport(execType: "F", clOrdID: "d-1") != nil, "listener got \(listener.messages)")
        #expect(listener.messages(ofType: "8").contains { field(150, in: $0) == "0" && field(11, in: $0) == "d-1" })
        #expect(field(31, in: listener.waitForReport(execType: "F", clOrdID: "d-1") ?? "") == "45", "the listener uses cents")
        // A listener cannot trade.
        harness.send(Self.order("l-1", .buyYes, qty: 1, cents: 10), on: listener)
        #expect(listener.wait { !$0.messages(ofType: "j").isEmpty }, "listener order not refused: \(listener.messages)")
        #expect(field(380, in: listener.messages(ofType: "j").first ?? "") == "6")
        _ = taker
    }

    @Test("mass cancel on KalshiNR: the report first, then one Canceled per order; CancelOrdersOnDisconnect cancels on logout")
    func massCancelAndCancelOnDisconnect() throws {
        let harness = try SimHarness(sessionTypes: [.kalshiNR], extraKeys: [Self.otherKey])
        let (trader, watcher) = try twoTraders(harness, firstOptions: KalshiLogonOptions(skipPendingExecReports: true))
        for i in 1...3 { harness.send(Self.order("m-\(i)", .buyYes, qty: 1, cents: 10 + Int64(i)), on: trader) }
        _ = try #require(trader.waitForReport(execType: "0", clOrdID: "m-3"))
        harness.send(OrderMassCancelRequest(clOrdID: "mc-1", massCancelRequestType: .cancelForSession), on: trader)
        #expect(trader.wait { $0.messages(ofType: "8").filter { field(150, in: $0) == "4" }.count == 3 }, "\(trader.messages)")
        let report = try #require(trader.messages(ofType: "r").first)
        #expect(field(531, in: report) == "6" && field(11, in: report) == "mc-1")
        let order = trader.messages.map { field(35, in: $0) ?? "" }
        #expect(order.firstIndex(of: "r")! < order.lastIndex(of: "8")!, "the mass cancel report must precede the cancels")

        // The second trader logs on with 8013=Y, rests an order, logs out: the order is canceled,
        // which the first trader's crossing order proves by resting instead of trading.
        harness.logout(watcher)
        var configuration = try harness.configuration(.kalshiNR, pair: SimTestKeys.otherPair, keyID: Self.otherKeyID)
        configuration.logonOptions = KalshiLogonOptions(cancelOrdersOnDisconnect: true, skipPendingExecReports: true)
        let leaving = harness.connect(configuration)
        #expect(leaving.wait { $0.isActive })
        harness.send(Self.order("c-1", .sellNo, qty: 1, cents: 60), on: leaving)
        _ = try #require(leaving.waitForReport(execType: "0", clOrdID: "c-1"))
        harness.logout(leaving)
        harness.send(Self.order("c-2", .buyYes, qty: 1, cents: 70), on: trader)
        let resting = try #require(trader.waitForReport(execType: "0", clOrdID: "c-2"))
        #expect(field(151, in: resting) == "1.00")
        #expect(trader.waitForReport(execType: "F", clOrdID: "c-2", seconds: 0.3) == nil, "traded against an order that should be canceled")
    }

    @Test("PreserveOriginalOrderQty (21008) keeps 38 at the original quantity; without it 38 = CumQty + LeavesQty")
    func preserveOriginalOrderQty() throws {
        let harness = try SimHarness(sessionTypes: [.kalshiNR], extraKeys: [Self.otherKey])
        let (maker, taker) = try twoTraders(harness, firstOptions: KalshiLogonOptions(preserveOriginalOrderQty: true,
                                                                                      skipPendingExecReports: true))
        harness.send(Self.order("p-1", .buyYes, qty: 10, cents: 50), on: maker)
        _ = try #require(maker.waitForReport(execType: "0", clOrdID: "p-1"))
        harness.send(Self.order("t-1", .sellNo, qty: 3, cents: 50), on: taker)
        let trade = try #require(maker.waitForReport(execType: "F", clOrdID: "p-1"))
        #expect(field(38, in: trade) == "10.00" && field(14, in: trade) == "3.00" && field(151, in: trade) == "7.00")
        harness.send(OrderCancelRequest(clOrdID: "p-2", origClOrdID: "p-1", side: .buyYes, symbol: Self.market), on: maker)
        let canceled = try #require(maker.waitForReport(execType: "4", clOrdID: "p-2"))
        #expect(field(38, in: canceled) == "10.00", "21008: the original quantity stays: \(canceled)")
        // The taker did not ask for 21008: its report says CumQty + LeavesQty.
        let takerTrade = try #require(taker.waitForReport(execType: "F", clOrdID: "t-1"))
        #expect(field(38, in: takerTrade) == "3.00")
    }

    @Test("EnableIocCancelReport (21007): a partially filled IOC gets a Canceled report; without it the last Trade closes it")
    func iocCancelReport() throws {
        let harness = try SimHarness(sessionTypes: [.kalshiNR], extraKeys: [Self.otherKey])
        let (withFlag, without) = try twoTraders(harness, firstOptions: KalshiLogonOptions(enableIocCancelReport: true,
                                                                                           skipPendingExecReports: true))
        // Liquidity: 2 contracts offered by each side for the other's IOC.
        harness.send(Self.order("rest-a", .sellNo, qty: 2, cents: 60), on: without)
        _ = try #require(without.waitForReport(execType: "0", clOrdID: "rest-a"))
        harness.send(Self.order("ioc-1", .buyYes, qty: 5, cents: 60, tif: .ioc), on: withFlag)
        let trade = try #require(withFlag.waitForReport(execType: "F", clOrdID: "ioc-1"))
        #expect(field(39, in: trade) == "1" && field(151, in: trade) == "3.00", "with 21007 the Trade leaves 3 open: \(trade)")
        let canceled = try #require(withFlag.waitForReport(execType: "4", clOrdID: "ioc-1"), "no cancel report with 21007")
        #expect(field(58, in: canceled) == "IMMEDIATE_OR_CANCELLED" && field(151, in: canceled) == "0.00")

        harness.send(Self.order("rest-b", .buyYes, qty: 2, cents: 40), on: withFlag)
        _ = try #require(withFlag.waitForReport(execType: "0", clOrdID: "rest-b"))
        harness.send(Self.order("ioc-2", .sellNo, qty: 5, cents: 40, tif: .ioc), on: without)
        let closing = try #require(without.waitForReport(execType: "F", clOrdID: "ioc-2"))
        #expect(field(39, in: closing) == "4" && field(151, in: closing) == "0.00" && field(14, in: closing) == "2.00",
                "without 21007 the last Trade closes the IOC: \(closing)")
        // A later report on the same session proves no cancel report was sent for ioc-2.
        harness.send(Self.order("probe", .buyYes, qty: 1, cents: 5), on: without)
        _ = try #require(without.waitForReport(execType: "0", clOrdID: "probe"))
        #expect(without.waitForReport(execType: "4", clOrdID: "ioc-2", seconds: 0) == nil)
    }

    @Test("margin order entry: dollar prices with 4 decimals on a 0.0001 grid, whole contracts only")
    func marginOrderEntry() throws {
        let harness = try SimHarness(product: .margin, sessionTypes: [.kalshiNR], extraKeys: [Self.otherKey])
        var makerConfiguration = try harness.configuration(.kalshiNR, product: .margin)
        makerConfiguration.logonOptions.skipPendingExecReports = true
        let maker = harness.connect(makerConfiguration)
        var takerConfiguration = try harness.configuration(.kalshiNR, product: .margin, pair: SimTestKeys.otherPair, keyID: Self.otherKeyID)
        takerConfiguration.logonOptions.skipPendingExecReports = true
        let taker = harness.connect(takerConfiguration)
        #expect(maker.wait { $0.isActive } && taker.wait { $0.isActive }, "\(harness.log.all)")
        func order(_ id: String, _ side: Side, qty: FixDecimal, price: FixDecimal) -> NewOrderSingle {
            NewOrderSingle(clOrdID: id, orderQty: qty, ordType: .limit, price: price, side: side, symbol: "BTC-PERP")
        }
        harness.send(order("m-1", .buyYes, qty: FixDecimal(mantissa: 3, scale: 0), price: FixDecimal(mantissa: 4321, scale: 4)), on: maker)
        let new = try #require(maker.waitForReport(execType: "0", clOrdID: "m-1"), "\(maker.messages)")
        #expect(field(44, in: new) == "0.4321" && field(38, in: new) == "3.00")
        harness.send(order("m-2", .buyYes, qty: FixDecimal(mantissa: 15, scale: 1), price: FixDecimal(mantissa: 4321, scale: 4)), on: maker)
        let fractional = try #require(maker.waitForReport(execType: "8", clOrdID: "m-2"))
        #expect(field(58, in: fractional) == "INVALID_ORDER" && field(103, in: fractional) == "13", "margin trades whole contracts")
        harness.send(order("t-1", .sellNo, qty: FixDecimal(mantissa: 2, scale: 0), price: FixDecimal(mantissa: 4300, scale: 4)), on: taker)
        let trade = try #require(maker.waitForReport(execType: "F", clOrdID: "m-1"))
        #expect(field(31, in: trade) == "0.4321" && field(32, in: trade) == "2.00" && field(704, in: trade) == "2.00")
    }
}

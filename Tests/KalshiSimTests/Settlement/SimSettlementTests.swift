import FixCodec
import FixSession
import Foundation
import KalshiSim
import Testing

/// Market settlement through the simulator (FACTS §15, EXAMPLES A28/A29): positions built by
/// real trades on KalshiNR, `settle(market:result:)`, and the MarketSettlementReports that
/// KalshiPT / KalshiRT clients receive.
@Suite("KalshiSim settlement", .serialized)
struct SimSettlementTests {
    static let market = "KXFEDDECISION-26DEC-H0"
    static let accountA = SimTestKeys.keyID
    static let accountB = "8d0c7a52-1f4b-4d7e-9f11-22aa33bb44cc"
    static let accountC = "c0ffee00-0000-4000-8000-00000000000c"
    static var keyB: SimAPIKey { SimAPIKey(keyID: accountB, publicKeyPEM: SimTestKeys.otherPair.publicKeyPEM) }
    static var keyC: SimAPIKey { SimAPIKey(keyID: accountC, publicKeyPEM: SimTestKeys.pair.publicKeyPEM) }
    /// A second key of `account` (one connection per key, FACTS §2.4), signing with `pair`.
    static func key(_ keyID: String, account: String, otherPair: Bool = false, cleared: [String] = []) -> SimAPIKey {
        SimAPIKey(keyID: keyID, publicKeyPEM: (otherPair ? SimTestKeys.otherPair : SimTestKeys.pair).publicKeyPEM,
                  account: account, clearedAccounts: cleared)
    }

    static func order(_ clOrdID: String, _ side: Side, qty: FixDecimal, cents: Int64) -> NewOrderSingle {
        NewOrderSingle(clOrdID: clOrdID, orderQty: qty, ordType: .limit, price: FixDecimal(mantissa: cents, scale: 0),
                       side: side, symbol: market, timeInForce: nil)
    }

    /// Logs a client on and fails the test if it does not get active.
    func logOn(_ harness: SimHarness, _ type: KalshiSessionType, keyID: String, otherPair: Bool = false,
               options: KalshiLogonOptions = KalshiLogonOptions()) throws -> ClientRecorder {
        var configuration = try harness.configuration(type, pair: otherPair ? SimTestKeys.otherPair : SimTestKeys.pair,
                                                      keyID: keyID)
        configuration.logonOptions = options
        let client = harness.connect(configuration)
        #expect(client.wait { $0.isActive }, "\(type) logon of \(keyID) failed: \(client.errors) \(harness.log.all)")
        return client
    }

    /// `buyer` buys `qty` YES from `seller` at `cents` (the seller rests first, the buyer takes).
    func trade(_ harness: SimHarness, buyer: ClientRecorder, seller: ClientRecorder, qty: FixDecimal, cents: Int64,
               id: String) throws {
        harness.send(Self.order("\(id)-ask", .sellNo, qty: qty, cents: cents), on: seller)
        _ = try #require(seller.waitForReport(execType: "0", clOrdID: "\(id)-ask"), "ask not resting: \(seller.messages)")
        harness.send(Self.order("\(id)-bid", .buyYes, qty: qty, cents: cents), on: buyer)
        _ = try #require(buyer.waitForReport(execType: "F", clOrdID: "\(id)-bid"), "no trade: \(buyer.messages)")
    }

    /// Waits for `count` UMS messages on `client`.
    func settlementReports(_ client: ClientRecorder, count: Int = 1) -> [String] {
        _ = client.wait { $0.messages(ofType: "UMS").count >= count }
        return client.messages(ofType: "UMS")
    }

    /// The body tags of a `tag=value|…` message after the standard header, in order.
    func bodyTags(_ text: String) -> [String] {
        let header: Set<String> = ["8", "9", "35", "34", "49", "52", "56", "43", "97", "122", "10"]
        return text.split(separator: "|").compactMap { part in
            let tag = String(part.split(separator: "=", maxSplits: 1)[0])
            return header.contains(tag) ? nil : tag
        }
    }

    /// All values of `tag` in a message, in order (repeating group fields).
    func values(_ tag: Int, in text: String) -> [String] {
        text.split(separator: "|").compactMap { part in
            let kv = part.split(separator: "=", maxSplits: 1)
            return kv.count == 2 && kv[0] == String(tag)[...] ? String(kv[1]) : nil
        }
    }

    /// A28's layout: 20105 55 715 [20106] 20107 730 893? then the party group. Our encoder
    /// writes 20106 and 893 in dictionary order (893 before the group; A28 prints it last).
    static let onePartyLayout = ["20105", "55", "715", "20106", "20107", "730", "893",
                                 "20108", "20109", "20110", "704", "705", "1703", "1704", "1705",
                                 "136", "137", "138", "139", "891"]

    @Test("settle YES: resting orders get CloseCancel reports, each account's PT session gets A28 field by field, later orders are refused")
    func settleYes() throws {
        let harness = try SimHarness(sessionTypes: [.kalshiNR, .kalshiPT],
                                     extraKeys: [Self.keyB, Self.key("pt-a", account: Self.accountA),
                                                 Self.key("pt-b", account: Self.accountB, otherPair: true)])
        let a = try logOn(harness, .kalshiNR, keyID: Self.accountA, options: KalshiLogonOptions(skipPendingExecReports: true,
                                                                                                 useExpiredOrdStatus: true))
        let b = try logOn(harness, .kalshiNR, keyID: Self.accountB, otherPair: true,
                          options: KalshiLogonOptions(skipPendingExecReports: true))
        let ptA = try logOn(harness, .kalshiPT, keyID: "pt-a")
        let ptB = try logOn(harness, .kalshiPT, keyID: "pt-b", otherPair: true)
        // A buys 4 YES from B at 45 cents; A's bid for 6 more and B's ask keep resting.
        try trade(harness, buyer: a, seller: b, qty: 4, cents: 45, id: "t1")
        harness.send(Self.order("a-rest", .buyYes, qty: 6, cents: 30), on: a)
        harness.send(Self.order("b-rest", .sellNo, qty: 2, cents: 70), on: b)
        _ = try #require(a.waitForReport(execType: "0", clOrdID: "a-rest"))
        _ = try #require(b.waitForReport(execType: "0", clOrdID: "b-rest"))

        let settlement = try harness.sim.settle(market: Self.market, result: .yes)
        #expect(settlement.closedOrders == 2, "both resting orders close: \(settlement)")
        #expect(settlement.payouts == [
            SimSettlementPayout(account: Self.accountA, yesContracts: .contracts(4), noContracts: .zero,
                                payout: .dollars(4), fee: .zero),
            SimSettlementPayout(account: Self.accountB, yesContracts: .zero, noContracts: .contracts(4),
                                payout: .zero, fee: .zero),
        ], "YES pays 1 dollar per YES contract, nothing per NO contract")
        #expect(settlement.reportsSent == 2, "one report per PT session")

        // CloseCancel: Expired (C) for A, who logged on with UseExpiredOrdStatus; Canceled (4) for B.
        let expired = try #require(a.waitForReport(execType: "C", clOrdID: "a-rest"), "A got \(a.messages)")
        #expect(field(39, in: expired) == "C" && field(151, in: expired) == "0.00" && field(58, in: expired) == nil)
        let canceled = try #require(b.waitForReport(execType: "4", clOrdID: "b-rest"), "B got \(b.messages)")
        #expect(field(39, in: canceled) == "4" && field(151, in: canceled) == "0.00")

        let reportA = try #require(settlementReports(ptA).first, "PT of A got no UMS: \(ptA.messages)")
        #expect(bodyTags(reportA) == Self.onePartyLayout, "layout differs from A28: \(reportA)")
        #expect(field(20105, in: reportA)?.isEmpty == false && field(55, in: reportA) == Self.market)
        #expect(field(715, in: reportA)?.count == 8, "ClearingBusinessDate YYYYMMDD: \(reportA)")
        #expect(field(20106, in: reportA) == "1" && field(20107, in: reportA) == "yes" && field(730, in: reportA) == "100.00")
        #expect(field(893, in: reportA) == "Y" && field(20108, in: reportA) == "1")
        #expect(field(20109, in: reportA) == Self.accountA && field(20110, in: reportA) == "24")
        #expect(field(704, in: reportA) == "4" && field(705, in: reportA) == "0", "positions as A28 prints them: \(reportA)")
        #expect(field(1703, in: reportA) == "1" && field(1704, in: reportA) == "4.00" && field(1705, in: reportA) == "PAYOUT")
        #expect(field(136, in: reportA) == "1" && field(137, in: reportA) == "0.00" && field(138, in: reportA) == "USD")
        #expect(field(139, in: reportA) == "4" && field(891, in: reportA) == "0")

        let reportB = try #require(settlementReports(ptB).first, "PT of B got no UMS: \(ptB.messages)")
        #expect(field(20109, in: reportB) == Self.accountB && field(704, in: reportB) == "0" && field(705, in: reportB) == "4")
        #expect(field(1704, in: reportB) == "0.00", "NO holders get nothing on YES: \(reportB)")
        #expect(field(20105, in: reportB) != field(20105, in: reportA), "report ids are unique per message")
        #expect(!reportA.contains(Self.accountB) && !reportB.contains(Self.accountA), "an account sees only its own party")

        // The market is closed now.
        harness.send(Self.order("late", .buyYes, qty: 1, cents: 50), on: a)
        let late = try #require(a.waitForReport(execType: "8", clOrdID: "late"), "\(a.messages)")
        #expect(field(58, in: late) == "MARKET_ALREADY_CLOSED" && field(103, in: late) == "2")
        #expect(throws: SimSettlementError.alreadySettled(Self.market)) { try harness.sim.settle(market: Self.market, result: .no) }
        #expect(throws: SimSettlementError.unknownMarket("NOPE")) { try harness.sim.settle(market: "NOPE", result: .no) }
    }

    @Test("scalar settlement with fractional contracts: A29's payout 30.6030 and rounding fee 0.00006, exact")
    func scalarWithRoundingFee() throws {
        let harness = try SimHarness(sessionTypes: [.kalshiNR, .kalshiPT],
                                     extraKeys: [Self.keyB, Self.key("pt-a", account: Self.accountA),
                                                 Self.key("pt-b", account: Self.accountB, otherPair: true)])
        let a = try logOn(harness, .kalshiNR, keyID: Self.accountA, options: KalshiLogonOptions(skipPendingExecReports: true))
        let b = try logOn(harness, .kalshiNR, keyID: Self.accountB, otherPair: true,
                          options: KalshiLogonOptions(skipPendingExecReports: true))
        let ptA = try logOn(harness, .kalshiPT, keyID: "pt-a")
        let ptB = try logOn(harness, .kalshiPT, keyID: "pt-b", otherPair: true)
        try trade(harness, buyer: a, seller: b, qty: FixDecimal(mantissa: 10_001, scale: 2), cents: 31, id: "s1")

        let settlement = try harness.sim.settle(market: Self.market, result: .scalar(SimPrice(units: 3_060)))
        // A: 100.01 × $0.3060 = $30.603060 → 30.6030 paid, 0.000060 fee.
        // B: 100.01 × $0.6940 = $69.406940 → 69.4069 paid, 0.000040 fee.
        #expect(settlement.payouts.map(\.payout) == [SimMoney(micros: 30_603_000), SimMoney(micros: 69_406_900)])
        #expect(settlement.payouts.map(\.fee) == [SimMoney(micros: 60), SimMoney(micros: 40)])

        let reportA = try #require(settlementReports(ptA).first, "\(ptA.messages)")
        #expect(field(20107, in: reportA) == "scalar" && field(730, in: reportA) == "30.60")
        #expect(field(704, in: reportA) == "100.01" && field(705, in: reportA) == "0")
        #expect(field(1704, in: reportA) == "30.6030" && field(137, in: reportA) == "0.00006", "A29 field by field: \(reportA)")
        let reportB = try #require(settlementReports(ptB).first, "\(ptB.messages)")
        #expect(field(704, in: reportB) == "0" && field(705, in: reportB) == "100.01")
        #expect(field(1704, in: reportB) == "69.4069" && field(137, in: reportB) == "0.00004", "\(reportB)")
    }

    @Test("a firm key clearing three accounts gets its batch in fragments: 893=N on all but the last, same 55, distinct 20105")
    func pagination() throws {
        let harness = try SimHarness(sessionTypes: [.kalshiNR, .kalshiPT],
                                     extraKeys: [Self.keyB, Self.keyC,
                                                 Self.key("fcm-pt", account: "fcm", cleared: [Self.accountA, Self.accountB,
                                                                                              Self.accountC, "flat-account"])],
                                     settlementReportPageSize: 2)
        let a = try logOn(harness, .kalshiNR, keyID: Self.accountA)
        let b = try logOn(harness, .kalshiNR, keyID: Self.accountB, otherPair: true)
        let c = try logOn(harness, .kalshiNR, keyID: Self.accountC)
        let firm = try logOn(harness, .kalshiPT, keyID: "fcm-pt")
        try trade(harness, buyer: a, seller: b, qty: 3, cents: 40, id: "p1")
        try trade(harness, buyer: c, seller: b, qty: 2, cents: 60, id: "p2")

        let settlement = try harness.sim.settle(market: Self.market, result: .no)
        #expect(settlement.reportsSent == 2, "3 parties at 2 per page: 2 fragments, got \(settlement)")
        let pages = settlementReports(firm, count: 2)
        #expect(pages.count == 2, "\(firm.messages)")
        #expect(pages.map { field(893, in: $0) } == ["N", "Y"], "LastFragment only on the last page")
        #expect(pages.map { field(20108, in: $0) } == ["2", "1"])
        #expect(pages.allSatisfy { field(20106, in: $0) == "2" && field(55, in: $0) == Self.market && field(20107, in: $0) == "no" })
        #expect(pages.allSatisfy { field(730, in: $0) == "0.00" })
        #expect(Set(pages.compactMap { field(20105, in: $0) }).count == 2, "each fragment has its own 20105")
        // Reassembled by Symbol: every account with a position once, in the key's order; the
        // firm's own account and the flat one hold nothing and are not listed.
        let parties = pages.flatMap { values(20109, in: $0) }
        #expect(parties == [Self.accountA, Self.accountB, Self.accountC], "\(pages)")
        #expect(pages.flatMap { values(1704, in: $0) } == ["0.00", "5.00", "0.00"], "NO pays B's 5 NO contracts only")
        #expect(pages.flatMap { values(705, in: $0) } == ["0", "5", "0"])
    }

    @Test("KalshiRT gets reports only with 20127=Y; KalshiNR with 20127=Y and a PT session with 20127=N get none")
    func receiveSettlementReportsFlag() throws {
        let harness = try SimHarness(sessionTypes: [.kalshiNR, .kalshiRT, .kalshiPT],
                                     extraKeys: [Self.keyB, Self.key("rt-in", account: Self.accountA),
                                                 Self.key("rt-default", account: Self.accountA),
                                                 Self.key("pt-out", account: Self.accountA)])
        let a = try logOn(harness, .kalshiNR, keyID: Self.accountA,
                          options: KalshiLogonOptions(receiveSettlementReports: true, skipPendingExecReports: true))
        let b = try logOn(harness, .kalshiNR, keyID: Self.accountB, otherPair: true)
        let rtIn = try logOn(harness, .kalshiRT, keyID: "rt-in", options: KalshiLogonOptions(receiveSettlementReports: true))
        let rtDefault = try logOn(harness, .kalshiRT, keyID: "rt-default",
                                  options: KalshiLogonOptions(skipPendingExecReports: true))
        let ptOut = try logOn(harness, .kalshiPT, keyID: "pt-out", options: KalshiLogonOptions(receiveSettlementReports: false))
        try trade(harness, buyer: a, seller: b, qty: 7, cents: 55, id: "r1")

        let settlement = try harness.sim.settle(market: Self.market, result: .yes)
        #expect(settlement.reportsSent == 1, "only the opted-in RT session: \(settlement) \(harness.log.all)")
        let report = try #require(settlementReports(rtIn).first, "RT with 20127=Y got \(rtIn.messages)")
        #expect(field(20109, in: report) == Self.accountA && field(704, in: report) == "7" && field(1704, in: report) == "7.00")

        // A message the sim sends after settling proves nothing else was queued before it on
        // the same connection: an order on the closed market is rejected.
        for (client, name) in [(a, "NR with 20127=Y"), (rtDefault, "RT without 20127")] {
            harness.send(Self.order("probe-\(name)", .buyYes, qty: 1, cents: 50), on: client)
            #expect(client.waitForReport(execType: "8", clOrdID: "probe-\(name)") != nil, "\(name): \(client.messages)")
            #expect(client.messages(ofType: "UMS").isEmpty, "\(name) must not get settlement reports")
        }
        harness.logout(ptOut)
        #expect(ptOut.messages(ofType: "UMS").isEmpty, "PT with 20127=N must not get settlement reports")
    }
}

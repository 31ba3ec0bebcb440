import FixCodec
import FixSession
import Foundation
import KalshiSim
import Testing

/// RFQ through the simulator (FACTS §14, EXAMPLES A31–A47): a creator on KalshiRT, market
/// makers on KalshiRFQ, all real client sessions over TLS.
@Suite("KalshiSim RFQ", .serialized)
struct SimRFQTests {
    static let market = "KXFEDDECISION-26DEC-H0"
    static let creator = SimTestKeys.keyID
    static let makerB = "8d0c7a52-1f4b-4d7e-9f11-22aa33bb44cc"
    static let makerC = "c0ffee00-0000-4000-8000-00000000000c"

    static var keys: [SimAPIKey] {
        [SimAPIKey(keyID: makerB, publicKeyPEM: SimTestKeys.otherPair.publicKeyPEM),
         SimAPIKey(keyID: "rfq-b", publicKeyPEM: SimTestKeys.otherPair.publicKeyPEM, account: makerB),
         SimAPIKey(keyID: "rfq-c", publicKeyPEM: SimTestKeys.pair.publicKeyPEM, account: makerC),
         SimAPIKey(keyID: "rfq-a", publicKeyPEM: SimTestKeys.pair.publicKeyPEM, account: creator),
         SimAPIKey(keyID: "rt-listener", publicKeyPEM: SimTestKeys.pair.publicKeyPEM, account: creator)]
    }

    struct Parties {
        let creator: ClientRecorder      // KalshiRT, account A
        let makerB: ClientRecorder       // KalshiRFQ, account B
        let makerBEntry: ClientRecorder  // KalshiNR, account B: where B's ExecutionReports go
        let makerC: ClientRecorder       // KalshiRFQ, account C
        let ownRFQ: ClientRecorder       // KalshiRFQ, account A (the creator's own account)
    }

    func logOn(_ harness: SimHarness, _ type: KalshiSessionType, keyID: String, otherPair: Bool = false,
               options: KalshiLogonOptions = KalshiLogonOptions()) throws -> ClientRecorder {
        var configuration = try harness.configuration(type, pair: otherPair ? SimTestKeys.otherPair : SimTestKeys.pair, keyID: keyID)
        configuration.logonOptions = options
        let client = harness.connect(configuration)
        #expect(client.wait { $0.isActive }, "\(type) logon of \(keyID) failed: \(client.errors) \(harness.log.all)")
        return client
    }

    func parties(_ harness: SimHarness, creatorOptions: KalshiLogonOptions = KalshiLogonOptions()) throws -> Parties {
        Parties(creator: try logOn(harness, .kalshiRT, keyID: Self.creator, options: creatorOptions),
                makerB: try logOn(harness, .kalshiRFQ, keyID: "rfq-b", otherPair: true),
                makerBEntry: try logOn(harness, .kalshiNR, keyID: Self.makerB, otherPair: true,
                                       options: KalshiLogonOptions(skipPendingExecReports: true)),
                makerC: try logOn(harness, .kalshiRFQ, keyID: "rfq-c"),
                ownRFQ: try logOn(harness, .kalshiRFQ, keyID: "rfq-a"))
    }

    /// The first message of `type` on `client` matching `predicate`, waiting for it.
    func waitFor(_ client: ClientRecorder, _ type: String, seconds: Double = 5,
               where predicate: @escaping (String) -> Bool = { _ in true }) -> String? {
        var found: String?
        _ = client.wait(seconds: seconds) { recorder in
            found = recorder.messages(ofType: type).first(where: predicate)
            return found != nil
        }
        return found
    }

    func bodyTags(_ text: String) -> [String] {
        let header: Set<String> = ["8", "9", "35", "34", "49", "52", "56", "43", "97", "122", "10"]
        return text.split(separator: "|").compactMap { part in
            let tag = String(part.split(separator: "=", maxSplits: 1)[0])
            return header.contains(tag) ? nil : tag
        }
    }

    /// Creates an RFQ for `qty` contracts and returns the server's RfqId from the ack.
    func createRFQ(_ harness: SimHarness, _ p: Parties, id: String, qty: Int64 = 100) throws -> String {
        harness.send(QuoteRequest(quoteReqID: id, noRelatedSym: 1, symbol: Self.market, orderQty: FixDecimal(mantissa: qty, scale: 0)),
                     on: p.creator)
        let ack = try #require(waitFor(p.creator, "b") { field(131, in: $0) == id }, "no QuoteRequestAck: \(p.creator.messages)")
        return try #require(field(21023, in: ack))
    }

    @Test("RFQ broadcast, quote, accept (Side 1 takes the maker's NO quote), confirm: A35/A37/A39/A42/A44/A45/A47 field by field, Trade ERs and positions on both sides")
    func fullFlowBuy() throws {
        let harness = try SimHarness(sessionTypes: [.kalshiNR, .kalshiRT, .kalshiRFQ], extraKeys: Self.keys)
        let p = try parties(harness)
        harness.send(QuoteRequest(quoteReqID: "client-req-123", noRelatedSym: 1, symbol: Self.market, orderQty: 100), on: p.creator)
        let ack = try #require(waitFor(p.creator, "b"), "no QuoteRequestAck: \(p.creator.messages)")
        #expect(bodyTags(ack) == ["131", "303", "21023", "100"], "A35 layout: \(ack)")
        #expect(field(131, in: ack) == "client-req-123" && field(303, in: ack) == "1" && field(100, in: ack) == "0")
        let rfqID = try #require(field(21023, in: ack))

        // The broadcast reaches both makers' RFQ sessions, with the requester's pseudonymous id.
        let request = try #require(waitFor(p.makerB, "R"), "maker B got no QuoteRequest: \(p.makerB.messages)")
        #expect(bodyTags(request) == ["131", "146", "55", "38", "453", "448"], "A42 layout: \(request)")
        #expect(field(131, in: request) == rfqID && field(146, in: request) == "1" && field(55, in: request) == Self.market)
        #expect(field(38, in: request) == "100" && field(453, in: request) == "1")
        #expect(field(448, in: request)?.hasPrefix("anon-") == true && !request.contains(Self.creator), "never the creator's key")
        #expect(waitFor(p.makerC, "R") != nil, "maker C got no QuoteRequest")

        harness.send(Quote(quoteID: "quote-789", quoteReqID: rfqID, symbol: Self.market, bidPx: 75, offerPx: 25), on: p.makerB)
        let pending = try #require(waitFor(p.makerB, "AI") { field(297, in: $0) == "10" }, "\(p.makerB.messages)")
        #expect(bodyTags(pending) == ["117", "131", "297", "38", "132", "133"], "A44 layout: \(pending)")
        #expect(field(117, in: pending) == "quote-789" && field(131, in: pending) == rfqID)
        #expect(field(38, in: pending) == "100" && field(132, in: pending) == "75" && field(133, in: pending) == "25")

        let notice = try #require(waitFor(p.creator, "S"), "creator got no Quote: \(p.creator.messages)")
        #expect(bodyTags(notice) == ["117", "131", "55", "132", "133", "38", "453", "448", "452"], "A37 layout: \(notice)")
        #expect(field(117, in: notice) == "quote-789" && field(131, in: notice) == rfqID && field(55, in: notice) == Self.market)
        #expect(field(132, in: notice) == "0.7500" && field(133, in: notice) == "0.2500", "creator prices in dollars: \(notice)")
        #expect(field(38, in: notice) == "100" && field(452, in: notice) == "35" && field(448, in: notice)?.hasPrefix("anon-") == true)

        harness.send(Quote(quoteID: "quote-c", quoteReqID: rfqID, symbol: Self.market, bidPx: 70, offerPx: 28), on: p.makerC)
        #expect(waitFor(p.makerC, "AI") { field(297, in: $0) == "10" } != nil, "maker C's quote: \(p.makerC.messages)")

        // Side 1 (buy YES) takes maker B's NO quote at 25: the creator buys YES at 75.
        harness.send(AcceptQuote(quoteID: "quote-789", side: .buyYes, orderQty: 100, clOrdID: "client-accept-123", rfqId: rfqID),
                     on: p.creator)
        let status = try #require(waitFor(p.creator, "UC"), "no AcceptQuoteStatus: \(p.creator.messages)")
        #expect(bodyTags(status) == ["117", "21025", "21024", "11"], "A39 layout: \(status)")
        #expect(field(21025, in: status) == "0" && field(21024, in: status) == "quote-789" && field(11, in: status) == "client-accept-123")
        let accepted = try #require(waitFor(p.makerB, "AI") { field(297, in: $0) == "0" }, "\(p.makerB.messages)")
        #expect(field(54, in: accepted) == "2", "the maker's NO side was accepted: \(accepted)")
        #expect(field(38, in: accepted) == "100" && field(117, in: accepted) == "quote-789" && field(132, in: accepted) == nil)

        harness.send(QuoteConfirm(quoteID: "quote-789", rfqId: rfqID), on: p.makerB)
        let confirmed = try #require(waitFor(p.makerB, "U8"), "no QuoteConfirmStatus: \(p.makerB.messages)")
        #expect(bodyTags(confirmed) == ["117", "21010"] && field(21010, in: confirmed) == "0", "A47: \(confirmed)")

        let creatorTrade = try #require(p.creator.waitForReport(execType: "F", clOrdID: "client-accept-123"), "\(p.creator.messages)")
        #expect(field(54, in: creatorTrade) == "1" && field(31, in: creatorTrade) == "75" && field(32, in: creatorTrade) == "100.00")
        #expect(field(39, in: creatorTrade) == "2" && field(1057, in: creatorTrade) == "Y" && field(55, in: creatorTrade) == Self.market)
        #expect(field(704, in: creatorTrade) == "100.00" && field(705, in: creatorTrade) == "0.00", "creator long 100 YES")
        // Taker fee: ceil(0.07 × 100 × 0.75 × 0.25) = ceil(1.3125) = 1.32 dollars.
        #expect(field(137, in: creatorTrade) == "1.3200", "\(creatorTrade)")
        let makerTrade = try #require(p.makerBEntry.waitForReport(execType: "F", clOrdID: "quote-789"), "\(p.makerBEntry.messages)")
        #expect(field(54, in: makerTrade) == "2" && field(31, in: makerTrade) == "75" && field(1057, in: makerTrade) == "N")
        #expect(field(704, in: makerTrade) == "0.00" && field(705, in: makerTrade) == "100.00", "maker long 100 NO")
        #expect(field(880, in: makerTrade) == field(880, in: creatorTrade), "one trade, one TrdMatchID")
        #expect(p.makerB.messages(ofType: "8").isEmpty, "no ExecutionReports on KalshiRFQ (FACTS §8)")

        // The RFQ is done: maker C's pending quote is canceled.
        #expect(waitFor(p.makerC, "AI") { field(297, in: $0) == "17" && field(117, in: $0) == "quote-c" } != nil, "\(p.makerC.messages)")
        // The creator's own account never saw its RFQ: a reply on that session proves nothing was queued before it.
        harness.send(Quote(quoteID: "probe", quoteReqID: "nope", symbol: Self.market, bidPx: 1), on: p.ownRFQ)
        #expect(waitFor(p.ownRFQ, "AI") != nil && p.ownRFQ.messages(ofType: "R").isEmpty, "\(p.ownRFQ.messages)")

        // Positions moved: settling YES pays the creator 100 YES and the maker nothing for 100 NO.
        let settlement = try harness.sim.settle(market: Self.market, result: .yes)
        #expect(settlement.payouts.map { "\($0.account) \($0.yesContracts)/\($0.noContracts)" }
                == ["\(Self.creator) 100.00/0.00", "\(Self.makerB) 0.00/100.00"], "\(settlement)")
    }

    @Test("Side 2 (sell YES) takes the maker's YES quote for part of the size; UseDollars on the creator's reports")
    func acceptSell() throws {
        let harness = try SimHarness(sessionTypes: [.kalshiNR, .kalshiRT, .kalshiRFQ], extraKeys: Self.keys)
        let p = try parties(harness, creatorOptions: KalshiLogonOptions(priceUnit: .dollars))
        let rfqID = try createRFQ(harness, p, id: "sell-1", qty: 50)
        _ = try #require(waitFor(p.makerB, "R"))
        harness.send(Quote(quoteID: "q-sell", quoteReqID: rfqID, symbol: Self.market, bidPx: 62, offerPx: 30), on: p.makerB)
        _ = try #require(waitFor(p.creator, "S"), "\(p.creator.messages)")
        harness.send(AcceptQuote(quoteID: "q-sell", side: .sellNo, orderQty: FixDecimal(mantissa: 1250, scale: 2), clOrdID: "acc-2"),
                     on: p.creator)
        let accepted = try #require(waitFor(p.makerB, "AI") { field(297, in: $0) == "0" })
        #expect(field(54, in: accepted) == "1", "the maker's YES side was accepted: \(accepted)")
        harness.send(QuoteConfirm(quoteID: "q-sell"), on: p.makerB)
        let trade = try #require(p.creator.waitForReport(execType: "F", clOrdID: "acc-2"), "\(p.creator.messages)")
        #expect(field(54, in: trade) == "2" && field(31, in: trade) == "0.6200" && field(32, in: trade) == "12.50", "\(trade)")
        #expect(field(705, in: trade) == "12.50" && field(704, in: trade) == "0.00", "the creator sold YES: short 12.50")
        let makerTrade = try #require(p.makerBEntry.waitForReport(execType: "F", clOrdID: "q-sell"))
        #expect(field(54, in: makerTrade) == "1" && field(31, in: makerTrade) == "62" && field(704, in: makerTrade) == "12.50")
    }

    @Test("rejects and cancels: AG for bad RFQs, AI REJECTED for bad quotes, QuoteCancel → AI CANCELLED + U9, RFQCancel → UB + AG to makers, listeners refused")
    func rejectsAndCancels() throws {
        let harness = try SimHarness(sessionTypes: [.kalshiNR, .kalshiRT, .kalshiRFQ], extraKeys: Self.keys)
        let p = try parties(harness)
        harness.send(QuoteRequest(quoteReqID: "bad-1", noRelatedSym: 1, symbol: "NO-SUCH-MARKET", orderQty: 5), on: p.creator)
        let unknown = try #require(waitFor(p.creator, "AG") { field(131, in: $0) == "bad-1" }, "\(p.creator.messages)")
        #expect(field(658, in: unknown) == "1" && field(58, in: unknown) == "MARKET_NOT_FOUND")

        let rfqID = try createRFQ(harness, p, id: "r-1", qty: 10)
        harness.send(QuoteRequest(quoteReqID: "r-2", noRelatedSym: 1, symbol: Self.market, orderQty: 10), on: p.creator)
        let duplicate = try #require(waitFor(p.creator, "AG") { field(131, in: $0) == "r-2" })
        #expect(field(658, in: duplicate) == "99" && field(58, in: duplicate) == "RFQ already exists", "FACTS §14.1: \(duplicate)")

        harness.send(Quote(quoteID: "q-x", quoteReqID: "no-such-rfq", symbol: Self.market, bidPx: 40), on: p.makerB)
        let noRFQ = try #require(waitFor(p.makerB, "AI") { field(117, in: $0) == "q-x" })
        #expect(field(297, in: noRFQ) == "5" && field(58, in: noRFQ) == "RFQ_NOT_FOUND" && field(132, in: noRFQ) == nil)
        harness.send(Quote(quoteID: "q-y", quoteReqID: rfqID, symbol: Self.market), on: p.makerB)
        let noPrices = try #require(waitFor(p.makerB, "AI") { field(117, in: $0) == "q-y" })
        #expect(field(297, in: noPrices) == "5" && field(58, in: noPrices) == "INVALID_QUOTE", "a quote needs 132 or 133")

        harness.send(Quote(quoteID: "q-1", quoteReqID: rfqID, symbol: Self.market, bidPx: 40), on: p.makerB)
        _ = try #require(waitFor(p.makerB, "AI") { field(117, in: $0) == "q-1" && field(297, in: $0) == "10" })
        harness.send(QuoteCancel(quoteID: "q-1", rfqId: rfqID), on: p.makerB)
        let canceled = try #require(waitFor(p.makerB, "U9"), "\(p.makerB.messages)")
        #expect(field(117, in: canceled) == "q-1" && field(298, in: canceled) == "0")
        #expect(waitFor(p.makerB, "AI") { field(117, in: $0) == "q-1" && field(297, in: $0) == "17" } != nil)
        harness.send(QuoteCancel(quoteID: "q-1"), on: p.makerB)
        #expect(waitFor(p.makerB, "U9") { field(298, in: $0) == "1" }.map { field(58, in: $0) } == "QUOTE_NOT_PENDING")
        harness.send(AcceptQuote(quoteID: "q-1", side: .sellNo, clOrdID: "late"), on: p.creator)
        let late = try #require(waitFor(p.creator, "UC"), "\(p.creator.messages)")
        #expect(field(21025, in: late) == "1" && field(58, in: late) == "QUOTE_NOT_PENDING" && field(11, in: late) == "late")

        harness.send(RFQCancel(quoteReqID: "r-1"), on: p.creator)
        let cancelStatus = try #require(waitFor(p.creator, "UB"), "\(p.creator.messages)")
        #expect(bodyTags(cancelStatus) == ["131", "21013"] && field(131, in: cancelStatus) == "r-1" && field(21013, in: cancelStatus) == "0",
                "A41: \(cancelStatus)")
        let gone = try #require(waitFor(p.makerB, "AG"), "makers hear the request is gone: \(p.makerB.messages)")
        #expect(field(131, in: gone) == rfqID && field(658, in: gone) == "99")
        harness.send(RFQCancel(rfqId: rfqID), on: p.creator)
        #expect(waitFor(p.creator, "UB") { field(21013, in: $0) == "1" }.map { field(131, in: $0) } == rfqID)

        var listenerConfiguration = try harness.configuration(.kalshiRT, keyID: "rt-listener")
        listenerConfiguration.logonOptions = .listener
        let listener = harness.connect(listenerConfiguration)
        #expect(listener.wait { $0.isActive })
        harness.send(QuoteRequest(quoteReqID: "l-1", noRelatedSym: 1, symbol: Self.market, orderQty: 1), on: listener)
        #expect(waitFor(listener, "j").map { field(380, in: $0) } == "6", "listener RFQ not refused: \(listener.messages)")
    }

    @Test("an accepted quote not confirmed in time expires: EXPIRED to both sides, later confirm/accept refused with EXPIRED")
    func expiredQuote() throws {
        let harness = try SimHarness(sessionTypes: [.kalshiNR, .kalshiRT, .kalshiRFQ], extraKeys: Self.keys,
                                     rfqConfirmTimeout: .milliseconds(200))
        let p = try parties(harness)
        let rfqID = try createRFQ(harness, p, id: "e-1", qty: 3)
        harness.send(Quote(quoteID: "q-e", quoteReqID: rfqID, symbol: Self.market, bidPx: 55, offerPx: 40), on: p.makerB)
        _ = try #require(waitFor(p.creator, "S"))
        harness.send(AcceptQuote(quoteID: "q-e", side: .buyYes, clOrdID: "acc-e"), on: p.creator)
        _ = try #require(waitFor(p.creator, "UC") { field(21025, in: $0) == "0" })

        let rejected = try #require(p.creator.waitForReport(execType: "8", clOrdID: "acc-e"), "\(p.creator.messages)")
        #expect(field(58, in: rejected) == "EXPIRED" && field(103, in: rejected) == "8" && field(39, in: rejected) == "8")
        let voided = try #require(waitFor(p.makerB, "AI") { field(297, in: $0) == "17" }, "\(p.makerB.messages)")
        #expect(field(117, in: voided) == "q-e" && field(58, in: voided) == "EXPIRED")
        harness.send(QuoteConfirm(quoteID: "q-e"), on: p.makerB)
        let confirm = try #require(waitFor(p.makerB, "U8"))
        #expect(field(21010, in: confirm) == "1" && field(58, in: confirm) == "EXPIRED")
        harness.send(AcceptQuote(quoteID: "q-e", side: .buyYes, clOrdID: "acc-e2"), on: p.creator)
        #expect(waitFor(p.creator, "UC") { field(11, in: $0) == "acc-e2" }.map { field(58, in: $0) } == "EXPIRED")
        #expect(p.creator.messages(ofType: "8").allSatisfy { field(150, in: $0) != "F" }, "an expired quote must not trade")
    }
}

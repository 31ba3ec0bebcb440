import FixCodec
import FixSession
import Foundation
import KalshiSim
import Testing

/// Drop copy through the simulator (FACTS §11): trades on KalshiNR, then KalshiDC clients of
/// each account ask for ExecID ranges with EventResendRequest (U1).
@Suite("KalshiSim drop copy", .serialized)
struct SimDropCopyTests {
    /// A DC key of the first account (one connection per key, FACTS §2.4).
    static let firstDCKeyID = "dc-of-first-account"
    static var firstDCKey: SimAPIKey {
        SimAPIKey(keyID: firstDCKeyID, publicKeyPEM: SimTestKeys.pair.publicKeyPEM, account: SimTestKeys.keyID)
    }
    static let secondDCKeyID = "dc-of-second-account"
    static var secondDCKey: SimAPIKey {
        SimAPIKey(keyID: secondDCKeyID, publicKeyPEM: SimTestKeys.otherPair.publicKeyPEM, account: SimOrderEntryTests.otherKeyID)
    }

    /// Header and trailer tags, which differ between the original and the replay.
    static let sessionTags: Set<String> = ["8", "9", "10", "34", "43", "49", "52", "56", "97", "122"]

    /// A message's body fields in order, without the session-level ones.
    static func body(_ message: String) -> [String] {
        message.split(separator: "|").map(String.init).filter { !sessionTags.contains(String($0.prefix { $0 != "=" })) }
    }

    /// Sends U1 and waits for its U2 or U3 (matched by 45); returns (replayed ERs, the answer).
    func resend(_ begin: String, _ end: String? = nil, on client: ClientRecorder, _ harness: SimHarness)
        throws -> (reports: [String], answer: String) {
        let before = client.messages.count
        harness.send(EventResendRequest(beginExecID: begin, endExecID: end), on: client)
        var answer: String?
        _ = client.wait { recorder in
            answer = recorder.messages.dropFirst(before).first { field(35, in: $0) == "U2" || field(35, in: $0) == "U3" }
            return answer != nil
        }
        let found = try #require(answer, "no U2/U3 for \(begin)…\(end ?? "latest"): \(client.messages.dropFirst(before)) \(client.errors)")
        let reports = client.messages.dropFirst(before).prefix { field(35, in: $0) == "8" }
        return (Array(reports), found)
    }

    @Test("U1 replays the account's ERs by ExecID range (full, sub-range, open-ended) then U2; out of window and too large → U3; no other account's ERs")
    func ranges() throws {
        let clock = SimTestClock()
        let harness = try SimHarness(sessionTypes: [.kalshiNR, .kalshiDC],
                                     extraKeys: [SimOrderEntryTests.otherKey, Self.firstDCKey, Self.secondDCKey], clock: clock)
        var first = try harness.configuration(.kalshiNR)
        first.logonOptions = KalshiLogonOptions(skipPendingExecReports: true)
        let trader = harness.connect(first)
        let counterparty = harness.connect(try harness.configuration(.kalshiNR, pair: SimTestKeys.otherPair,
                                                                     keyID: SimOrderEntryTests.otherKeyID))
        #expect(trader.wait { $0.isActive } && counterparty.wait { $0.isActive }, "\(harness.log.all)")

        // The first account: New, Trade, Canceled. The second: its taker Trade.
        harness.send(SimOrderEntryTests.order("b-1", .buyYes, qty: 10, cents: 45), on: trader)
        _ = try #require(trader.waitForReport(execType: "0", clOrdID: "b-1"))
        harness.send(SimOrderEntryTests.order("s-1", .sellNo, qty: 4, cents: 40), on: counterparty)
        _ = try #require(trader.waitForReport(execType: "F", clOrdID: "b-1"))
        harness.send(OrderCancelRequest(clOrdID: "b-2", origClOrdID: "b-1", side: .buyYes, symbol: SimOrderEntryTests.market), on: trader)
        _ = try #require(trader.waitForReport(execType: "4", clOrdID: "b-2"))
        let originals = trader.messages(ofType: "8")
        #expect(originals.count == 3, "the first account should have New, Trade, Canceled: \(originals)")
        let execIDs = originals.compactMap { field(17, in: $0) }
        let theirTrade = try #require(counterparty.waitForReport(execType: "F", clOrdID: "s-1"))
        let theirExecID = try #require(field(17, in: theirTrade))

        var dcConfiguration = try harness.configuration(.kalshiDC, keyID: Self.firstDCKeyID)
        dcConfiguration.logonOptions = KalshiLogonOptions()
        let dc = harness.connect(dcConfiguration)
        let otherDC = harness.connect(try harness.configuration(.kalshiDC, pair: SimTestKeys.otherPair, keyID: Self.secondDCKeyID))
        #expect(dc.wait { $0.isActive } && otherDC.wait { $0.isActive }, "DC logons: \(dc.errors) \(harness.log.all)")

        // Open-ended from the first ExecID: all three, equal to the originals, then U2.
        let all = try resend(execIDs[0], on: dc, harness)
        #expect(all.reports.map(Self.body) == originals.map(Self.body), "replay differs from the originals:\n\(all.reports)\n\(originals)")
        #expect(field(35, in: all.answer) == "U2" && field(21003, in: all.answer) == "3", "\(all.answer)")
        // 45 is the U1's MsgSeqNum: the DC client's first message after its Logon (1).
        #expect(field(45, in: all.answer) == "2", "U2 must reference the U1's MsgSeqNum: \(all.answer)")
        #expect(all.reports.allSatisfy { field(17, in: $0) != theirExecID }, "the other account's Trade leaked")

        // Full explicit range and a sub-range (the Trade alone).
        let full = try resend(execIDs[0], execIDs[2], on: dc, harness)
        #expect(full.reports.compactMap { field(17, in: $0) } == execIDs && field(21003, in: full.answer) == "3")
        let sub = try resend(execIDs[1], execIDs[1], on: dc, harness)
        #expect(sub.reports.map(Self.body) == [Self.body(originals[1])] && field(21003, in: sub.answer) == "1", "\(sub)")

        // Too small (before the window) and too large (after the latest ExecID).
        let clockPart = try #require(execIDs[0].split(separator: ";").first)
        let tooSmall = try resend("0;1", on: dc, harness)
        #expect(field(35, in: tooSmall.answer) == "U3" && field(21004, in: tooSmall.answer) == "3" && tooSmall.reports.isEmpty)
        let tooLarge = try resend(execIDs[0], "\(clockPart);999999", on: dc, harness)
        #expect(field(35, in: tooLarge.answer) == "U3" && field(21004, in: tooLarge.answer) == "4", "\(tooLarge.answer)")

        // The second account sees its own Trade only.
        let theirs = try resend(execIDs[0], on: otherDC, harness)
        #expect(theirs.reports.compactMap { field(17, in: $0) } == [theirExecID], "second account got \(theirs.reports)")
        #expect(Self.body(theirs.reports.first ?? "") == Self.body(theirTrade))

        // Three hours later everything has left the window: the same request is too small.
        clock.advance(seconds: 3 * 3_600 + 1)
        let expired = try resend(execIDs[0], on: dc, harness)
        #expect(field(35, in: expired.answer) == "U3" && field(21004, in: expired.answer) == "3", "\(expired)")
        #expect(dc.isActive && otherDC.isActive)
    }

    @Test("U3 reasons: rate limited after 5 requests in a second; malformed ExecIDs get a session Reject")
    func rateLimitAndMalformed() throws {
        let clock = SimTestClock()
        let harness = try SimHarness(sessionTypes: [.kalshiNR, .kalshiDC], extraKeys: [Self.firstDCKey], clock: clock)
        let dc = harness.connect(try harness.configuration(.kalshiDC, keyID: Self.firstDCKeyID))
        #expect(dc.wait { $0.isActive }, "\(harness.log.all)")
        // Nothing traded: a request past the latest ExecID finds nothing and answers U2 with 0.
        var answers: [String] = []
        for _ in 0..<6 {
            answers.append(try resend("99999999999;1", on: dc, harness).answer)
        }
        #expect(answers.prefix(5).allSatisfy { field(35, in: $0) == "U2" && field(21003, in: $0) == "0" }, "\(answers)")
        #expect(field(35, in: answers[5]) == "U3" && field(21004, in: answers[5]) == "1", "the 6th request in a second: \(answers[5])")
        clock.advance(seconds: 1)
        #expect(field(35, in: try resend("99999999999;1", on: dc, harness).answer) == "U2", "still limited a second later")

        harness.send(EventResendRequest(beginExecID: "12345"), on: dc)
        #expect(dc.wait { $0.errors.contains { if case .rejectReceived(_, _, 21001, _) = $0 { return true } else { return false } } },
                "no 35=3 for BeginExecID 12345: \(dc.errors) \(dc.messages)")
    }
}

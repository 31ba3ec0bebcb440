import FixCodec
import FixSession
import Foundation
import KalshiSim
import Testing

/// KalshiRT retransmission end to end (issue #6 item 8): reports produced while the client is
/// away are queued into its sequence and recovered by the ResendRequest after it reconnects.
@Suite("KalshiSim RT retransmission", .serialized)
struct SimRetransmissionTests {
    @Test("an RT client that drops and reconnects without reset recovers the ERs it missed; every ER exactly once by ExecID")
    func recoversWhatWasMissed() throws {
        let harness = try SimHarness(sessionTypes: [.kalshiNR, .kalshiRT], extraKeys: [SimOrderEntryTests.otherKey])
        var rtConfiguration = try harness.configuration(.kalshiRT)
        // Pending reports all carry ExecID -1;-1: without them every ER has its own ExecID.
        rtConfiguration.logonOptions = KalshiLogonOptions(skipPendingExecReports: true)
        #expect(!rtConfiguration.sessionParameters.resetSeqNumOnLogon, "RT must keep its numbers across reconnects")
        let clientStore = InMemorySessionStore()
        let first = harness.connect(rtConfiguration, store: clientStore)
        let counterparty = harness.connect(try harness.configuration(.kalshiNR, pair: SimTestKeys.otherPair,
                                                                     keyID: SimOrderEntryTests.otherKeyID))
        #expect(first.wait { $0.isActive } && counterparty.wait { $0.isActive }, "\(harness.log.all)")

        // While connected: the order and a first fill.
        harness.send(SimOrderEntryTests.order("rt-1", .buyYes, qty: 10, cents: 45), on: first)
        _ = try #require(first.waitForReport(execType: "0", clOrdID: "rt-1"))
        harness.send(SimOrderEntryTests.order("cp-1", .sellNo, qty: 2, cents: 45), on: counterparty)
        _ = try #require(first.waitForReport(execType: "F", clOrdID: "rt-1"))

        // Drop without Logout and wait until the simulator has noticed.
        harness.client.execute { first.driver?.dropConnection() }
        #expect(first.wait { $0.isDisconnected })
        let gone = "\(SimTestKeys.keyID)@\(KalshiSessionType.kalshiRT): disconnected"
        #expect(first.wait { _ in harness.log.contains(gone) }, "the simulator never saw the drop: \(harness.log.all)")

        // Two more fills while it is away: nobody is connected to receive them.
        harness.send(SimOrderEntryTests.order("cp-2", .sellNo, qty: 3, cents: 45), on: counterparty)
        _ = try #require(counterparty.waitForReport(execType: "F", clOrdID: "cp-2"))
        harness.send(SimOrderEntryTests.order("cp-3", .sellNo, qty: 1, cents: 44), on: counterparty)
        _ = try #require(counterparty.waitForReport(execType: "F", clOrdID: "cp-3"))

        // Reconnect with the same store and no reset: the gateway's Logon is ahead, the client
        // asks for the gap and gets the two Trades replayed with PossDupFlag=Y.
        let second = harness.connect(rtConfiguration, store: clientStore)
        #expect(second.wait { $0.isActive }, "reconnect failed: \(second.errors) \(harness.log.all)")
        #expect(second.wait { $0.messages(ofType: "8").count >= 2 }, "missed ERs not recovered: \(second.messages) \(second.errors)")
        #expect(second.errors.contains { if case .resendRequested = $0 { return true } else { return false } },
                "the client never asked for a resend: \(second.errors)")
        let replayed = second.messages(ofType: "8")
        #expect(replayed.allSatisfy { field(43, in: $0) == "Y" && field(122, in: $0) != nil }, "replays must be PossDup: \(replayed)")

        // Everything the account produced, deduplicated by ExecID: New, then cum 2, 5, 6.
        var seen: Set<String> = []
        var reports: [String] = []
        for report in first.messages(ofType: "8") + replayed {
            let execID = try #require(field(17, in: report))
            if seen.insert(execID).inserted { reports.append(report) }
        }
        #expect(reports.map { field(150, in: $0) ?? "" } == ["0", "F", "F", "F"], "ERs: \(reports)")
        #expect(reports.map { field(14, in: $0) ?? "" } == ["0.00", "2.00", "5.00", "6.00"], "cumulative quantities: \(reports)")
        #expect(replayed.map { field(14, in: $0) ?? "" } == ["5.00", "6.00"], "only the missed ERs are replayed: \(replayed)")

        // Live again: a new fill arrives normally, in sequence.
        harness.send(SimOrderEntryTests.order("cp-4", .sellNo, qty: 1, cents: 45), on: counterparty)
        #expect(second.wait { $0.messages(ofType: "8").contains { field(14, in: $0) == "7.00" && field(43, in: $0) == nil } },
                "live ER after recovery: \(second.messages)")
        #expect(second.isActive, "\(second.errors)")
    }

    @Test("an RT listener that is away gets its account's ERs queued too, and recovers them on reconnect")
    func listenerRecovers() throws {
        let harness = try SimHarness(sessionTypes: [.kalshiNR, .kalshiRT],
                                     extraKeys: [SimOrderEntryTests.otherKey, SimOrderEntryTests.listenerKey])
        var listenerConfiguration = try harness.configuration(.kalshiRT, keyID: SimOrderEntryTests.listenerKeyID)
        listenerConfiguration.logonOptions = KalshiLogonOptions(listenerSession: true, skipPendingExecReports: true)
        let store = InMemorySessionStore()
        let listener = harness.connect(listenerConfiguration, store: store)
        var traderConfiguration = try harness.configuration(.kalshiNR)
        traderConfiguration.logonOptions = KalshiLogonOptions(skipPendingExecReports: true)
        let trader = harness.connect(traderConfiguration)
        #expect(listener.wait { $0.isActive } && trader.wait { $0.isActive }, "\(harness.log.all)")
        harness.send(SimOrderEntryTests.order("l-1", .buyYes, qty: 3, cents: 20), on: trader)
        _ = try #require(listener.waitForReport(execType: "0", clOrdID: "l-1"), "listener did not mirror: \(listener.messages)")

        harness.client.execute { listener.driver?.dropConnection() }
        let gone = "\(SimOrderEntryTests.listenerKeyID)@\(KalshiSessionType.kalshiRT): disconnected"
        #expect(listener.wait { _ in harness.log.contains(gone) }, "the simulator never saw the drop: \(harness.log.all)")
        harness.send(OrderCancelRequest(clOrdID: "l-2", origClOrdID: "l-1", side: .buyYes, symbol: SimOrderEntryTests.market), on: trader)
        let canceled = try #require(trader.waitForReport(execType: "4", clOrdID: "l-2"))

        let back = harness.connect(listenerConfiguration, store: store)
        let replayed = try #require(back.waitForReport(execType: "4", clOrdID: "l-2"), "cancel not recovered: \(back.messages) \(back.errors)")
        #expect(field(43, in: replayed) == "Y" && field(17, in: replayed) == field(17, in: canceled), "\(replayed)")
        #expect(back.messages(ofType: "8").count == 1, "only the missed ER is replayed: \(back.messages)")
    }
}

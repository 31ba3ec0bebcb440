import FixCodec
@testable import KalshiSim
import Testing

/// ExecIDs compare as (clock, event) integer pairs, and the drop-copy window prunes by time.
@Suite("KalshiSim drop copy history")
struct SimExecKeyTests {
    @Test("ExecIDs order numerically, not as text; pending and malformed ones do not parse")
    func ordering() {
        #expect(SimExecKey("5;9")! < SimExecKey("5;10")!, "5;10 follows 5;9 (text order says otherwise)")
        #expect(SimExecKey("4;99")! < SimExecKey("5;1")!)
        #expect(SimExecKey("5;7;0") == SimExecKey("5;7"), "exchange index 0 is the two-part id")
        for bad in ["-1;-1", "5", "5;", ";5", "a;b", "5;7;1", "5;7;0;0"] {
            #expect(SimExecKey(bad) == nil, "\(bad) must not parse")
        }
    }

    @Test("reports older than 3 hours are pruned; the window then starts at the oldest kept ExecID")
    func window() {
        let history = SimDropCopy()
        let owner = SimOwnerID(1)
        let hour: Int64 = 3_600_000_000_000
        func report(_ execID: String, at time: Int64) -> ExecutionReport {
            ExecutionReport(orderID: "1", clOrdID: "c", execID: execID, execType: .new, ordStatus: .new, side: .buyYes,
                            symbol: "M", leavesQty: .zero, cumQty: .zero, avgPx: .zero, orderQty: .zero,
                            transactTime: FixTimestamp(nanosecondsSinceEpoch: time))
        }
        history.record([report("7;1", at: 0), report("-1;-1", at: 0), report("7;2", at: 2 * hour)], owner: owner, now: 2 * hour)
        #expect(history.keptCount == 2, "the pending report must not be kept")
        let latest = SimExecKey(clock: 7, event: 2)
        let now = 3 * hour + 1
        #expect(history.resend(keyID: "k", owner: owner, begin: SimExecKey("7;1")!, end: nil, latestIssued: latest, now: now)
                == .reject(.beginExecidTooSmall), "7;1 is 3 h + 1 ns old")
        #expect(history.keptCount == 1)
        let outcome = history.resend(keyID: "k", owner: owner, begin: SimExecKey("7;2")!, end: nil, latestIssued: latest, now: now)
        guard case .replay(let reports) = outcome else { Issue.record("expected a replay, got \(outcome)"); return }
        #expect(reports.map(\.execID) == ["7;2"])
        #expect(history.resend(keyID: "k", owner: SimOwnerID(2), begin: SimExecKey("7;2")!, end: nil, latestIssued: latest, now: now)
                == .replay([]), "another account's report leaked")
    }
}

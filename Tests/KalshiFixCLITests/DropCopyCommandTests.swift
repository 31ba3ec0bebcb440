import Foundation
import TestSupport
import Testing

/// `kalshi-fix dropcopy` against a `kalshi-fix sim` child, after `kalshi-fix order` traded on it.
@Suite("kalshi-fix dropcopy", .serialized)
struct DropCopyCommandTests {
    @Test("resends an order's reports by ExecID, reconciles --local files (missing locally), refuses a BeginExecID outside the window")
    func dropCopy() throws {
        let sim = try OrderCommandTests.Sim(slot: 7)
        // A market the bots leave alone, so nothing but our order is in our account's history.
        let market = sim.ready.markets[2]
        let order = try OrderCommandTests.order(sim.connection() + ["--symbol", market, "--side", "buy-yes", "--qty", "3",
                                                                    "--price", "30", "--json", "--cancel-after"])
        try #require(order.status == 0, "\(order.transcript)")
        // Pending reports carry ExecID -1;-1 and are not replayed (FACTS §11).
        let reports = try order.lines.map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
        }.filter { $0["ExecID"] as? String != "-1;-1" }
        try #require(reports.count == 2, "expected New and Canceled with real ExecIDs:\n\(order.transcript)")
        let newID = try #require(reports[0]["ExecID"] as? String), canceledID = try #require(reports[1]["ExecID"] as? String)
        let clOrdID = try #require(reports[0]["ClOrdID"] as? String)

        let run = try OrderCommandTests.run(["dropcopy"] + sim.flags("DC") + ["--begin", newID])
        #expect(run.status == 0, "\(run.transcript)")
        #expect(run.lines.contains { $0.hasPrefix(newID + "  ") && $0.contains("ClOrdID \(clOrdID)") && $0.contains(market) && $0.contains("NEW") },
                "the New report was not printed:\n\(run.transcript)")
        #expect(run.lines.contains { $0.hasPrefix(canceledID + "  ") && $0.contains("CANCELED") }, "\(run.transcript)")
        #expect(run.lines.contains { $0.contains("ClOrdID \(clOrdID)") && $0.contains("canceled") && $0.hasPrefix("  OrderID") },
                "no final order state:\n\(run.transcript)")
        #expect(run.lines.contains("count: 2 ExecutionReports received, EventResendComplete announced 2"), "\(run.transcript)")
        #expect(run.lines.contains("duplicates: none"), "\(run.transcript)")
        #expect(run.errors.contains("logged on to KalshiDC") && run.errors.contains("logged out"), "\(run.transcript)")

        // --local: our own reports (order --json lines). Without the Canceled report it is missing locally.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kalshi-fix-dropcopy-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let partial = directory + "/partial.jsonl", complete = directory + "/complete.log"
        try order.lines.filter { !$0.contains("\"ExecID\":\"\(canceledID)\"") }.joined(separator: "\n").write(toFile: partial, atomically: true, encoding: .utf8)
        let missing = try OrderCommandTests.run(["dropcopy"] + sim.flags("DC") + ["--begin", newID, "--local", partial])
        #expect(missing.status == 1, "\(missing.transcript)")
        #expect(missing.lines.contains("  missing locally (1): \(canceledID)"), "\(missing.transcript)")
        #expect(missing.errors.contains("error: the reconciliation found differences"), "\(missing.transcript)")

        // Every report, as raw `|` lines with a log-style prefix: clean.
        let raw = try reports.map { "2026-12-04T02:55:01.123456789Z KalshiNR IN " + (try #require($0["raw"] as? String)) }
        try raw.joined(separator: "\n").write(toFile: complete, atomically: true, encoding: .utf8)
        let clean = try OrderCommandTests.run(["dropcopy"] + sim.flags("DC") + ["--begin", newID, "--local", complete])
        #expect(clean.status == 0, "\(clean.transcript)")
        #expect(clean.lines.contains("reconciliation: 2 reports from the exchange — clean"), "\(clean.transcript)")

        // A BeginExecID older than anything kept: EventResendReject 21004=3.
        let tooSmall = try OrderCommandTests.run(["dropcopy"] + sim.flags("DC") + ["--begin", "0;1"])
        #expect(tooSmall.status == 1, "\(tooSmall.transcript)")
        #expect(tooSmall.errors.contains("error: EventResendReject: BeginExecID too small"), "\(tooSmall.transcript)")
        #expect(tooSmall.lines.isEmpty, "\(tooSmall.transcript)")
    }

    @Test("usage errors exit 64: an ExecID that is not int;int, an unreadable --local file")
    func usage() throws {
        let base = ["dropcopy", "--host", "127.0.0.1", "--port", "1", "--key-id", "k", "--private-key", "/nonexistent"]
        let badID = try OrderCommandTests.run(base + ["--begin", "abc"])
        #expect(badID.status == 64 && badID.errors.contains("--begin must be an ExecID of the form int;int"), "\(badID.transcript)")
        let noFile = try OrderCommandTests.run(base + ["--begin", "1;1", "--local", "/nonexistent/reports.log"])
        #expect(noFile.status == 64 && noFile.errors.contains("cannot read --local"), "\(noFile.transcript)")
    }
}

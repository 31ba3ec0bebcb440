import Foundation
import TestSupport
import Testing

extension OrderCommandTests.Sim {
    /// Connection flags for a session without a --session flag (`book` on MD, `dropcopy` on DC).
    func flags(_ session: String) -> [String] {
        ["--host", ready.host, "--port", String(ready.ports[session]!), "--key-id", ready.key_id,
         "--private-key", ready.private_key, "--ca-file", ready.ca_file ?? ""]
    }
}

/// `kalshi-fix book` against a `kalshi-fix sim` child whose bots quote and trade its first markets.
@Suite("kalshi-fix book", .serialized)
struct BookCommandTests {
    /// A YES price in dollars as the book prints it: `$0.4500`.
    static var dollars: Regex<Substring> { #/\$0\.\d{4}/# }

    @Test("--json --duration 2, then --once, on a bot-quoted market; an unknown symbol's empty book; a refused subscription; Ctrl-C")
    func book() throws {
        let sim = try OrderCommandTests.Sim(slot: 6)
        let market = sim.ready.markets[0]  // quoted and traded by the sim's bots

        // --json --duration 2: one parseable object per change, and the bots change the book often.
        let json = try OrderCommandTests.run(["book"] + sim.flags("MD") + ["--symbol", market, "--json", "--duration", "2"])
        #expect(json.status == 0, "\(json.transcript)")
        #expect(json.lines.count >= 3, "expected several book changes in 2 s:\n\(json.transcript)")
        var twoSided = false
        for line in json.lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
            #expect(object["symbol"] as? String == market, "\(line)")
            let bids = try #require(object["bids"] as? [[String: String]], "no bids array: \(line)")
            let offers = try #require(object["offers"] as? [[String: String]], "no offers array: \(line)")
            for level in bids + offers {
                #expect(level["price"].map { $0.wholeMatch(of: #/0\.\d{4}/#) != nil } == true, "price not in dollars (4 dp): \(line)")
                #expect(level["cents"] != nil && level["size"]?.contains(".") == true, "\(line)")
            }
            if let best = bids.first?["price"], let ask = offers.first?["price"] {
                twoSided = true
                #expect(Double(best)! < Double(ask)!, "crossed book: \(line)")
            }
            #expect(object.keys.contains("last_trade"), "\(line)")
        }
        #expect(twoSided, "no change showed both sides:\n\(json.transcript)")
        #expect(json.errors.contains("logged on to KalshiMD") && json.errors.contains("logged out"), "\(json.transcript)")

        // --once: the first complete snapshot, both sides with dollar and cent prices.
        let once = try OrderCommandTests.run(["book"] + sim.flags("MD") + ["--symbol", market, "--once"])
        #expect(once.status == 0, "\(once.transcript)")
        #expect(once.lines.first?.hasPrefix("\(market)  bids ") == true, "\(once.transcript)")
        let rows = once.lines.filter { $0.contains("|") && $0.contains("$") }
        #expect(rows.contains { row in
            let halves = row.split(separator: "|")
            return halves.count == 2 && halves[0].contains(Self.dollars) && halves[1].contains(Self.dollars) && halves[0].contains("¢")
        }, "no row with a bid and an offer in dollars and cents:\n\(once.transcript)")
        #expect(once.lines.contains { $0.contains("last trade") }, "\(once.transcript)")
        #expect(once.errors.contains("first complete snapshot of 1 book"), "\(once.transcript)")

        // An unknown symbol is not rejected: Kalshi (and the sim) send an empty snapshot.
        let unknown = try OrderCommandTests.run(["book"] + sim.flags("MD") + ["--symbol", "NO-SUCH-MARKET", "--once"])
        #expect(unknown.status == 0, "\(unknown.transcript)")
        #expect(unknown.lines.contains("NO-SUCH-MARKET  bids 0 levels, offers 0 levels  (update 1)"), "\(unknown.transcript)")
        #expect(unknown.lines.contains("  (empty book: no bids, no offers)"), "\(unknown.transcript)")
        let unknownJSON = try OrderCommandTests.run(["book"] + sim.flags("MD") + ["--symbol", "NO-SUCH-MARKET", "--once", "--json"])
        #expect(unknownJSON.status == 0, "\(unknownJSON.transcript)")
        #expect(unknownJSON.lines == [#"{"symbol":"NO-SUCH-MARKET","bids":[],"offers":[],"last_trade":null,"update":1}"#],
                "\(unknownJSON.transcript)")

        // More symbols than the sim's per-request limit (100): MarketDataRequestReject, text printed, exit 1.
        let many = (0...100).flatMap { ["--symbol", "MKT-\($0)"] }
        let refused = try OrderCommandTests.run(["book"] + sim.flags("MD") + many + ["--duration", "5"])
        #expect(refused.status == 1, "\(refused.transcript)")
        #expect(refused.errors.contains("error: market data request rejected:") && refused.errors.contains("MDReqRejReason"),
                "\(refused.transcript)")

        // Ctrl-C on a live book: logs out, exits 0.
        let executable = try #require(CLITests.executable, "kalshi-fix is not built")
        let process = try ChildProcess(executable: executable, arguments: ["book"] + sim.flags("MD") + ["--symbol", market])
        defer { process.kill() }
        // stderr is merged into the lines here: wait for the logon and a first block.
        #expect(process.waitLine(seconds: 15) { $0.hasPrefix(market) } != nil, "no book:\n\(process.transcript)")
        process.send(signal: SIGINT)
        let status = try #require(process.waitExit(seconds: 10), "book did not stop on SIGINT")
        #expect(ChildProcess.exitCode(status) == 0, "exit status \(status)\n\(process.transcript)")
        #expect(process.waitLine(seconds: 2) { $0 == "logged out" } != nil, "\(process.transcript)")

        // --margin: the margin MD session (its own certificate in the same CA file) and BTC-PERP.
        var margin = sim.flags("MD")
        margin[3] = String(sim.ready.margin_ports["MD"]!)
        let perp = try OrderCommandTests.run(["book"] + margin + ["--margin", "--symbol", "BTC-PERP", "--once"])
        #expect(perp.status == 0, "\(perp.transcript)")
        #expect(perp.lines.contains { $0.contains("$0.") && $0.contains("|") }, "no two-sided BTC-PERP book:\n\(perp.transcript)")
    }

    @Test("usage errors exit 64: no --symbol, --once with --duration")
    func usage() throws {
        let base = ["book", "--host", "127.0.0.1", "--port", "1", "--key-id", "k", "--private-key", "/nonexistent"]
        let noSymbol = try OrderCommandTests.run(base)
        #expect(noSymbol.status == 64 && noSymbol.errors.contains("--symbol"), "\(noSymbol.transcript)")
        let both = try OrderCommandTests.run(base + ["--symbol", "X", "--once", "--duration", "1"])
        #expect(both.status == 64 && both.errors.contains("--once and --duration exclude each other"), "\(both.transcript)")
    }
}

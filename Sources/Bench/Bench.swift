import FixCodec
#if canImport(Glibc)
import Glibc
#endif

/// Benchmarks of the kalshi-fix stack. Figures are measured in one run; see README.md for the
/// latest tables.
///
///     swift run -c release Bench codec|book|track|rtt|roundtrip|ticktotrade|log|all [--json] [--count N] [--filter S]
@main
struct Bench {
    static let usage = """
        usage: Bench codec|book|track|rtt|roundtrip|ticktotrade|log|all [--json] [--filter SUBSTRING] [--count N]

        codec      decode/encode the fixed corpus (shared/bench-messages); ns per message and allocations per message
        book       frame + index + apply the corpus's 10-entry market-data incremental to a FixOrderBooks;
                   ns per message and allocations per message
        track      frame + index + OrderTracker.apply of New/Trade/Canceled reports for 1000 orders, then the same
                   reports again (all duplicates); ns per ER and allocations per ER
        rtt        64/256-byte ping-pong over loopback against a C echo peer: plain/TLS × io_uring/epoll ×
                   sleep/busy-poll, beside the blocking C client (the floor); µs percentiles of N round trips (default 100000)
        roundtrip  order → New ER through FixClient/OrderEntrySession and KalshiSim (own thread), one order in flight:
                   plain/TLS × io_uring/epoll × sleep/busy-poll client reactor, beside the 256-byte C ping-pong floor;
                   µs percentiles of N orders (default 20000) after 2000 warm-up, allocations per order on the client
        log        FixMessageLog.record on the producer (ns and allocations per record) and the writer thread behind it
        ticktotrade  X leaves KalshiSim → book → strategy callback → NewOrderSingle reaches KalshiSim, both stamped by
                   the simulator; tls/plain io_uring, sleep/spin; µs percentiles of N rounds (default 5000)
        all        every benchmark above, one Markdown table each (rtt and roundtrip with N = 20000 unless --count)
        """

    /// Runs ``run()``; a usage error or a failed benchmark exits with a message, never a crash.
    static func main() {
        do {
            try run()
        } catch BenchError.usage {
            fflush(nil)
            exit(64)
        } catch {
            print("Bench: \(error)")
            fflush(nil)
            exit(1)
        }
    }

    static func run() throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let json = arguments.contains("--json")
        arguments.removeAll { $0 == "--json" }
        if let i = arguments.firstIndex(of: "--filter"), i + 1 < arguments.count {
            Measure.filter = arguments[i + 1]
            arguments.removeSubrange(i...(i + 1))
        }
        var count: Int?
        if let i = arguments.firstIndex(of: "--count"), i + 1 < arguments.count {
            guard let n = Int(arguments[i + 1]), n > 0 else {
                print("Bench: --count needs a positive number")
                throw BenchError.usage
            }
            count = n
            arguments.removeSubrange(i...(i + 1))
        }
        let which = arguments.first ?? "codec"
        if ["-h", "--help", "help"].contains(which) {
            print(usage)
            return
        }
        guard Measure.allocationCounterWorks() else {
            print("Bench: the malloc counter is not active in this binary; allocation figures would be wrong")
            throw BenchError.usage
        }
        /// The command that reproduces one table; `n` is its --count when not the default.
        func command(_ name: String, count n: Int? = nil) -> String {
            "swift run -c release Bench \(name)\(n.map { " --count \($0)" } ?? "")\(json ? " --json" : "")"
        }

        func codec() throws { Report.print(try CodecBenchmarks.run(), json: json, command: command("codec")) }
        func book() throws { Report.print(try BookBenchmarks.run(), json: json, command: command("book")) }
        func track() throws {
            Report.print(try TrackBenchmarks.run(), json: json, command: command("track"),
                         method: "medians of 201 batches × 3000 ERs, each batch on a fresh tracker")
        }
        func log() { Report.print(LogBenchmarks.run(), json: json, command: command("log")) }
        func rtt(_ roundTrips: Int) throws {
            let rows = try RttBenchmarks.run(roundTrips: roundTrips, warmup: min(10_000, roundTrips))
            Report.printRtt(rows, json: json, command: command("rtt", count: roundTrips == 100_000 ? nil : roundTrips),
                            roundTrips: roundTrips)
        }
        func roundtrip(_ orders: Int) throws {
            let warmup = min(2_000, orders)
            let rows = try RoundtripBenchmarks.run(count: orders, warmup: warmup)
            Report.printRoundtrip(rows, json: json, command: command("roundtrip", count: orders == 20_000 ? nil : orders),
                                  count: orders, warmup: warmup)
        }

        func ticktotrade(_ rounds: Int) throws {
            let warmup = min(500, rounds)
            let rows = try TickToTradeBenchmarks.run(count: rounds, warmup: warmup)
            Report.printTickToTrade(rows, json: json, command: command("ticktotrade", count: rounds == 5_000 ? nil : rounds),
                                    count: rounds, warmup: warmup)
        }

        switch which {
        case "codec": try codec()
        case "book": try book()
        case "track": try track()
        case "log": log()
        case "rtt": try rtt(count ?? 100_000)
        case "roundtrip": try roundtrip(count ?? 20_000)
        case "ticktotrade": try ticktotrade(count ?? 5_000)
        case "all":
            // rtt at 20 000 round trips (not 100 000) keeps `make bench` within its 5-minute budget.
            let sections: [(String, () throws -> Void)] = [
                ("codec", codec), ("rtt", { try rtt(count ?? 20_000) }), ("book", book), ("track", track),
                ("roundtrip", { try roundtrip(count ?? 20_000) }), ("ticktotrade", { try ticktotrade(min(count ?? 5_000, 5_000)) }),
                ("log", log),
            ]
            for (name, section) in sections {
                if !json { print("\n### \(name)\n") }
                try section()
            }
        default:
            print("Bench: unknown benchmark '\(which)'\n\(usage)")
            throw BenchError.usage
        }
    }
}

enum BenchError: Error { case usage, corpusDidNotFrame(String) }

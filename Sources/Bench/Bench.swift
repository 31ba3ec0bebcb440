import FixCodec

/// Benchmarks of the kalshi-fix stack. Figures are medians of batch means measured in one run;
/// see README.md for the latest table.
///
///     swift run -c release Bench codec|book [--json]
@main
struct Bench {
    static func main() throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let json = arguments.contains("--json")
        arguments.removeAll { $0 == "--json" }
        if let i = arguments.firstIndex(of: "--filter"), i + 1 < arguments.count {
            Measure.filter = arguments[i + 1]
            arguments.removeSubrange(i...(i + 1))
        }
        guard Measure.allocationCounterWorks() else {
            print("Bench: the malloc counter is not active in this binary; allocation figures would be wrong")
            throw BenchError.usage
        }
        switch arguments.first ?? "codec" {
        case "codec":
            let results = try CodecBenchmarks.run()
            Report.print(results, json: json, command: "swift run -c release Bench codec\(json ? " --json" : "")")
        case "book":
            let results = try BookBenchmarks.run()
            Report.print(results, json: json, command: "swift run -c release Bench book\(json ? " --json" : "")")
        case "rtt":
            var roundTrips = 100_000
            if let i = arguments.firstIndex(of: "--count"), i + 1 < arguments.count, let n = Int(arguments[i + 1]), n > 0 {
                roundTrips = n
            }
            let rows = try RttBenchmarks.run(roundTrips: roundTrips, warmup: min(10_000, roundTrips))
            Report.printRtt(rows, json: json, command: "swift run -c release Bench rtt\(roundTrips == 100_000 ? "" : " --count \(roundTrips)")\(json ? " --json" : "")",
                            roundTrips: roundTrips)
        case "log":
            Report.print(LogBenchmarks.run(), json: json, command: "swift run -c release Bench log\(json ? " --json" : "")")
        case "-h", "--help", "help":
            print("""
                usage: Bench codec|book|rtt|log [--json] [--filter SUBSTRING] [--count N]

                codec  decode/encode the fixed corpus (shared/bench-messages); ns per message and allocations per message
                book   frame + index + apply the corpus's 10-entry market-data incremental to a FixOrderBooks;
                       ns per message and allocations per message
                rtt    64/256-byte ping-pong over loopback against a C echo peer: plain/TLS × io_uring/epoll ×
                       sleep/busy-poll, beside the blocking C client (the floor); µs percentiles of N round trips (default 100000)
                log    FixMessageLog.record on the producer (ns and allocations per record) and the writer thread behind it
                """)
        default:
            print("Bench: unknown benchmark '\(arguments[0])'; available: codec, book, rtt, log")
            throw BenchError.usage
        }
    }
}

enum BenchError: Error { case usage, corpusDidNotFrame(String) }

import FixCodec

/// Benchmarks of the kalshi-fix stack. Figures are medians of batch means measured in one run;
/// see README.md for the latest table.
///
///     swift run -c release Bench codec [--json]
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
        case "-h", "--help", "help":
            print("usage: Bench codec [--json] [--filter SUBSTRING]\n\ncodec  decode/encode the fixed corpus (shared/bench-messages); ns per message and allocations per message")
        default:
            print("Bench: unknown benchmark '\(arguments[0])'; available: codec")
            throw BenchError.usage
        }
    }
}

enum BenchError: Error { case usage, corpusDidNotFrame(String) }

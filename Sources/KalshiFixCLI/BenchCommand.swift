import ArgumentParser
import Foundation

/// `kalshi-fix bench`: runs the benchmark suite (the `Bench` executable built beside this one).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run the benchmarks (the Bench executable): codec, rtt, book, track, roundtrip, log.",
        discussion: """
        Benchmarks are meaningful only in release builds: `make bench` builds everything with \
        -c release and prints one Markdown table per benchmark with the command to reproduce it. \
        This command runs the Bench executable found next to kalshi-fix, passing the arguments on, \
        e.g. `kalshi-fix bench codec --json` or `kalshi-fix bench roundtrip --count 20000`.
        Times are nanoseconds (codec, book, track) or microseconds (rtt, roundtrip, ticktotrade).

        Examples:
          make bench                                  # release build, every benchmark
          kalshi-fix bench roundtrip --count 20000
        """
    )

    @Argument(parsing: .captureForPassthrough, help: "Arguments for Bench (default: all).")
    var arguments: [String] = []

    func run() throws {
        let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let bench = me.deletingLastPathComponent().appendingPathComponent("Bench").path
        guard FileManager.default.isExecutableFile(atPath: bench) else {
            print("Bench is not built next to \(me.path): run `make bench` (release build of every benchmark)")
            throw ExitCode(2)
        }
        if me.path.contains("/debug/") {
            print("note: this is a debug build; benchmark figures are only meaningful from `make bench` (release)")
        }
        let argv: [UnsafeMutablePointer<CChar>?] = ([bench] + (arguments.isEmpty ? ["all"] : arguments)).map { strdup($0) } + [nil]
        execv(bench, argv)
        throw ValidationError("cannot run \(bench): \(String(cString: strerror(errno)))")
    }
}

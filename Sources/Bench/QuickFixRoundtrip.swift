import Foundation
import FixSession
import KalshiSim
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The simulator's log lines (logons, refusals), kept to explain a failed QuickFIX row.
final class SimLogLines: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var tail: [String] { lines.withLock { Array($0.suffix(20)) } }
}

/// `roundtrip.quickfix.{tls|plain}`: QuickFIX C++ (Debian libquickfix, `QuickFixPeer mode=initiator`,
/// Sources/QuickFixPeer/Initiator.cpp) as the client of the same simulator and market, timing
/// NewOrderSingle → New ER in its fromApp with CLOCK_MONOTONIC; same warm-up, count and mass
/// cancel every ``RoundtripBenchmarks/restingLimit`` resting orders as our rows.
enum QuickFixRoundtrip {
    static func measure(_ name: String, sim: KalshiSimServer, keyID: String, key: KalshiAPIKeyPair, directory: String,
                        count: Int, warmup: Int, simLog: SimLogLines) throws -> RoundtripBenchmarks.Row {
        let peer = try executable()
        let keyPath = directory + "/quickfix-client-key.pem"
        try key.privateKeyPEM.write(toFile: keyPath, atomically: true, encoding: .utf8)
        var arguments = ["mode=initiator", "host=127.0.0.1", "port=\(sim.port(for: .kalshiNR)!)", "sender=\(keyID)",
                         "key=\(keyPath)", "dictionary=\(try dictionary())", "symbol=\(RoundtripBenchmarks.market)",
                         "count=\(count)", "warmup=\(warmup)", "resting=\(RoundtripBenchmarks.restingLimit)"]
        if let certificate = sim.certificate {
            let caPath = directory + "/quickfix-ca.pem"
            try certificate.certificatePEM.write(toFile: caPath, atomically: true, encoding: .utf8)
            arguments.append("ca=\(caPath)")
        }
        if ProcessInfo.processInfo.environment["BENCH_QUICKFIX_VERBOSE"] != nil { arguments.append("verbose=Y") }
        let (status, output) = try spawn(peer, arguments)
        let lines = output.split(separator: "\n")
        // QuickFIX itself may print to stdout (e.g. SSL notices); the samples follow `SAMPLES n`.
        let start = lines.firstIndex { $0.hasPrefix("SAMPLES ") }
        guard status == 0, let start, let n = Int(lines[start].dropFirst(8)), lines.count >= start + n + 2,
              lines[start + n + 1] == "DONE" else {
            let why = lines.first(where: { $0.hasPrefix("ERROR") }).map(String.init) ?? "exit status \(status), \(lines.count) lines"
            throw RoundtripError.failed(name, "QuickFixPeer: \(why); simulator log: \(simLog.tail.joined(separator: " / "))")
        }
        let samples = LatencySamples(capacity: n)
        for line in lines[(start + 1)..<(start + 1 + n)] { samples.append(Int64(line)!) }
        for line in lines[..<start] { FileHandle.standardError.write(Data("QuickFixPeer: \(line)\n".utf8)) }
        return RoundtripBenchmarks.Row(name: name, samples: samples, sendSamples: nil, allocationsPerOrder: nil,
                                       newOrderAllocationsPerOrder: nil, ackBytes: nil)
    }

    /// QuickFixPeer beside this binary (the same build directory; `make bench` builds it).
    static func executable() throws -> String {
        let directory = (URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path as NSString).deletingLastPathComponent
        let path = directory + "/QuickFixPeer"
        guard access(path, X_OK) == 0 else {
            throw RoundtripError.failed("roundtrip.quickfix", "\(path) not found: swift build -c release --product QuickFixPeer")
        }
        return path
    }

    /// spec/fix-dictionary-1.03.xml: above the build directory, else beside this source file's package.
    static func dictionary() throws -> String {
        var directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = directory.appendingPathComponent("spec/fix-dictionary-1.03.xml").path
            if access(candidate, R_OK) == 0 { return candidate }
            directory.deleteLastPathComponent()
        }
        let fromSource = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("spec/fix-dictionary-1.03.xml").path
        guard access(fromSource, R_OK) == 0 else { throw RoundtripError.failed("roundtrip.quickfix", "spec/fix-dictionary-1.03.xml not found") }
        return fromSource
    }

    /// posix_spawn with stdout on a pipe (stderr inherited); returns the exit status and all of stdout.
    static func spawn(_ path: String, _ arguments: [String]) throws -> (Int32, String) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw RoundtripError.failed("roundtrip.quickfix", "pipe: errno \(errno)") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addclose(&actions, fds[1])
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
        close(fds[1])
        guard spawned == 0 else {
            close(fds[0])
            throw RoundtripError.failed("roundtrip.quickfix", "posix_spawn \(path): \(String(cString: strerror(spawned)))")
        }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
            if n > 0 { output.append(contentsOf: buffer[0..<n]) } else if n < 0 && errno == EINTR { continue } else { break }
        }
        close(fds[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = (status & 0x7f) == 0
        return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), String(decoding: output, as: UTF8.self))
    }
}

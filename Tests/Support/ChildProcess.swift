import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A program the tests run as a child process: a stdin pipe for commands, its stdout collected
/// line by line for the test to wait on, stderr to a file.
///
/// posix_spawn + kill + waitpid rather than Foundation.Process, whose waitUntilExit hung after
/// terminate() on this machine.
public final class ChildProcess: @unchecked Sendable {
    public enum Failure: Error, CustomStringConvertible {
        case spawnFailed(executable: String, errno: Int32)
        public var description: String {
            switch self {
            case .spawnFailed(let executable, let rc): return "posix_spawn of \(executable) failed: \(String(cString: strerror(rc)))"
            }
        }
    }

    public let pid: pid_t
    private let stdinFD: Int32
    private let lock = NSLock()
    private var _lines: [String] = []
    private var exitStatus: Int32?
    private let changed = DispatchSemaphore(value: 0)

    /// Starts `executable` with `arguments` (not including argv[0]).
    /// - Parameter stderrPath: where its stderr goes (nil: merged into the collected stdout lines).
    public init(executable: String, arguments: [String], stderrPath: String? = nil) throws {
        var input: [Int32] = [0, 0], output: [Int32] = [0, 0]
        guard pipe(&input) == 0, pipe(&output) == 0 else { throw POSIXError(.EMFILE) }
        let errFD = stderrPath.map { open($0, O_WRONLY | O_CREAT | O_TRUNC, 0o600) } ?? output[1]
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_adddup2(&actions, input[0], 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errFD, 2)
        posix_spawn_file_actions_addclose(&actions, input[1])
        posix_spawn_file_actions_addclose(&actions, output[0])
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &actions, nil, argv, environ)
        posix_spawn_file_actions_destroy(&actions)
        Glibc.close(input[0]); Glibc.close(output[1])
        if stderrPath != nil { Glibc.close(errFD) }
        guard rc == 0 else {
            Glibc.close(input[1]); Glibc.close(output[0])
            throw Failure.spawnFailed(executable: executable, errno: rc)
        }
        pid = child
        stdinFD = input[1]
        let readFD = output[0]
        Thread { [self] in readLines(readFD) }.start()
    }

    deinit { kill() }

    /// Every line printed so far.
    public var lines: [String] { lock.withLock { _lines } }

    /// The last lines, for failure messages.
    public var transcript: String { lines.suffix(60).joined(separator: "\n") }

    /// A position in ``lines``, to wait for lines printed after it.
    public var mark: Int { lock.withLock { _lines.count } }

    /// The first line at or after `after` that matches, waiting up to `seconds` for it.
    @discardableResult
    public func waitLine(after: Int = 0, seconds: Double = 5, _ match: (String) -> Bool) -> String? {
        let deadline = DispatchTime.now() + seconds
        while true {
            let snapshot = lines
            if after < snapshot.count, let hit = snapshot[after...].first(where: match) { return hit }
            if changed.wait(timeout: deadline) == .timedOut {
                let last = lines
                return after < last.count ? last[after...].first(where: match) : nil
            }
        }
    }

    /// Writes `line` and a newline to its stdin.
    public func write(line: String) {
        _ = (line + "\n").withCString { Glibc.write(stdinFD, $0, strlen($0)) }
    }

    /// Closes its stdin (programs that read commands treat this as "quit").
    public func closeInput() { Glibc.close(stdinFD) }

    /// Sends `signal` (e.g. SIGTERM).
    public func send(signal: Int32) { Glibc.kill(pid, signal) }

    /// Waits up to `seconds` for the exit; the raw `waitpid` status, or nil if it still runs.
    public func waitExit(seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            if let status = lock.withLock({ exitStatus }) { return status }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                lock.withLock { exitStatus = status }
                return status
            }
            usleep(10_000)
        } while Date() < deadline
        return nil
    }

    /// The exit code when the process exited normally (not by a signal).
    public static func exitCode(_ status: Int32) -> Int32? {
        (status & 0x7f) == 0 ? (status >> 8) & 0xff : nil
    }

    /// SIGKILL unless it already exited, and reap it.
    public func kill() {
        guard waitExit(seconds: 0) == nil else { return }
        Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        lock.withLock { exitStatus = status }
    }

    private func readLines(_ fd: Int32) {
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            pending += buffer[0..<n]
            while let nl = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<nl], as: UTF8.self)
                pending.removeSubrange(...nl)
                lock.withLock { _lines.append(line) }
                changed.signal()
            }
        }
        Glibc.close(fd)
        changed.signal()
    }

    /// Runs a short command (looked up in PATH) to completion, output discarded.
    public static func run(_ arguments: [String]) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawnp(&child, arguments[0], &actions, nil, argv, environ)
        posix_spawn_file_actions_destroy(&actions)
        guard rc == 0 else { return }
        var status: Int32 = 0
        _ = waitpid(child, &status, 0)
    }
}

/// Executables of this package, found in the build products directory of the running tests.
public enum BuiltExecutable {
    /// `$environmentVariable` if set; else beside the test bundle (`.build/debug` or any
    /// `--scratch-path`); else `.build/debug` under the package root.
    public static func path(named name: String, environmentVariable: String? = nil, filePath: String = #filePath) -> String? {
        if let variable = environmentVariable, let path = ProcessInfo.processInfo.environment[variable] { return path }
        var candidates: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
            for _ in 0..<4 {
                candidates.append(dir.appendingPathComponent(name).path)
                dir = dir.deletingLastPathComponent()
            }
        }
        candidates.append(packageRoot.appendingPathComponent(".build/debug/\(name)").path)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The package's root directory.
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
}

/// A TCP port on 127.0.0.1 that was free a moment ago.
public func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { Glibc.close(fd) }
    var a = sockaddr_in()
    a.sin_family = sa_family_t(AF_INET)
    a.sin_addr.s_addr = inet_addr("127.0.0.1")
    _ = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
    return Int(UInt16(bigEndian: a.sin_port))
}

import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The `QuickFixPeer` executable (Sources/QuickFixPeer: a QuickFIX C++ SSL acceptor using our
/// dictionary) run as a child process: commands go to its stdin, its event lines are collected
/// from its stdout for the test to wait on.
///
/// posix_spawn + kill + waitpid rather than Foundation.Process, whose waitUntilExit hung after
/// terminate() on this machine.
final class QuickFixPeerProcess: @unchecked Sendable {
    /// The throwaway keys and certificate of one test run, in a 0700 temp directory. The
    /// private key is only ever read by ``LogonSigner``; nothing prints it.
    struct Material: Sendable {
        var directory: String
        /// Server certificate and key for QuickFIX's SSL acceptor (CN localhost, SAN 127.0.0.1).
        var certificatePath: String
        var certificateKeyPath: String
        /// The client's logon key pair (RSA 2048, PKCS#8) and a second, unrelated key.
        var clientKeyPath: String
        var clientPublicKeyPath: String
        var otherClientKeyPath: String
    }

    static let material: Material = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kalshi-fix-qf-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
        let m = Material(directory: dir, certificatePath: dir + "/server-cert.pem", certificateKeyPath: dir + "/server-key.pem",
                         clientKeyPath: dir + "/client-key.pem", clientPublicKeyPath: dir + "/client-pub.pem",
                         otherClientKeyPath: dir + "/other-key.pem")
        run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", m.certificateKeyPath,
             "-out", m.certificatePath, "-days", "2", "-subj", "/CN=localhost",
             "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        for key in [m.clientKeyPath, m.otherClientKeyPath] {
            run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key])
        }
        run(["openssl", "pkey", "-in", m.clientKeyPath, "-pubout", "-out", m.clientPublicKeyPath])
        return m
    }()

    /// The peer binary: `$QUICKFIX_PEER`, else beside the test bundle in the build products
    /// directory (works for `.build/debug` and any `--scratch-path`), else `.build/debug`
    /// under the package root.
    static var executablePath: String? {
        if let path = ProcessInfo.processInfo.environment["QUICKFIX_PEER"] { return path }
        var candidates: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
            for _ in 0..<4 {
                candidates.append(dir.appendingPathComponent("QuickFixPeer").path)
                dir = dir.deletingLastPathComponent()
            }
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug/QuickFixPeer").path)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static let dictionaryPath: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("spec/fix-dictionary-1.03.xml").path

    enum Failure: Error, CustomStringConvertible {
        case notBuilt
        case spawnFailed(Int32)
        case notReady(String)
        var description: String {
            switch self {
            case .notBuilt: return "QuickFixPeer is not built: run `swift build` (needs libquickfix-dev), or set QUICKFIX_PEER"
            case .spawnFailed(let rc): return "posix_spawn of QuickFixPeer failed: \(String(cString: strerror(rc)))"
            case .notReady(let transcript): return "QuickFixPeer did not start listening:\n\(transcript)"
            }
        }
    }

    let port: Int
    /// Settings, FileStore and stderr of this peer.
    let directory: String
    private let pid: pid_t
    private let stdinFD: Int32
    private let lock = NSLock()
    private var _lines: [String] = []
    private var exited = false
    private let changed = DispatchSemaphore(value: 0)

    /// Starts a peer for FIXT.1.1 `sender` → `target` and waits until it listens.
    /// - Parameters:
    ///   - directory: where its settings and FileStore go; reuse it to keep QuickFIX's numbers.
    ///   - resetOnLogon: QuickFIX's ResetOnLogon.
    init(directory: String, sender: String = "KalshiRT", target: String, resetOnLogon: Bool = false,
         publicKeyPath: String = QuickFixPeerProcess.material.clientPublicKeyPath) throws {
        guard let executable = Self.executablePath else { throw Failure.notBuilt }
        let m = Self.material
        self.directory = directory
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        port = try Self.freePort()
        var input: [Int32] = [0, 0], output: [Int32] = [0, 0]
        guard pipe(&input) == 0, pipe(&output) == 0 else { throw POSIXError(.EMFILE) }
        let errFD = open(directory + "/stderr.txt", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_adddup2(&actions, input[0], 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errFD, 2)
        posix_spawn_file_actions_addclose(&actions, input[1])
        posix_spawn_file_actions_addclose(&actions, output[0])
        let arguments = [executable, "dir=\(directory)", "port=\(port)", "cert=\(m.certificatePath)",
                         "key=\(m.certificateKeyPath)", "pubkey=\(publicKeyPath)", "dictionary=\(Self.dictionaryPath)",
                         "sender=\(sender)", "target=\(target)", "reset=\(resetOnLogon ? "Y" : "N")"]
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &actions, nil, argv, environ)
        posix_spawn_file_actions_destroy(&actions)
        Glibc.close(input[0]); Glibc.close(output[1]); Glibc.close(errFD)
        guard rc == 0 else {
            Glibc.close(input[1]); Glibc.close(output[0])
            throw Failure.spawnFailed(rc)
        }
        pid = child
        stdinFD = input[1]
        let readFD = output[0]
        Thread { [self] in readLines(readFD) }.start()
        guard waitLine(seconds: 10, { $0.hasPrefix("READY") }) != nil else {
            let transcript = self.transcript
            stop()
            throw Failure.notReady(transcript)
        }
    }

    deinit { stop() }

    /// Ends the peer: `quit`, then SIGKILL if it has not gone within a second.
    func stop() {
        lock.lock()
        if exited { lock.unlock(); return }
        exited = true
        lock.unlock()
        _ = "quit\n".withCString { Glibc.write(stdinFD, $0, strlen($0)) }
        Glibc.close(stdinFD)
        var status: Int32 = 0
        for _ in 0..<100 {
            if waitpid(pid, &status, WNOHANG) == pid { return }
            usleep(10_000)
        }
        kill(pid, SIGKILL)
        _ = waitpid(pid, &status, 0)
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

    /// Every line printed so far.
    var lines: [String] { lock.withLock { _lines } }

    /// The last lines, for failure messages.
    var transcript: String { lines.suffix(60).joined(separator: "\n") }

    /// A position in ``lines``, to wait for lines printed after it.
    var mark: Int { lock.withLock { _lines.count } }

    /// The first line at or after `after` that matches, waiting up to `seconds` for it.
    @discardableResult
    func waitLine(after: Int = 0, seconds: Double = 5, _ match: (String) -> Bool) -> String? {
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

    /// Sends one command and waits for its `DONE`; false on `ERROR` or no answer.
    @discardableResult
    func command(_ line: String) -> Bool {
        let from = mark
        _ = (line + "\n").withCString { Glibc.write(stdinFD, $0, strlen($0)) }
        let verb = String(line.split(separator: " ").first ?? "")
        let answer = waitLine(after: from) { $0 == "DONE \(verb)" || $0.hasPrefix("ERROR \(verb)") }
        return answer == "DONE \(verb)"
    }

    /// Asks for QuickFIX's next outbound and next expected inbound MsgSeqNum.
    func sequenceNumbers() -> (sender: Int, target: Int)? {
        let from = mark
        guard command("seq"), let line = waitLine(after: from, { $0.hasPrefix("SEQ ") }) else { return nil }
        var sender = 0, target = 0
        for part in line.split(separator: " ") {
            if part.hasPrefix("sender=") { sender = Int(part.dropFirst(7)) ?? 0 }
            if part.hasPrefix("target=") { target = Int(part.dropFirst(7)) ?? 0 }
        }
        return (sender, target)
    }

    static func freePort() throws -> Int {
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

    /// Runs a short command to completion, output discarded.
    static func run(_ arguments: [String]) {
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

/// A FIX message line of the peer (`IN …`, `OUT …`, `EVENT app …`) as tag → value (the last
/// occurrence wins; enough for header and flat body fields).
func fields(of line: String) -> [Int: String] {
    var result: [Int: String] = [:]
    guard let start = line.range(of: "8=FIXT") else { return result }
    for part in line[start.lowerBound...].split(separator: "|") {
        let kv = part.split(separator: "=", maxSplits: 1)
        if kv.count == 2, let tag = Int(kv[0]) { result[tag] = String(kv[1]) }
    }
    return result
}

import Dispatch
import Foundation
import TestSupport
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

    /// The peer binary: `$QUICKFIX_PEER`, else the package's build products.
    static var executablePath: String? { BuiltExecutable.path(named: "QuickFixPeer", environmentVariable: "QUICKFIX_PEER") }

    static let dictionaryPath: String = BuiltExecutable.packageRoot.appendingPathComponent("spec/fix-dictionary-1.03.xml").path

    enum Failure: Error, CustomStringConvertible {
        case notBuilt
        case notReady(String)
        var description: String {
            switch self {
            case .notBuilt: return "QuickFixPeer is not built: run `swift build` (needs libquickfix-dev), or set QUICKFIX_PEER"
            case .notReady(let transcript): return "QuickFixPeer did not start listening:\n\(transcript)"
            }
        }
    }

    let port: Int
    /// Settings, FileStore and stderr of this peer.
    let directory: String
    private let process: ChildProcess

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
        port = try freeLoopbackPort()
        let arguments = ["dir=\(directory)", "port=\(port)", "cert=\(m.certificatePath)",
                         "key=\(m.certificateKeyPath)", "pubkey=\(publicKeyPath)", "dictionary=\(Self.dictionaryPath)",
                         "sender=\(sender)", "target=\(target)", "reset=\(resetOnLogon ? "Y" : "N")"]
        process = try ChildProcess(executable: executable, arguments: arguments, stderrPath: directory + "/stderr.txt")
        guard process.waitLine(seconds: 10, { $0.hasPrefix("READY") }) != nil else {
            let transcript = process.transcript
            stop()
            throw Failure.notReady(transcript)
        }
    }

    deinit { stop() }

    /// Ends the peer: `quit`, then SIGKILL if it has not gone within a second.
    func stop() {
        guard process.waitExit(seconds: 0) == nil else { return }
        process.write(line: "quit")
        process.closeInput()
        if process.waitExit(seconds: 1) == nil { process.kill() }
    }

    /// Every line printed so far.
    var lines: [String] { process.lines }

    /// The last lines, for failure messages.
    var transcript: String { process.transcript }

    /// A position in ``lines``, to wait for lines printed after it.
    var mark: Int { process.mark }

    /// The first line at or after `after` that matches, waiting up to `seconds` for it.
    @discardableResult
    func waitLine(after: Int = 0, seconds: Double = 5, _ match: (String) -> Bool) -> String? {
        process.waitLine(after: after, seconds: seconds, match)
    }

    /// Sends one command and waits for its `DONE`; false on `ERROR` or no answer.
    @discardableResult
    func command(_ line: String) -> Bool {
        let from = mark
        process.write(line: line)
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

    /// Runs a short command to completion, output discarded.
    static func run(_ arguments: [String]) { ChildProcess.run(arguments) }
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

import Foundation
import TestSupport
import Testing

/// `kalshi-fix order` against a `kalshi-fix sim` child process, as a script would run both.
@Suite("kalshi-fix order", .serialized)
struct OrderCommandTests {
    static let market = "KXFEDDECISION-26DEC-H0"

    /// A running `kalshi-fix sim` and what its READY line says.
    final class Sim {
        let process: ChildProcess
        let ready: CLITests.Ready
        let state: String

        /// - Parameter slot: a distinct port range per test, so no test waits for another's ports.
        init(slot: Int) throws {
            let executable = try #require(CLITests.executable, "kalshi-fix is not built")
            let base = 40_000 + Int(getpid() % 150) * 120 + slot * 14
            state = FileManager.default.temporaryDirectory.appendingPathComponent("kalshi-fix-order-\(getpid())-\(slot)").path
            process = try ChildProcess(executable: executable, arguments: ["sim", "--port-base", String(base), "--state-dir", state])
            let line = try #require(process.waitLine(seconds: 30) { $0.hasPrefix("READY ") }, "no READY line:\n\(process.transcript)")
            ready = try JSONDecoder().decode(CLITests.Ready.self, from: Data(line.dropFirst(6).utf8))
        }

        deinit {
            process.kill()
            try? FileManager.default.removeItem(atPath: state)
        }

        /// Connection flags for `session` (NR or RT) with the sim's key and certificate.
        func connection(_ session: String = "NR", keyID: String? = nil) -> [String] {
            ["--host", ready.host, "--port", String(ready.ports[session]!), "--session", session,
             "--key-id", keyID ?? ready.key_id, "--private-key", ready.private_key, "--ca-file", ready.ca_file ?? ""]
        }
    }

    /// A finished `kalshi-fix order` run.
    struct Run {
        var status: Int32?
        /// stdout lines (reports).
        var lines: [String]
        /// stderr (progress and the verdict).
        var errors: String
        var transcript: String { (lines + ["-- stderr --", errors]).joined(separator: "\n") }
    }

    static func order(_ arguments: [String], seconds: Double = 30) throws -> Run {
        try run(["order"] + arguments, seconds: seconds)
    }

    /// Runs `kalshi-fix` with `arguments` to its end (killed after `seconds`).
    static func run(_ arguments: [String], seconds: Double = 30) throws -> Run {
        let executable = try #require(CLITests.executable, "kalshi-fix is not built")
        let errPath = FileManager.default.temporaryDirectory.appendingPathComponent("kalshi-fix-order-err-\(getpid())-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: errPath) }
        let process = try ChildProcess(executable: executable, arguments: arguments, stderrPath: errPath)
        defer { process.kill() }
        let status = process.waitExit(seconds: seconds)
        usleep(200_000)  // the child has exited; let the reader thread take the last lines from the pipe
        let errors = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return Run(status: status.flatMap(ChildProcess.exitCode), lines: process.lines, errors: errors)
    }

    static func buy(_ price: String = "45", symbol: String = market) -> [String] {
        ["--symbol", symbol, "--side", "buy-yes", "--qty", "5", "--price", price]
    }

    @Test("an acknowledged order exits 0 with its ExecutionReport printed and the session logged out")
    func acknowledged() throws {
        let sim = try Sim(slot: 0)
        let run = try Self.order(sim.connection() + Self.buy())
        #expect(run.status == 0, "\(run.transcript)")
        #expect(run.lines.contains { $0.hasPrefix("NEW ") && $0.contains(Self.market) && $0.contains("BUY_YES 5.00 @ 45¢") },
                "no New report:\n\(run.transcript)")
        #expect(run.errors.contains("logged on to KalshiNR") && run.errors.contains("logged out"), "\(run.transcript)")
        #expect(run.errors.contains("order acknowledged"), "\(run.transcript)")
        #expect(!(run.lines.joined() + run.errors).contains("PRIVATE KEY"), "the private key was printed")
    }

    @Test("--cancel-after and --replace-price: each waits for the gateway's confirmation (NR and RT)")
    func cancelAndReplace() throws {
        let sim = try Sim(slot: 1)
        let cancel = try Self.order(sim.connection() + Self.buy("40") + ["--cancel-after"])
        #expect(cancel.status == 0, "\(cancel.transcript)")
        #expect(cancel.lines.contains { $0.hasPrefix("CANCELED ") }, "no Canceled report:\n\(cancel.transcript)")
        #expect(cancel.errors.contains(", canceled"), "\(cancel.transcript)")

        let replace = try Self.order(sim.connection("RT") + Self.buy("40") + ["--replace-price", "41"])
        #expect(replace.status == 0, "\(replace.transcript)")
        #expect(replace.lines.contains { $0.hasPrefix("REPLACED ") && $0.contains("@ 41¢") }, "no Replaced report:\n\(replace.transcript)")
        #expect(replace.errors.contains("replaced at 41¢"), "\(replace.transcript)")
        #expect(replace.errors.contains("logged on to KalshiRT"), "\(replace.transcript)")
    }

    @Test("--json: every report line is a JSON object of field names with MsgType 8 and the raw message")
    func json() throws {
        let sim = try Sim(slot: 2)
        let run = try Self.order(sim.connection() + Self.buy("0.45") + ["--dollars", "--json", "--cancel-after"])
        #expect(run.status == 0, "\(run.transcript)")
        #expect(run.lines.count >= 2, "expected New and Canceled reports:\n\(run.transcript)")
        for line in run.lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
            #expect(object["MsgType"] as? String == "8", "\(line)")
            #expect((object["raw"] as? String)?.contains("|35=8|") == true, "\(line)")
            #expect(object["Symbol"] as? String == Self.market)
        }
        // UseDollars: prices come back in dollars.
        #expect(run.lines.contains { $0.contains("\"Price\":\"0.4500\"") }, "\(run.transcript)")
    }

    @Test("a rejected order (unknown symbol) exits 1 with OrdRejReason and MARKET_NOT_FOUND in one line")
    func rejected() throws {
        let sim = try Sim(slot: 3)
        let run = try Self.order(sim.connection() + Self.buy(symbol: "NO-SUCH-MARKET"))
        #expect(run.status == 1, "\(run.transcript)")
        let verdict = try #require(run.errors.split(separator: "\n").last.map(String.init))
        #expect(verdict.hasPrefix("error: order rejected") && verdict.contains("UNKNOWN_SYMBOL") && verdict.contains("MARKET_NOT_FOUND"),
                "\(run.transcript)")
        #expect(run.lines.contains { $0.hasPrefix("REJECTED ") }, "\(run.transcript)")
    }

    @Test("logon and connection failures: an unknown key gets the gateway's text, --no-tls against TLS says so (exit 2)")
    func noSession() throws {
        let sim = try Sim(slot: 4)
        let wrongKey = try Self.order(sim.connection(keyID: "no-such-key") + Self.buy())
        #expect(wrongKey.status == 2, "\(wrongKey.transcript)")
        #expect(wrongKey.errors.contains("logon refused by the gateway: Invalid API key: no-such-key"), "\(wrongKey.transcript)")

        var plaintext = sim.connection()
        plaintext.removeLast(2)  // --ca-file
        let noTLS = try Self.order(plaintext + ["--no-tls"] + Self.buy())
        #expect(noTLS.status == 2, "\(noTLS.transcript)")
        #expect(noTLS.errors.contains("expects TLS; drop --no-tls"), "\(noTLS.transcript)")
        #expect(wrongKey.lines.isEmpty && noTLS.lines.isEmpty)

        var remote = plaintext
        remote[1] = "192.0.2.1"  // --host: TEST-NET-1, never reached
        let refused = try Self.order(remote + ["--no-tls"] + Self.buy())
        #expect(refused.status == 64 && refused.errors.contains("--no-tls is for loopback addresses only"), "\(refused.transcript)")
    }

    @Test("an encrypted private key: loaded with --passphrase-env, refused with a wrong one, the passphrase never printed")
    func encryptedKey() throws {
        let sim = try Sim(slot: 5)
        let variable = "KALSHI_FIX_TEST_PASSPHRASE_\(getpid())"
        let passphrase = "correct horse \(UUID().uuidString)"
        setenv(variable, passphrase, 1)
        defer { unsetenv(variable) }
        let encrypted = sim.state + "/encrypted-key.pem"
        ChildProcess.run(["openssl", "pkcs8", "-topk8", "-in", sim.ready.private_key, "-out", encrypted, "-passout", "env:\(variable)"])
        try #require(FileManager.default.fileExists(atPath: encrypted), "openssl could not encrypt the key")
        var flags = sim.connection()
        flags[flags.firstIndex(of: "--private-key")! + 1] = encrypted

        let good = try Self.order(flags + ["--passphrase-env", variable] + Self.buy())
        #expect(good.status == 0, "\(good.transcript)")
        let missing = try Self.order(flags + Self.buy())
        #expect(missing.status == 2 && missing.errors.contains("passphrase is missing (pass --passphrase-env VAR)"), "\(missing.transcript)")
        setenv(variable, "wrong", 1)
        let wrong = try Self.order(flags + ["--passphrase-env", variable] + Self.buy())
        #expect(wrong.status == 2 && wrong.errors.contains("passphrase is wrong"), "\(wrong.transcript)")
        for run in [good, missing, wrong] {
            #expect(!run.transcript.contains(passphrase) && !run.transcript.contains("PRIVATE KEY"), "a secret was printed")
        }
    }

    @Test("--help explains units and the host rule, with examples")
    func help() throws {
        let run = try Self.order(["--help"])
        let text = (run.lines + [run.errors]).joined(separator: "\n")
        #expect(run.status == 0, "\(text)")
        for expected in ["in cents, a whole number 1-99", "--dollars", "number of contracts", "allowUnknownHost", "Examples:",
                         "--cancel-after", "--replace-price", "Exit status:"] {
            #expect(text.contains(expected), "help lacks \(expected):\n\(text)")
        }
    }

    @Test("usage errors exit 64 with the reason: bad --side, a cents price that is not whole cents")
    func usage() throws {
        let base = ["--host", "127.0.0.1", "--port", "1", "--session", "NR", "--key-id", "k", "--private-key", "/nonexistent"]
        let badSide = try Self.order(base + ["--symbol", "X", "--side", "buy", "--qty", "1", "--price", "45"])
        #expect(badSide.status == 64, "\(badSide.transcript)")
        #expect(badSide.errors.contains("'buy' is invalid for '--side"), "\(badSide.transcript)")

        let badPrice = try Self.order(base + ["--symbol", "X", "--side", "buy-yes", "--qty", "1", "--price", "0.45"])
        #expect(badPrice.status == 64 && badPrice.errors.contains("--price is in cents"), "\(badPrice.transcript)")
    }
}

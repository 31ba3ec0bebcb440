import FixCodec
import FixSession
import FixTransport
import Foundation
import Synchronization
import TestSupport
import Testing

/// The `kalshi-fix` executable as users and scripts run it.
@Suite("kalshi-fix CLI", .serialized)
struct CLITests {
    static var executable: String? { BuiltExecutable.path(named: "kalshi-fix", environmentVariable: "KALSHI_FIX_CLI") }

    struct Ready: Decodable {
        var host: String
        var tls: Bool
        var key_id: String
        var private_key: String
        var ca_file: String?
        var ports: [String: Int]
        var margin_ports: [String: Int]
        var markets: [String]
    }

    @Test("sim: listens on --port-base + offsets, prints one READY line a client can use, stops cleanly on SIGTERM")
    func sim() throws {
        let executable = try #require(Self.executable, "kalshi-fix is not built")
        let base = 30_000 + Int(getpid() % 1_000) * 20
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("kalshi-fix-cli-\(getpid())").path
        let process = try ChildProcess(executable: executable, arguments: ["sim", "--port-base", String(base), "--state-dir", state])
        defer { process.kill(); try? FileManager.default.removeItem(atPath: state) }
        let line = try #require(process.waitLine(seconds: 30) { $0.hasPrefix("READY ") }, "no READY line:\n\(process.transcript)")
        #expect(process.lines.filter { $0.hasPrefix("READY ") }.count == 1)
        let ready = try JSONDecoder().decode(Ready.self, from: Data(line.dropFirst(6).utf8))
        #expect(ready.host == "127.0.0.1" && ready.tls)
        #expect(ready.ports == ["NR": base, "RT": base + 1, "DC": base + 2, "PT": base + 3, "RFQ": base + 4, "MD": base + 5])
        #expect(ready.margin_ports == ["NR": base + 10, "RT": base + 11, "DC": base + 12, "MD": base + 13])
        #expect(ready.markets.contains("BTC-PERP") && ready.markets.count >= 2)
        let caFile = try #require(ready.ca_file)

        // A client logs on to NR with exactly what the READY line says.
        var configuration = SessionConfiguration(product: .prediction, sessionType: .kalshiNR,
                                                 destination: .endpoint(SessionEndpoint(host: ready.host, port: ready.ports["NR"]!)),
                                                 credentials: KalshiCredentials(keyID: ready.key_id, signer: try LogonSigner(contentsOf: ready.private_key)))
        configuration.security = .tls(TLSConfiguration(trust: .caFile(caFile)))
        let client = configuration
        let handler = StateRecorder()
        let reactor = try Reactor()
        reactor.startThread()
        defer { reactor.stopAndJoin() }
        nonisolated(unsafe) var driver: SessionDriver?
        reactor.execute {
            driver = SessionDriver(reactor: reactor, host: ready.host, port: ready.ports["NR"]!, security: client.security,
                                   parameters: client.sessionParameters, store: InMemorySessionStore(), handler: handler,
                                   reconnectPolicy: nil, logonBody: client.signedLogonBody)
            driver?.start()
        }
        #expect(wait { handler.states.withLock { $0.last == .active } }, "no logon: \(handler.states.withLock { $0 })\n\(process.transcript)")
        reactor.execute { driver?.logout() }
        #expect(wait { handler.states.withLock { $0.last == .disconnected } })

        process.send(signal: SIGTERM)
        let status = try #require(process.waitExit(seconds: 10), "sim did not stop on SIGTERM")
        #expect(ChildProcess.exitCode(status) == 0, "exit status \(status)\n\(process.transcript)")
        #expect(!process.transcript.contains("PRIVATE KEY"), "the private key was printed")
    }

    @Test("sim: a bad --port-base is a usage error with a message, exit code 64")
    func simUsageError() throws {
        let executable = try #require(Self.executable, "kalshi-fix is not built")
        let process = try ChildProcess(executable: executable, arguments: ["sim", "--port-base", "70000"])
        let status = try #require(process.waitExit(seconds: 10))
        #expect(ChildProcess.exitCode(status) == 64)
        #expect(process.waitLine(seconds: 2) { $0.contains("--port-base must leave room") } != nil, "\(process.transcript)")
    }

    @Test("demo: every step succeeds against the embedded simulator and it exits 0")
    func demo() throws {
        let executable = try #require(Self.executable, "kalshi-fix is not built")
        let process = try ChildProcess(executable: executable, arguments: ["demo", "--orders", "300"])
        defer { process.kill() }
        let status = try #require(process.waitExit(seconds: 60), "demo still running after 60 s:\n\(process.transcript)")
        #expect(ChildProcess.exitCode(status) == 0, "demo failed:\n\(process.transcript)")
        let output = process.lines
        #expect(output.contains { $0.contains("margin KalshiMD: logged on") })
        #expect(output.contains { $0.hasPrefix("  FILL") })
        #expect(output.contains { $0.contains("| 300 orders") })
        #expect(output.contains { $0.hasPrefix("demo finished in") })
    }

    @Test("bench: passes its arguments to the Bench executable built beside kalshi-fix")
    func bench() throws {
        let executable = try #require(Self.executable, "kalshi-fix is not built")
        let process = try ChildProcess(executable: executable, arguments: ["bench", "no-such-benchmark"])
        let status = try #require(process.waitExit(seconds: 30))
        // Bench itself answered (exec worked): it names the benchmarks it has.
        #expect(ChildProcess.exitCode(status) != 0)
        #expect(process.waitLine(seconds: 2) { $0.contains("unknown benchmark 'no-such-benchmark'") } != nil, "\(process.transcript)")
    }

    private func wait(seconds: Double = 10, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(5_000)
        }
        return condition()
    }
}

final class StateRecorder: SessionHandler, Sendable {
    let states = Mutex<[SessionState]>([])
    func session(_ session: SessionDriver, received message: FixMessage) {}
    func session(_ session: SessionDriver, stateChanged state: SessionState) { states.withLock { $0.append(state) } }
    func session(_ session: SessionDriver, error: SessionError) {}
}

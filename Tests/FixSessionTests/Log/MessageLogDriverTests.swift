import FixCodec
import FixTransport
import Foundation
import Synchronization
import Testing
@testable import FixSession

/// A driver with a message log, over a real loopback session against the test acceptor.
@Suite("MessageLog over a loopback session", .serialized)
struct MessageLogDriverTests {
    @Test("the log file holds the signed Logon (redacted), the order, its answer and the Logout, in order, with directions",
          arguments: SessionDriverTests.backends)
    func loopbackLog(backend: ReactorConfiguration.BackendPreference) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kalshi-fix-driver-log-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let log = try FixMessageLog(path: path)
        let acceptor = BlockingAcceptor()
        let reactor = try Reactor(configuration: ReactorConfiguration(backend: backend))
        reactor.startThread()
        let recorder = DriverRecorder()
        let signatures = Mutex<[String]>([])
        let holder = startDriver(reactor, port: acceptor.port, parameters: SessionParameters(senderCompID: "KEY", targetCompID: "KalshiRT"),
                                 store: InMemorySessionStore(), recorder: recorder,
                                 logonBody: { writer, context in
                                     let signature = try LogTestSupport.signedBody(&writer, context)
                                     signatures.withLock { $0.append(signature) }
                                 },
                                 messageLog: log)
        #expect(recorder.wait { recorder.states.contains(.active) }, "no logon: \(recorder.errors)")
        reactor.execute {
            try? holder.driver!.send(NewOrderSingle(clOrdID: "log-1", orderQty: FixDecimal(mantissa: 1, scale: 0), ordType: .limit,
                                                    price: FixDecimal(mantissa: 50, scale: 0), side: .buyYes, symbol: "KXTEST-26"))
        }
        #expect(recorder.wait { recorder.received.contains("log-1") }, "no answer to the order: \(recorder.received)")
        reactor.execute { holder.driver!.logout(text: "done") }
        #expect(recorder.wait { recorder.states.last == .disconnected }, "logout did not finish: \(recorder.states)")
        reactor.stopAndJoin()
        log.close()

        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        let summary = lines.map { line -> String in
            let parts = line.split(separator: " ", maxSplits: 3).map(String.init)
            guard parts.count == 4 else { return "malformed: \(line)" }
            return "\(parts[1]) \(parts[2]) \(field(35, in: parts[3]) ?? "?")"
        }
        #expect(summary == ["KalshiRT OUT A", "KalshiRT IN A", "KalshiRT OUT D", "KalshiRT IN j", "KalshiRT OUT 5", "KalshiRT IN 5"],
                "the log must show the session in order:\n\(lines.joined(separator: "\n"))")
        #expect(lines.first?.contains("|95=344|96=<redacted 344 bytes>|") == true, "Logon line: \(lines.first ?? "none")")
        let signature = try #require(signatures.withLock { $0.first })
        #expect(!lines.contains { $0.contains(signature.prefix(16)) }, "the signature leaked into the log")
        #expect(lines.allSatisfy { $0.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z "#, options: .regularExpression) != nil },
                "every line starts with a UTC nanosecond timestamp")
        #expect(log.droppedRecords == 0)
    }
}

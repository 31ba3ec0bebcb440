import FixCodec
import FixSession
import FixTransport
import Foundation
import KalshiSim
import Testing

/// Kalshi's logon rules as the simulator enforces them, against our real client over TLS.
@Suite("KalshiSim logon", .serialized)
struct SimLogonTests {
    @Test("every prediction session type accepts a signed logon over TLS and logs out cleanly")
    func predictionSessions() throws {
        let harness = try SimHarness()
        for type in KalshiProduct.prediction.sessionTypes {
            let client = harness.connect(try harness.configuration(type))
            #expect(client.wait { $0.isActive }, "\(type): never active; errors \(client.errors); sim log \(harness.log.all)")
            harness.client.execute { client.driver?.logout() }
            #expect(client.wait { $0.isDisconnected }, "\(type): no clean logout; states \(client.states)")
            #expect(client.errors.isEmpty, "\(type): \(client.errors)")
        }
        #expect(harness.log.contains("KalshiRFQ listening"))
    }

    @Test("margin NR, RT, DC and MD accept a 3 s heartbeat")
    func marginSessions() throws {
        let harness = try SimHarness(product: .margin)
        #expect(KalshiProduct.margin.sessionTypes.count == 4)
        for type in KalshiProduct.margin.sessionTypes {
            var configuration = try harness.configuration(type, product: .margin)
            configuration.heartbeatInterval = 3
            let client = harness.connect(configuration)
            #expect(client.wait { $0.isActive }, "margin \(type): never active; errors \(client.errors); sim log \(harness.log.all)")
            harness.client.execute { client.driver?.logout() }
            #expect(client.wait { $0.isDisconnected })
        }
    }

    @Test("refusals carry Kalshi-style Logout texts")
    func refusals() throws {
        let harness = try SimHarness()
        func refusal(_ configuration: SessionConfiguration, parameters: SessionParameters? = nil,
                     clock: (any SessionClock)? = nil, logonBody: LogonBodyWriter? = nil) -> String? {
            let client = harness.connect(configuration, parameters: parameters, clock: clock, logonBody: logonBody)
            _ = client.wait { $0.isDisconnected && $0.errors.contains { if case .logonRejected = $0 { true } else { false } } }
            #expect(!client.wasActive, "the simulator accepted a logon it should refuse")
            for error in client.errors { if case .logonRejected(let text) = error { return text } }
            Issue.record("no Logout text; errors \(client.errors)")
            return nil
        }
        // Signed with a key that is not the registered one.
        #expect(refusal(try harness.configuration(.kalshiNR, pair: SimTestKeys.otherPair)) == "Invalid signature")
        // A key id the simulator does not know.
        #expect(refusal(try harness.configuration(.kalshiNR, keyID: "unknown-key")) == "Invalid API key: unknown-key")
        // KalshiNR without ResetSeqNumFlag=Y (our configuration always sends it there, so the
        // body is written by hand: the signed fields without 141).
        let nr = try harness.configuration(.kalshiNR)
        var noReset = nr.sessionParameters
        noReset.resetSeqNumOnLogon = false
        let withoutReset: LogonBodyWriter = { writer, context in
            for field in try nr.signedLogonFields(sendingTime: context.sendingTime.description, msgSeqNum: context.msgSeqNum,
                                                  resetSeqNum: false) where field.tag != 141 {
                writer.write(field.tag, field.value)
            }
        }
        #expect(refusal(nr, parameters: noReset, logonBody: withoutReset) == "ResetSeqNumFlag(141)=Y is required on KalshiNR")
        // Prediction heartbeats must exceed 3 s.
        var fast = try harness.configuration(.kalshiRT)
        fast.heartbeatInterval = 3
        #expect(refusal(fast) == "HeartBtInt(108) must be greater than 3 seconds")
        // A listener without SkipPendingExecReports.
        var listener = try harness.configuration(.kalshiRT)
        listener.logonOptions.listenerSession = true
        #expect(refusal(listener) == "ListenerSession(20126)=Y requires SkipPendingExecReports(21011)=Y")
        // A client clock 60 s ahead: outside Kalshi's 30 s window.
        let skewed = refusal(try harness.configuration(.kalshiRT), clock: SkewedClock(seconds: 60))
        #expect(skewed?.contains("SendingTime") == true, "skewed logon got \(String(describing: skewed))")
        #expect(harness.log.contains("logon refused: Invalid signature"))
        #expect(!harness.log.all.joined().contains("PRIVATE KEY"))
    }

    @Test("a Logon for another session's port is rejected as a CompID problem")
    func wrongTargetCompID() throws {
        let harness = try SimHarness()
        // RT's CompID (56=KalshiRT), NR's port.
        let recorder = harness.connect(try harness.configuration(.kalshiRT), port: harness.sim.port(for: .kalshiNR)!)
        #expect(recorder.wait { $0.isDisconnected && !$0.errors.isEmpty }, "states \(recorder.states) errors \(recorder.errors)")
        #expect(!recorder.wasActive)
        #expect(harness.log.contains("do not match this session"), "sim log: \(harness.log.all)")
    }

    @Test("KalshiRT keeps sequence numbers across a reconnect without reset")
    func retransmissionContinuity() throws {
        let harness = try SimHarness(sessionTypes: [.kalshiRT])
        let configuration = try harness.configuration(.kalshiRT)
        let store = InMemorySessionStore()
        for round in 1...2 {
            let client = harness.connect(configuration, store: store)
            #expect(client.wait { $0.isActive }, "round \(round): \(client.errors) \(harness.log.all)")
            harness.client.execute { client.driver?.logout() }
            #expect(client.wait { $0.isDisconnected })
            #expect(client.errors.isEmpty, "round \(round): \(client.errors)")
        }
        // Logon + Logout per round on each side: both continue at 5.
        #expect(store.nextSenderSeqNum == 5, "client next out \(store.nextSenderSeqNum)")
        #expect(store.nextTargetSeqNum == 5, "client next in \(store.nextTargetSeqNum)")
    }
}

/// The system clock shifted by a fixed amount (a client whose wall clock is wrong).
final class SkewedClock: SessionClock {
    let offset: Int64
    let base = SystemSessionClock()
    init(seconds: Double) { offset = Int64(seconds * 1e9) }
    var monotonicNanoseconds: Int64 { base.monotonicNanoseconds }
    var utcNow: FixTimestamp { FixTimestamp(nanosecondsSinceEpoch: base.utcNow.nanosecondsSinceEpoch + offset) }
}

import Dispatch
import FixCodec
import FixTransport
import Foundation
import Testing
@testable import FixSession
#if canImport(Glibc)
import Glibc
#endif

/// One interop scenario: a freshly spawned ``QuickFixPeerProcess`` (Kalshi's side, QuickFIX
/// C++ over its own TLS) and our real ``SessionDriver`` on a real ``Reactor``.
final class InteropHarness: @unchecked Sendable {
    /// SenderCompID of our side: a key id shaped like Kalshi's (a UUID).
    static let keyID = "7c1d6a2e-3b4f-4e5a-9c8d-0f1e2d3c4b5a"
    /// Our signer and one for an unrelated key. Once loaded, the private key files are deleted:
    /// only OpenSSL's in-memory key objects remain, and nothing of them is ever printed.
    static let signers: (ours: LogonSigner, other: LogonSigner) = {
        let m = QuickFixPeerProcess.material
        defer {
            try? FileManager.default.removeItem(atPath: m.clientKeyPath)
            try? FileManager.default.removeItem(atPath: m.otherClientKeyPath)
        }
        return (try! LogonSigner(contentsOf: m.clientKeyPath), try! LogonSigner(contentsOf: m.otherClientKeyPath))
    }()
    static var signer: LogonSigner { signers.ours }
    static var otherSigner: LogonSigner { signers.other }

    let peer: QuickFixPeerProcess
    let directory: String
    let sessionType: KalshiSessionType
    private(set) var reactor: Reactor

    /// - Parameters:
    ///   - name: names the temp directory (settings, QuickFIX's FileStore, our journal).
    ///   - sessionType: `.kalshiRT` (retransmission, keeps numbers) or e.g. `.kalshiNR` (141=Y).
    init(_ name: String, backend: ReactorConfiguration.BackendPreference = .ioUring,
         sessionType: KalshiSessionType = .kalshiRT, peerResetOnLogon: Bool = false) throws {
        directory = QuickFixPeerProcess.material.directory + "/\(name)-\(backend)"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.sessionType = sessionType
        peer = try QuickFixPeerProcess(directory: directory + "/peer", sender: sessionType.targetCompID,
                                       target: Self.keyID, resetOnLogon: peerResetOnLogon)
        reactor = try Reactor(configuration: ReactorConfiguration(backend: backend))
        reactor.startThread()
    }

    deinit {
        reactor.stopAndJoin()
        peer.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Our configuration for the peer: the real signed-Logon path, TLS trusting the test CA.
    /// HeartBtInt 1 s keeps the scenarios short; it is below Kalshi's minimum, so the
    /// configuration is used without ``SessionConfiguration/validate(environment:)``.
    func configuration(signer: LogonSigner = InteropHarness.signer) -> SessionConfiguration {
        var config = SessionConfiguration(product: .prediction, sessionType: sessionType,
                                          destination: .endpoint(SessionEndpoint(host: "127.0.0.1", port: peer.port)),
                                          credentials: KalshiCredentials(keyID: Self.keyID, signer: signer))
        config.heartbeatInterval = 1
        config.logonTimeout = 3
        config.security = .tls(TLSConfiguration(trust: .caFile(QuickFixPeerProcess.material.certificatePath)))
        return config
    }

    /// Starts a driver for `config` on the reactor's thread.
    func startDriver(_ config: SessionConfiguration, store: any SessionStore, recorder: DriverRecorder,
                     reconnect: ReconnectPolicy? = nil) -> DriverBox {
        let holder = DriverBox()
        nonisolated(unsafe) let store = store  // used only on the I/O thread from here on
        let reactor = self.reactor
        let endpoint = try! config.endpoint()
        reactor.execute {
            let driver = SessionDriver(reactor: reactor, host: endpoint.host, port: endpoint.port,
                                       security: config.security, parameters: config.sessionParameters,
                                       store: store, handler: recorder, reconnectPolicy: reconnect,
                                       logonBody: config.signedLogonBody)
            holder.driver = driver
            driver.start()
        }
        return holder
    }

    /// Starts a driver and waits until both sides report the logon.
    func logOn(store: any SessionStore = InMemorySessionStore(), reconnect: ReconnectPolicy? = nil)
        -> (recorder: DriverRecorder, driver: DriverBox, ok: Bool) {
        let recorder = DriverRecorder()
        let from = peer.mark
        let holder = startDriver(configuration(), store: store, recorder: recorder, reconnect: reconnect)
        let ours = recorder.wait { recorder.states.contains(.active) }
        let theirs = peer.waitLine(after: from) { $0 == "EVENT logon" } != nil
        return (recorder, holder, ours && theirs)
    }

    /// Runs `body` with the driver on the I/O thread and waits for it.
    func onIOThread(_ holder: DriverBox, _ body: @escaping @Sendable (SessionDriver) -> Void) {
        let done = DispatchSemaphore(value: 0)
        reactor.execute {
            if let driver = holder.driver { body(driver) }
            done.signal()
        }
        done.wait()
    }

    /// Our next outbound MsgSeqNum, read on the I/O thread.
    func ourNextSenderSeqNum(_ holder: DriverBox) -> Int {
        final class Box: @unchecked Sendable { var value = -1 }  // written before `done` is signalled
        let box = Box()
        onIOThread(holder) { box.value = $0.core.store.nextSenderSeqNum }
        return box.value
    }

    /// Sends a NewOrderSingle (validated by QuickFIX against our dictionary) from our side.
    func sendOrder(_ holder: DriverBox, _ id: String, side: Side = .buyYes) {
        onIOThread(holder) { driver in
            do {
                try driver.send(NewOrderSingle(clOrdID: id, orderQty: FixDecimal(mantissa: 1, scale: 0), ordType: .limit,
                                               price: FixDecimal(mantissa: 50, scale: 0), side: side,
                                               symbol: "KXTEST-26", timeInForce: .gtc))
            } catch {
                Issue.record("sending \(id) failed: \(error)")
            }
        }
    }

    /// Replaces the reactor (the "process restart" scenario): the old one stops and its
    /// connections go with it.
    func restartReactor(backend: ReactorConfiguration.BackendPreference) throws {
        reactor.stopAndJoin()
        reactor = try Reactor(configuration: ReactorConfiguration(backend: backend))
        reactor.startThread()
    }

    /// Waits for QuickFIX to have received (`IN`) or sent (`OUT`) a message matching `match`.
    @discardableResult
    func waitMessage(_ direction: String, after: Int = 0, seconds: Double = 5,
                     _ match: @escaping ([Int: String]) -> Bool) -> [Int: String]? {
        peer.waitLine(after: after, seconds: seconds) { $0.hasPrefix(direction + " ") && match(fields(of: $0)) }
            .map(fields(of:))
    }

    /// QuickFIX's complaints since `after`: validation or sequence problems it logged, and
    /// any session Reject (35=3) or its own BusinessMessageReject (35=j without the 379 the
    /// peer's scripted ones carry) that it sent.
    func complaints(after: Int = 0) -> [String] {
        let lines = peer.lines
        guard after < lines.count else { return [] }
        let suspicious = ["Rejected", "too low", "too high", "Invalid", "invalid", "Unsupported", "not valid"]
        return lines[after...].filter { line in
            if line.hasPrefix("FATAL") || line.hasPrefix("ERROR") { return true }
            if line.hasPrefix("LOG ") { return suspicious.contains { line.contains($0) } }
            guard line.hasPrefix("OUT ") else { return false }
            let f = fields(of: line)
            return f[35] == "3" || (f[35] == "j" && f[379] == nil)
        }
    }
}

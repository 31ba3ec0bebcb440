import FixCodec
import FixSession
import FixTransport
import Foundation
import KalshiSim
import Synchronization
import Testing

/// Keys shared by the simulator tests (RSA generation is the slow part, so once per run).
enum SimTestKeys {
    static let keyID = "3f9c2f4e-6a52-4c1e-9d8e-0a1b2c3d4e5f"
    static let pair: KalshiAPIKeyPair = try! KalshiAPIKeyPair.generate()
    static let otherPair: KalshiAPIKeyPair = try! KalshiAPIKeyPair.generate()
    static var apiKey: SimAPIKey { SimAPIKey(keyID: keyID, publicKeyPEM: pair.publicKeyPEM) }
}

/// Collects what the simulator logs, for failure messages and assertions.
final class SimLogCollector: @unchecked Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    var sink: @Sendable (String) -> Void { { [self] line in lines.withLock { $0.append(line) } } }
    func contains(_ text: String) -> Bool { all.contains { $0.contains(text) } }
}

/// An exchange clock a test moves by hand (starts at the wall clock, moves only when told), so
/// time windows (order groups' 15 s, drop copy's 3 h) pass without sleeping.
final class SimTestClock: Sendable {
    private let nanoseconds = Mutex<Int64>(FixTimestamp.now().nanosecondsSinceEpoch)

    var now: Int64 { nanoseconds.withLock { $0 } }
    var source: @Sendable () -> Int64 { { [self] in now } }

    func advance(seconds: Int64) {
        nanoseconds.withLock { $0 += seconds * 1_000_000_000 }
    }
}

/// A running simulator plus a client reactor, torn down together.
final class SimHarness: @unchecked Sendable {
    let sim: KalshiSimServer
    let client: Reactor
    let log = SimLogCollector()

    /// - Parameter clock: the exchange clock (``SimConfiguration/clock``); nil for the wall clock.
    init(product: KalshiProduct = .prediction, useTLS: Bool = true, sessionTypes: [KalshiSessionType]? = nil,
         extraKeys: [SimAPIKey] = [], settlementReportPageSize: Int = 100,
         rfqConfirmTimeout: Duration = .seconds(30), clock: SimTestClock? = nil, bots: SimBotConfiguration? = nil) throws {
        let log = self.log
        sim = try KalshiSimServer(configuration: SimConfiguration(product: product, useTLS: useTLS,
                                                                  apiKeys: [SimTestKeys.apiKey] + extraKeys,
                                                                  sessionTypes: sessionTypes,
                                                                  settlementReportPageSize: settlementReportPageSize,
                                                                  rfqConfirmTimeout: rfqConfirmTimeout,
                                                                  bots: bots, log: log.sink, clock: clock?.source))
        try sim.start()
        client = try Reactor()
        client.startThread()
    }

    deinit {
        client.stopAndJoin()
        sim.stop()
    }

    /// A client session configuration pointing at the simulator.
    func configuration(_ type: KalshiSessionType, product: KalshiProduct = .prediction,
                       pair: KalshiAPIKeyPair = SimTestKeys.pair, keyID: String = SimTestKeys.keyID) throws -> SessionConfiguration {
        var configuration = SessionConfiguration(product: product, sessionType: type,
                                                 destination: .endpoint(SessionEndpoint(host: "127.0.0.1", port: sim.port(for: type)!)),
                                                 credentials: KalshiCredentials(keyID: keyID, signer: try pair.signer()))
        configuration.security = sim.clientSecurity
        configuration.heartbeatInterval = product.minimumHeartbeatInterval + 1
        return configuration
    }

    /// Starts a client session on the client reactor and returns its recorder.
    /// - Parameter port: where to connect instead of the session type's own port.
    /// - Parameter logonBody: replaces the configuration's signed Logon body (to send bad logons).
    func connect(_ configuration: SessionConfiguration, parameters: SessionParameters? = nil, port: Int? = nil,
                 store: any SessionStore = InMemorySessionStore(), clock: (any SessionClock)? = nil,
                 logonBody: LogonBodyWriter? = nil) -> ClientRecorder {
        let recorder = ClientRecorder()
        nonisolated(unsafe) let store = store
        nonisolated(unsafe) let clock = clock
        nonisolated(unsafe) let logonBody = logonBody
        let client = self.client
        let port = port ?? sim.port(for: configuration.sessionType)!
        client.execute {
            let driver = SessionDriver(reactor: client, host: "127.0.0.1", port: port,
                                       security: configuration.security, parameters: parameters ?? configuration.sessionParameters,
                                       store: store, handler: recorder, reconnectPolicy: nil,
                                       clock: clock ?? SystemSessionClock(), logonBody: logonBody ?? configuration.signedLogonBody)
            recorder.driver = driver
            driver.start()
        }
        return recorder
    }
}

extension SimHarness {
    /// Sends `message` on `client`'s session from the client I/O thread.
    func send<Message: FixEncodableMessage & SendableMetatype>(_ message: Message, on client: ClientRecorder) {
        nonisolated(unsafe) let message = message
        self.client.execute {
            do throws(SessionError) { try client.driver?.send(message) } catch {
                Issue.record("send failed: \(error)")
            }
        }
    }

    /// Logs `client` out and waits for the disconnect.
    func logout(_ client: ClientRecorder) {
        self.client.execute { client.driver?.logout() }
        _ = client.wait { $0.isDisconnected }
    }
}

/// Records a client session's events; thread-safe reads for the test thread.
final class ClientRecorder: SessionHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var _states: [SessionState] = []
    private var _errors: [SessionError] = []
    private var _messages: [String] = []
    /// Set on the client I/O thread; use it only there (through `onClient`).
    var driver: SessionDriver?

    var states: [SessionState] { lock.withLock { _states } }
    var errors: [SessionError] { lock.withLock { _errors } }
    /// Application messages as `tag=value|…` text.
    var messages: [String] { lock.withLock { _messages } }

    func session(_ session: SessionDriver, received message: FixMessage) {
        let text = String(decoding: message.bytes.map { $0 == 1 ? UInt8(ascii: "|") : $0 }, as: UTF8.self)
        lock.withLock { _messages.append(text) }
    }

    func session(_ session: SessionDriver, stateChanged state: SessionState) {
        lock.withLock { _states.append(state) }
    }

    func session(_ session: SessionDriver, error: SessionError) {
        lock.withLock { _errors.append(error) }
    }

    /// Waits until `condition` holds (polling every 5 ms); false on timeout.
    func wait(seconds: Double = 5, until condition: (ClientRecorder) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition(self) { return true }
            usleep(5_000)
        }
        return condition(self)
    }

    /// Inbound application messages of type `msgType` (e.g. "8"), oldest first.
    func messages(ofType msgType: String) -> [String] {
        messages.filter { field(35, in: $0) == msgType }
    }

    /// Waits for an ExecutionReport with ExecType (150) `execType` for ClOrdID `clOrdID`; returns it.
    func waitForReport(execType: String, clOrdID: String, seconds: Double = 5) -> String? {
        var found: String?
        _ = wait(seconds: seconds) { recorder in
            found = recorder.messages(ofType: "8").first { field(150, in: $0) == execType && field(11, in: $0) == clOrdID }
            return found != nil
        }
        return found
    }

    var isActive: Bool { states.last == .active }
    var wasActive: Bool { states.contains(.active) }
    var isDisconnected: Bool { states.last == .disconnected }
}

/// Field `tag` of a `tag=value|…` text message.
func field(_ tag: Int, in text: String) -> String? {
    for part in text.split(separator: "|") {
        let kv = part.split(separator: "=", maxSplits: 1)
        if kv.count == 2, kv[0] == String(tag)[...] { return String(kv[1]) }
    }
    return nil
}

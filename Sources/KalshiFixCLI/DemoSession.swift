import FixCodec
import FixSession
import FixTransport
import Foundation
import Synchronization

/// One client session of the demo: a ``SessionDriver`` on the demo's reactor, with what it
/// received kept as text for the demo's printout, and waits for the main thread.
///
/// Threading: the driver and the handler callbacks run on the reactor's I/O thread; the
/// `wait…` and `send` methods are for the main thread.
final class DemoSession: SessionHandler, @unchecked Sendable {
    let name: String
    let reactor: Reactor
    let configuration: SessionConfiguration
    private var driver: SessionDriver?  // I/O thread
    private let lock = NSLock()
    private var messages: [String] = []
    private var states: [SessionState] = []
    private(set) var errorsSeen: [SessionError] = []
    private var latency: LatencyRun?  // I/O thread

    init(name: String, reactor: Reactor, configuration: SessionConfiguration) {
        self.name = name
        self.reactor = reactor
        self.configuration = configuration
    }

    var errors: [SessionError] { lock.withLock { errorsSeen } }

    func start() {
        let configuration = self.configuration
        reactor.execute { [self] in
            let driver = SessionDriver(reactor: reactor, host: "127.0.0.1", port: endpointPort, security: configuration.security,
                                       parameters: configuration.sessionParameters, store: InMemorySessionStore(), handler: self,
                                       reconnectPolicy: nil, logonBody: configuration.signedLogonBody)
            self.driver = driver
            driver.start()
        }
    }

    private var endpointPort: Int {
        if case .endpoint(let endpoint) = configuration.destination { return endpoint.port }
        return configuration.sessionType.port
    }

    func send<Message: FixEncodableMessage & SendableMetatype>(_ message: Message) {
        nonisolated(unsafe) let message = message
        reactor.execute { [self] in
            do throws(SessionError) { try driver?.send(message) } catch {
                lock.withLock { errorsSeen.append(error) }
            }
        }
    }

    func logout() {
        reactor.execute { [self] in driver?.logout() }
    }

    // MARK: Waiting (main thread)

    private func wait(seconds: Double = 10, until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if lock.withLock(condition) { return true }
            usleep(1_000)
        }
        return lock.withLock(condition)
    }

    func waitActive() -> Bool { wait { states.last == .active } }
    func waitDisconnected() -> Bool { wait { states.last == .disconnected } }

    /// The first ExecutionReport with this ClOrdID and ExecType, as `tag=value|…` text.
    func waitReport(clOrdID: String, execType: String) -> String? {
        var found: String?
        _ = wait {
            found = messages.first { field(35, $0) == "8" && field(11, $0) == clOrdID && field(150, $0) == execType }
            return found != nil
        }
        return found
    }

    func waitMessage(type: String) -> String? {
        var found: String?
        _ = wait {
            found = messages.first { field(35, $0) == type }
            return found != nil
        }
        return found
    }

    // MARK: Latency

    /// Sends `count` orders one after another, each as soon as the previous one's New report
    /// arrives, all on the I/O thread; returns each order→ack time in nanoseconds.
    func pingPong(count: Int, market: String) throws -> [Int64] {
        let done = DispatchSemaphore(value: 0)
        let run = LatencyRun(count: count, market: market, done: done)
        reactor.execute { [self] in
            latency = run
            run.sendNext(driver)
        }
        guard done.wait(timeout: .now() + 120) == .success else { throw Demo.Failure("latency run timed out at \(run.completed) of \(count)") }
        if let error = run.failure { throw Demo.Failure("latency run: \(error)") }
        return Array(run.samples.prefix(run.completed))
    }

    // MARK: SessionHandler (I/O thread)

    func session(_ session: SessionDriver, received message: FixMessage) {
        if let run = latency, run.handle(message, driver: session) {
            if run.isFinished { latency = nil }
            return
        }
        let text = String(decoding: message.bytes.map { $0 == 1 ? UInt8(ascii: "|") : $0 }, as: UTF8.self)
        lock.withLock { messages.append(text) }
    }

    func session(_ session: SessionDriver, stateChanged state: SessionState) {
        lock.withLock { states.append(state) }
    }

    func session(_ session: SessionDriver, error: SessionError) {
        lock.withLock { errorsSeen.append(error) }
    }
}

/// A serial order→ack loop on the I/O thread: preallocated samples, one order in flight.
final class LatencyRun: @unchecked Sendable {
    let count: Int
    let market: String
    let done: DispatchSemaphore
    private(set) var samples: [Int64]
    private(set) var completed = 0
    private(set) var failure: SessionError?
    private var sentAt: UInt64 = 0
    private var order: NewOrderSingle

    init(count: Int, market: String, done: DispatchSemaphore) {
        self.count = count
        self.market = market
        self.done = done
        samples = [Int64](repeating: 0, count: count)
        // A 1-cent bid of one contract: far from the market, so it rests and is acknowledged New.
        order = NewOrderSingle(clOrdID: "lat-0", orderQty: FixDecimal(mantissa: 1, scale: 0), ordType: .limit,
                               price: FixDecimal(mantissa: 1, scale: 0), side: .buyYes, symbol: market)
    }

    var isFinished: Bool { completed == count || failure != nil }

    func sendNext(_ driver: SessionDriver?) {
        guard let driver else { return }
        order.clOrdID = "lat-\(completed)"
        sentAt = Self.now()
        do throws(SessionError) { try driver.send(order) } catch {
            failure = error
            done.signal()
        }
    }

    /// Consumes the ack of the order in flight; false for any other message.
    func handle(_ message: FixMessage, driver: SessionDriver) -> Bool {
        guard message.msgType.equals("8"), let execType = message.body.value(150), execType.equals("0"),
              let clOrdID = message.body.value(11), clOrdID.string == order.clOrdID else { return false }
        samples[completed] = Int64(Self.now() - sentAt)
        completed += 1
        if completed == count { done.signal() } else { sendNext(driver) }
        return true
    }

    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}

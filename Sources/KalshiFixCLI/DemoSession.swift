import FixCodec
import FixSession
import FixTransport
import Foundation
import Synchronization

/// A session of the demo that only logs on and off (KalshiRFQ, which the engine has no API for
/// yet): a ``SessionDriver`` on the demo's reactor.
///
/// Threading: the driver and the handler callbacks run on the reactor's I/O thread; `start`,
/// `logout` and the `wait…` methods are for the main thread.
final class DemoSession: SessionHandler, @unchecked Sendable {
    let name: String
    let reactor: Reactor
    let configuration: SessionConfiguration
    private var driver: SessionDriver?  // I/O thread
    private let lock = NSLock()
    private var states: [SessionState] = []
    private(set) var errorsSeen: [SessionError] = []

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

    // MARK: SessionHandler (I/O thread)

    func session(_ session: SessionDriver, received message: FixMessage) {}

    func session(_ session: SessionDriver, stateChanged state: SessionState) {
        lock.withLock { states.append(state) }
    }

    func session(_ session: SessionDriver, error: SessionError) {
        lock.withLock { errorsSeen.append(error) }
    }
}

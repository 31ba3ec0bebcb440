import FixSession
import FixTransport
import Synchronization

/// The entry point of the trading API: one I/O thread (a ``Reactor``) serving any number of
/// Kalshi sessions — order entry, listeners, drop copy, market data — of either product.
///
/// One client type for both products (rather than a separate margin client): the product is
/// part of each ``SessionConfiguration`` (hosts, heartbeat floor, dollar prices, which session
/// types exist), so prediction and margin sessions can even share one I/O thread.
///
/// ```swift
/// let client = try FixClient()
/// client.start()
/// let orders = try client.openOrderEntry(configuration, limits: RiskLimits(maxOrderQuantity: 100))
/// nonisolated(unsafe) let session = orders   // I/O-thread objects are not Sendable
/// client.execute {
///     session.delegate = strategy
///     session.start()
/// }
/// ```
///
/// ### Threading
/// ``start()``, ``stop()`` and ``execute(_:)``: any thread (not the I/O thread for stop).
/// ``openOrderEntry(_:store:limits:reconnectPolicy:messageLog:)`` validates and builds on the
/// calling thread; the session objects themselves are I/O-thread only — touch them inside
/// ``execute(_:)`` or from their delegate callbacks.
public final class FixClient: @unchecked Sendable {
    public let reactor: Reactor
    private let started = Atomic<Bool>(false)

    public init(reactorConfiguration: ReactorConfiguration = ReactorConfiguration()) throws(TransportError) {
        reactor = try Reactor(configuration: reactorConfiguration)
    }

    /// Starts the I/O thread.
    public func start() {
        guard !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        reactor.startThread()
    }

    /// Closes every connection and stops the I/O thread.
    public func stop() {
        guard started.exchange(false, ordering: .acquiringAndReleasing) else { return }
        reactor.stopAndJoin()
    }

    /// Runs `work` on the I/O thread.
    public func execute(_ work: @escaping @Sendable () -> Void) { reactor.execute(work) }

    /// Builds an order-entry session (KalshiNR or KalshiRT) from a validated configuration;
    /// call ``OrderEntrySession/start()`` on the I/O thread to connect.
    /// - Throws: the configuration's validation errors (``SessionConfigurationError``).
    public func openOrderEntry(_ configuration: SessionConfiguration, store: (any SessionStore)? = nil,
                               limits: RiskLimits = .none, reconnectPolicy: ReconnectPolicy? = ReconnectPolicy(),
                               messageLog: FixMessageLog? = nil) throws -> OrderEntrySession {
        let endpoint = try endpoint(of: configuration, for: [.kalshiNR, .kalshiRT])
        return OrderEntrySession(configuration: configuration, endpoint: endpoint, reactor: reactor,
                                 store: store ?? InMemorySessionStore(), limits: limits,
                                 reconnectPolicy: reconnectPolicy, messageLog: messageLog)
    }
}

extension FixClient {
    /// Validates `configuration`, checks its session type is one of `types`, and resolves its
    /// endpoint: what every `open…` does first.
    func endpoint(of configuration: SessionConfiguration, for types: [KalshiSessionType]) throws -> SessionEndpoint {
        try configuration.validate()
        guard types.contains(configuration.sessionType) else {
            throw FixClientError.wrongSessionType(configuration.sessionType, expected: types.map(\.rawValue))
        }
        return try configuration.endpoint()
    }
}

/// Why the client refused to build a session.
public enum FixClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The configuration's session type does not fit the session asked for.
    case wrongSessionType(KalshiSessionType, expected: [String])

    public var description: String {
        switch self {
        case .wrongSessionType(let type, let expected):
            return "\(type) cannot be used here: use \(expected.joined(separator: " or "))"
        }
    }
}

extension OrderEntrySession {
    /// Connects and logs on (and reconnects per the policy). I/O thread only.
    public func start() { driver.start() }
}

import FixCodec
import Synchronization

/// What a ``SessionEventStream`` delivers.
public enum SessionEvent: Sendable, Hashable {
    /// The session changed state (e.g. `.active` after logon).
    case stateChanged(SessionState)
    /// An in-order application message, copied out of the receive buffer.
    case message(FixOwnedMessage)
    /// An error; fatal ones are followed by `.stateChanged(.disconnected)`.
    case error(SessionError)
}

/// A ``SessionHandler`` that turns a driver's inline callbacks into an `AsyncSequence`, for
/// applications that prefer `for await` to handlers on the I/O thread:
///
///     let events = SessionEventStream()
///     reactor.execute { driver = SessionDriver(…, handler: events); driver.start() }
///     for await event in events {
///         if case .message(let message) = event, message.msgType == "8" { … }
///     }
///
/// ### Not for the hot path
/// Every message is copied (``FixOwnedMessage``: two allocations) and crosses to the consuming
/// task through the stream's lock and a task resumption: microseconds, not the nanoseconds of an
/// inline handler. Use ``SessionHandler`` directly where latency matters.
///
/// ### Buffering
/// Unbounded by default: a trading application must not lose an execution report because its
/// consumer was slow for a moment, so events wait in memory until read (memory grows if the
/// consumer stops reading while the session runs). A bounded policy may be chosen; then events
/// that do not fit are dropped and counted in ``droppedEvents``, which you should check.
///
/// ### Lifetime
/// The stream finishes when the driver stops (``SessionHandler/sessionDidStop(_:)``: logout
/// done, or disconnected with no further reconnect) or when this object is released. A driver
/// holds its handler weakly: keep this object alive while the driver runs (iterating it does).
/// One consumer only; one driver run per stream (after a stop, give the driver a new stream).
public final class SessionEventStream: SessionHandler, AsyncSequence, Sendable {
    public typealias Element = SessionEvent
    public typealias Failure = Never

    private let stream: AsyncStream<SessionEvent>
    private let continuation: AsyncStream<SessionEvent>.Continuation
    private let dropped = Atomic<Int>(0)

    /// - Parameter bufferingPolicy: `.unbounded` (default, see the type's discussion), or
    ///   `.bufferingOldest(n)` / `.bufferingNewest(n)` with drops counted in ``droppedEvents``.
    public init(bufferingPolicy: AsyncStream<SessionEvent>.Continuation.BufferingPolicy = .unbounded) {
        (stream, continuation) = AsyncStream.makeStream(of: SessionEvent.self, bufferingPolicy: bufferingPolicy)
    }

    deinit { continuation.finish() }

    /// Events dropped because a bounded buffer was full; any thread.
    public var droppedEvents: Int { dropped.load(ordering: .relaxed) }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(owner: self, base: stream.makeAsyncIterator())
    }

    /// Iterates the events; keeps the ``SessionEventStream`` (and so the handler) alive.
    public struct AsyncIterator: AsyncIteratorProtocol {
        public typealias Element = SessionEvent
        public typealias Failure = Never

        let owner: SessionEventStream
        var base: AsyncStream<SessionEvent>.AsyncIterator

        public mutating func next() async -> SessionEvent? {
            await base.next()
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async -> SessionEvent? {
            await base.next(isolation: actor)
        }
    }

    private func yield(_ event: SessionEvent) {
        if case .dropped = continuation.yield(event) {
            dropped.add(1, ordering: .relaxed)
        }
    }

    // MARK: SessionHandler (I/O thread)

    public func session(_ session: SessionDriver, received message: FixMessage) {
        yield(.message(FixOwnedMessage(message)))
    }

    public func session(_ session: SessionDriver, stateChanged state: SessionState) {
        yield(.stateChanged(state))
    }

    public func session(_ session: SessionDriver, error: SessionError) {
        yield(.error(error))
    }

    public func sessionDidStop(_ session: SessionDriver) {
        continuation.finish()
    }
}

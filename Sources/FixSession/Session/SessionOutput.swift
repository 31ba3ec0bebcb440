import FixCodec

/// Where a ``SessionCore`` puts its effects. The reactor glue implements it over a
/// `Connection`; tests implement it with a recorder, so the state machine runs without sockets.
///
/// - Important: called inline, on the thread that drives the core (the I/O thread).
public protocol SessionOutput: AnyObject {
    /// Write these bytes to the peer; valid only during the call (copy them).
    func sessionWrite(_ frame: UnsafeRawBufferPointer)
    /// Close the transport (after the bytes written so far).
    func sessionDisconnect()
    /// An in-order application message; the view is valid only during the call.
    func session(received message: FixMessage)
    /// The session moved to `state`.
    func session(stateChanged state: SessionState)
    /// Something went wrong; fatal errors are followed by ``sessionDisconnect()``.
    func session(error: SessionError)
}

/// The session's notion of time, injectable so tests drive timers deterministically.
public protocol SessionClock: AnyObject {
    /// Monotonic nanoseconds, for timers.
    var monotonicNanoseconds: Int64 { get }
    /// Wall-clock UTC, for SendingTime.
    var utcNow: FixTimestamp { get }
}

/// The real clock: CLOCK_MONOTONIC and CLOCK_REALTIME.
public final class SystemSessionClock: SessionClock {
    public init() {}

    public var monotonicNanoseconds: Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    public var utcNow: FixTimestamp { .now() }
}

#if canImport(Glibc)
import Glibc
#endif

/// How a ``Reactor`` runs.
public struct ReactorConfiguration: Sendable {
    /// Which kernel interface to use.
    public enum BackendPreference: Sendable, Hashable {
        /// io_uring when a ring can be created here, else epoll.
        case automatic
        /// io_uring only; fail if it is unavailable.
        case ioUring
        /// epoll (the POSIX fallback), even where io_uring works.
        case epoll
    }

    public var backend: BackendPreference
    /// Spin on the completion queue instead of sleeping: lowest latency, one core at 100%.
    public var busyPoll: Bool
    /// io_uring submission-queue entries.
    public var ringEntries: UInt32

    public init(backend: BackendPreference = .automatic, busyPoll: Bool = false, ringEntries: UInt32 = 256) {
        self.backend = backend
        self.busyPoll = busyPoll
        self.ringEntries = ringEntries
    }
}

/// The kernel interface a reactor ended up using.
public enum ReactorBackendKind: String, Sendable, Hashable {
    case ioUring = "io_uring"
    case epoll
}

/// Where a FIX session is in its life.
public enum SessionState: Sendable, Hashable, CustomStringConvertible {
    /// No transport.
    case disconnected
    /// Transport up; our Logon sent (initiator) or the peer's awaited (acceptor).
    case awaitingLogon
    /// Logged on: application messages flow.
    case active
    /// We sent Logout and wait for the peer's (or the timeout).
    case awaitingLogout

    public var description: String {
        switch self {
        case .disconnected: return "disconnected"
        case .awaitingLogon: return "awaiting logon"
        case .active: return "active"
        case .awaitingLogout: return "awaiting logout"
        }
    }
}

/// Which side of the connection a session is.
public enum SessionRole: Sendable, Hashable {
    /// Connects and sends Logon first (our client to Kalshi).
    case initiator
    /// Accepts and answers Logon (the simulator).
    case acceptor
}

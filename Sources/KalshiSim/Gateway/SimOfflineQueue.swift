import FixCodec
import FixSession

/// Where an order's reports go: the API key and session type that placed or last amended it.
/// Routing by key rather than by connection lets a client that reconnects keep hearing about
/// its orders (Kalshi allows one connection per key, FACTS §2.4).
struct SimRoute: Hashable {
    var keyID: String
    var sessionType: KalshiSessionType

    init(keyID: String, sessionType: KalshiSessionType) {
        self.keyID = keyID
        self.sessionType = sessionType
    }

    init(_ session: SimSession) {
        self.init(keyID: session.keyID ?? "", sessionType: session.sessionType)
    }
}

/// One recipient of a report: a logged-on session, or a KalshiRT key that is away and gets it
/// queued into its sequence with the logon flags it last used.
enum SimRecipient {
    case live(SimSession)
    case away(SimRoute, SimLogonOptions)
}

/// Application messages for a KalshiRT session while it is away (issue #6 item 8).
///
/// Kalshi's RT session is the one with retransmission: its sequence continues across
/// reconnects and a client recovers what it missed with ResendRequest (FACTS §3). So a report
/// for an RT key that has no live connection is encoded as that session would have sent it
/// (next MsgSeqNum of the key's store, SendingTime now) and appended to the key's
/// ``InMemorySessionStore``, without being written anywhere. On the next Logon without
/// ResetSeqNumFlag the acceptor's Logon carries a higher MsgSeqNum, the client asks for the
/// gap, and ``SessionCore`` replays the queued reports with PossDupFlag=Y. A Logon with
/// 141=Y resets the store and the queued reports are gone, as on Kalshi.
///
/// Only keys that logged on to an RT session before are queued for (the store and logon flags
/// exist only then), each with the flags of its latest logon. KalshiNR has no retransmission:
/// reports for an NR key that is away are dropped, as before.
///
/// - Important: I/O thread only (the simulator's reactor).
final class SimOfflineQueue {
    private unowned let server: KalshiSimServer
    /// The latest logon of each retransmitting order-entry key: its flags and account.
    private var known: [SimRoute: (options: SimLogonOptions, owner: SimOwnerID)] = [:]
    private let buffer: UnsafeMutableRawBufferPointer

    init(server: KalshiSimServer) {
        self.server = server
        buffer = .allocate(byteCount: 64 * 1024, alignment: 64)
    }

    deinit { buffer.deallocate() }

    /// An RT session logged on: remember its flags for when it is away.
    func loggedOn(_ session: SimSession, owner: SimOwnerID) {
        guard session.sessionType.supportsRetransmission, session.sessionType.isOrderEntry else { return }
        known[SimRoute(session)] = (session.options, owner)
    }

    /// The flags to queue with for `route`, when it is a known RT key (the caller checked it is
    /// not logged on).
    func awayOptions(_ route: SimRoute) -> SimLogonOptions? {
        known[route]?.options
    }

    /// Known RT listener keys of `owner`'s account.
    func listenerRoutes(of owner: SimOwnerID) -> [(SimRoute, SimLogonOptions)] {
        known.compactMap { $0.value.owner == owner && $0.value.options.listener ? ($0.key, $0.value.options) : nil }
    }

    /// Appends `message` to `route`'s store as its next outbound message.
    func enqueue(_ message: some FixEncodableMessage, for route: SimRoute) {
        let store = server.store(keyID: route.keyID, sessionType: route.sessionType)
        let header = FixSessionHeader(senderCompID: route.sessionType.targetCompID, targetCompID: route.keyID)
        var writer = FixWriter(buffer: buffer)
        let seq = store.nextSenderSeqNum
        let now = FixTimestamp.now()
        do {
            let frame = try header.encodeFrame(message, into: &writer, msgSeqNum: seq, sendingTime: now)
            try store.append(outbound: frame, seqNum: seq, at: now)
        } catch {
            server.log("\(route.keyID)@\(route.sessionType): cannot queue \(type(of: message).msgType) while away: \(error)")
        }
    }
}

extension SimExchange {
    /// The recipients of a report about an order of `owner` that `origin` placed: the origin
    /// key's live session (or its RT queue), then the account's listeners, live or queued,
    /// each once.
    func recipients(owner: SimOwnerID, origin: SimRoute?) -> [SimRecipient] {
        var out: [SimRecipient] = []
        var reached: Set<SimRoute> = []
        let live = server.sessions.values.filter { $0.isActive && $0.keyID != nil }
        if let origin {
            reached.insert(origin)
            if let session = live.first(where: { SimRoute($0) == origin }) {
                out.append(.live(session))
            } else if let options = server.offline.awayOptions(origin) {
                out.append(.away(origin, options))
            }
        }
        for session in live where session.options.listener && self.owner(of: session) == owner {
            if reached.insert(SimRoute(session)).inserted { out.append(.live(session)) }
        }
        for (route, options) in server.offline.listenerRoutes(of: owner) where reached.insert(route).inserted {
            out.append(.away(route, options))
        }
        return out
    }
}

import FixCodec
import FixSession
import FixTransport

/// How an EventResendRequest ended.
public enum DropCopyResult: Sendable {
    /// The reports Kalshi resent (in the order received) and the count its EventResendComplete
    /// (U2) announced.
    case complete(reports: [FixOwnedMessage], announcedCount: Int)
    /// EventResendReject (U3): rate limited, server error, BeginExecID outside the 3-hour window,
    /// or EndExecID beyond the latest (FACTS §11).
    case rejected(reason: EventResendRejectReason, text: String?)
    /// The session failed before an answer.
    case failed(SessionError)
}

/// A KalshiDC session: asks for ExecutionReports by ExecID range (EventResendRequest, U1)
/// and collects them until EventResendComplete (U2) or EventResendReject (U3).
///
/// Drop copy is a history query, not a live stream (FACTS §11): use a listener session for
/// live copies. One request at a time; a request made while another is pending waits for it.
///
/// - Important: I/O thread only.
public final class DropCopySession: SessionHandler {
    public let configuration: SessionConfiguration
    public private(set) var driver: SessionDriver!
    /// Called with state changes (e.g. `.active` after logon), on the I/O thread.
    public var onStateChange: ((SessionState) -> Void)?

    private struct Pending {
        var begin: String
        var end: String?
        var completion: (DropCopyResult) -> Void
    }
    private var queue: [Pending] = []
    private var inFlight: Pending?
    private var collected: [FixOwnedMessage] = []

    init(configuration: SessionConfiguration, endpoint: SessionEndpoint, reactor: Reactor, store: any SessionStore,
         reconnectPolicy: ReconnectPolicy?) {
        self.configuration = configuration
        driver = SessionDriver(configuration: configuration, endpoint: endpoint, reactor: reactor, store: store, handler: self,
                               reconnectPolicy: reconnectPolicy)
    }

    /// Connects and logs on.
    public func start() { driver.start() }

    /// Logs out.
    public func logout() { driver.logout() }

    /// Requests the reports with ExecIDs from `begin` through `end` (nil: the latest).
    public func requestResend(from begin: String, through end: String? = nil,
                              completion: @escaping (DropCopyResult) -> Void) {
        queue.append(Pending(begin: begin, end: end, completion: completion))
        sendNextIfIdle()
    }

    private func sendNextIfIdle() {
        guard inFlight == nil, !queue.isEmpty, driver.core.state == .active else { return }
        let next = queue.removeFirst()
        inFlight = next
        collected = []
        do throws(SessionError) {
            try driver.send(EventResendRequest(beginExecID: next.begin, endExecID: next.end))
        } catch {
            inFlight = nil
            next.completion(.failed(error))
            sendNextIfIdle()
        }
    }

    private func finish(_ result: DropCopyResult) {
        guard let pending = inFlight else { return }
        inFlight = nil
        collected = []
        pending.completion(result)
        sendNextIfIdle()
    }

    // MARK: SessionHandler

    public func session(_ session: SessionDriver, received message: FixMessage) {
        let type = message.msgType
        if type.equals("8") {
            if inFlight != nil { collected.append(message.copy()) }
        } else if type.equals("U2") {
            let count = ((try? message.body.int(21003)) ?? nil) ?? collected.count
            finish(.complete(reports: collected, announcedCount: count))
        } else if type.equals("U3") {
            let reason = ((try? message.body.enumValue(21004, EventResendRejectReason.decode)) ?? nil) ?? .unknown(0)
            finish(.rejected(reason: reason, text: message.body.value(58)?.string))
        }
    }

    public func session(_ session: SessionDriver, stateChanged state: SessionState) {
        onStateChange?(state)
        if state == .active { sendNextIfIdle() }
    }

    public func session(_ session: SessionDriver, error: SessionError) {
        guard error.isFatal else { return }
        finish(.failed(error))
        // Without reconnects nothing would ever send the queued requests: fail them too, so no
        // caller waits forever (e.g. after a refused logon).
        if driver.reconnectPolicy == nil {
            let waiting = queue
            queue.removeAll()
            for pending in waiting { pending.completion(.failed(error)) }
        }
    }
}

extension FixClient {
    /// Builds a drop-copy session (KalshiDC); call ``DropCopySession/start()`` on the I/O thread.
    public func openDropCopy(_ configuration: SessionConfiguration, store: (any SessionStore)? = nil,
                             reconnectPolicy: ReconnectPolicy? = ReconnectPolicy()) throws -> DropCopySession {
        return DropCopySession(configuration: configuration, endpoint: try endpoint(of: configuration, for: [.kalshiDC]), reactor: reactor,
                               store: store ?? InMemorySessionStore(), reconnectPolicy: reconnectPolicy)
    }
}

import FixCodec
import FixTransport

/// What an application hears from a session, inline on the I/O thread.
public protocol SessionHandler: AnyObject {
    /// An in-order application message. The view points into the receive buffer and is valid
    /// only during the call; copy what you keep (`…View(message)?.copy()`).
    func session(_ session: SessionDriver, received message: FixMessage)
    /// The session changed state (e.g. `.active` after logon).
    func session(_ session: SessionDriver, stateChanged state: SessionState)
    /// An error; fatal ones (``SessionError/isFatal``) are followed by a disconnect and, when a
    /// reconnect policy is set, a reconnect.
    func session(_ session: SessionDriver, error: SessionError)
    /// The driver will not connect again until ``SessionDriver/start()``: a logout finished,
    /// or the connection ended and there is no reconnect policy or it gave up. Default: nothing.
    func sessionDidStop(_ session: SessionDriver)
}

extension SessionHandler {
    public func sessionDidStop(_ session: SessionDriver) {}
}

/// One FIX session over one TCP/TLS connection of a ``Reactor``: frames and decodes inbound
/// bytes, feeds them to its ``SessionCore``, ticks its timers, and reconnects with backoff.
///
/// - Important: I/O thread only: create it, call ``start()``, ``send(_:)`` and ``logout(text:)``
///   from the reactor's thread (use `reactor.execute` from elsewhere).
public final class SessionDriver: ConnectionDelegate, SessionOutput {
    public let reactor: Reactor
    public let host: String
    public let port: Int
    public let security: ConnectionSecurity
    public private(set) var core: SessionCore!
    public weak var handler: (any SessionHandler)?
    /// nil: do not reconnect.
    public let reconnectPolicy: ReconnectPolicy?
    /// Where every frame written and received goes, if anywhere (shared by the sessions of a
    /// reactor, if you like: the log's producer is this reactor's thread).
    public let messageLog: FixMessageLog?

    private var connection: Connection?
    private var decoder: KalshiFixDecoder
    private var tickTimer: Reactor.TimerID?
    private var reconnectTimer: Reactor.TimerID?
    private var reconnectAttempt = 0
    private var stopped = false
    /// The handler has heard ``SessionHandler/sessionDidStop(_:)`` for this run.
    private var didStop = false
    private let clock: any SessionClock
    private let messageLogSource: FixMessageLog.Source?

    /// - Parameters:
    ///   - decodeMode: `.lenient` by default: Kalshi adds tags and enum values over time, and a
    ///     client must not Reject the exchange's messages for that. The simulator uses `.strict`.
    ///   - messageLog: logs every frame written to the connection and every inbound frame
    ///     (valid, invalid or garbled), as the session's TargetCompID, with RawData redacted.
    ///     Recording copies into the log's ring and never blocks (see ``FixMessageLog``).
    public init(reactor: Reactor, host: String, port: Int, security: ConnectionSecurity,
                parameters: SessionParameters, store: any SessionStore, handler: (any SessionHandler)?,
                reconnectPolicy: ReconnectPolicy? = ReconnectPolicy(), decodeMode: FixDecodeMode = .lenient,
                clock: any SessionClock = SystemSessionClock(),
                logonBody: @escaping LogonBodyWriter = LogonContext.standardBody,
                messageLog: FixMessageLog? = nil) {
        self.reactor = reactor
        self.host = host
        self.port = port
        self.security = security
        self.handler = handler
        self.reconnectPolicy = reconnectPolicy
        self.decoder = KalshiFixDecoder(mode: decodeMode)
        self.clock = clock
        self.messageLog = messageLog
        self.messageLogSource = messageLog?.source(named: parameters.targetCompID)
        self.core = nil
        self.core = SessionCore(parameters: parameters, store: store, output: self, clock: clock, logonBody: logonBody)
    }

    /// Connects (and reconnects after failures, per the policy). I/O thread only.
    public func start() {
        stopped = false
        didStop = false
        connect()
    }

    /// Sends an application message. I/O thread only.
    public func send(_ message: some FixEncodableMessage) throws(SessionError) {
        try core.send(message)
    }

    /// Logs out and does not reconnect; the handler then hears
    /// ``SessionHandler/sessionDidStop(_:)``. While still connecting, gives up the connection.
    /// I/O thread only.
    public func logout(text: String? = nil) {
        stopped = true
        if let reconnectTimer { reactor.cancelTimer(reconnectTimer); self.reconnectTimer = nil }
        if core.state == .disconnected {
            if let connection {
                connection.close()  // still connecting: its close callback reports the stop
            } else {
                reportStopped()
            }
            return
        }
        core.logout(text: text)
    }

    /// Drops the connection without Logout (tests, kill switches); reconnects per the policy.
    public func dropConnection() {
        connection?.close()
    }

    private func connect() {
        do throws(TransportError) {
            connection = try reactor.connect(host: host, port: port, security: security, delegate: self)
        } catch {
            handler?.session(self, error: .transport(error))
            scheduleReconnect()
        }
    }

    private func scheduleReconnect() {
        guard !stopped, let policy = reconnectPolicy,
              let delay = policy.delay(attempt: reconnectAttempt, random: Double.random(in: 0...1)) else {
            reportStopped()
            return
        }
        reconnectAttempt += 1
        reconnectTimer = reactor.schedule(after: .nanoseconds(Int64(delay * 1e9))) { [weak self] in
            guard let self, !self.stopped else { return }
            self.reconnectTimer = nil
            self.connect()
        }
    }

    private func reportStopped() {
        guard !didStop else { return }
        didStop = true
        handler?.sessionDidStop(self)
    }

    @inline(__always)
    private func log(_ bytes: UnsafeRawBufferPointer, _ direction: FixMessageLog.Direction) {
        guard let messageLog, let messageLogSource else { return }
        messageLog.record(bytes, direction, source: messageLogSource, at: clock.utcNow)
    }

    private func scheduleTick() {
        // At most one wake-up a second (50 ms at the shortest): cheap, and it keeps heartbeats
        // on time (see `SessionCore.tickPeriod`).
        let interval = SessionCore.tickPeriod(heartbeatInterval: core.parameters.heartbeatInterval)
        tickTimer = reactor.schedule(after: .nanoseconds(Int64(interval * 1e9))) { [weak self] in
            guard let self, self.connection != nil else { return }
            self.core.tick()
            if self.connection != nil { self.scheduleTick() }
        }
    }

    // MARK: ConnectionDelegate

    public func connectionDidOpen(_ connection: Connection) {
        decoder = KalshiFixDecoder(mode: decoder.mode)
        core.connected()
        scheduleTick()
    }

    public func connection(_ connection: Connection, didReceive bytes: UnsafeRawBufferPointer) -> Int {
        var consumed = 0
        while consumed < bytes.count, self.connection === connection {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[consumed...])
            switch decoder.decode(rest) {
            // Logged before the core sees them, so an answer is logged after its cause.
            case .message(let message, let n):
                log(UnsafeRawBufferPointer(rebasing: rest[..<n]), .inbound)
                consumed += n
                core.receive(message)
            case .invalid(let message, let n, let error):
                log(UnsafeRawBufferPointer(rebasing: rest[..<n]), .inboundInvalid)
                consumed += n
                core.receiveInvalid(message, error: error)
            case .garbled(let skip, let error):
                log(UnsafeRawBufferPointer(rebasing: rest[..<skip]), .inboundGarbled)
                consumed += skip
                core.receiveGarbled(skipped: skip, error: error)
            case .needMoreBytes:
                return consumed
            }
        }
        return consumed
    }

    public func connection(_ connection: Connection, didCloseWith error: TransportError?) {
        guard self.connection === connection else { return }
        self.connection = nil
        if let tickTimer { reactor.cancelTimer(tickTimer); self.tickTimer = nil }
        if core.state != .disconnected {
            // nil: we closed it (Logout done, or a fatal error already reported).
            core.disconnected(error.map { SessionError.transport($0) })
        } else if let error {
            handler?.session(self, error: .transport(error))
        }
        scheduleReconnect()
    }

    // MARK: SessionOutput

    public func sessionWrite(_ frame: UnsafeRawBufferPointer) {
        guard let connection else { return }
        log(frame, .outbound)
        do throws(TransportError) { try connection.send(frame) } catch {
            handler?.session(self, error: .transport(error))
        }
    }

    public func sessionDisconnect() {
        connection?.close()
    }

    public func session(received message: FixMessage) {
        handler?.session(self, received: message)
    }

    public func session(stateChanged state: SessionState) {
        if state == .active { reconnectAttempt = 0 }
        handler?.session(self, stateChanged: state)
    }

    public func session(error: SessionError) {
        handler?.session(self, error: error)
    }
}

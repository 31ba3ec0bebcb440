import FixCodec
import FixSession
import FixTransport

/// One accepted client connection of the simulator: frames and decodes its bytes strictly,
/// checks its Logon like Kalshi (``SimLogonCheck``), then runs an acceptor ``SessionCore``
/// and hands application messages to the simulator's exchange.
///
/// - Important: I/O thread only (the simulator's reactor).
final class SimSession: ConnectionDelegate, SessionOutput {
    unowned let server: KalshiSimServer
    let sessionType: KalshiSessionType
    private(set) var connection: Connection?
    private(set) var core: SessionCore?
    /// The client's API key id (its SenderCompID), once it sent a Logon.
    private(set) var keyID: String?
    private(set) var options = SimLogonOptions()
    private var decoder = KalshiFixDecoder(mode: .strict)
    private var timer: Reactor.TimerID?
    private var announcedActive = false

    init(server: KalshiSimServer, sessionType: KalshiSessionType) {
        self.server = server
        self.sessionType = sessionType
    }

    var isActive: Bool { core?.state == .active }
    var description: String { "\(keyID ?? "?")@\(sessionType)" }

    /// Sends an application message if the session is logged on; false otherwise.
    @discardableResult
    func send(_ message: some FixEncodableMessage) -> Bool {
        guard let core, core.state == .active else { return false }
        do throws(SessionError) { try core.send(message) } catch {
            server.log("\(description): send failed: \(error)")
            return false
        }
        return true
    }

    /// Sends a BusinessMessageReject (35=j) for an inbound application message.
    func businessReject(_ message: FixMessage, reason: BusinessRejectReason, text: String, refTagID: Int? = nil) {
        let seq = try? message.body.int(34)
        send(BusinessMessageReject(refSeqNum: seq ?? nil, refMsgType: message.msgType.string, businessRejectReason: reason,
                                   text: text, refTagID: refTagID))
    }

    // MARK: ConnectionDelegate

    func connectionDidOpen(_ connection: Connection) {
        self.connection = connection
        // A client that never logs on is dropped, as a gateway would.
        timer = server.reactor.schedule(after: .seconds(10)) { [weak self] in
            guard let self, self.core == nil else { return }
            self.server.log("\(connection.host):\(connection.port) on \(self.sessionType): no Logon within 10 s, disconnecting")
            self.connection?.close()
        }
    }

    func connection(_ connection: Connection, didReceive bytes: UnsafeRawBufferPointer) -> Int {
        var consumed = 0
        while consumed < bytes.count, self.connection === connection {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[consumed...])
            switch decoder.decode(rest) {
            case .message(let message, let n):
                consumed += n
                if let core { core.receive(message) } else { start(with: message) }
            case .invalid(let message, let n, let error):
                consumed += n
                if let core {
                    core.receiveInvalid(message, error: error)
                } else {
                    server.log("\(sessionType): invalid first message (\(error)), disconnecting")
                    connection.close()
                }
            case .garbled(let skip, let error):
                consumed += skip
                core?.receiveGarbled(skipped: skip, error: error)
            case .needMoreBytes:
                return consumed
            }
        }
        return consumed
    }

    func connection(_ connection: Connection, didCloseWith error: TransportError?) {
        guard self.connection === connection else { return }
        self.connection = nil
        if let timer { server.reactor.cancelTimer(timer); self.timer = nil }
        if let core, core.state != .disconnected {
            core.disconnected(error.map { SessionError.transport($0) })
        }
        server.sessionClosed(self)
    }

    /// The first message: Kalshi's Logon checks decide the session's parameters.
    private func start(with message: FixMessage) {
        let fields = message.body
        guard message.msgType.equals("A"), let sender = fields.value(49)?.string, !sender.isEmpty else {
            server.log("\(sessionType): first message was 35=\(message.msgType.string), not Logon; disconnecting")
            connection?.close()
            return
        }
        keyID = sender
        let heartbeat = ((try? fields.int(108)) ?? nil) ?? 30
        let check = SimLogonCheck(product: server.configuration.product, sessionType: sessionType,
                                  verifier: server.verifier(for: sender))
        options = SimLogonOptions(logon: fields, product: server.configuration.product, sessionType: sessionType)
        let parameters = SessionParameters(role: .acceptor, senderCompID: sessionType.targetCompID, targetCompID: sender,
                                           acceptedInboundSenderCompIDs: [], heartbeatInterval: max(1, heartbeat),
                                           resetSeqNumOnLogon: false, supportsRetransmission: sessionType.supportsRetransmission,
                                           sendingTimeTolerance: server.configuration.sendingTimeTolerance)
        let core = SessionCore(parameters: parameters, store: server.store(keyID: sender, sessionType: sessionType),
                               output: self, logonBody: LogonContext.standardBody, authenticate: { [weak self] logon in
                                   guard let self else { return "gateway shutting down" }
                                   let refusal = check.refusal(logon)
                                   if let refusal { self.server.log("\(self.description): logon refused: \(refusal)") }
                                   return refusal
                               })
        self.core = core
        core.connected()
        core.receive(message)
        scheduleTick(every: SessionCore.tickPeriod(heartbeatInterval: parameters.heartbeatInterval))
    }

    private func scheduleTick(every seconds: Double) {
        timer = server.reactor.schedule(after: .nanoseconds(Int64(seconds * 1e9))) { [weak self] in
            guard let self, self.connection != nil, let core = self.core else { return }
            core.tick()
            if self.connection != nil { self.scheduleTick(every: seconds) }
        }
    }

    // MARK: SessionOutput

    func sessionWrite(_ frame: UnsafeRawBufferPointer) {
        guard let connection else { return }
        do throws(TransportError) { try connection.send(frame) } catch {
            server.log("\(description): write failed: \(error)")
        }
    }

    func sessionDisconnect() {
        connection?.close()
    }

    func session(received message: FixMessage) {
        server.exchange.received(message, on: self)
    }

    func session(stateChanged state: SessionState) {
        if state == .active, !announcedActive {
            announcedActive = true
            server.log("\(description): logged on (heartbeat \(core?.parameters.heartbeatInterval ?? 0) s\(options.listener ? ", listener" : ""))")
            server.exchange.sessionActive(self)
        }
    }

    func session(error: SessionError) {
        server.log("\(description): \(error)")
    }
}

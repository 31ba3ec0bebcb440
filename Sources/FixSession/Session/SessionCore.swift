import FixCodec

/// The FIX session state machine (FIXT.1.1 as Kalshi runs it): logon, heartbeats and
/// TestRequest, inbound sequence checks, gap recovery by ResendRequest, answering the peer's
/// ResendRequest from the store (PossDup resends, admin messages gap-filled), SequenceReset,
/// Reject for invalid inbound messages, and the Logout handshake.
///
/// It is pure: it does no I/O of its own and reads time only from its ``SessionClock``.
/// Drive it with ``connected()``, ``receive(_:)``, ``receiveInvalid(_:error:)``,
/// ``receiveGarbled(skipped:error:)``, ``tick()`` and ``disconnected(_:)``; it answers through
/// its ``SessionOutput``. `SessionDriver` wires it to a `Connection`; tests drive it directly.
///
/// - Important: not thread-safe; one thread (the I/O thread) drives it.
public final class SessionCore {
    public let parameters: SessionParameters
    public private(set) var state: SessionState = .disconnected
    /// The store holding sequence numbers and sent messages (for resends).
    public let store: any SessionStore

    private unowned let output: any SessionOutput
    private let clock: any SessionClock
    private let header: FixSessionHeader
    private let logonBody: LogonBodyWriter
    /// Acceptor only: nil accepts the peer's Logon, a text refuses it (sent in the Logout).
    private let authenticate: ((FixMessage) -> String?)?

    private let outbound: UnsafeMutableRawBufferPointer
    private let replay: UnsafeMutableRawBufferPointer
    private var replayDecoder = KalshiFixDecoder(mode: .lenient)

    private var lastSentAt: Int64 = 0
    private var lastReceivedAt: Int64 = 0
    private var stateSince: Int64 = 0
    private var testRequestSentAt: Int64?
    private var testRequestCounter = 0
    /// While a ResendRequest is outstanding: the highest inbound MsgSeqNum seen, so further
    /// messages past the gap do not trigger another request.
    private var resendUpTo: Int?

    /// - Parameters:
    ///   - logonBody: writes the body of our Logon (initiator) or Logon answer (acceptor).
    ///   - authenticate: acceptor only; see the property.
    public init(parameters: SessionParameters, store: any SessionStore, output: any SessionOutput,
                clock: any SessionClock = SystemSessionClock(), maxMessageSize: Int = 64 * 1024,
                logonBody: @escaping LogonBodyWriter = LogonContext.standardBody,
                authenticate: ((FixMessage) -> String?)? = nil) {
        self.parameters = parameters
        self.store = store
        self.output = output
        self.clock = clock
        self.header = FixSessionHeader(senderCompID: parameters.senderCompID, targetCompID: parameters.targetCompID)
        self.logonBody = logonBody
        self.authenticate = authenticate
        outbound = .allocate(byteCount: maxMessageSize, alignment: 64)
        replay = .allocate(byteCount: maxMessageSize, alignment: 64)
    }

    deinit {
        outbound.deallocate()
        replay.deallocate()
    }

    // MARK: Events

    /// The transport is up: an initiator sends Logon, an acceptor waits for one.
    public func connected() {
        let now = clock.monotonicNanoseconds
        lastReceivedAt = now
        testRequestSentAt = nil
        resendUpTo = nil
        enter(.awaitingLogon, at: now)
        guard parameters.role == .initiator else { return }
        if parameters.resetSeqNumOnLogon {
            guard resetStore() else { return }
        }
        sendLogon(reset: parameters.resetSeqNumOnLogon)
    }

    /// The transport closed or failed. Sequence numbers stay in the store.
    public func disconnected(_ error: SessionError? = nil) {
        guard state != .disconnected else { return }
        // The error first: a handler that waits for `.disconnected` then sees why.
        if let error { output.session(error: error) }
        enter(.disconnected, at: clock.monotonicNanoseconds)
    }

    /// How often to call ``tick()``, in seconds: a tenth of the heartbeat interval, between
    /// 50 ms and 1 s. Heartbeats are sent up to one period early (never late), and the
    /// TestRequest and timeouts fire at most one period late.
    public static func tickPeriod(heartbeatInterval: Int) -> Double {
        min(1, max(0.05, Double(heartbeatInterval) / 10))
    }

    /// Call every ``tickPeriod(heartbeatInterval:)`` seconds: heartbeats,
    /// TestRequest after silence, and the logon/logout/heartbeat timeouts.
    public func tick() {
        let now = clock.monotonicNanoseconds
        let interval = Int64(parameters.heartbeatInterval) * 1_000_000_000
        switch state {
        case .disconnected:
            return
        case .awaitingLogon:
            if parameters.role == .initiator, now - stateSince >= nanoseconds(parameters.logonTimeout) {
                fail(.logonTimeout(seconds: parameters.logonTimeout))
            } else if parameters.role == .acceptor, now - stateSince >= nanoseconds(parameters.logonTimeout) {
                fail(.protocolViolation("no Logon within \(parameters.logonTimeout) s of connecting"))
            }
        case .awaitingLogout:
            if now - stateSince >= nanoseconds(parameters.logoutTimeout) {
                end(nil)
            }
        case .active:
            if let sentAt = testRequestSentAt {
                if now - sentAt >= interval {
                    fail(.heartbeatTimeout(seconds: Double(parameters.heartbeatInterval)))
                    return
                }
            } else if now - lastReceivedAt >= interval + interval / 5 {
                // Silence for 1.2 intervals (the peer's heartbeat may be a little late): probe.
                testRequestCounter += 1
                var id = "TEST"
                id += String(testRequestCounter)
                sendAdmin(TestRequest(testReqID: id))
                testRequestSentAt = now
            }
            // Due one tick period early, so it leaves at most `interval` after our last message
            // rather than up to a tick late: peers probe at 1.2 intervals (QuickFIX, in whole
            // seconds), and a heartbeat a quarter interval late drew their TestRequests.
            if now - lastSentAt >= interval - nanoseconds(Self.tickPeriod(heartbeatInterval: parameters.heartbeatInterval)) {
                sendAdmin(Heartbeat())
            }
        }
    }

    /// Starts the Logout handshake; the transport closes when the peer answers or after
    /// the logout timeout.
    public func logout(text: String? = nil) {
        guard state == .active || state == .awaitingLogon else { return }
        sendAdmin(Logout(text: text))
        enter(.awaitingLogout, at: clock.monotonicNanoseconds)
    }

    /// Sends an application message: numbered, stored for resend, written.
    /// - Throws: ``SessionError/notActive(_:)`` unless logged on; ``SessionError/encodeFailed(_:)``.
    public func send(_ message: some FixEncodableMessage) throws(SessionError) {
        guard state == .active else { throw .notActive(state) }
        try sendNumbered(message)
    }

    /// A garbled frame was skipped: FIX ignores it without consuming a sequence number.
    public func receiveGarbled(skipped: Int, error: FixDecodeError) {
        output.session(error: .garbledInbound(skippedBytes: skipped, error: error))
    }

    /// A framed message failed validation: answer with Reject (35=3) and count its
    /// sequence number, as FIX prescribes; a broken header ends the session instead.
    public func receiveInvalid(_ message: FixMessage, error: FixDecodeError) {
        lastReceivedAt = clock.monotonicNanoseconds
        guard let seq = try? message.body.int(34) else {
            fail(.protocolViolation("inbound message without a usable MsgSeqNum (34): \(error)"))
            return
        }
        guard sequenceCheck(seq, message: message) else { return }
        var reject = Reject(refSeqNum: seq)
        reject.refTagID = error.tag
        reject.refMsgType = message.msgType.string
        reject.sessionRejectReason = error.sessionRejectReason.map { SessionRejectReason(rawValue: $0) }
        reject.text = String(describing: error)
        output.session(error: .invalidInbound(seqNum: seq, error: error))
        if state == .active || state == .awaitingLogout { sendAdmin(reject) }
        advanceTarget(past: seq)
    }

    /// One inbound, framed message (CheckSum and BodyLength already verified).
    public func receive(_ message: FixMessage) {
        let now = clock.monotonicNanoseconds
        lastReceivedAt = now
        let fields = message.body
        guard let seq = try? fields.requiredInt(34) else {
            fail(.protocolViolation("inbound message without a usable MsgSeqNum (34)"))
            return
        }
        let type = message.msgType
        guard compIDsMatch(fields) else {
            var reject = Reject(refSeqNum: seq)
            reject.sessionRejectReason = .compidProblem
            reject.text = "CompID problem"
            sendAdmin(reject)
            fail(.protocolViolation("inbound CompIDs 49=\(fields.value(49)?.string ?? "") 56=\(fields.value(56)?.string ?? "") do not match this session"))
            return
        }

        let skewed = sendingTimeProblem(fields)
        if state == .awaitingLogon {
            if let problem = skewed, type.equals("A") {
                sendAdmin(Logout(text: problem))
                end(.logonRefused(text: problem))
                return
            }
            handleLogonPhase(message, type: type, seq: seq)
            return
        }

        // SequenceReset-Reset (no GapFill) ignores MsgSeqNum: it sets the next expected number.
        if type.equals("4"), (try? fields.bool(123)) != true {
            handleSequenceReset(fields, seq: seq, gapFill: false)
            return
        }
        guard sequenceCheck(seq, message: message) else { return }
        if let problem = skewed {
            advanceTarget(past: seq)
            sendAdmin(Reject(refSeqNum: seq, refTagID: 52, refMsgType: type.string,
                             sessionRejectReason: .sendingtimeAccuracyProblem, text: problem))
            return
        }

        switch type.bytes.count == 1 ? type.bytes[0] : 0 {
        case UInt8(ascii: "0"):
            if testRequestSentAt != nil { testRequestSentAt = nil }
            advanceTarget(past: seq)
        case UInt8(ascii: "1"):
            advanceTarget(past: seq)
            let id = fields.value(112)?.string ?? ""
            sendAdmin(Heartbeat(testReqID: id))
        case UInt8(ascii: "2"):
            advanceTarget(past: seq)
            handleResendRequest(fields)
        case UInt8(ascii: "3"):
            advanceTarget(past: seq)
            let reason = try? fields.enumValue(373, SessionRejectReason.decode)
            output.session(error: .rejectReceived(refSeqNum: (try? fields.int(45)) ?? 0, reason: reason ?? nil,
                                                  refTag: (try? fields.int(371)) ?? nil,
                                                  text: fields.value(58)?.string ?? ""))
        case UInt8(ascii: "4"):
            handleSequenceReset(fields, seq: seq, gapFill: true)
        case UInt8(ascii: "5"):
            advanceTarget(past: seq)
            let text = fields.value(58)?.string ?? ""
            if state == .awaitingLogout {
                end(nil)
            } else {
                sendAdmin(Logout())
                end(.peerLoggedOut(text: text))
            }
        case UInt8(ascii: "A"):
            advanceTarget(past: seq)  // a second Logon on a live session: nothing to do
        default:
            advanceTarget(past: seq)
            output.session(received: message)
        }
    }

    // MARK: Logon

    private func handleLogonPhase(_ message: FixMessage, type: FixValue, seq: Int) {
        let fields = message.body
        if type.equals("5") {
            let text = fields.value(58)?.string ?? ""
            end(parameters.role == .initiator ? .logonRejected(text: text) : .peerLoggedOut(text: text))
            return
        }
        guard type.equals("A") else {
            fail(.protocolViolation("first message was 35=\(type.string), not Logon"))
            return
        }
        let peerReset = (try? fields.bool(141)) == true
        if parameters.role == .acceptor {
            if let refusal = authenticate?(message) {
                sendAdmin(Logout(text: refusal))
                end(.logonRefused(text: refusal))
                return
            }
            if peerReset { guard resetStore() else { return } }
        } else if peerReset, !parameters.resetSeqNumOnLogon {
            // The gateway reset the session: our inbound numbering restarts too.
            do { try store.setNextTargetSeqNum(1) } catch { fail(.storeFailed(String(describing: error))); return }
        }
        let expected = store.nextTargetSeqNum
        if seq < expected {
            failTooLow(expected: expected, received: seq)
            return
        }
        if parameters.role == .acceptor { sendLogon(reset: peerReset) }
        enter(.active, at: clock.monotonicNanoseconds)
        if seq > expected {
            requestResendOrFail(expected: expected, received: seq)
        } else {
            advanceTarget(past: seq)
        }
    }

    private func sendLogon(reset: Bool) {
        let seq = store.nextSenderSeqNum
        let time = clock.utcNow
        var writer = FixWriter(buffer: outbound)
        writer.begin(msgType: "A")
        header.encode(into: &writer, msgSeqNum: seq, sendingTime: time)
        do {
            try logonBody(&writer, LogonContext(msgSeqNum: seq, sendingTime: time, resetSeqNum: reset,
                                                heartbeatInterval: parameters.heartbeatInterval))
        } catch {
            fail(.protocolViolation("cannot build the Logon: \(error)"))
            return
        }
        let frame: UnsafeRawBufferPointer
        do throws(FixEncodeError) { frame = try writer.finish() } catch {
            fail(.encodeFailed(error))
            return
        }
        write(frame, seq: seq)
    }

    // MARK: Sequence numbers

    /// True when the message should be processed; false when it was a duplicate, a gap
    /// (resend requested or fatal) or too low (fatal).
    private func sequenceCheck(_ seq: Int, message: FixMessage) -> Bool {
        let expected = store.nextTargetSeqNum
        if seq == expected { return true }
        if seq < expected {
            if (try? message.body.bool(43)) == true { return false }  // a duplicate we already have
            failTooLow(expected: expected, received: seq)
            return false
        }
        // Logout past a gap still ends the session; everything else waits for the resend.
        if message.msgType.equals("5") { return true }
        requestResendOrFail(expected: expected, received: seq)
        return false
    }

    /// FIX: a MsgSeqNum below the expected one without PossDupFlag is a serious error that ends
    /// the session. The Logout says why before the disconnect, as QuickFIX does, so the
    /// gateway's logs (and Kalshi support) see the reason rather than a bare disconnect.
    private func failTooLow(expected: Int, received: Int) {
        var text = "MsgSeqNum too low, expecting "
        text += String(expected)
        text += " but received "
        text += String(received)
        sendAdmin(Logout(text: text))
        fail(.sequenceTooLow(expected: expected, received: received))
    }

    private func requestResendOrFail(expected: Int, received: Int) {
        guard parameters.supportsRetransmission else {
            sendAdmin(Logout(text: "MsgSeqNum gap: expected \(expected), received \(received)"))
            fail(.sequenceGap(expected: expected, received: received))
            return
        }
        if let upTo = resendUpTo, expected <= upTo {
            resendUpTo = max(upTo, received)  // already asked through "latest"
            return
        }
        resendUpTo = received
        sendAdmin(ResendRequest(beginSeqNo: expected, endSeqNo: 0))
        output.session(error: .resendRequested(from: expected, through: 0))
    }

    private func advanceTarget(past seq: Int) {
        setNextTarget(seq + 1)
    }

    private func setNextTarget(_ next: Int) {
        do { try store.setNextTargetSeqNum(next) } catch {
            fail(.storeFailed(String(describing: error)))
            return
        }
        if let upTo = resendUpTo, next > upTo { resendUpTo = nil }
    }

    private func handleSequenceReset(_ fields: FixFieldRange, seq: Int, gapFill: Bool) {
        guard let newSeqNo = try? fields.requiredInt(36) else {
            var reject = Reject(refSeqNum: seq)
            reject.refTagID = 36
            reject.refMsgType = "4"
            reject.sessionRejectReason = .requiredTagMissing
            sendAdmin(reject)
            if gapFill { advanceTarget(past: seq) }
            return
        }
        let expected = store.nextTargetSeqNum
        // SequenceReset only moves forward (FIX: a lower NewSeqNo is rejected, 373=5).
        guard newSeqNo > expected || (!gapFill && newSeqNo == expected) else {
            var reject = Reject(refSeqNum: seq)
            reject.refTagID = 36
            reject.refMsgType = "4"
            reject.sessionRejectReason = .valueIncorrect
            reject.text = "NewSeqNo \(newSeqNo) is not above the expected \(expected)"
            sendAdmin(reject)
            if gapFill { advanceTarget(past: seq) }
            return
        }
        setNextTarget(newSeqNo)
    }

    // MARK: Answering a ResendRequest

    /// Replays stored messages in the range with PossDupFlag=Y and OrigSendingTime; admin
    /// messages and numbers no longer stored become SequenceReset-GapFill.
    private func handleResendRequest(_ fields: FixFieldRange) {
        guard let begin = try? fields.requiredInt(7), let end = try? fields.requiredInt(16), begin >= 1 else {
            return
        }
        let next = store.nextSenderSeqNum
        guard parameters.supportsRetransmission else {
            // Without a store to resend from, fill the whole range so the peer can go on.
            sendGapFill(at: begin, newSeqNo: next)
            return
        }
        let last = end == 0 ? next - 1 : min(end, next - 1)
        guard begin <= last else {
            sendGapFill(at: begin, newSeqNo: next)
            return
        }
        var gapStart: Int? = nil
        var expectedSeq = begin
        do {
            try store.forEachOutbound(from: begin, through: last) { seq, bytes in
                if seq > expectedSeq, gapStart == nil { gapStart = expectedSeq }
                expectedSeq = seq + 1
                if isAdmin(bytes) {
                    if gapStart == nil { gapStart = seq }
                    return
                }
                if let start = gapStart {
                    sendGapFill(at: start, newSeqNo: seq)
                    gapStart = nil
                }
                resend(bytes, seq: seq)
            }
        } catch {
            fail(.storeFailed(String(describing: error)))
            return
        }
        if expectedSeq <= last, gapStart == nil { gapStart = expectedSeq }
        if let start = gapStart { sendGapFill(at: start, newSeqNo: last + 1) }
    }

    private func isAdmin(_ stored: UnsafeRawBufferPointer) -> Bool {
        guard case .message(let message, _) = replayDecoder.decode(stored) else { return true }
        let type = message.msgType
        guard type.bytes.count == 1 else { return false }
        switch type.bytes[0] {
        case UInt8(ascii: "0"), UInt8(ascii: "1"), UInt8(ascii: "2"), UInt8(ascii: "3"), UInt8(ascii: "4"),
             UInt8(ascii: "5"), UInt8(ascii: "A"):
            // Reject included, as QuickFIX does: a stale Reject tells the peer nothing new.
            return true
        default:
            return false
        }
    }

    /// Re-encodes a stored message with its number, 43=Y, 122=its original 52 and a new 52.
    private func resend(_ stored: UnsafeRawBufferPointer, seq: Int) {
        guard case .message(let message, _) = replayDecoder.decode(stored) else { return }
        let fields = message.body
        let original = (try? fields.timestamp(52)) ?? nil
        var writer = FixWriter(buffer: replay)
        writer.begin(msgType: message.msgType.string)
        header.encode(into: &writer, msgSeqNum: seq, sendingTime: clock.utcNow,
                      origSendingTime: original ?? clock.utcNow)
        for field in fields.fields[fields.start..<fields.end] {
            switch Int(field.tag) {
            case 8, 9, 10, 35, 49, 56, 34, 52, 43, 97, 122: continue
            default: writer.write(Int(field.tag), message.value(of: field))
            }
        }
        guard let frame = try? writer.finish() else { return }
        output.sessionWrite(frame)
        lastSentAt = clock.monotonicNanoseconds
    }

    private func sendGapFill(at seq: Int, newSeqNo: Int) {
        var writer = FixWriter(buffer: replay)
        writer.begin(msgType: "4")
        let now = clock.utcNow
        header.encode(into: &writer, msgSeqNum: seq, sendingTime: now, origSendingTime: now)
        writer.write(123, true)
        writer.write(36, newSeqNo)
        guard let frame = try? writer.finish() else { return }
        output.sessionWrite(frame)  // not stored: a gap fill reuses old numbers
        lastSentAt = clock.monotonicNanoseconds
    }

    // MARK: Sending

    private func sendAdmin(_ message: some FixEncodableMessage) {
        do throws(SessionError) { try sendNumbered(message) } catch { output.session(error: error) }
    }

    private func sendNumbered(_ message: some FixEncodableMessage) throws(SessionError) {
        let seq = store.nextSenderSeqNum
        var writer = FixWriter(buffer: outbound)
        let frame: UnsafeRawBufferPointer
        do throws(FixEncodeError) {
            frame = try header.encodeFrame(message, into: &writer, msgSeqNum: seq, sendingTime: clock.utcNow)
        } catch {
            throw .encodeFailed(error)
        }
        write(frame, seq: seq)
    }

    /// Stores first, then writes: a message the peer may ask for again is never unknown to us.
    private func write(_ frame: UnsafeRawBufferPointer, seq: Int) {
        do {
            try store.append(outbound: frame, seqNum: seq, at: clock.utcNow)
        } catch {
            fail(.storeFailed(String(describing: error)))
            return
        }
        output.sessionWrite(frame)
        lastSentAt = clock.monotonicNanoseconds
    }

    // MARK: Helpers

    /// A reason when SendingTime is missing, malformed or outside the tolerance; nil otherwise
    /// (and always nil without a tolerance).
    private func sendingTimeProblem(_ fields: FixFieldRange) -> String? {
        guard let tolerance = parameters.sendingTimeTolerance else { return nil }
        guard let sent = (try? fields.timestamp(52)) ?? nil else { return "SendingTime (52) missing or malformed" }
        let skew = abs(sent.nanosecondsSinceEpoch - clock.utcNow.nanosecondsSinceEpoch)
        guard Double(skew) > tolerance * 1e9 else { return nil }
        var text = "SendingTime accuracy problem: "
        text += String(skew / 1_000_000_000)
        text += " s from server time (limit "
        text += String(Int(tolerance))
        text += " s)"
        return text
    }

    private func compIDsMatch(_ fields: FixFieldRange) -> Bool {
        guard let sender = fields.value(49), let target = fields.value(56) else { return false }
        guard target.equals(parameters.senderCompID) else { return false }
        if sender.equals(parameters.targetCompID) { return true }
        return parameters.acceptedInboundSenderCompIDs.contains { sender.equals($0) }
    }

    private func resetStore() -> Bool {
        do { try store.reset() } catch {
            fail(.storeFailed(String(describing: error)))
            return false
        }
        return true
    }

    private func enter(_ new: SessionState, at now: Int64) {
        stateSince = now
        guard new != state else { return }
        state = new
        output.session(stateChanged: new)
    }

    private func fail(_ error: SessionError) {
        end(error)
    }

    /// Ends the session: state and error first, then the transport, because closing it may
    /// call back into ``disconnected(_:)`` synchronously.
    private func end(_ error: SessionError?) {
        guard state != .disconnected else { return }
        disconnected(error)
        output.sessionDisconnect()
    }

    private func nanoseconds(_ seconds: Double) -> Int64 { Int64(seconds * 1e9) }
}

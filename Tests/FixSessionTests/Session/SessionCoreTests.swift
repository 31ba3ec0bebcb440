import FixCodec
import Testing
@testable import FixSession

/// The session state machine driven by hand: no sockets, a manual clock, an in-memory store.
@Suite("SessionCore")
struct SessionCoreTests {
    let clock = ManualClock()
    let output = RecordingOutput()
    let peer: TestPeer

    init() {
        peer = TestPeer(sender: "KalshiRT", target: "KEY", clock: clock)
    }

    func makeCore(retransmission: Bool = true, reset: Bool = true, role: SessionRole = .initiator,
                  store: (any SessionStore)? = nil,
                  authenticate: ((FixMessage) -> String?)? = nil) -> SessionCore {
        let parameters = SessionParameters(role: role, senderCompID: role == .initiator ? "KEY" : "KalshiRT",
                                           targetCompID: role == .initiator ? "KalshiRT" : "KEY",
                                           heartbeatInterval: 10, resetSeqNumOnLogon: reset,
                                           supportsRetransmission: retransmission, logonTimeout: 5, logoutTimeout: 2)
        return SessionCore(parameters: parameters, store: store ?? InMemorySessionStore(), output: output, clock: clock,
                           authenticate: authenticate)
    }

    /// Connects and completes the logon; returns the core in `.active` with nothing recorded.
    func loggedOn(retransmission: Bool = true, reset: Bool = true) -> SessionCore {
        let core = makeCore(retransmission: retransmission, reset: reset)
        core.connected()
        peer.send(Logon(encryptMethod: .none, heartBtInt: 10, resetSeqNumFlag: reset ? true : nil, defaultApplVerID: .fix50sp2), to: core)
        #expect(core.state == .active, "logon did not complete: \(output.errors)")
        _ = output.take()
        output.errors.removeAll()
        return core
    }

    func order(_ id: String) -> NewOrderSingle {
        NewOrderSingle(clOrdID: id, orderQty: FixDecimal(mantissa: 10, scale: 0), ordType: .limit,
                       price: FixDecimal(mantissa: 55, scale: 0), side: .buyYes, symbol: "KXTEST-26")
    }

    @Test("initiator logon: Logon with 141=Y and seq 1, answered Logon makes the session active")
    func logon() {
        let core = makeCore()
        core.connected()
        let sent = output.take()
        #expect(sent.count == 1)
        #expect(field(35, in: sent[0]) == "A" && field(34, in: sent[0]) == "1" && field(141, in: sent[0]) == "Y",
                "first message must be Logon seq 1 with 141=Y: \(sent[0])")
        #expect(field(108, in: sent[0]) == "10" && field(98, in: sent[0]) == "0" && field(1137, in: sent[0]) == "9")
        #expect(field(49, in: sent[0]) == "KEY" && field(56, in: sent[0]) == "KalshiRT")
        #expect(core.state == .awaitingLogon)
        peer.send(Logon(encryptMethod: .none, heartBtInt: 10, resetSeqNumFlag: true, defaultApplVerID: .fix50sp2), to: core)
        #expect(core.state == .active)
        #expect(output.states == [.awaitingLogon, .active])
        #expect(core.store.nextTargetSeqNum == 2 && core.store.nextSenderSeqNum == 2)
    }

    @Test("a Logout instead of the logon answer: logonRejected with the gateway's text, disconnected")
    func logonRejected() {
        let core = makeCore()
        core.connected()
        peer.send(Logout(text: "Invalid signature"), to: core)
        #expect(output.errors == [.logonRejected(text: "Invalid signature")])
        #expect(output.disconnects == 1 && core.state == .disconnected)
    }

    @Test("no logon answer within the timeout: logonTimeout, disconnected")
    func logonTimeout() {
        let core = makeCore()
        core.connected()
        clock.advance(seconds: 4.9)
        core.tick()
        #expect(core.state == .awaitingLogon)
        clock.advance(seconds: 0.2)
        core.tick()
        #expect(output.errors == [.logonTimeout(seconds: 5)])
        #expect(output.disconnects == 1)
    }

    @Test("heartbeats after an idle interval; TestRequest after silence; heartbeatTimeout when unanswered")
    func heartbeats() {
        let core = loggedOn()
        clock.advance(seconds: 10)
        peer.send(Heartbeat(), to: core)  // the peer is alive
        core.tick()
        var sent = output.take()
        #expect(sent.count == 1 && field(35, in: sent[0]) == "0", "an idle interval must produce a Heartbeat: \(sent)")
        clock.advance(seconds: 12.5)  // 1.25 intervals of inbound silence
        core.tick()
        sent = output.take()
        let testRequest = sent.first { field(35, in: $0) == "1" }
        #expect(testRequest.flatMap { field(112, in: $0) } == "TEST1", "silence must produce a TestRequest: \(sent)")
        peer.send(Heartbeat(testReqID: "TEST1"), to: core)
        clock.advance(seconds: 9)
        core.tick()
        #expect(core.state == .active, "an answered TestRequest must keep the session")
        clock.advance(seconds: 13)
        core.tick()  // silence again: second TestRequest
        _ = output.take()
        clock.advance(seconds: 10)
        core.tick()
        #expect(output.errors == [.heartbeatTimeout(seconds: 10)])
        #expect(output.disconnects == 1 && core.state == .disconnected)
    }

    @Test("ticked every tickPeriod, the Heartbeat leaves within the interval, never after it (QuickFIX probes at 1.2 intervals)")
    func heartbeatNeverLate() {
        #expect(SessionCore.tickPeriod(heartbeatInterval: 30) == 1 && SessionCore.tickPeriod(heartbeatInterval: 1) == 0.1
                    && SessionCore.tickPeriod(heartbeatInterval: 4) == 0.4, "a tenth of the interval, at most 1 s")
        let core = loggedOn()  // HeartBtInt 10: tick period 1 s; our Logon was the last message sent
        clock.advance(seconds: 0.3)  // ticks not aligned with the last send, as on a real reactor
        var heartbeatAt: Double? = nil
        for tick in 0..<12 where heartbeatAt == nil {
            core.tick()
            if output.take().contains(where: { field(35, in: $0) == "0" }) { heartbeatAt = 0.3 + Double(tick) }
            peer.send(Heartbeat(), to: core)  // the peer stays alive: no TestRequest
            clock.advance(seconds: 1)
        }
        let at = heartbeatAt ?? .infinity
        #expect(at >= 9 && at <= 10, "the Heartbeat left \(at) s after our last message; due at 10 s, one tick early at most")
    }

    @Test("an inbound TestRequest is answered by a Heartbeat echoing TestReqID")
    func answersTestRequest() {
        let core = loggedOn()
        peer.send(TestRequest(testReqID: "abc-1"), to: core)
        let sent = output.take()
        #expect(sent.count == 1 && field(35, in: sent[0]) == "0" && field(112, in: sent[0]) == "abc-1", "\(sent)")
    }

    @Test("MsgSeqNum too low without PossDup ends the session with a Logout saying why; with PossDup it is ignored")
    func tooLow() {
        let core = loggedOn()
        peer.send(order("dup"), to: core, seq: 1, possDup: true)
        #expect(core.state == .active && output.received.isEmpty, "a PossDup duplicate must be ignored")
        _ = output.take()
        peer.send(order("x"), to: core, seq: 1)
        #expect(output.errors == [.sequenceTooLow(expected: 2, received: 1)])
        let sent = output.take()
        #expect(sent.count == 1 && field(35, in: sent[0]) == "5" && field(58, in: sent[0]) == "MsgSeqNum too low, expecting 2 but received 1",
                "the session must end with a Logout saying why: \(sent)")
        #expect(output.disconnects == 1)
    }

    @Test("a gap on a retransmission session: ResendRequest(expected, 0), resent messages fill it in order")
    func gapRecovered() {
        let core = loggedOn()
        peer.nextSeq = 4  // messages 2 and 3 are lost
        peer.send(order("four"), to: core)
        var sent = output.take()
        #expect(sent.count == 1 && field(35, in: sent[0]) == "2" && field(7, in: sent[0]) == "2" && field(16, in: sent[0]) == "0",
                "expected ResendRequest 7=2 16=0: \(sent)")
        #expect(output.received.isEmpty, "a message past the gap must wait for the resend")
        peer.send(order("five"), to: core)  // still past the gap: no second ResendRequest
        #expect(output.take().isEmpty)
        for (seq, id) in [(2, "two"), (3, "three"), (4, "four"), (5, "five")] {
            peer.send(order(id), to: core, seq: seq, possDup: true)
        }
        let ids = output.received.map { field(11, in: RecordingOutput.text($0)) ?? "?" }
        #expect(ids == ["two", "three", "four", "five"])
        #expect(core.store.nextTargetSeqNum == 6)
        peer.nextSeq = 6
        peer.send(order("six"), to: core)
        sent = output.take()
        #expect(sent.isEmpty && output.received.count == 5)
    }

    @Test("a gap on a session without retransmission is fatal: Logout with the reason, sequenceGap")
    func gapFatal() {
        let core = loggedOn(retransmission: false)
        peer.nextSeq = 5
        peer.send(order("x"), to: core)
        let sent = output.take()
        #expect(sent.count == 1 && field(35, in: sent[0]) == "5" && field(58, in: sent[0])?.contains("expected 2, received 5") == true, "\(sent)")
        #expect(output.errors == [.sequenceGap(expected: 2, received: 5)])
        #expect(output.disconnects == 1)
    }

    @Test("the peer's ResendRequest: app messages resent with 43=Y and 122, admin ones gap-filled")
    func answersResendRequest() throws {
        let core = loggedOn()
        try core.send(order("a"))           // 2
        try core.send(order("b"))           // 3
        clock.advance(seconds: 10)
        peer.send(Heartbeat(), to: core)
        core.tick()                         // 4: Heartbeat
        try core.send(order("c"))           // 5
        _ = output.take()
        peer.send(ResendRequest(beginSeqNo: 2, endSeqNo: 0), to: core)
        let sent = output.take()
        let summary = sent.map { "\(field(35, in: $0) ?? "?")/\(field(34, in: $0) ?? "?")/\(field(11, in: $0) ?? field(36, in: $0) ?? "")" }
        #expect(summary == ["D/2/a", "D/3/b", "4/4/5", "D/5/c"], "\(summary)")
        for message in sent {
            #expect(field(43, in: message) == "Y" && field(122, in: message) != nil, "resend without PossDup/OrigSendingTime: \(message)")
        }
        #expect(field(123, in: sent[2]) == "Y")
        #expect(core.store.nextSenderSeqNum == 6, "a resend must not consume new numbers")
    }

    @Test("SequenceReset: GapFill moves the expected number forward, Reset sets it, backwards is rejected")
    func sequenceReset() {
        let core = loggedOn()
        peer.send(SequenceReset(gapFillFlag: true, newSeqNo: 10), to: core)
        #expect(core.store.nextTargetSeqNum == 10)
        peer.send(SequenceReset(newSeqNo: 20), to: core, seq: 99)  // Reset mode ignores 34
        #expect(core.store.nextTargetSeqNum == 20)
        peer.send(SequenceReset(newSeqNo: 5), to: core, seq: 20)
        let sent = output.take()
        #expect(sent.count == 1 && field(35, in: sent[0]) == "3" && field(373, in: sent[0]) == "5", "\(sent)")
    }

    @Test("an invalid inbound message is answered by Reject with 45, 371 and 373, and counted")
    func rejectsInvalid() {
        let core = loggedOn()
        // 35=D without the required Symbol (55): strict decoding reports requiredTagMissing.
        var text = RecordingOutput.text(peer.frame(order("bad")))
        text = text.replacingOccurrences(of: "|55=KXTEST-26", with: "")
        let body = text.split(separator: "|").filter { !$0.hasPrefix("8=") && !$0.hasPrefix("9=") && !$0.hasPrefix("10=") }
        let bodyText = body.joined(separator: "|") + "|"
        let head = "8=FIXT.1.1|9=\(bodyText.utf8.count)|"
        var bytes = Array((head + bodyText).utf8).map { $0 == UInt8(ascii: "|") ? UInt8(1) : $0 }
        let sum = bytes.reduce(0) { ($0 + Int($1)) & 0xFF }
        bytes += Array("10=\(String(format: "%03d", sum))\u{1}".utf8)
        peer.deliver(bytes, to: core)
        let sent = output.take()
        #expect(sent.count == 1 && field(35, in: sent[0]) == "3", "\(sent)")
        #expect(field(45, in: sent[0]) == "2" && field(371, in: sent[0]) == "55" && field(373, in: sent[0]) == "1", "\(sent)")
        #expect(core.store.nextTargetSeqNum == 3, "a rejected message still consumes its number")
        #expect(output.received.isEmpty)
    }

    @Test("the peer logs out: we answer Logout and disconnect; our logout waits for the answer or the timeout")
    func logoutHandshake() {
        let core = loggedOn()
        peer.send(Logout(text: "maintenance"), to: core)
        #expect(field(35, in: output.take().first ?? "") == "5")
        #expect(output.errors == [.peerLoggedOut(text: "maintenance")] && output.disconnects == 1)

        let second = RecordingOutput()
        let other = SessionCore(parameters: core.parameters, store: InMemorySessionStore(), output: second, clock: clock)
        let peer2 = TestPeer(sender: "KalshiRT", target: "KEY", clock: clock)
        other.connected()
        peer2.send(Logon(encryptMethod: .none, heartBtInt: 10, resetSeqNumFlag: true, defaultApplVerID: .fix50sp2), to: other)
        other.logout(text: "bye")
        #expect(other.state == .awaitingLogout)
        clock.advance(seconds: 2.1)
        other.tick()
        #expect(other.state == .disconnected && second.disconnects == 1 && second.errors.isEmpty)
    }

    @Test("inbound CompIDs that are not ours: Reject 373=9 and the session ends")
    func compIDMismatch() {
        let core = loggedOn()
        let stranger = TestPeer(sender: "KalshiRT", target: "SOMEONE-ELSE", clock: clock)
        stranger.nextSeq = 2
        stranger.send(order("x"), to: core)
        let sent = output.take()
        #expect(field(373, in: sent.first ?? "") == "9", "\(sent)")
        #expect(output.disconnects == 1)
    }

    @Test("acceptor: refuses a logon with Logout text, accepts one with a Logon answer")
    func acceptor() {
        let initiator = TestPeer(sender: "KEY", target: "KalshiRT", clock: clock)
        let refusing = makeCore(role: .acceptor, authenticate: { _ in "Invalid signature" })
        refusing.connected()
        initiator.send(Logon(encryptMethod: .none, heartBtInt: 10, resetSeqNumFlag: true, defaultApplVerID: .fix50sp2), to: refusing)
        var sent = output.take()
        #expect(sent.count == 1 && field(35, in: sent[0]) == "5" && field(58, in: sent[0]) == "Invalid signature", "\(sent)")
        #expect(output.errors == [.logonRefused(text: "Invalid signature")])

        let accepting = makeCore(role: .acceptor, authenticate: { _ in nil })
        accepting.connected()
        initiator.nextSeq = 1
        initiator.send(Logon(encryptMethod: .none, heartBtInt: 10, resetSeqNumFlag: true, defaultApplVerID: .fix50sp2), to: accepting)
        sent = output.take()
        #expect(sent.count == 1 && field(35, in: sent[0]) == "A" && field(141, in: sent[0]) == "Y" && field(49, in: sent[0]) == "KalshiRT", "\(sent)")
        #expect(accepting.state == .active)
    }

    @Test("acceptor with a 30 s SendingTime window: a skewed Logon is refused, a skewed message gets Reject 373=10")
    func sendingTimeWindow() {
        let initiator = TestPeer(sender: "KEY", target: "KalshiRT", clock: clock)
        let parameters = SessionParameters(role: .acceptor, senderCompID: "KalshiRT", targetCompID: "KEY",
                                           heartbeatInterval: 10, sendingTimeTolerance: 30)
        let logon = Logon(encryptMethod: .none, heartBtInt: 10, resetSeqNumFlag: true, defaultApplVerID: .fix50sp2)
        let refusing = SessionCore(parameters: parameters, store: InMemorySessionStore(), output: output, clock: clock)
        refusing.connected()
        let early = initiator.frame(logon)     // stamped now …
        clock.advance(seconds: 31)             // … arrives 31 s later
        initiator.deliver(early, to: refusing)
        var sent = output.take()
        #expect(sent.count == 1 && field(35, in: sent[0]) == "5" && field(58, in: sent[0])?.contains("SendingTime accuracy") == true, "\(sent)")
        #expect(refusing.state == .disconnected)

        let accepting = SessionCore(parameters: parameters, store: InMemorySessionStore(), output: output, clock: clock)
        accepting.connected()
        initiator.nextSeq = 1
        initiator.send(logon, to: accepting)
        #expect(accepting.state == .active)
        _ = output.take()
        let stale = initiator.frame(order("late"))
        clock.advance(seconds: 45)
        initiator.deliver(stale, to: accepting)
        sent = output.take()
        #expect(sent.count == 1 && field(35, in: sent[0]) == "3" && field(373, in: sent[0]) == "10" && field(371, in: sent[0]) == "52", "\(sent)")
        #expect(accepting.store.nextTargetSeqNum == 3 && output.received.isEmpty, "a rejected message counts but is not delivered")
        initiator.send(order("fresh"), to: accepting)
        #expect(output.received.count == 1, "a message inside the window must be delivered")
    }
}

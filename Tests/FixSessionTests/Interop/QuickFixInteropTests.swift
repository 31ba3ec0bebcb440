import FixCodec
import FixTransport
import Foundation
import Testing
@testable import FixSession
#if canImport(Glibc)
import Glibc
#endif

/// Our ``SessionDriver`` against QuickFIX C++ (Sources/QuickFixPeer) over real TLS sockets:
/// QuickFIX plays Kalshi's acceptor, loads `spec/fix-dictionary-1.03.xml` as both its
/// transport and application dictionary with every validation on, verifies our RSA-PSS logon
/// signature, and is driven through its stdin to create each situation (issue 5, item 7).
@Suite("QuickFIX C++ interop over TLS", .serialized)
struct QuickFixInteropTests {
    static let backends: [ReactorConfiguration.BackendPreference] = [.ioUring, .epoll]

    @Test("signed logon: QuickFIX verifies our RSA-PSS signature and logs us on", arguments: backends)
    func signedLogon(backend: ReactorConfiguration.BackendPreference) throws {
        let h = try InteropHarness("logon", backend: backend)
        let (recorder, _, ok) = h.logOn()
        #expect(ok, "no logon; our errors \(recorder.errors)\n\(h.peer.transcript)")
        #expect(h.peer.waitLine { $0 == "EVENT sig ok" } != nil, "QuickFIX did not verify the signature:\n\(h.peer.transcript)")
        let logon = try #require(h.waitMessage("IN") { $0[35] == "A" }, "QuickFIX never read our Logon")
        #expect(logon[34] == "1" && logon[49] == InteropHarness.keyID && logon[56] == "KalshiRT", "\(logon)")
        #expect(logon[98] == "0" && logon[108] == "1" && logon[1137] == "9", "Logon body: \(logon)")
        #expect(logon[95] == "344" && logon[96]?.count == 344, "RawDataLength/RawData: \(logon[95] ?? "-") / \(logon[96]?.count ?? 0) chars")
        #expect(logon[141] == nil, "KalshiRT keeps its numbers: no 141=Y on this logon")
        let answer = try #require(h.waitMessage("OUT") { $0[35] == "A" }, "QuickFIX did not answer the Logon")
        #expect(answer[1137] == "9" && answer[108] == "1", "QuickFIX's Logon: \(answer)")
        #expect(h.complaints().isEmpty, "QuickFIX complained: \(h.complaints())")
        #expect(recorder.errors.isEmpty, "\(recorder.errors)")
    }

    @Test("QuickFIX validates our orders against our dictionary: a Side outside its enum comes back as Reject 373=5")
    func dictionaryValidationIsOn() throws {
        let h = try InteropHarness("validation")
        let (recorder, driver, ok) = h.logOn()
        try #require(ok, "no logon: \(recorder.errors)\n\(h.peer.transcript)")
        h.sendOrder(driver, "valid-order")
        #expect(h.peer.waitLine { $0.hasPrefix("EVENT app") && $0.contains("11=valid-order|") } != nil, "\(h.peer.transcript)")
        let from = h.peer.mark
        h.sendOrder(driver, "bad-side", side: .unknown("7"))
        #expect(recorder.wait { recorder.errors.contains { if case .rejectReceived = $0 { return true } else { return false } } },
                "QuickFIX did not reject Side=7:\n\(h.peer.transcript)")
        guard case .rejectReceived(_, let reason, let tag, _)? = recorder.errors.first else {
            Issue.record("expected only a Reject: \(recorder.errors)")
            return
        }
        #expect(reason == .valueIncorrect && tag == 54, "Reject reason \(String(describing: reason)) tag \(String(describing: tag))")
        #expect(h.peer.lines[from...].allSatisfy { !($0.hasPrefix("EVENT app") && $0.contains("bad-side")) }, "the invalid order reached QuickFIX's application")
        #expect(recorder.states.last == .active, "a Reject does not end the session")
    }

    @Test("a Logon signed with another key is refused: QuickFIX's Logout text reaches us as logonRejected")
    func wrongKeyRefused() throws {
        let h = try InteropHarness("badsig")
        let recorder = DriverRecorder()
        _ = h.startDriver(h.configuration(signer: InteropHarness.otherSigner), store: InMemorySessionStore(), recorder: recorder)
        #expect(recorder.wait { recorder.states.last == .disconnected && !recorder.errors.isEmpty },
                "states \(recorder.states), errors \(recorder.errors)\n\(h.peer.transcript)")
        #expect(h.peer.waitLine { $0.hasPrefix("EVENT sig bad") } != nil, "\(h.peer.transcript)")
        #expect(recorder.errors == [.logonRejected(text: "Rejected Logon Attempt: Invalid signature: signature does not verify")], "\(recorder.errors)")
        #expect(!recorder.states.contains(.active))
    }

    @Test("heartbeats both ways, ours within 1.2 intervals (where FIX engines start probing); QuickFIX's TestRequest answered with its TestReqID")
    func heartbeatAndTestRequest() throws {
        let h = try InteropHarness("heartbeat")
        let (recorder, _, ok) = h.logOn()
        try #require(ok, "no logon: \(recorder.errors)\n\(h.peer.transcript)")
        let from = h.peer.mark
        #expect(h.peer.command("testrequest QF-PING-1"))
        #expect(h.waitMessage("IN", after: from) { $0[35] == "0" && $0[112] == "QF-PING-1" } != nil,
                "no Heartbeat 112=QF-PING-1 from us:\n\(h.peer.transcript)")
        #expect(h.waitMessage("OUT", after: from) { $0[35] == "0" && $0[112] == nil } != nil, "QuickFIX sent no Heartbeat")
        usleep(2_500_000)  // HeartBtInt 1 s: a few heartbeats each way
        // Our SendingTimes (ms) as QuickFIX read them: no gap above 1.2 intervals. (QuickFIX's
        // own check counts whole seconds, so with a 1 s interval it may probe us anyway.)
        let sent = h.peer.lines.filter { $0.hasPrefix("IN ") }.compactMap { fields(of: $0)[52].flatMap(millisecondsOfDay) }
        let gaps = zip(sent.dropFirst(), sent).map { $0 - $1 }
        #expect(sent.count >= 4 && gaps.allSatisfy { $0 <= 1_200 }, "gaps between our messages (ms): \(gaps)")
        #expect(recorder.states.last == .active && recorder.errors.isEmpty, "\(recorder.states) \(recorder.errors)")
        #expect(h.complaints().isEmpty, "\(h.complaints())")
    }

    @Test("a gap in QuickFIX's numbers: our ResendRequest, its GapFill and PossDup resend, nothing lost")
    func ourGapResendRequest() throws {
        let h = try InteropHarness("ourgap")
        let (recorder, driver, ok) = h.logOn()
        try #require(ok, "no logon: \(recorder.errors)\n\(h.peer.transcript)")
        let next = try #require(h.peer.sequenceNumbers()).sender
        let from = h.peer.mark
        #expect(h.peer.command("setsender \(next + 3)"))
        #expect(h.peer.command("send 35=j|372=D|380=0|379=after-gap|58=three numbers skipped"))
        #expect(recorder.wait { recorder.received.contains("after-gap") },
                "the message after the gap never reached the handler: \(recorder.received) \(recorder.errors)\n\(h.peer.transcript)")
        let request = h.waitMessage("IN", after: from) { $0[35] == "2" }
        #expect(request?[7] == String(next) && request?[16] == "0", "our ResendRequest: \(String(describing: request))")
        #expect(recorder.errors.contains(.resendRequested(from: next, through: 0)), "\(recorder.errors)")
        #expect(h.waitMessage("OUT", after: from) { $0[35] == "4" && $0[123] == "Y" && $0[36] == String(next + 3) } != nil,
                "QuickFIX's GapFill to \(next + 3) missing")
        #expect(recorder.received == ["after-gap"], "delivered once, in order: \(recorder.received)")
        // Both sides agree afterwards: an order goes through without complaint.
        let mark = h.peer.mark
        h.sendOrder(driver, "after-recovery")
        #expect(h.peer.waitLine(after: mark) { $0.hasPrefix("EVENT app") && $0.contains("11=after-recovery") } != nil, "\(h.peer.transcript)")
        #expect(recorder.states.last == .active && recorder.errors.filter(\.isFatal).isEmpty, "\(recorder.errors)")
        #expect(h.complaints().isEmpty, "\(h.complaints())")
    }

    @Test("QuickFIX's ResendRequest: we replay our orders with PossDupFlag=Y and OrigSendingTime, admin gap-filled",
          arguments: backends)
    func theirResendRequest(backend: ReactorConfiguration.BackendPreference) throws {
        let h = try InteropHarness("theirresend", backend: backend)
        let (recorder, driver, ok) = h.logOn()
        try #require(ok, "no logon: \(recorder.errors)\n\(h.peer.transcript)")
        h.sendOrder(driver, "order-1")
        h.sendOrder(driver, "order-2")
        for id in ["order-1", "order-2"] {
            #expect(h.peer.waitLine { $0.hasPrefix("EVENT app") && $0.contains("11=\(id)|") } != nil, "QuickFIX did not accept \(id):\n\(h.peer.transcript)")
        }
        // QuickFIX forgets it saw anything after our Logon, as after a store loss on its side.
        let from = h.peer.mark
        #expect(h.peer.command("settarget 2"))
        h.sendOrder(driver, "order-3")
        let request = try #require(h.waitMessage("OUT", after: from) { $0[35] == "2" }, "QuickFIX sent no ResendRequest:\n\(h.peer.transcript)")
        #expect(request[7] == "2", "\(request)")
        for id in ["order-1", "order-2"] {
            let replay = h.peer.waitLine(after: from) { $0.hasPrefix("EVENT app") && $0.contains("11=\(id)|") }
            let f = replay.map(fields(of:)) ?? [:]
            #expect(f[43] == "Y" && f[122] != nil, "\(id) must come back with 43=Y and 122: \(replay ?? "not replayed")\n\(h.peer.transcript)")
            if let orig = f[122], let sent = f[52] { #expect(orig <= sent, "OrigSendingTime \(orig) after SendingTime \(sent)") }
        }
        #expect(h.peer.waitLine(after: from) { $0.hasPrefix("EVENT app") && $0.contains("11=order-3|") } != nil,
                "order-3 never processed:\n\(h.peer.transcript)")
        // Nothing but our resends and gap fills in between: QuickFIX is in sync again.
        let sequence = try #require(h.peer.sequenceNumbers())
        #expect(sequence.target == h.ourNextSenderSeqNum(driver), "QuickFIX expects \(sequence.target)")
        #expect(recorder.states.last == .active && recorder.errors.filter(\.isFatal).isEmpty, "\(recorder.errors)")
        let unexpected = h.complaints(after: from).filter { !$0.contains("too high") }
        #expect(unexpected.isEmpty, "\(unexpected)")
    }

    @Test("MsgSeqNum too low from QuickFIX (no PossDup) ends our session with sequenceTooLow")
    func sequenceTooLow() throws {
        let h = try InteropHarness("toolow")
        let (recorder, _, ok) = h.logOn()
        try #require(ok, "no logon: \(recorder.errors)\n\(h.peer.transcript)")
        #expect(h.peer.command("send 35=j|372=D|380=0|379=first"))
        #expect(recorder.wait { recorder.received.contains("first") })
        let next = try #require(h.peer.sequenceNumbers()).sender
        let from = h.peer.mark
        #expect(h.peer.command("setsender \(next - 1)"))
        #expect(h.peer.command("send 35=j|372=D|380=0|379=stale"))
        #expect(recorder.wait { recorder.states.last == .disconnected }, "still \(recorder.states)")
        #expect(recorder.errors.contains(.sequenceTooLow(expected: next, received: next - 1)), "\(recorder.errors)")
        #expect(!recorder.received.contains("stale"), "a too-low message must not reach the application")
        let logout = h.waitMessage("IN", after: from) { $0[35] == "5" }
        #expect(logout?[58] == "MsgSeqNum too low, expecting \(next) but received \(next - 1)",
                "our Logout should say why: \(String(describing: logout))")
        #expect(h.peer.waitLine(after: from) { $0 == "EVENT logout" } != nil, "QuickFIX did not see the session end")
    }

    @Test("garbled bytes on the stream are skipped without a Reject or a sequence number; the session carries on")
    func garbledInboundIgnored() throws {
        let h = try InteropHarness("garbled")
        let (recorder, _, ok) = h.logOn()
        try #require(ok, "no logon: \(recorder.errors)\n\(h.peer.transcript)")
        let from = h.peer.mark
        // Noise, then a frame whose BodyLength and CheckSum are wrong (QuickFIX cannot emit
        // one; the peer writes the bytes raw onto its TLS connection).
        #expect(h.peer.command("garbage NOISE 8=FIXT.1.1|9=12|35=0|49=KalshiRT|56=\(InteropHarness.keyID)|34=99|10=000|"))
        #expect(h.peer.command("send 35=j|372=D|380=0|379=after-garbage"))
        #expect(recorder.wait { recorder.received.contains("after-garbage") },
                "the next good message was lost: \(recorder.received) \(recorder.errors)\n\(h.peer.transcript)")
        #expect(recorder.errors.contains { if case .garbledInbound = $0 { return true } else { return false } },
                "the garbage was not reported as garbled: \(recorder.errors)")
        #expect(recorder.errors.allSatisfy { if case .garbledInbound = $0 { return true } else { return false } }, "\(recorder.errors)")
        #expect(h.waitMessage("IN", after: from, seconds: 0.5) { $0[35] == "3" || $0[35] == "2" } == nil,
                "garbage must not cause a Reject or a ResendRequest")
        #expect(recorder.states.last == .active)
        #expect(h.complaints().isEmpty, "\(h.complaints())")
    }

    @Test("our Logout: QuickFIX answers and both sides end cleanly")
    func ourLogout() throws {
        let h = try InteropHarness("ourlogout")
        let (recorder, driver, ok) = h.logOn()
        try #require(ok, "no logon: \(recorder.errors)\n\(h.peer.transcript)")
        let from = h.peer.mark
        h.onIOThread(driver) { $0.logout(text: "end of day") }
        #expect(recorder.wait { recorder.states.last == .disconnected }, "\(recorder.states)")
        #expect(h.waitMessage("IN", after: from) { $0[35] == "5" && $0[58] == "end of day" } != nil, "\(h.peer.transcript)")
        #expect(h.waitMessage("OUT", after: from) { $0[35] == "5" } != nil, "QuickFIX did not answer our Logout")
        #expect(h.peer.waitLine(after: from) { $0 == "EVENT logout" } != nil)
        #expect(recorder.errors.isEmpty, "a clean logout reports nothing: \(recorder.errors)")
        #expect(h.complaints().isEmpty, "\(h.complaints())")
    }

    @Test("QuickFIX's Logout: we answer it and report peerLoggedOut with its text")
    func theirLogout() throws {
        let h = try InteropHarness("theirlogout")
        let (recorder, _, ok) = h.logOn()
        try #require(ok, "no logon: \(recorder.errors)\n\(h.peer.transcript)")
        let from = h.peer.mark
        #expect(h.peer.command("logout maintenance window"))
        #expect(recorder.wait { recorder.states.last == .disconnected }, "\(recorder.states)")
        #expect(recorder.errors == [.peerLoggedOut(text: "maintenance window")], "\(recorder.errors)")
        #expect(h.waitMessage("IN", after: from) { $0[35] == "5" } != nil, "we did not answer QuickFIX's Logout:\n\(h.peer.transcript)")
        #expect(h.peer.waitLine(after: from) { $0 == "EVENT logout" } != nil)
        #expect(h.complaints().isEmpty, "\(h.complaints())")
    }

    @Test("QuickFIX drops the connection: we reconnect, log on again with the next numbers, and trade on")
    func reconnect() throws {
        let h = try InteropHarness("reconnect")
        let (recorder, driver, ok) = h.logOn(reconnect: ReconnectPolicy(initialDelay: 0.05, maximumDelay: 0.1, jitter: 0, maximumAttempts: 5))
        try #require(ok, "no logon: \(recorder.errors)\n\(h.peer.transcript)")
        h.sendOrder(driver, "before-drop")
        #expect(h.peer.waitLine { $0.contains("11=before-drop|") && $0.hasPrefix("EVENT app") } != nil)
        let from = h.peer.mark
        #expect(h.peer.command("disconnect"))
        #expect(recorder.wait { recorder.states.filter { $0 == .active }.count == 2 }, "no second logon: \(recorder.states) \(recorder.errors)\n\(h.peer.transcript)")
        let expected = try #require(h.peer.sequenceNumbers())
        let logon = try #require(h.waitMessage("IN", after: from) { $0[35] == "A" })
        #expect(logon[141] == nil, "a KalshiRT reconnect must not reset: \(logon)")
        #expect(h.peer.waitLine(after: from) { $0 == "EVENT sig ok" } != nil)
        h.sendOrder(driver, "after-reconnect")
        let order = h.peer.waitLine(after: from) { $0.contains("11=after-reconnect|") && $0.hasPrefix("EVENT app") }
        #expect(order.map(fields(of:))?[34] == String(expected.target), "the order after the reconnect: \(order ?? "never arrived")")
        #expect(h.complaints().isEmpty, "numbers continued without gaps on either side: \(h.complaints())")
    }

    @Test("141=Y (KalshiNR): every logon starts at 1 on both sides and QuickFIX resets too")
    func resetSeqNumFlag() throws {
        let h = try InteropHarness("reset", sessionType: .kalshiNR)
        let store = InMemorySessionStore()
        for round in 1...2 {
            let from = h.peer.mark
            let (recorder, driver, ok) = h.logOn(store: store)
            try #require(ok, "round \(round): no logon: \(recorder.errors)\n\(h.peer.transcript)")
            let logon = try #require(h.waitMessage("IN", after: from) { $0[35] == "A" })
            #expect(logon[34] == "1" && logon[141] == "Y", "round \(round): our Logon \(logon)")
            let answer = try #require(h.waitMessage("OUT", after: from) { $0[35] == "A" })
            #expect(answer[34] == "1" && answer[141] == "Y", "round \(round): QuickFIX's Logon must reset too: \(answer)")
            h.sendOrder(driver, "nr-\(round)")
            let order = h.peer.waitLine(after: from) { $0.contains("11=nr-\(round)|") && $0.hasPrefix("EVENT app") }
            #expect(order.map(fields(of:))?[34] == "2", "round \(round): \(order ?? "order never arrived")")
            h.onIOThread(driver) { $0.logout() }
            #expect(recorder.wait { recorder.states.last == .disconnected })
            #expect(h.peer.waitLine(after: from) { $0 == "EVENT logout" } != nil)
            #expect(recorder.errors.isEmpty, "round \(round): \(recorder.errors)")
        }
        #expect(h.complaints().isEmpty, "\(h.complaints())")
    }

    @Test("KalshiRT across our process restart (new reactor, same journal): QuickFIX sees the numbers continue",
          arguments: [(ReactorConfiguration.BackendPreference.ioUring, true), (.epoll, true), (.ioUring, false)])
    func restartContinuity(backend: ReactorConfiguration.BackendPreference, graceful: Bool) throws {
        let h = try InteropHarness(graceful ? "restart" : "crash", backend: backend)
        let journal = h.directory + "/\(InteropHarness.keyID)-KalshiRT.journal"
        var lastSent = 0
        for round in 1...2 {
            let from = h.peer.mark
            nonisolated(unsafe) let store = try FileSessionStore(path: journal)
            if round == 2 {
                #expect(store.nextSenderSeqNum == lastSent + 1, "the journal must resume at \(lastSent + 1)")
                let quickfix = try #require(h.peer.sequenceNumbers())
                #expect(quickfix.target == store.nextSenderSeqNum && quickfix.sender == store.nextTargetSeqNum,
                        "QuickFIX expects \(quickfix), our journal says next out \(store.nextSenderSeqNum), next in \(store.nextTargetSeqNum)")
            }
            let (recorder, driver, ok) = h.logOn(store: store)
            try #require(ok, "round \(round): no logon: \(recorder.errors)\n\(h.peer.transcript)")
            let logon = try #require(h.waitMessage("IN", after: from) { $0[35] == "A" })
            #expect(logon[141] == nil && logon[34] == String(lastSent + 1), "round \(round): Logon \(logon)")
            h.sendOrder(driver, "restart-\(round)")
            let order = h.peer.waitLine(after: from) { $0.contains("11=restart-\(round)|") && $0.hasPrefix("EVENT app") }
            #expect(order.map(fields(of:))?[43] == nil, "round \(round): a fresh order, not a resend: \(order ?? "never arrived")")
            if graceful {
                h.onIOThread(driver) { $0.logout(text: "restarting") }
            } else {
                // A crash as QuickFIX sees it: the connection goes without a Logout.
                h.onIOThread(driver) { $0.dropConnection() }
            }
            #expect(recorder.wait { recorder.states.last == .disconnected })
            #expect(h.peer.waitLine(after: from) { $0 == "EVENT logout" } != nil, "QuickFIX did not notice the session end")
            #expect(recorder.errors.filter { $0 != .transport(nil) }.isEmpty, "round \(round): \(recorder.errors)")
            lastSent = store.nextSenderSeqNum - 1
            try store.close()
            try h.restartReactor(backend: backend)
        }
        let log = h.peer.lines.filter { $0.hasPrefix("LOG ") && ($0.contains("esetting") || $0.contains("ResetSeqNum")) }
        #expect(log.isEmpty, "QuickFIX reset the session: \(log)")
        #expect(h.complaints().isEmpty, "\(h.complaints())")
    }
}

/// `YYYYMMDD-HH:MM:SS.sss` → milliseconds since midnight (the tests run for seconds).
func millisecondsOfDay(_ time: String) -> Int? {
    let parts = time.split(separator: "-")
    guard parts.count == 2 else { return nil }
    let hms = parts[1].split(separator: ":")
    guard hms.count == 3, let h = Int(hms[0]), let m = Int(hms[1]), let s = Double(hms[2]) else { return nil }
    return (h * 3600 + m * 60) * 1000 + Int((s * 1000).rounded())
}

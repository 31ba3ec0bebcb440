import FixCodec
import FixTransport
import Synchronization
import Testing
@testable import FixSession

/// The AsyncSequence adapter over a real loopback session against the test acceptor.
@Suite("SessionEventStream", .serialized)
struct SessionEventStreamTests {
    static func order(_ id: String) -> NewOrderSingle {
        NewOrderSingle(clOrdID: id, orderQty: FixDecimal(mantissa: 1, scale: 0), ordType: .limit,
                       price: FixDecimal(mantissa: 50, scale: 0), side: .buyYes, symbol: "KXTEST-26")
    }

    /// Consumes `events` with `body` until the stream finishes, or cancels after `seconds`.
    /// Returns whether the stream finished by itself.
    static func consume(_ events: SessionEventStream, seconds: Double = 10,
                        _ body: @escaping @Sendable (SessionEvent) -> Void) async -> Bool {
        let timedOut = Atomic<Bool>(false)
        let consumer = Task {
            for await event in events { body(event) }
        }
        let watchdog = Task {
            try await Task.sleep(for: .seconds(seconds))
            timedOut.store(true, ordering: .relaxed)
            consumer.cancel()
        }
        await consumer.value
        watchdog.cancel()
        return !timedOut.load(ordering: .relaxed)
    }

    @Test("for await: state changes, two answers that stay intact after the receive buffer is reused, then the end on logout",
          arguments: SessionDriverTests.backends)
    func roundTrip(backend: ReactorConfiguration.BackendPreference) async throws {
        let acceptor = BlockingAcceptor()
        let reactor = try Reactor(configuration: ReactorConfiguration(backend: backend))
        reactor.startThread()
        defer { reactor.stopAndJoin() }
        let events = SessionEventStream()
        let holder = startDriver(reactor, port: acceptor.port, parameters: SessionParameters(senderCompID: "KEY", targetCompID: "KalshiRT"),
                                 store: InMemorySessionStore(), recorder: events)
        let seen = Mutex<(states: [SessionState], messages: [FixOwnedMessage], errors: [SessionError])>(([], [], []))
        let finished = await Self.consume(events) { event in
            switch event {
            case .stateChanged(let state):
                seen.withLock { $0.states.append(state) }
                if state == .active { reactor.execute { try? holder.driver!.send(Self.order("stream-1")) } }
            case .message(let message):
                let count = seen.withLock { $0.messages.append(message); return $0.messages.count }
                if count == 1 { reactor.execute { try? holder.driver!.send(Self.order("stream-2")) } }
                if count == 2 { reactor.execute { holder.driver!.logout(text: "done") } }
            case .error(let error):
                seen.withLock { $0.errors.append(error) }
            }
        }
        let (states, messages, errors) = seen.withLock { ($0.states, $0.messages, $0.errors) }
        #expect(finished, "the stream did not finish after logout; states \(states), errors \(errors)")
        #expect(states == [.awaitingLogon, .active, .awaitingLogout, .disconnected], "\(states)")
        #expect(errors.isEmpty, "\(errors)")
        try #require(messages.count == 2, "expected two BusinessMessageRejects, got \(messages.map(\.description))")
        // The first copy was made before the second message overwrote the receive buffer.
        #expect(messages[0].msgType == "j")
        #expect(messages[0].string(379) == "stream-1" && messages[0].string(58) == "seen stream-1", "\(messages[0])")
        #expect(messages[1].string(379) == "stream-2", "\(messages[1])")
        #expect(messages[0].withMessage { $0.value(372)?.equals("D") } == true, "RefMsgType of the first answer: \(messages[0])")
    }

    @Test("a refused logon without reconnect: the error, .disconnected, then the stream finishes", arguments: SessionDriverTests.backends)
    func refusedLogonFinishes(backend: ReactorConfiguration.BackendPreference) async throws {
        let acceptor = BlockingAcceptor(refusal: "Invalid signature")
        let reactor = try Reactor(configuration: ReactorConfiguration(backend: backend))
        reactor.startThread()
        defer { reactor.stopAndJoin() }
        let events = SessionEventStream()
        _ = startDriver(reactor, port: acceptor.port, parameters: SessionParameters(senderCompID: "KEY", targetCompID: "KalshiRT"),
                        store: InMemorySessionStore(), recorder: events)
        let seen = Mutex<[SessionEvent]>([])
        let finished = await Self.consume(events) { event in seen.withLock { $0.append(event) } }
        let all = seen.withLock { $0 }
        #expect(finished, "no reconnect policy: the stream must end after the refusal; got \(all)")
        #expect(all == [.stateChanged(.awaitingLogon), .error(.logonRejected(text: "Invalid signature")), .stateChanged(.disconnected)], "\(all)")
    }

    @Test("logout while the connection is still being made gives it up and ends the stream, with no logon",
          arguments: SessionDriverTests.backends)
    func logoutWhileConnecting(backend: ReactorConfiguration.BackendPreference) async throws {
        let acceptor = BlockingAcceptor()
        let reactor = try Reactor(configuration: ReactorConfiguration(backend: backend))
        reactor.startThread()
        defer { reactor.stopAndJoin() }
        let events = SessionEventStream()
        let port = acceptor.port
        let holder = DriverBox()
        reactor.execute {
            let driver = SessionDriver(reactor: reactor, host: "127.0.0.1", port: port, security: .plaintext,
                                       parameters: SessionParameters(senderCompID: "KEY", targetCompID: "KalshiRT"),
                                       store: InMemorySessionStore(), handler: events, reconnectPolicy: ReconnectPolicy())
            holder.driver = driver
            driver.start()
            driver.logout()  // the connect has not completed: no callback ran in between
        }
        let seen = Mutex<[SessionEvent]>([])
        let finished = await Self.consume(events) { event in seen.withLock { $0.append(event) } }
        #expect(finished, "the stream must end although a reconnect policy is set: \(seen.withLock { $0 })")
        #expect(seen.withLock { $0 }.isEmpty, "nothing happened to the session: \(seen.withLock { $0 })")
        #expect(acceptor.logons.withLock { $0 } == 0)
    }

    @Test("a bounded buffer drops and counts what does not fit")
    func boundedDrops() async throws {
        let reactor = try Reactor()
        let driver = SessionDriver(reactor: reactor, host: "127.0.0.1", port: 1, security: .plaintext,
                                   parameters: SessionParameters(senderCompID: "KEY", targetCompID: "KalshiRT"),
                                   store: InMemorySessionStore(), handler: nil)
        let events = SessionEventStream(bufferingPolicy: .bufferingOldest(2))
        events.session(driver, stateChanged: .awaitingLogon)
        events.session(driver, stateChanged: .active)
        events.session(driver, stateChanged: .awaitingLogout)
        events.session(driver, error: .heartbeatTimeout(seconds: 30))
        events.sessionDidStop(driver)
        #expect(events.droppedEvents == 2)
        var received: [SessionEvent] = []
        for await event in events { received.append(event) }
        #expect(received == [.stateChanged(.awaitingLogon), .stateChanged(.active)], "the oldest two are kept")
    }
}

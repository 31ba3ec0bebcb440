import Dispatch
import FixCodec
import FixTransport
import Foundation
import Synchronization
import Testing
@testable import FixSession
#if canImport(Glibc)
import Glibc
#endif

/// A FIX acceptor on a blocking loopback socket, run by our own ``SessionCore`` in the acceptor
/// role: it answers Logon, Heartbeat/TestRequest, ResendRequest and Logout, and answers every
/// NewOrderSingle with a BusinessMessageReject naming its ClOrdID.
final class BlockingAcceptor: SessionOutput, @unchecked Sendable {
    let listenFD: Int32
    let port: Int
    let store: any SessionStore
    private var fd: Int32 = -1
    private var core: SessionCore!
    private var closed = false
    let logons = Mutex(0)

    /// - Parameter refusal: when set, every Logon is refused with this text.
    init(store: any SessionStore = InMemorySessionStore(), refusal: String? = nil) {
        self.store = store
        let listenFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listenFD = listenFD
        var one: Int32 = 1
        setsockopt(listenFD, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listenFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        listen(listenFD, 4)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listenFD, $0, &length) } }
        self.port = Int(UInt16(bigEndian: a.sin_port))
        let parameters = SessionParameters(role: .acceptor, senderCompID: "KalshiRT", targetCompID: "KEY",
                                           heartbeatInterval: 30, resetSeqNumOnLogon: false, supportsRetransmission: true)
        core = SessionCore(parameters: parameters, store: store, output: self, authenticate: { [weak self] _ in
            self?.logons.withLock { $0 += 1 }
            return refusal
        })
        Thread { self.serve() }.start()
    }

    deinit { Glibc.close(listenFD) }

    /// Serves connections one after another until the listening socket closes.
    private func serve() {
        while true {
            let client = accept(listenFD, nil, nil)
            guard client >= 0 else { return }
            fd = client
            closed = false
            core.connected()
            var decoder = KalshiFixDecoder(mode: .strict)
            var buffer = [UInt8](repeating: 0, count: 65536)
            var filled = 0
            while !closed {
                let n = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress! + filled, $0.count - filled, 0) }
                if n <= 0 { break }
                filled += n
                var consumed = 0
                buffer.withUnsafeBytes { raw in
                    loop: while consumed < filled && !closed {
                        switch decoder.decode(UnsafeRawBufferPointer(rebasing: raw[consumed..<filled])) {
                        case .message(let m, let used): consumed += used; core.receive(m)
                        case .invalid(let m, let used, let e): consumed += used; core.receiveInvalid(m, error: e)
                        case .garbled(let skip, let e): consumed += skip; core.receiveGarbled(skipped: skip, error: e)
                        case .needMoreBytes: break loop
                        }
                    }
                }
                buffer.withUnsafeMutableBytes { $0.baseAddress!.copyMemory(from: $0.baseAddress! + consumed, byteCount: filled - consumed) }
                filled -= consumed
            }
            core.disconnected()
            Glibc.close(client)
        }
    }

    func sessionWrite(_ frame: UnsafeRawBufferPointer) {
        _ = Glibc.send(fd, frame.baseAddress!, frame.count, Int32(MSG_NOSIGNAL))
    }
    func sessionDisconnect() { closed = true; shutdown(fd, Int32(SHUT_RDWR)) }
    func session(received message: FixMessage) {
        guard message.msgType.equals("D") else { return }
        let id = message.value(11)?.string ?? ""
        try? core.send(BusinessMessageReject(refMsgType: "D", businessRejectRefID: id, businessRejectReason: .other, text: "seen \(id)"))
    }
    func session(stateChanged state: SessionState) {}
    func session(error: SessionError) {}
}

/// Records what a driver reports, for a test thread to wait on.
final class DriverRecorder: SessionHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var _states: [SessionState] = []
    private var _received: [String] = []
    private var _errors: [SessionError] = []
    let changed = DispatchSemaphore(value: 0)

    var states: [SessionState] { lock.withLock { _states } }
    var received: [String] { lock.withLock { _received } }
    var errors: [SessionError] { lock.withLock { _errors } }

    func session(_ session: SessionDriver, received message: FixMessage) {
        lock.withLock { _received.append(message.value(379)?.string ?? "?") }
        changed.signal()
    }
    func session(_ session: SessionDriver, stateChanged state: SessionState) {
        lock.withLock { _states.append(state) }
        changed.signal()
    }
    func session(_ session: SessionDriver, error: SessionError) {
        lock.withLock { _errors.append(error) }
        changed.signal()
    }

    /// Waits until `condition` holds (checked after each event), up to `seconds`.
    func wait(seconds: Double = 5, until condition: () -> Bool) -> Bool {
        let deadline = DispatchTime.now() + seconds
        while !condition() {
            if changed.wait(timeout: deadline) == .timedOut { return condition() }
        }
        return true
    }
}

@Suite("SessionDriver over loopback", .serialized)
struct SessionDriverTests {
    static let backends: [ReactorConfiguration.BackendPreference] = [.ioUring, .epoll]

    func order(_ id: String) -> NewOrderSingle {
        NewOrderSingle(clOrdID: id, orderQty: FixDecimal(mantissa: 1, scale: 0), ordType: .limit,
                       price: FixDecimal(mantissa: 50, scale: 0), side: .buyYes, symbol: "KXTEST-26")
    }

    @Test("logon, an order and its answer, logout; a restart with the same journal continues the numbers", arguments: backends)
    func roundTripAndRestart(backend: ReactorConfiguration.BackendPreference) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kalshi-fix-driver-\(getpid())-\(backend)")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let journal = directory.appendingPathComponent("KEY-KalshiRT.journal").path
        let acceptor = BlockingAcceptor()
        let reactor = try Reactor(configuration: ReactorConfiguration(backend: backend))
        reactor.startThread()
        defer { reactor.stopAndJoin() }
        let parameters = SessionParameters(senderCompID: "KEY", targetCompID: "KalshiRT", acceptedInboundSenderCompIDs: [],
                                           heartbeatInterval: 30, resetSeqNumOnLogon: false, supportsRetransmission: true)

        var lastSenderSeq = 0
        for round in 1...2 {
            let recorder = DriverRecorder()
            // Handed to the I/O thread and used only there until the driver is done.
            nonisolated(unsafe) let store = try FileSessionStore(path: journal)
            let holder = startDriver(reactor, port: acceptor.port, parameters: parameters, store: store, recorder: recorder)
            #expect(recorder.wait { recorder.states.contains(.active) }, "round \(round): no logon; errors \(recorder.errors)")
            if round == 2 {
                // The restarted Logon took lastSenderSeq + 1.
                #expect(store.nextSenderSeqNum == lastSenderSeq + 2,
                        "a restart must continue from \(lastSenderSeq + 1); next is \(store.nextSenderSeqNum)")
            }
            reactor.execute {
                let driver = holder.driver!
                try? driver.send(order("order-\(round)"))
            }
            #expect(recorder.wait { recorder.received.contains("order-\(round)") }, "round \(round): no answer; got \(recorder.received)")
            reactor.execute { holder.driver!.logout(text: "done") }
            #expect(recorder.wait { recorder.states.last == .disconnected }, "round \(round): logout did not finish: \(recorder.states)")
            #expect(recorder.errors.filter(\.isFatal).isEmpty, "round \(round): \(recorder.errors)")
            lastSenderSeq = store.nextSenderSeqNum - 1
            try store.close()
        }
        #expect(acceptor.logons.withLock { $0 } == 2)
        #expect(lastSenderSeq == 6, "two rounds of Logon + order + Logout must use 1...6")
    }

    @Test("a refused logon reaches the handler as logonRejected with the gateway's text", arguments: backends)
    func refusedLogon(backend: ReactorConfiguration.BackendPreference) throws {
        let acceptor = BlockingAcceptor(refusal: "Invalid signature")
        let reactor = try Reactor(configuration: ReactorConfiguration(backend: backend))
        reactor.startThread()
        defer { reactor.stopAndJoin() }
        let recorder = DriverRecorder()
        _ = startDriver(reactor, port: acceptor.port, parameters: SessionParameters(senderCompID: "KEY", targetCompID: "KalshiRT"),
                        store: InMemorySessionStore(), recorder: recorder)
        #expect(recorder.wait { recorder.states.last == .disconnected }, "\(recorder.states)")
        #expect(recorder.errors == [.logonRejected(text: "Invalid signature")], "\(recorder.errors)")
    }

    @Test("nothing listening: the driver reports the transport error and retries per the policy", arguments: backends)
    func reconnects(backend: ReactorConfiguration.BackendPreference) throws {
        let port: Int
        do { let probe = BlockingAcceptorPort(); port = probe.port }
        let reactor = try Reactor(configuration: ReactorConfiguration(backend: backend))
        reactor.startThread()
        defer { reactor.stopAndJoin() }
        let recorder = DriverRecorder()
        let holder = startDriver(reactor, port: port, parameters: SessionParameters(senderCompID: "KEY", targetCompID: "KalshiNR"),
                                 store: InMemorySessionStore(), recorder: recorder,
                                 reconnect: ReconnectPolicy(initialDelay: 0.01, maximumDelay: 0.02, jitter: 0, maximumAttempts: 2))
        #expect(recorder.wait { recorder.errors.count >= 3 }, "expected 3 refused attempts, got \(recorder.errors)")
        usleep(100_000)
        #expect(recorder.errors.count == 3, "maximumAttempts 2 means one try plus two retries: \(recorder.errors)")
        #expect(recorder.errors.allSatisfy { $0 == .transport(.connectionRefused(host: "127.0.0.1", port: port)) }, "\(recorder.errors)")
        reactor.execute { holder.driver!.logout() }
    }
}

/// Creates and starts a plaintext driver to 127.0.0.1:`port` on the reactor's thread.
func startDriver(_ reactor: Reactor, port: Int, parameters: SessionParameters, store: any SessionStore,
                 recorder: some SessionHandler & Sendable, reconnect: ReconnectPolicy? = nil,
                 logonBody: @escaping @Sendable (inout FixWriter, LogonContext) throws -> Void = LogonContext.standardBody,
                 messageLog: FixMessageLog? = nil) -> DriverBox {
    let holder = DriverBox()
    nonisolated(unsafe) let store = store  // used only on the I/O thread from here on
    reactor.execute {
        let driver = SessionDriver(reactor: reactor, host: "127.0.0.1", port: port, security: .plaintext,
                                   parameters: parameters, store: store, handler: recorder, reconnectPolicy: reconnect,
                                   logonBody: logonBody, messageLog: messageLog)
        holder.driver = driver
        driver.start()
    }
    return holder
}

/// A port that was bound and released: nothing listens there.
struct BlockingAcceptorPort {
    let port: Int
    init() {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { Glibc.close(fd) }
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        port = Int(UInt16(bigEndian: a.sin_port))
    }
}

/// Hands a driver made on the I/O thread back to the test (used there only).
final class DriverBox: @unchecked Sendable {
    private let lock = NSLock()
    private var _driver: SessionDriver?
    var driver: SessionDriver? {
        get { lock.withLock { _driver } }
        set { lock.withLock { _driver = newValue } }
    }
}

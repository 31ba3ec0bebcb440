import Foundation
import FixTransport
import Testing

/// The reactor over real loopback sockets, on io_uring and on the epoll fallback alike.
@Suite("Reactor", .serialized)
struct ReactorTests {
    static let backends: [ReactorConfiguration.BackendPreference] =
        PlatformSupport.ioUringUnavailableReason() == nil ? [.ioUring, .epoll] : [.epoll]

    /// Starts a reactor thread with `backend`, runs `body`, stops it.
    func withReactor(_ backend: ReactorConfiguration.BackendPreference, busyPoll: Bool = false,
                     _ body: (Reactor) throws -> Void) throws {
        let reactor = try Reactor(configuration: ReactorConfiguration(backend: backend, busyPoll: busyPoll))
        #expect(reactor.backendKind == (backend == .epoll ? .epoll : .ioUring))
        reactor.startThread()
        defer { reactor.stopAndJoin() }
        try body(reactor)
    }

    /// Connects on the I/O thread; returns the error `connect` threw synchronously, if any.
    func connect(_ reactor: Reactor, port: Int, host: String = "127.0.0.1", timeout: Duration = .seconds(5),
                 delegate: RecordingDelegate) -> TransportError? {
        let result = Mutex<TransportError?>(nil)
        let done = DispatchSemaphore(value: 0)
        reactor.execute {
            do throws(TransportError) {
                _ = try reactor.connect(host: host, port: port, timeout: timeout, delegate: delegate)
            } catch {
                result.withLock { $0 = error }
            }
            done.signal()
        }
        done.wait()
        return result.withLock { $0 }
    }

    @Test("echo: many messages and one larger than the socket buffers arrive intact and in order", arguments: backends)
    func echo(backend: ReactorConfiguration.BackendPreference) throws {
        try withReactor(backend) { reactor in
            let server = try LoopbackServer(LoopbackServer.echo)
            var rng = SystemRandomNumberGenerator()
            var payload: [UInt8] = []
            var messages: [[UInt8]] = []
            for i in 0..<500 {
                let m = (0..<(1 + i * 7 % 1500)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                messages.append(m)
                payload += m
            }
            let big = (0..<400_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            messages.append(big)
            payload += big
            let delegate = RecordingDelegate()
            delegate.onOpen = { connection in
                for m in messages { try? m.withUnsafeBytes { try connection.send($0) } }
            }
            let expected = payload.count
            delegate.onReceive = { connection, all in
                if all.count >= expected { connection.close() }
            }
            #expect(connect(reactor, port: server.port, delegate: delegate) == nil)
            #expect(delegate.waitClosed(), "echo did not finish")
            #expect(delegate.closeError == nil, "closed with \(String(describing: delegate.closeError))")
            let same = delegate.received == payload
            #expect(same, "echoed bytes differ (got \(delegate.received.count) of \(payload.count))")
        }
    }

    @Test("nothing listening: connection refused", arguments: backends)
    func refused(backend: ReactorConfiguration.BackendPreference) throws {
        try withReactor(backend) { reactor in
            let port: Int
            do { let probe = try LoopbackServer(accept: false); port = probe.port }  // bound, then closed
            let delegate = RecordingDelegate()
            #expect(connect(reactor, port: port, delegate: delegate) == nil)
            #expect(delegate.waitClosed())
            #expect(delegate.closeError == .connectionRefused(host: "127.0.0.1", port: port))
            #expect(!delegate.opened)
        }
    }

    @Test("a name that cannot resolve: dnsFailure with the resolver's reason, nothing opened", arguments: backends)
    func dnsFailure(backend: ReactorConfiguration.BackendPreference) throws {
        try withReactor(backend) { reactor in
            // RFC 6761: .invalid never resolves.
            let delegate = RecordingDelegate()
            let error = connect(reactor, port: 8228, host: "fix.kalshi-fix-test.invalid", delegate: delegate)
            guard case .dnsFailure(let host, let reason) = error else {
                Issue.record("expected dnsFailure, got \(String(describing: error))")
                return
            }
            #expect(host == "fix.kalshi-fix-test.invalid")
            #expect(!reason.isEmpty, "the resolver's reason is missing")
            #expect(error?.description.hasPrefix("cannot resolve fix.kalshi-fix-test.invalid: ") == true)
            #expect(!delegate.opened)
        }
    }

    @Test("a listener whose accept queue is full: connect times out", arguments: backends)
    func connectTimeout(backend: ReactorConfiguration.BackendPreference) throws {
        try withReactor(backend) { reactor in
            let server = try LoopbackServer(backlog: 0, accept: false)
            // Fill the accept queue so further SYNs are dropped.
            var fillers: [Int32] = []
            for _ in 0..<4 {
                let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue), 0)
                var a = sockaddr_in()
                a.sin_family = sa_family_t(AF_INET)
                a.sin_addr.s_addr = inet_addr("127.0.0.1")
                a.sin_port = UInt16(server.port).bigEndian
                _ = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
                fillers.append(fd)
            }
            usleep(100_000)
            defer { fillers.forEach { Glibc.close($0) } }
            let delegate = RecordingDelegate()
            let started = Date()
            #expect(connect(reactor, port: server.port, timeout: .milliseconds(300), delegate: delegate) == nil)
            #expect(delegate.waitClosed())
            guard case .connectTimeout = delegate.closeError else {
                Issue.record("expected a connect timeout, got \(String(describing: delegate.closeError))")
                return
            }
            #expect(Date().timeIntervalSince(started) >= 0.29)
        }
    }

    @Test("the peer resets mid-stream: data before the reset is delivered, then connectionReset", arguments: backends)
    func peerReset(backend: ReactorConfiguration.BackendPreference) throws {
        try withReactor(backend) { reactor in
            let partial = Array("8=FIXT.1.1\u{1}9=120\u{1}35=8\u{1}".utf8)
            let server = try LoopbackServer(LoopbackServer.sendThenReset(partial))
            let delegate = RecordingDelegate()
            #expect(connect(reactor, port: server.port, delegate: delegate) == nil)
            #expect(delegate.waitClosed())
            #expect(delegate.closeError == .connectionReset)
            #expect(delegate.received == partial)
        }
    }

    @Test("byte-by-byte delivery: every byte arrives, in order, then peerClosed", arguments: backends)
    func byteByByte(backend: ReactorConfiguration.BackendPreference) throws {
        try withReactor(backend) { reactor in
            let bytes = (0..<300).map { UInt8(truncatingIfNeeded: $0) }
            let server = try LoopbackServer(LoopbackServer.dribble(bytes))
            let delegate = RecordingDelegate()
            #expect(connect(reactor, port: server.port, delegate: delegate) == nil)
            #expect(delegate.waitClosed())
            #expect(delegate.closeError == .peerClosed)
            #expect(delegate.received == bytes)
            #expect(delegate.receiveCallbacks > 1, "bytes were not delivered as they came")
        }
    }

    @Test("no route to the host: unreachable with the errno name (inside a private network namespace)", arguments: backends)
    func unreachable(backend: ReactorConfiguration.BackendPreference) throws {
        try withReactor(backend) { reactor in
            // Move the I/O thread into a fresh network namespace: it has only a downed loopback,
            // so every address is unroutable and connect fails at once with ENETUNREACH.
            // Needs CAP_SYS_ADMIN (root, as CI runs); without it there is nothing to test here.
            let unshared = Mutex<Int32>(-1)
            let done = DispatchSemaphore(value: 0)
            reactor.execute {
                unshared.withLock { $0 = enterNewNetworkNamespace() }
                done.signal()
            }
            done.wait()
            let rc = unshared.withLock { $0 }
            guard rc == 0 else {
                withKnownIssue("unshare(CLONE_NEWNET) needs CAP_SYS_ADMIN; errno \(rc)") { throw POSIXError(.EPERM) }
                return
            }
            let delegate = RecordingDelegate()
            let result = Mutex<TransportError?>(nil)
            reactor.execute {
                do throws(TransportError) {
                    // TEST-NET-1 over TLS (plaintext would be refused before any socket exists).
                    _ = try reactor.connect(host: "192.0.2.1", port: 8228, security: .tls(TLSConfiguration()),
                                            timeout: .seconds(5), delegate: delegate)
                } catch {
                    result.withLock { $0 = error }
                }
            }
            #expect(delegate.waitClosed(), "the connect to an unroutable address never finished")
            #expect(result.withLock { $0 } == nil)
            #expect(delegate.closeError == .unreachable(host: "192.0.2.1", port: 8228, errno: Errno(ENETUNREACH)),
                    "got \(String(describing: delegate.closeError))")
            #expect(delegate.closeError?.description.hasPrefix("192.0.2.1:8228 is unreachable: ENETUNREACH") == true,
                    "\(String(describing: delegate.closeError?.description))")
        }
    }

    @Test("plaintext to a non-loopback address is refused before any packet is sent", arguments: backends)
    func plaintextPolicy(backend: ReactorConfiguration.BackendPreference) throws {
        try withReactor(backend) { reactor in
            let delegate = RecordingDelegate()
            // 192.0.2.1 is TEST-NET-1; the check happens before a socket exists.
            #expect(connect(reactor, port: 8228, host: "192.0.2.1", delegate: delegate) == .plaintextNotAllowed(host: "192.0.2.1"))
        }
    }

    @Test("execute wakes a sleeping loop; timers fire after their delay, cancelled ones never", arguments: backends)
    func executeAndTimers(backend: ReactorConfiguration.BackendPreference) throws {
        try withReactor(backend) { reactor in
            let events = Mutex<[String]>([])
            let done = DispatchSemaphore(value: 0)
            let start = Date()
            reactor.execute {
                reactor.schedule(after: .milliseconds(80)) {
                    events.withLock { $0.append("late \(Date().timeIntervalSince(start))") }
                    done.signal()
                }
                let cancelled = reactor.schedule(after: .milliseconds(20)) { events.withLock { $0.append("cancelled") } }
                reactor.schedule(after: .milliseconds(10)) { events.withLock { $0.append("early") } }
                reactor.cancelTimer(cancelled)
            }
            #expect(done.wait(timeout: .now() + 5) == .success)
            let seen = events.withLock { $0 }
            #expect(seen.count == 2 && seen[0] == "early" && seen[1].hasPrefix("late"), "\(seen)")
            #expect(Date().timeIntervalSince(start) >= 0.079)
        }
    }

    @Test("busy-poll mode serves connections too", arguments: backends)
    func busyPoll(backend: ReactorConfiguration.BackendPreference) throws {
        try withReactor(backend, busyPoll: true) { reactor in
            let server = try LoopbackServer(LoopbackServer.echo)
            let delegate = RecordingDelegate()
            let message = Array("ping".utf8)
            delegate.onOpen = { connection in try? message.withUnsafeBytes { try connection.send($0) } }
            delegate.onReceive = { connection, all in if all.count >= message.count { connection.close() } }
            #expect(connect(reactor, port: server.port, delegate: delegate) == nil)
            #expect(delegate.waitClosed())
            #expect(delegate.received == message)
        }
    }
}

import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// `unshare(CLONE_NEWNET)` for the calling thread: 0, or the errno. Looked up with dlsym because
/// Swift's Glibc module hides GNU extensions, and a test helper does not belong in a C shim.
func enterNewNetworkNamespace() -> Int32 {
    typealias Unshare = @convention(c) (Int32) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "unshare") else { return ENOSYS }
    let cloneNewNet: Int32 = 0x4000_0000  // CLONE_NEWNET, <bits/sched.h>
    return unsafeBitCast(symbol, to: Unshare.self)(cloneNewNet) == 0 ? 0 : errno
}

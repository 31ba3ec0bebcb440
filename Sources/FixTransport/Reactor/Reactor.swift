import CLibUring
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One I/O thread's event loop: a completion queue (io_uring, or epoll emulating it) serving
/// many connections, timers, and work handed over from other threads.
///
/// ### Threading
/// - ``run()`` (or ``startThread()``) makes a thread the reactor's I/O thread. Delegate
///   callbacks, timer callbacks and work from ``execute(_:)`` all run there, inline.
/// - ``connect(host:port:security:timeout:delegate:)``, ``schedule(after:_:)``,
///   ``cancelTimer(_:)`` and every ``Connection`` method: I/O thread only.
/// - ``execute(_:)``, ``stop()`` and ``stopAndJoin()``: any thread.
///
/// In busy-poll mode the loop spins on the completion queue instead of sleeping.
public final class Reactor: @unchecked Sendable {
    enum Backend {
        case uring(IOUringBackend)
        case epoll(EpollBackend)
    }

    enum Operation: UInt64 {
        case connect = 1, receive = 2, send = 3, wake = 4, accept = 5
    }

    let backend: Backend
    /// The kernel interface in use.
    public let backendKind: ReactorBackendKind
    /// Whether the loop spins instead of sleeping.
    public let busyPoll: Bool

    // I/O-thread state.
    var connections: [Connection?] = []
    var generations: [UInt16] = []
    var freeSlots: [Int] = []
    var listeners: [Listener?] = []
    var listenerGenerations: [UInt16] = []
    var timers = TimerHeap()

    // Cross-thread state.
    private let wakeFD: Int32
    private let wakeBuffer: UnsafeMutablePointer<UInt64>
    private let work = Mutex<[@Sendable () -> Void]>([])
    private let stopRequested = Atomic<Bool>(false)
    private var thread: pthread_t?

    /// - Throws: ``TransportError/reactorSetupFailed(reason:)`` when neither io_uring (as
    ///   preferred) nor epoll can be set up.
    public init(configuration: ReactorConfiguration = ReactorConfiguration()) throws(TransportError) {
        switch configuration.backend {
        case .epoll:
            backend = .epoll(try EpollBackend())
            backendKind = .epoll
        case .ioUring:
            backend = .uring(try IOUringBackend(entries: configuration.ringEntries))
            backendKind = .ioUring
        case .automatic:
            // io_uring may be compiled out, disabled (kernel.io_uring_disabled) or blocked by
            // seccomp (EPERM/ENOSYS): then epoll, with the same behaviour.
            if let ring = try? IOUringBackend(entries: configuration.ringEntries) {
                backend = .uring(ring)
                backendKind = .ioUring
            } else {
                backend = .epoll(try EpollBackend())
                backendKind = .epoll
            }
        }
        busyPoll = configuration.busyPoll
        wakeFD = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        guard wakeFD >= 0 else { throw .reactorSetupFailed(reason: "eventfd: \(Errno.current)") }
        wakeBuffer = .allocate(capacity: 1)
        wakeBuffer.initialize(to: 0)
    }

    deinit {
        Glibc.close(wakeFD)
        wakeBuffer.deallocate()
    }

    // MARK: Running

    /// Runs the loop on the calling thread until ``stop()``. On return every connection has
    /// been closed (their delegates told).
    public func run() {
        armWake()
        while !stopRequested.load(ordering: .acquiring) {
            runPendingWork()
            let timeout: Int64?
            if busyPoll {
                timeout = 0
            } else if let deadline = timers.nextDeadline() {
                let now = Self.monotonicNanoseconds()
                timeout = deadline > now ? Int64(deadline - now) : 0
            } else {
                timeout = nil
            }
            poll(timeoutNanoseconds: timeout)
            fireDueTimers()
        }
        runPendingWork()
        for case let listener? in listeners { listener.close() }
        for case let connection? in connections { connection.close() }
        // Let cancellations complete so buffers are released.
        var rounds = 0
        while (connections.contains(where: { $0 != nil }) || listeners.contains(where: { $0 != nil })) && rounds < 100 {
            poll(timeoutNanoseconds: 10_000_000)
            rounds += 1
        }
    }

    /// Starts a dedicated I/O thread running ``run()``.
    public func startThread() {
        precondition(thread == nil, "the reactor already has an I/O thread")
        let retained = Unmanaged.passRetained(self).toOpaque()
        var t = pthread_t()
        let rc = pthread_create(&t, nil, { argument in
            let reactor = Unmanaged<Reactor>.fromOpaque(argument!).takeRetainedValue()
            reactor.run()
            return nil
        }, retained)
        precondition(rc == 0, "pthread_create failed: \(Errno(rc))")
        thread = t
    }

    /// Asks the loop to stop; it finishes its current turn. Any thread.
    public func stop() {
        stopRequested.store(true, ordering: .releasing)
        wake()
    }

    /// ``stop()`` and waits for the thread started by ``startThread()``. Not from the I/O thread.
    public func stopAndJoin() {
        stop()
        if let t = thread {
            pthread_join(t, nil)
            thread = nil
        }
    }

    /// Runs `work` on the I/O thread, waking it if it sleeps. Any thread.
    public func execute(_ work: @escaping @Sendable () -> Void) {
        self.work.withLock { $0.append(work) }
        wake()
    }

    private func wake() {
        var one: UInt64 = 1
        _ = Glibc.write(wakeFD, &one, 8)
    }

    private func armWake() {
        switch backend {
        case .uring(let b): b.read(fd: wakeFD, into: wakeBuffer, count: 8, token: Operation.wake.rawValue)
        case .epoll(let b): b.read(fd: wakeFD, into: wakeBuffer, count: 8, token: Operation.wake.rawValue)
        }
    }

    private func runPendingWork() {
        let batch = work.withLock { queue -> [@Sendable () -> Void] in
            if queue.isEmpty { return [] }
            let taken = queue
            queue.removeAll(keepingCapacity: true)
            return taken
        }
        for item in batch { item() }
    }

    // MARK: Timers

    /// A scheduled timer, for ``cancelTimer(_:)``.
    public struct TimerID: Hashable, Sendable { let raw: UInt64 }

    /// Calls `callback` on the I/O thread once `delay` has passed. I/O thread only.
    @discardableResult
    public func schedule(after delay: Duration, _ callback: @escaping () -> Void) -> TimerID {
        let (seconds, attoseconds) = delay.components
        let ns = UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
        return TimerID(raw: timers.schedule(at: Self.monotonicNanoseconds() + ns, callback))
    }

    /// Cancels a timer that has not fired. I/O thread only.
    public func cancelTimer(_ id: TimerID) {
        timers.cancel(id.raw)
    }

    private func fireDueTimers() {
        guard timers.nextDeadline() != nil else { return }
        for callback in timers.popDue(now: Self.monotonicNanoseconds()) { callback() }
    }

    /// CLOCK_MONOTONIC in nanoseconds: the clock timers use. Any thread.
    public static func monotonicNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    // MARK: Completions

    private func poll(timeoutNanoseconds: Int64?) {
        switch backend {
        case .uring(let b): b.poll(timeoutNanoseconds: timeoutNanoseconds) { dispatch($0) }
        case .epoll(let b): b.poll(timeoutNanoseconds: timeoutNanoseconds) { dispatch($0) }
        }
    }

    private func dispatch(_ completion: IOCompletion) {
        let op = completion.token & 0xFF
        if op == Operation.wake.rawValue {
            armWake()  // the pending work itself runs at the top of the loop
            return
        }
        let slot = Int(completion.token >> 32)
        let generation = UInt16(truncatingIfNeeded: completion.token >> 16)
        if op == Operation.accept.rawValue {
            guard slot < listeners.count, listenerGenerations[slot] == generation, let listener = listeners[slot] else {
                if completion.result >= 0 { Glibc.close(completion.result) }  // a late accept: nobody wants it
                return
            }
            listener.acceptCompleted(completion.result)
            return
        }
        guard slot < connections.count, generations[slot] == generation, let connection = connections[slot] else {
            return  // a completion for a connection already released
        }
        switch Operation(rawValue: op) {
        case .connect: connection.connectCompleted(completion.result)
        case .receive: connection.receiveCompleted(completion.result)
        case .send: connection.sendCompleted(completion.result)
        default: break
        }
    }

    // MARK: Connections

    /// Opens a TCP connection; the delegate hears ``ConnectionDelegate/connectionDidOpen(_:)``
    /// or ``ConnectionDelegate/connection(_:didCloseWith:)``. I/O thread only.
    ///
    /// The host resolves on the calling thread (numeric addresses do not block).
    /// - Throws: ``TransportError/dnsFailure(host:reason:)``,
    ///   ``TransportError/plaintextNotAllowed(host:)``, or a socket setup failure.
    public func connect(host: String, port: Int, security: ConnectionSecurity = .plaintext,
                        timeout: Duration = .seconds(10), delegate: any ConnectionDelegate,
                        receiveBufferSize: Int = 256 * 1024, sendBufferSize: Int = 1024 * 1024) throws(TransportError) -> Connection {
        let resolved = try SocketAddress.resolve(host: host, port: port)
        if case .plaintext = security, !resolved.isLoopback {
            throw .plaintextNotAllowed(host: host)
        }
        let slot = takeConnectionSlot()
        let connection = Connection(reactor: self, slot: slot, generation: generations[slot], host: host, port: port,
                                    address: resolved, security: security, delegate: delegate,
                                    receiveBufferSize: receiveBufferSize, sendBufferSize: sendBufferSize)
        connections[slot] = connection
        do throws(TransportError) {
            try connection.start(timeout: timeout)
        } catch {
            release(connection)
            throw error
        }
        return connection
    }

    /// Starts listening; accepted connections are offered to `delegate`. I/O thread only.
    ///
    /// - Parameters:
    ///   - host: the address to bind, e.g. `127.0.0.1` or `0.0.0.0`.
    ///   - port: the port; 0 lets the kernel choose (read ``Listener/port``).
    ///   - security: plaintext is allowed only on a loopback address.
    ///   - handshakeTimeout: how long an accepted TLS connection may take to finish its handshake.
    /// - Throws: ``TransportError/plaintextNotAllowed(host:)``, ``TransportError/tlsSetupFailed(reason:)``
    ///   (certificate or key unusable), ``TransportError/listenFailed(host:port:errno:)``.
    public func listen(host: String, port: Int, security: ListenerSecurity, backlog: Int32 = 128,
                       handshakeTimeout: Duration = .seconds(10), delegate: any ListenerDelegate) throws(TransportError) -> Listener {
        let address = try SocketAddress.resolve(host: host, port: port)
        var tlsContext: TLSContext?
        switch security {
        case .plaintext:
            if !address.isLoopback { throw .plaintextNotAllowed(host: host) }
        case .tls(let configuration):
            tlsContext = try TLSContext(server: configuration)
        }
        let fd = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .listenFailed(host: host, port: port, errno: Errno.current) }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var bound = address
        let bindResult = withUnsafePointer(to: &bound.storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, address.length) }
        }
        guard bindResult == 0, Glibc.listen(fd, backlog) == 0 else {
            let error = Errno.current
            Glibc.close(fd)
            throw .listenFailed(host: host, port: port, errno: error)
        }
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &bound.storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        bound.length = length
        let slot: Int
        if let free = listeners.firstIndex(where: { $0 == nil }) {
            slot = free
        } else {
            slot = listeners.count
            listeners.append(nil)
            listenerGenerations.append(0)
        }
        let listener = Listener(reactor: self, slot: slot, generation: listenerGenerations[slot], host: host, fd: fd,
                                port: bound.numericHostAndPort.port, tlsContext: tlsContext,
                                handshakeTimeout: handshakeTimeout, delegate: delegate)
        listeners[slot] = listener
        listener.postAccept()
        return listener
    }

    /// Wraps an accepted descriptor in a connection (its delegate comes later).
    func adopt(fd: Int32, peer: SocketAddress, tlsContext: TLSContext?) -> Connection {
        let slot = takeConnectionSlot()
        let connection = Connection(reactor: self, slot: slot, generation: generations[slot], acceptedFD: fd, peer: peer,
                                    tlsContext: tlsContext, receiveBufferSize: 256 * 1024, sendBufferSize: 1024 * 1024)
        connections[slot] = connection
        return connection
    }

    private func takeConnectionSlot() -> Int {
        if let free = freeSlots.popLast() { return free }
        connections.append(nil)
        generations.append(0)
        return connections.count - 1
    }

    func token(_ listener: Listener) -> UInt64 {
        UInt64(listener.slot) << 32 | UInt64(listener.generation) << 16 | Operation.accept.rawValue
    }

    func release(_ listener: Listener) {
        guard listeners[listener.slot] === listener else { return }
        listeners[listener.slot] = nil
        listenerGenerations[listener.slot] &+= 1
    }

    func token(_ connection: Connection, _ op: Operation) -> UInt64 {
        UInt64(connection.slot) << 32 | UInt64(connection.generation) << 16 | op.rawValue
    }

    func release(_ connection: Connection) {
        guard connections[connection.slot] === connection else { return }
        connections[connection.slot] = nil
        generations[connection.slot] &+= 1
        freeSlots.append(connection.slot)
    }
}

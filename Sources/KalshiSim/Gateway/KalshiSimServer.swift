import FixCodec
import FixSession
import FixTransport
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The simulated Kalshi FIX gateway: one listener per session type on its own I/O thread,
/// Kalshi's logon checks, and the exchange behind them.
///
/// ```swift
/// let sim = try KalshiSimServer(configuration: SimConfiguration(apiKeys: [key]))
/// try sim.start()
/// let port = sim.port(for: .kalshiNR)!          // connect a client here
/// let tls = sim.clientTLSConfiguration!          // trusts and pins the generated certificate
/// ...
/// sim.stop()
/// ```
///
/// ### Threading
/// ``start()``, ``stop()``, ``port(for:)``, ``register(_:)`` and the read-only properties: any
/// thread (not the simulator's own I/O thread for start/stop). Everything else runs on the
/// simulator's ``reactor`` thread.
public final class KalshiSimServer: @unchecked Sendable {
    public let configuration: SimConfiguration
    /// The simulator's own I/O thread; clients should run on another reactor.
    public let reactor: Reactor
    /// The certificate presented on TLS (nil in plaintext mode).
    public let certificate: SelfSignedCertificate?

    private let verifiers = Mutex<[String: (verifier: LogonSignatureVerifier, account: String, cleared: [String])]>([:])
    private let boundPorts = Mutex<[KalshiSessionType: Int]>([:])
    // I/O-thread state.
    private var listeners: [Listener] = []
    private var listenerDelegates: [SimListenerDelegate] = []
    private var stores: [String: InMemorySessionStore] = [:]
    private(set) var sessions: [ObjectIdentifier: SimSession] = [:]
    let exchange: SimExchange
    /// Reports for KalshiRT keys that are away.
    private(set) var offline: SimOfflineQueue!

    /// - Throws: ``TransportError`` when the reactor cannot start or the certificate cannot be
    ///   generated; ``LogonSignerError`` for an unreadable API public key.
    public init(configuration: SimConfiguration, reactorConfiguration: ReactorConfiguration = ReactorConfiguration()) throws {
        self.configuration = configuration
        reactor = try Reactor(configuration: reactorConfiguration)
        // One subject per product: a client trusting both certificates from one CA file must be able
        // to tell them apart (OpenSSL picks the issuer by subject name).
        certificate = configuration.useTLS ? try SelfSignedCertificate(commonName: "KalshiSim \(configuration.product)") : nil
        exchange = SimExchange(product: configuration.product, markets: configuration.markets, clock: configuration.clock)
        exchange.server = self
        offline = SimOfflineQueue(server: self)
        for key in configuration.apiKeys { try register(key) }
    }

    /// Accepts signed logons from `key` from now on. Any thread.
    public func register(_ key: SimAPIKey) throws(LogonSignerError) {
        let verifier = try LogonSignatureVerifier(publicKeyPEM: Array(key.publicKeyPEM.utf8))
        verifiers.withLock { $0[key.keyID] = (verifier, key.account, key.clearedAccounts) }
    }

    /// A client TLS configuration that trusts and pins this simulator's certificate.
    public var clientTLSConfiguration: TLSConfiguration? {
        certificate.map { TLSConfiguration(trust: .pem($0.certificatePEM), pins: [$0.publicKeyPin]) }
    }

    /// How clients connect: TLS with ``clientTLSConfiguration``, or plaintext.
    public var clientSecurity: ConnectionSecurity {
        clientTLSConfiguration.map { .tls($0) } ?? .plaintext
    }

    /// The port a session type listens on, once started.
    public func port(for sessionType: KalshiSessionType) -> Int? {
        boundPorts.withLock { $0[sessionType] }
    }

    /// Starts the I/O thread and opens every session type's listener. Blocks until they listen.
    /// - Throws: ``TransportError`` (e.g. a port in use); nothing is left running then.
    public func start() throws(TransportError) {
        reactor.startThread()
        let outcome = Mutex<TransportError?>(nil)
        let done = Mutex(false)
        reactor.execute { [self] in
            do throws(TransportError) { try openListeners() } catch { outcome.withLock { $0 = error } }
            done.withLock { $0 = true }
        }
        while !done.withLock({ $0 }) { usleep(200) }
        if let error = outcome.withLock({ $0 }) {
            reactor.stopAndJoin()
            throw error
        }
    }

    /// Closes the listeners and every session, and stops the I/O thread.
    public func stop() {
        reactor.stopAndJoin()
    }

    // MARK: Exchange control (any thread but the simulator's own)

    /// Starts a trading pause in `market` (FACTS §19): no new orders or amends, cancels still
    /// allowed; orders placed with CancelOrderOnPause (21006) are canceled. KalshiMD sessions
    /// subscribed to the market's status (35=e) get SecurityStatus 326=2. Blocks until done.
    ///
    /// - Returns: false for a market the simulator does not trade.
    /// - Precondition: not called on the simulator's ``reactor`` thread, and the simulator runs.
    @discardableResult
    public func pause(market: String) -> Bool {
        onReactor { $0.exchange.setPaused(true, market: market) }
    }

    /// Ends a trading pause in `market`; status subscribers get SecurityStatus 326=3. Blocks until
    /// done.
    ///
    /// - Returns: false for a market the simulator does not trade.
    /// - Precondition: not called on the simulator's ``reactor`` thread, and the simulator runs.
    @discardableResult
    public func resume(market: String) -> Bool {
        onReactor { $0.exchange.setPaused(false, market: market) }
    }

    /// The aggregated levels of one side of `market`'s book, best first (bids high to low, asks
    /// low to high; YES prices in 1/10,000 dollar, sizes in contracts). Empty for an unknown
    /// market. Blocks until read.
    ///
    /// - Precondition: not called on the simulator's ``reactor`` thread, and the simulator runs.
    public func depth(market: String, side: SimSide) -> [SimLevel] {
        onReactor { $0.exchange.orderEntry.engine.depth(market: market, side: side) }
    }

    /// Runs `work` on the I/O thread and waits for its result.
    private func onReactor<T: Sendable>(_ work: @escaping @Sendable (KalshiSimServer) -> T) -> T {
        let result = Mutex<T?>(nil)
        reactor.execute { [self] in
            let value = work(self)
            result.withLock { $0 = value }
        }
        while true {
            if let value = result.withLock({ $0 }) { return value }
            usleep(100)
        }
    }

    /// Expires DAY/GTD orders once a second.
    private func scheduleExpiry() {
        reactor.schedule(after: .seconds(1)) { [weak self] in
            guard let self else { return }
            self.exchange.orderEntry.expireDue()
            self.scheduleExpiry()
        }
    }

    private func openListeners() throws(TransportError) {
        scheduleExpiry()
        if let bots = configuration.bots { exchange.startBots(bots) }
        let security: ListenerSecurity = certificate.map { .tls(TLSServerConfiguration(selfSigned: $0)) } ?? .plaintext
        for type in configuration.sessionTypes {
            let delegate = SimListenerDelegate(server: self, sessionType: type)
            do throws(TransportError) {
                let listener = try reactor.listen(host: configuration.host, port: configuration.port(for: type),
                                                  security: security, delegate: delegate)
                listeners.append(listener)
                listenerDelegates.append(delegate)
                boundPorts.withLock { $0[type] = listener.port }
                log("\(type) listening on \(configuration.host):\(listener.port) (\(certificate == nil ? "plaintext" : "TLS"))")
            } catch {
                for listener in listeners { listener.close() }
                throw error
            }
        }
    }

    // MARK: I/O thread

    func log(_ line: String) {
        configuration.log?(line)
    }

    func verifier(for keyID: String) -> LogonSignatureVerifier? {
        verifiers.withLock { $0[keyID]?.verifier }
    }

    func account(of keyID: String) -> String? {
        verifiers.withLock { $0[keyID]?.account }
    }

    /// The accounts whose settlements a key's sessions see: its own, then those it clears for.
    func settlementAccounts(of keyID: String) -> [String] {
        verifiers.withLock { entry in entry[keyID].map { [$0.account] + $0.cleared } ?? [] }
    }

    /// One store per (key, session type): RT and PT keep their numbers across reconnects.
    func store(keyID: String, sessionType: KalshiSessionType) -> InMemorySessionStore {
        let name = "\(keyID)/\(sessionType)"
        if let store = stores[name] { return store }
        // Kalshi's RT lookback is 24 h by default (FACTS §3); in memory that is plenty.
        let store = InMemorySessionStore(keepsMessages: sessionType.supportsRetransmission)
        stores[name] = store
        return store
    }

    func accepted(_ session: SimSession) {
        sessions[ObjectIdentifier(session)] = session
    }

    func sessionClosed(_ session: SimSession) {
        sessions[ObjectIdentifier(session)] = nil
        if session.keyID != nil { log("\(session.description): disconnected") }
        exchange.sessionClosed(session)
    }
}

/// Hands a listener's accepted connections to new ``SimSession``s.
final class SimListenerDelegate: ListenerDelegate {
    unowned let server: KalshiSimServer
    let sessionType: KalshiSessionType

    init(server: KalshiSimServer, sessionType: KalshiSessionType) {
        self.server = server
        self.sessionType = sessionType
    }

    func listener(_ listener: Listener, didAccept connection: Connection) -> (any ConnectionDelegate)? {
        let session = SimSession(server: server, sessionType: sessionType)
        server.accepted(session)
        return session
    }

    func listener(_ listener: Listener, acceptFailedWith error: TransportError) {
        server.log("\(sessionType): \(error)")
    }
}

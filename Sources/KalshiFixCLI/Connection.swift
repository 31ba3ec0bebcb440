import ArgumentParser
import FixCodec
import FixEngine
import FixSession
import FixTransport
import Foundation

/// Where and as whom to connect; shared by the commands that open a session (`order`, `book`,
/// `dropcopy`). Which session type to open is each command's own flag.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "Gateway host name or address, used as given (any host is allowed).")
    var host: String

    @Option(help: "Gateway port.")
    var port: Int

    @Option(help: "FIX API key id (the SenderCompID).")
    var keyId: String

    @Option(help: ArgumentHelp("PEM file with the API key's RSA private key.", valueName: "path"))
    var privateKey: String

    @Option(help: ArgumentHelp("Environment variable holding the private key's passphrase, if it is encrypted.", valueName: "var"))
    var passphraseEnv: String?

    @Option(help: ArgumentHelp("Trust this CA or self-signed certificate (PEM) instead of the system CAs.", valueName: "path"))
    var caFile: String?

    @Option(help: ArgumentHelp("Also require the server key's SHA-256 (SubjectPublicKeyInfo, hex) to match.", valueName: "sha256"))
    var pin: String?

    @Flag(help: "Plaintext instead of TLS (loopback addresses only).")
    var noTLS = false

    func validate() throws {
        guard (1...65_535).contains(port) else { throw ValidationError("--port must be 1-65535") }
        if noTLS && (caFile != nil || pin != nil) {
            throw ValidationError("--no-tls cannot be combined with --ca-file or --pin")
        }
        if let pin {
            let hex = pin.filter { $0 != ":" }
            guard hex.count == 64, hex.allSatisfy(\.isHexDigit) else {
                throw ValidationError("--pin must be a SHA-256 as 64 hex digits (colons allowed)")
            }
        }
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw ValidationError("cannot read --ca-file \(caFile)")
        }
        if let passphraseEnv, ProcessInfo.processInfo.environment[passphraseEnv] == nil {
            throw ValidationError("--passphrase-env names \(passphraseEnv), which is not set")
        }
    }

    var security: ConnectionSecurity {
        if noTLS { return .plaintext }
        return .tls(TLSConfiguration(trust: caFile.map { .caFile($0) } ?? .systemDefault,
                                     pins: pin.map { [.publicKey($0)] } ?? []))
    }

    /// `host:port`, for progress lines and failure reasons.
    var endpoint: String { "\(host):\(port)" }

    /// Loads the private key; the passphrase is read from the environment here and not kept.
    func credentials() throws(LogonSignerError) -> KalshiCredentials {
        let passphrase = passphraseEnv.flatMap { ProcessInfo.processInfo.environment[$0] }.map { LogonSigner.Passphrase.string($0) }
        return KalshiCredentials(keyID: keyId, signer: try LogonSigner(contentsOf: privateKey, passphrase: passphrase))
    }

    /// The session configuration these flags describe: key loaded, TLS and pin set, the named
    /// host allowed, logon bounded by `timeout` seconds.
    func configuration(product: KalshiProduct, sessionType: KalshiSessionType,
                       timeout: Double) throws(CommandFailure) -> SessionConfiguration {
        let credentials: KalshiCredentials
        do throws(LogonSignerError) { credentials = try self.credentials() } catch {
            // The library's text names its own environment variable; these commands take --passphrase-env.
            let reason = error == .wrongOrMissingPassphrase
                ? "the private key is encrypted and the passphrase is \(passphraseEnv == nil ? "missing (pass --passphrase-env VAR)" : "wrong")"
                : "\(error)"
            throw CommandFailure(code: CommandFailure.noSession, reason: "cannot load the private key \(privateKey): \(reason)")
        }
        var configuration = SessionConfiguration(product: product, sessionType: sessionType,
                                                 destination: .endpoint(SessionEndpoint(host: host, port: port)),
                                                 credentials: credentials)
        configuration.security = security
        // The user names the host explicitly, so a host outside Kalshi's published list is intended.
        configuration.allowUnknownHost = true
        configuration.logonTimeout = timeout
        return configuration
    }

    /// Starts a client and builds one session on it with `open` (no reconnects: a command run
    /// reports a lost session instead of hiding it). The caller starts the session and stops
    /// the client.
    func open<Session>(_ configuration: SessionConfiguration,
                       _ open: (FixClient, SessionConfiguration) throws -> Session) throws(CommandFailure) -> (FixClient, Session) {
        do {
            let client = try FixClient()
            let session = try open(client, configuration)
            client.start()
            return (client, session)
        } catch SessionConfigurationError.plaintextToNonLoopbackHost(let host) {
            throw CommandFailure(code: CommandFailure.usage, reason: "--no-tls is for loopback addresses only, and \(host) is not one")
        } catch let error as SessionConfigurationError {
            throw CommandFailure(code: CommandFailure.usage, reason: "\(error)")
        } catch {
            throw CommandFailure(code: CommandFailure.noSession, reason: "\(error)")
        }
    }

    /// Why a session did not log on, in terms of these flags.
    func logonFailure(_ error: SessionError) -> CommandFailure {
        switch error {
        case .logonRejected(let text):
            return CommandFailure(code: CommandFailure.noSession, reason: "logon refused by the gateway: \(text.isEmpty ? "(no text)" : text)")
        case .logonTimeout:
            return CommandFailure(code: CommandFailure.timedOut, reason: "\(error)")
        case .transport(.peerClosed?) where noTLS, .transport(.connectionReset?) where noTLS:
            // A TLS server drops a plaintext Logon without a word: say what probably happened.
            return CommandFailure(code: CommandFailure.noSession,
                                  reason: "the gateway closed the connection before answering the logon (\(error)): it probably expects TLS; drop --no-tls")
        case .transport:
            return CommandFailure(code: CommandFailure.noSession, reason: "could not connect to \(endpoint): \(error)")
        default:
            return CommandFailure(code: CommandFailure.noSession, reason: "logon failed: \(error)")
        }
    }

    /// `logged on to KalshiMD at 127.0.0.1:18233 (TLS) as <key id>`.
    func loggedOn(_ configuration: SessionConfiguration) -> String {
        "logged on to \(configuration.targetCompID) at \(endpoint) (\(noTLS ? "plaintext" : "TLS")) as \(configuration.senderCompID)"
    }
}

/// Why a command failed, with the exit status it maps to. The same statuses for every command
/// that opens a session, so scripts can treat them alike.
struct CommandFailure: Error {
    var code: Int32
    var reason: String

    /// The exchange said no (order, replace or cancel rejected; market-data or resend request
    /// refused), or the answer was inconsistent.
    static let rejected: Int32 = 1
    /// No usable session: key file, connection, TLS, logon refused, session lost.
    static let noSession: Int32 = 2
    static let timedOut: Int32 = 3
    static let usage: Int32 = 64
    /// Ctrl-C or SIGTERM before the command had done what it was asked (128 + SIGINT, as shells report it).
    static let interrupted: Int32 = 130
}

/// Output helpers for the session commands: results on stdout, progress and verdicts on stderr.
enum CommandOutput {
    static func stderr(_ line: String) {
        fflush(nil)  // results first, then the verdict (nil: all streams; `stdout` is not concurrency-safe to name)
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Prints the verdict and turns a failure into its exit status.
    static func finish(_ result: Result<String, CommandFailure>) throws {
        switch result {
        case .success(let summary):
            stderr(summary)
        case .failure(let failure):
            stderr("error: \(failure.reason)")
            throw ExitCode(failure.code)
        }
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}

/// A lock, a condition and a deadline: the main thread waits here for what the I/O thread's
/// callbacks record (under `condition`, then `broadcast()`).
final class CommandWaiter: @unchecked Sendable {
    let condition = NSCondition()
    let timeout: Double
    let deadline: Date

    init(timeout: Double) {
        self.timeout = timeout
        deadline = Date().addingTimeInterval(timeout)
    }

    /// Runs `body` under the lock and wakes the waiters.
    func update(_ body: () -> Void) {
        condition.withLock(body)
        condition.broadcast()
    }

    /// Waits until `ready` gives a value, `failure` gives a reason, or the deadline passes.
    /// Both closures run with `condition` held.
    func waitFor<T>(_ what: String, _ ready: () -> T?, failure: () -> CommandFailure?) throws(CommandFailure) -> T {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let value = ready() { return value }
            if let failure = failure() { throw failure }
            if !condition.wait(until: deadline) {
                if let value = ready() { return value }
                if let failure = failure() { throw failure }
                throw CommandFailure(code: CommandFailure.timedOut,
                                     reason: "timed out after \(CommandOutput.seconds(timeout)) s waiting for \(what)")
            }
        }
    }

    /// After `logout` was sent: waits (not bounded by the command's timeout: the verdict is
    /// known) up to 5 s for `disconnected()` (checked under the lock) and says how it went.
    func awaitLogout(_ disconnected: () -> Bool) {
        let until = Date().addingTimeInterval(5)
        condition.lock()
        while !disconnected(), condition.wait(until: until) {}
        let done = disconnected()
        condition.unlock()
        CommandOutput.stderr(done ? "logged out" : "logout not confirmed within 5 s; disconnecting")
    }
}

/// Sits between a session and its driver to hear the session's errors, which
/// ``MarketDataSession`` and ``DropCopySession`` handle without telling their users: a command
/// must say why a logon failed. Forwards everything unchanged.
///
/// The driver holds its handler weakly: keep the tap alive for the session's life.
final class SessionErrorTap: SessionHandler {
    private let target: any SessionHandler
    private let onError: (SessionError) -> Void

    /// Installs the tap on `driver` (I/O thread).
    init(_ target: any SessionHandler, driver: SessionDriver, onError: @escaping (SessionError) -> Void) {
        self.target = target
        self.onError = onError
        driver.handler = self
    }

    func session(_ session: SessionDriver, received message: FixMessage) { target.session(session, received: message) }
    func session(_ session: SessionDriver, stateChanged state: SessionState) { target.session(session, stateChanged: state) }
    func session(_ session: SessionDriver, error: SessionError) {
        onError(error)
        target.session(session, error: error)
    }
    func sessionDidStop(_ session: SessionDriver) { target.sessionDidStop(session) }
}

/// Ctrl-C and SIGTERM for commands that run until stopped: call ``start(_:)`` first thing in
/// `run()`, before any thread starts, so every later thread has the signals blocked and the
/// watcher's `sigwait` receives them.
enum TerminationWatcher {
    static func start(_ onSignal: @escaping @Sendable () -> Void) {
        SignalWaiter.blockTerminationSignals()
        let thread = Thread {
            SignalWaiter.waitForTermination()
            onSignal()
        }
        thread.start()
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif
import FixTransport
import Synchronization
import Testing

/// The accepting side: plaintext and TLS listeners serving our own client and `openssl s_client`,
/// on both backends.
@Suite("Listener", .serialized)
struct ListenerTests {
    static let backends = ReactorTests.backends

    /// Answers every byte it receives with the same byte; remembers how connections ended.
    final class EchoServer: ListenerDelegate, @unchecked Sendable {
        let accepted = Mutex<[String]>([])
        let closeErrors = Mutex<[TransportError?]>([])
        let closedSignal = DispatchSemaphore(value: 0)
        let openedTLSVersions = Mutex<[String?]>([])

        final class Echo: ConnectionDelegate {
            unowned let server: EchoServer
            init(server: EchoServer) { self.server = server }
            func connectionDidOpen(_ connection: Connection) {
                server.openedTLSVersions.withLock { $0.append(connection.tlsVersion) }
            }
            func connection(_ connection: Connection, didReceive bytes: UnsafeRawBufferPointer) -> Int {
                try? connection.send(bytes)
                return bytes.count
            }
            func connection(_ connection: Connection, didCloseWith error: TransportError?) {
                server.closeErrors.withLock { $0.append(error) }
                server.closedSignal.signal()
            }
        }

        func listener(_ listener: Listener, didAccept connection: Connection) -> (any ConnectionDelegate)? {
            #expect(connection.isAccepted)
            accepted.withLock { $0.append("\(connection.host):\(connection.port)") }
            return Echo(server: self)
        }
    }

    /// Opens a listener on the I/O thread.
    func listen(_ reactor: Reactor, host: String = "127.0.0.1", port: Int = 0, security: ListenerSecurity,
                handshakeTimeout: Duration = .seconds(5), delegate: any ListenerDelegate & Sendable) -> Result<Int, TransportError> {
        let result = Mutex<Result<Int, TransportError>>(.failure(.peerClosed))
        let done = DispatchSemaphore(value: 0)

        reactor.execute {
            do throws(TransportError) {
                let listener = try reactor.listen(host: host, port: port, security: security,
                                                  handshakeTimeout: handshakeTimeout, delegate: delegate)
                result.withLock { $0 = .success(listener.port) }
            } catch {
                result.withLock { $0 = .failure(error) }
            }
            done.signal()
        }
        done.wait()
        return result.withLock { $0 }
    }

    func connect(_ reactor: Reactor, port: Int, security: ConnectionSecurity, delegate: RecordingDelegate) {

        reactor.execute {
            _ = try? reactor.connect(host: "127.0.0.1", port: port, security: security, timeout: .seconds(5), delegate: delegate)
        }
    }

    func withReactor(_ backend: ReactorConfiguration.BackendPreference, _ body: (Reactor) throws -> Void) throws {
        let reactor = try Reactor(configuration: ReactorConfiguration(backend: backend))
        reactor.startThread()
        defer { reactor.stopAndJoin() }
        try body(reactor)
    }

    static let certificate: SelfSignedCertificate = try! SelfSignedCertificate()
    static let certificatePath: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kalshi-fix-listener-\(getpid()).pem").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(certificate.certificatePEM.utf8))
        return path
    }()

    @Test("plaintext: accepts two clients, echoes each, reports their addresses", arguments: backends)
    func plaintextEcho(backend: ReactorConfiguration.BackendPreference) throws {
        try withReactor(backend) { reactor in
            let server = EchoServer()
            let port = try listen(reactor, security: .plaintext, delegate: server).get()
            #expect(port > 0)
            for round in 0..<2 {
                let client = RecordingDelegate()
                let message = Array("order \(round) ".utf8) + Array(repeating: UInt8(ascii: "x"), count: 100_000)
                client.onOpen = { connection in try? message.withUnsafeBytes { try connection.send($0) } }
                client.onReceive = { connection, all in if all.count >= message.count { connection.close() } }
                connect(reactor, port: port, security: .plaintext, delegate: client)
                #expect(client.waitClosed(), "client \(round) did not finish")
                #expect(client.closeError == nil, "client \(round): \(String(describing: client.closeError))")
                let echoedExactly = client.received == message
                #expect(echoedExactly, "client \(round) got \(client.received.count) of \(message.count) bytes back, or different ones")
                #expect(server.closedSignal.wait(timeout: .now() + 5) == .success, "server side of client \(round) did not close")
            }
            let peers = server.accepted.withLock { $0 }
            #expect(peers.count == 2)
            #expect(peers.allSatisfy { $0.hasPrefix("127.0.0.1:") && !$0.hasSuffix(":0") }, "peer addresses: \(peers)")
            #expect(server.closeErrors.withLock { $0 }.allSatisfy { $0 == .peerClosed }, "\(server.closeErrors.withLock { $0 })")
        }
    }

    @Test("TLS: a generated self-signed certificate, trusted as in-memory PEM, IP checked, pinned; TLS 1.3", arguments: backends)
    func tlsEcho(backend: ReactorConfiguration.BackendPreference) throws {
        try withReactor(backend) { reactor in
            let server = EchoServer()
            let port = try listen(reactor, security: .tls(TLSServerConfiguration(selfSigned: Self.certificate)), delegate: server).get()
            let client = RecordingDelegate()
            let message = Array(String(repeating: "8=FIXT.1.1|35=D|", count: 4_000).utf8)  // > one 16 KB record
            client.onOpen = { connection in try? message.withUnsafeBytes { try connection.send($0) } }
            client.onReceive = { connection, all in if all.count >= message.count { connection.close() } }
            let tls = TLSConfiguration(trust: .pem(Self.certificate.certificatePEM), pins: [Self.certificate.publicKeyPin])
            connect(reactor, port: port, security: .tls(tls), delegate: client)
            #expect(client.waitClosed())
            #expect(client.closeError == nil, "\(String(describing: client.closeError))")
            let echoedExactly = client.received == message
            #expect(echoedExactly, "got \(client.received.count) of \(message.count) bytes back, or different ones")
            #expect(server.closedSignal.wait(timeout: .now() + 5) == .success)
            #expect(server.openedTLSVersions.withLock { $0 } == ["TLSv1.3"])
            // Our client sent close_notify: the server side sees an orderly close.
            #expect(server.closeErrors.withLock { $0 } == [.peerClosed])
        }
    }

    @Test("TLS 1.2 floor: a client limited to TLS 1.2 is served", arguments: backends)
    func tls12(backend: ReactorConfiguration.BackendPreference) throws {
        try withReactor(backend) { reactor in
            let server = EchoServer()
            let port = try listen(reactor, security: .tls(TLSServerConfiguration(selfSigned: Self.certificate)), delegate: server).get()
            let output = try runSClient(port: port, extra: ["-tls1_2"], input: "ping\n")
            #expect(output.contains("ping"), "s_client output: \(output)")
            #expect(output.contains("Protocol version: TLSv1.2") || output.contains("TLSv1.2"), "s_client output: \(output)")
            #expect(output.contains("Verification: OK"), "s_client could not verify our certificate: \(output)")
        }
    }

    @Test("a client that never completes the handshake is dropped after the handshake timeout", arguments: backends)
    func handshakeTimeout(backend: ReactorConfiguration.BackendPreference) throws {
        try withReactor(backend) { reactor in
            let server = EchoServer()
            let port = try listen(reactor, security: .tls(TLSServerConfiguration(selfSigned: Self.certificate)),
                                  handshakeTimeout: .milliseconds(300), delegate: server).get()
            // A plain TCP client that sends nothing.
            let client = RecordingDelegate()
            connect(reactor, port: port, security: .plaintext, delegate: client)
            #expect(server.closedSignal.wait(timeout: .now() + 5) == .success, "the silent client was never dropped")
            let error = server.closeErrors.withLock { $0.first ?? nil }
            guard case .tlsHandshakeFailed(let reason)? = error else {
                Issue.record("expected tlsHandshakeFailed, got \(String(describing: error))")
                return
            }
            #expect(reason.contains("within 0.3 s"), "\(reason)")
            #expect(client.waitClosed())
            #expect(server.openedTLSVersions.withLock { $0 }.isEmpty, "the server opened a connection that never handshook")
        }
    }

    @Test("errors: plaintext on a public address, port in use, a key that does not match the certificate")
    func errors() throws {
        try withReactor(.automatic) { reactor in
            let server = EchoServer()
            #expect(listen(reactor, host: "0.0.0.0", security: .plaintext, delegate: server) == .failure(.plaintextNotAllowed(host: "0.0.0.0")))
            let port = try listen(reactor, security: .plaintext, delegate: server).get()
            #expect(listen(reactor, port: port, security: .plaintext, delegate: server)
                    == .failure(.listenFailed(host: "127.0.0.1", port: port, errno: Errno(EADDRINUSE))))
            let other = try SelfSignedCertificate()
            let mismatched = TLSServerConfiguration(certificateChain: .pem(Self.certificate.certificatePEM), privateKey: .pem(other.privateKeyPEM))
            let mismatch = listen(reactor, security: .tls(mismatched), delegate: server)
            guard case .failure(.tlsSetupFailed(let reason)) = mismatch, reason.hasPrefix("the private key does not match the certificate") else {
                Issue.record("a mismatched key gave \(mismatch)")
                return
            }
            let garbage = TLSServerConfiguration(certificateChain: .pem("not a certificate"), privateKey: .pem(other.privateKeyPEM))
            #expect(listen(reactor, security: .tls(garbage), delegate: server)
                    == .failure(.tlsSetupFailed(reason: "the certificate PEM does not parse")))
        }
    }

    @Test("the private key never appears in descriptions")
    func redaction() throws {
        let certificate = try SelfSignedCertificate()
        let configuration = TLSServerConfiguration(selfSigned: certificate)
        let keyBody = certificate.privateKeyPEM.split(separator: "\n")[1]
        #expect(!String(describing: certificate).contains(keyBody))
        #expect(!String(describing: configuration).contains(keyBody))
        #expect(!String(reflecting: configuration).contains(keyBody))
        #expect(certificate.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect(certificate.certificatePEM.hasPrefix("-----BEGIN CERTIFICATE-----"))
        // The fingerprints agree with openssl's own.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kalshi-fix-fp-\(getpid()).pem").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(certificate.certificatePEM.utf8))
        defer { unlink(path) }
        let digest = OpenSSLServer.shell("openssl x509 -in \(path) -outform DER | openssl dgst -sha256 -r").split(separator: " ").first.map(String.init)
        #expect(digest == certificate.certificateSHA256)
    }

    /// Runs `openssl s_client` against our listener, writes `input`, returns its output.
    func runSClient(port: Int, extra: [String], input: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory
        let inPath = dir.appendingPathComponent("s_client-in-\(getpid())-\(port)").path
        let outPath = dir.appendingPathComponent("s_client-out-\(getpid())-\(port)").path
        _ = FileManager.default.createFile(atPath: inPath, contents: Data(input.utf8))
        defer { unlink(inPath); unlink(outPath) }
        // s_client quits when its stdin ends: keep it open briefly so the echo comes back first.
        _ = OpenSSLServer.shell("(cat \(inPath); sleep 0.5) | timeout 5 openssl s_client -connect 127.0.0.1:\(port) -CAfile \(Self.certificatePath) "
                  + "-verify_return_error -verify_ip 127.0.0.1 -brief \(extra.joined(separator: " ")) > \(outPath) 2>&1")
        return (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
    }
}

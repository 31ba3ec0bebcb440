import Foundation
#if canImport(Glibc)
import Glibc
#endif
import FixTransport
import Synchronization
import Testing

/// TLS through memory BIOs against `openssl s_server`, on both backends.
@Suite("TLS", .serialized)
struct TLSTests {
    static let backends = ReactorTests.backends
    static let cert = OpenSSLServer.certificate

    static func trusted(serverName: String? = nil, pins: [CertificatePin] = [], minimum: TLSVersion = .tls12) -> TLSConfiguration {
        TLSConfiguration(serverName: serverName, trust: .caFile(cert.certificatePath), pins: pins, minimumVersion: minimum)
    }

    func connect(_ reactor: Reactor, port: Int, tls: TLSConfiguration, delegate: RecordingDelegate) -> TransportError? {
        let result = Mutex<TransportError?>(nil)
        let done = DispatchSemaphore(value: 0)
        reactor.execute {
            do throws(TransportError) {
                _ = try reactor.connect(host: "127.0.0.1", port: port, security: .tls(tls), timeout: .seconds(5), delegate: delegate)
            } catch {
                result.withLock { $0 = error }
            }
            done.signal()
        }
        done.wait()
        return result.withLock { $0 }
    }

    func withReactor(_ backend: ReactorConfiguration.BackendPreference, _ body: (Reactor) throws -> Void) throws {
        let reactor = try Reactor(configuration: ReactorConfiguration(backend: backend))
        reactor.startThread()
        defer { reactor.stopAndJoin() }
        try body(reactor)
    }

    @Test("both directions, records larger than 16 KB, TLS 1.2 and 1.3, clean close_notify",
          arguments: backends, ["-tls1_3", "-tls1_2"])
    func roundTrip(backend: ReactorConfiguration.BackendPreference, version: String) throws {
        try withReactor(backend) { reactor in
            let server = try OpenSSLServer(version: version)
            let delegate = RecordingDelegate()
            let toServer = Array(("hello from kalshi-fix\n" + String(repeating: "0123456789abcdef", count: 6_000) + "\n").utf8)
            let negotiated = Mutex<String?>(nil)
            delegate.onOpen = { connection in
                negotiated.withLock { $0 = connection.tlsVersion }
                try? toServer.withUnsafeBytes { try connection.send($0) }
            }
            #expect(connect(reactor, port: server.port, tls: Self.trusted(), delegate: delegate) == nil)
            #expect(delegate.openedSignal.wait(timeout: .now() + 10) == .success, "handshake did not complete: \(String(describing: delegate.closeError))")
            #expect(negotiated.withLock { $0 } == (version == "-tls1_3" ? "TLSv1.3" : "TLSv1.2"))
            #expect(server.waitForReceived(count: toServer.count), "s_server got \(server.received.count) of \(toServer.count) bytes")
            let serverGotExactly = server.received == toServer
            #expect(serverGotExactly, "s_server received different bytes")
            let toClient = Array(String(repeating: "kalshi ", count: 8_000).utf8)
            let closedAfter = toClient.count
            delegate.onReceive = { connection, all in if all.count >= closedAfter { connection.close() } }
            server.send(toClient)
            #expect(delegate.waitClosed())
            #expect(delegate.closeError == nil, "\(String(describing: delegate.closeError))")
            let clientGotExactly = delegate.received == toClient
            #expect(clientGotExactly, "client received \(delegate.received.count) of \(toClient.count) bytes, or different ones")
        }
    }

    @Test("certificate checks: untrusted, wrong hostname, verification off", arguments: backends)
    func verification(backend: ReactorConfiguration.BackendPreference) throws {
        try withReactor(backend) { reactor in
            let server = try OpenSSLServer(version: "-tls1_3")
            let untrusted = RecordingDelegate()
            #expect(connect(reactor, port: server.port, tls: TLSConfiguration(trust: .systemDefault), delegate: untrusted) == nil)
            #expect(untrusted.waitClosed())
            #expect(untrusted.closeError == .certificateVerifyFailed(reason: "self-signed certificate"))

            let wrongName = RecordingDelegate()
            #expect(connect(reactor, port: server.port, tls: Self.trusted(serverName: "mm.fix.elections.kalshi.com"), delegate: wrongName) == nil)
            #expect(wrongName.waitClosed())
            #expect(wrongName.closeError == .certificateVerifyFailed(reason: "hostname mismatch"))

            let unverified = RecordingDelegate()
            unverified.onOpen = { $0.close() }
            #expect(connect(reactor, port: server.port, tls: TLSConfiguration(verifyPeer: false), delegate: unverified) == nil)
            #expect(unverified.waitClosed())
            #expect(unverified.opened && unverified.closeError == nil)
        }
    }

    @Test("certificate pinning: right certificate pin, right public-key pin, wrong pin", arguments: backends)
    func pinning(backend: ReactorConfiguration.BackendPreference) throws {
        try withReactor(backend) { reactor in
            let server = try OpenSSLServer(version: "-tls1_3")
            for pin in [CertificatePin.certificate(Self.cert.certificateSHA256), .publicKey(Self.cert.publicKeySHA256.uppercased())] {
                let delegate = RecordingDelegate()
                delegate.onOpen = { $0.close() }
                #expect(connect(reactor, port: server.port, tls: Self.trusted(pins: [pin]), delegate: delegate) == nil)
                #expect(delegate.waitClosed())
                #expect(delegate.opened && delegate.closeError == nil, "\(pin): \(String(describing: delegate.closeError))")
            }
            let wrong = RecordingDelegate()
            let bad = CertificatePin.certificate(String(repeating: "ab", count: 32))
            #expect(connect(reactor, port: server.port, tls: Self.trusted(pins: [bad]), delegate: wrong) == nil)
            #expect(wrong.waitClosed())
            #expect(wrong.closeError == .pinMismatch(expected: [bad.description], certificate: Self.cert.certificateSHA256,
                                                      publicKey: Self.cert.publicKeySHA256))
            #expect(!wrong.opened)
        }
    }

    @Test("a TLS 1.3 minimum against a TLS 1.2-only server fails the handshake", arguments: backends)
    func versionFloor(backend: ReactorConfiguration.BackendPreference) throws {
        try withReactor(backend) { reactor in
            let server = try OpenSSLServer(version: "-tls1_2")
            let delegate = RecordingDelegate()
            #expect(connect(reactor, port: server.port, tls: Self.trusted(minimum: .tls13), delegate: delegate) == nil)
            #expect(delegate.waitClosed())
            guard case .tlsHandshakeFailed(let reason) = delegate.closeError else {
                Issue.record("expected a handshake failure, got \(String(describing: delegate.closeError))")
                return
            }
            #expect(reason.contains("version") || reason.contains("alert"), "\(reason)")
        }
    }

    @Test("TLS 1.3 KeyUpdate from the server (asking for ours): data keeps flowing both ways", arguments: backends)
    func keyUpdate(backend: ReactorConfiguration.BackendPreference) throws {
        try withReactor(backend) { reactor in
            let server = try OpenSSLServer(version: "-tls1_3", quiet: false)
            let delegate = RecordingDelegate()
            let marker = Array("after-key-update\n".utf8)
            let reply = Array("client-after-key-update\n".utf8)
            delegate.onReceive = { connection, all in
                if all.count >= marker.count, Array(all.suffix(marker.count)) == marker {
                    try? reply.withUnsafeBytes { try connection.send($0) }
                }
            }
            #expect(connect(reactor, port: server.port, tls: Self.trusted(), delegate: delegate) == nil)
            #expect(delegate.openedSignal.wait(timeout: .now() + 10) == .success)
            server.send(Array("K\n".utf8))  // s_server: SSL_key_update(SSL_KEY_UPDATE_REQUESTED)
            usleep(200_000)
            server.send(marker)
            let deadline = Date().addingTimeInterval(10)
            var serverGotReply = false
            while Date() < deadline && !serverGotReply {
                serverGotReply = String(decoding: server.received, as: UTF8.self).contains("client-after-key-update")
                usleep(10_000)
            }
            #expect(delegate.received == marker, "client got \(delegate.received.count) bytes after the key update")
            #expect(serverGotReply, "s_server did not get our data after the key update")
            #expect(delegate.closeError == nil, "\(String(describing: delegate.closeError))")
        }
    }

    @Test("a plaintext peer, a peer that hangs up and a silent peer fail the handshake with a reason", arguments: backends)
    func badPeers(backend: ReactorConfiguration.BackendPreference) throws {
        try withReactor(backend) { reactor in
            let http = try LoopbackServer { fd in
                var buffer = [UInt8](repeating: 0, count: 4096)
                _ = recv(fd, &buffer, buffer.count, 0)
                let reply = Array("HTTP/1.0 400 Bad Request\r\n\r\n".utf8)
                _ = reply.withUnsafeBytes { Glibc.send(fd, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
                usleep(200_000)
                Glibc.close(fd)
            }
            let plaintext = RecordingDelegate()
            #expect(connect(reactor, port: http.port, tls: Self.trusted(), delegate: plaintext) == nil)
            #expect(plaintext.waitClosed())
            guard case .tlsHandshakeFailed(let reason) = plaintext.closeError else {
                Issue.record("plaintext peer: expected a handshake failure, got \(String(describing: plaintext.closeError))")
                return
            }
            #expect(reason.contains("wrong version number") || reason.contains("record"), "\(reason)")

            let hangUp = try LoopbackServer { fd in Glibc.close(fd) }
            let closed = RecordingDelegate()
            #expect(connect(reactor, port: hangUp.port, tls: Self.trusted(), delegate: closed) == nil)
            #expect(closed.waitClosed())
            guard case .tlsHandshakeFailed(let why) = closed.closeError else {
                Issue.record("hang-up: expected a handshake failure, got \(String(describing: closed.closeError))")
                return
            }
            #expect(why.contains("the connection during the handshake"), "\(why)")

            let silent = try LoopbackServer { fd in usleep(2_000_000); Glibc.close(fd) }
            let waiting = RecordingDelegate()
            let result = Mutex<TransportError?>(nil)
            let done = DispatchSemaphore(value: 0)
            reactor.execute {
                do throws(TransportError) {
                    _ = try reactor.connect(host: "127.0.0.1", port: silent.port, security: .tls(Self.trusted()),
                                            timeout: .milliseconds(300), delegate: waiting)
                } catch { result.withLock { $0 = error } }
                done.signal()
            }
            done.wait()
            #expect(result.withLock { $0 } == nil)
            #expect(waiting.waitClosed())
            #expect(waiting.closeError == .connectTimeout(host: "127.0.0.1", port: silent.port, seconds: 0.3),
                    "a handshake that never completes must hit the connect timeout")
        }
    }
}

import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `openssl s_server` on 127.0.0.1 as a real TLS peer: what it receives appears on its stdout,
/// what is written to its stdin it sends.
final class OpenSSLServer: @unchecked Sendable {
    /// A self-signed certificate for localhost / 127.0.0.1, made once per test run.
    struct Certificate: Sendable {
        var directory: URL
        var certificatePath: String
        var keyPath: String
        var certificateSHA256: String
        var publicKeySHA256: String
    }

    static let certificate: Certificate = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kalshi-fix-tls-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let cert = dir.appendingPathComponent("cert.pem").path
        let key = dir.appendingPathComponent("key.pem").path
        shell("openssl req -x509 -newkey rsa:2048 -nodes -keyout \(key) -out \(cert) -days 2 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null")
        let c = shell("openssl x509 -in \(cert) -outform DER | openssl dgst -sha256 -r").split(separator: " ").first.map(String.init) ?? ""
        let k = shell("openssl x509 -in \(cert) -pubkey -noout | openssl pkey -pubin -outform DER | openssl dgst -sha256 -r").split(separator: " ").first.map(String.init) ?? ""
        return Certificate(directory: dir, certificatePath: cert, keyPath: key, certificateSHA256: c, publicKeySHA256: k)
    }()

    let port: Int
    private let pid: pid_t
    private let stdinFD: Int32
    private let outputURL: URL

    /// - Parameters:
    ///   - version: `-tls1_2` or `-tls1_3`.
    ///   - quiet: false lets s_server act on commands written to it (`K` = send a KeyUpdate
    ///     asking for ours) at the price of its status lines on stdout.
    init(version: String, quiet: Bool = true) throws {
        port = try freeLoopbackPort()
        let cert = Self.certificate
        // s_server writes what it receives to stdout, unbuffered; a file is the simplest sink.
        // posix_spawn rather than Foundation.Process: Process.waitUntilExit hung after terminate().
        outputURL = cert.directory.appendingPathComponent("s_server-\(port).out")
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw POSIXError(.EMFILE) }
        stdinFD = fds[1]
        let outFD = open(outputURL.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let nullFD = open("/dev/null", O_WRONLY)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_adddup2(&actions, fds[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outFD, 1)
        posix_spawn_file_actions_adddup2(&actions, nullFD, 2)
        posix_spawn_file_actions_addclose(&actions, fds[1])
        let arguments = ["openssl", "s_server", "-accept", "127.0.0.1:\(port)", "-cert", cert.certificatePath,
                         "-key", cert.keyPath, version] + (quiet ? ["-quiet"] : [])
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, "/usr/bin/openssl", &actions, nil, argv, environ)
        posix_spawn_file_actions_destroy(&actions)
        Glibc.close(fds[0]); Glibc.close(outFD); Glibc.close(nullFD)
        guard rc == 0 else { Glibc.close(fds[1]); throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .ENOENT) }
        pid = child
        try Self.waitUntilListening(port: port)
    }

    deinit {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        Glibc.close(stdinFD)
    }

    /// Everything s_server has received so far.
    var received: [UInt8] { (try? Array(Data(contentsOf: outputURL))) ?? [] }

    /// Waits until s_server printed at least `count` bytes.
    func waitForReceived(count: Int, seconds: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if received.count >= count { return true }
            usleep(10_000)
        }
        return false
    }

    /// Makes s_server send `bytes` to its client.
    func send(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(stdinFD, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { break }
                offset += n
            }
        }
    }

    /// Polls with a TCP connect (s_server serves one client at a time and then takes the next).
    static func waitUntilListening(port: Int) throws {
        for _ in 0..<200 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var a = sockaddr_in()
            a.sin_family = sa_family_t(AF_INET)
            a.sin_addr.s_addr = inet_addr("127.0.0.1")
            a.sin_port = UInt16(port).bigEndian
            let rc = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            Glibc.close(fd)
            if rc == 0 { usleep(50_000); return }
            usleep(25_000)
        }
        throw POSIXError(.ETIMEDOUT)
    }

    @discardableResult
    static func shell(_ command: String) -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        let out = Pipe()
        p.standardOutput = out
        try? p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}


import FixSession
import Foundation
import Testing

/// The logon signer against Kalshi's documented vectors (EXAMPLES.md B5/B6) and against the
/// `openssl` command line as an independent implementation.
@Suite("Logon signer")
struct LogonSignerTests {
    // EXAMPLES.md B5: the docs' sample values.
    static let sendingTime = "20230809-05:28:18.035"
    static let keyID = "your-fix-api-key-uuid"

    @Test("B5: the pre-hash bytes and their SHA-256 are Kalshi's")
    func preHash() throws {
        let bytes = LogonSigner.preHash(sendingTime: Self.sendingTime, msgSeqNum: 1, senderCompID: Self.keyID, targetCompID: "KalshiNR")
        #expect(bytes.map { String(format: "%02x", $0) }.joined()
            == "32303233303830392d30353a32383a31382e3033350141013101796f75722d6669782d6170692d6b65792d75756964014b616c7368694e52")
        let digest = try OpenSSLTool.run(["dgst", "-sha256", "-hex"], input: Data(bytes))
        #expect(digest.contains("79676caaf065c173623e72256b47d3a4904e15c32a739010e17dfc35a0fe2101"))
    }

    @Test("B6: the documented signature verifies with the documented public key")
    func documentedSignatureVerifies() throws {
        let verifier = try LogonSignatureVerifier(publicKeyPEM: Array(Self.b6PublicKey.utf8))
        let message = LogonSigner.preHash(sendingTime: Self.sendingTime, msgSeqNum: 1, senderCompID: Self.keyID, targetCompID: "KalshiNR")
        #expect(verifier.isValid(base64Signature: Self.b6Signature, for: message))
        // One changed byte of the message, or of the signature, must fail.
        #expect(!verifier.isValid(base64Signature: Self.b6Signature, for: message.dropLast() + [UInt8(ascii: "X")]))
        #expect(!verifier.isValid(base64Signature: "A" + Self.b6Signature.dropFirst(), for: message))
        #expect(!verifier.isValid(base64Signature: "not base64", for: message))
    }

    @Test("our signatures verify with `openssl dgst -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32`",
          arguments: [KeyFormat.pkcs8, .pkcs1, .encryptedPKCS8])
    func opensslVerifiesOurSignature(format: KeyFormat) throws {
        let keys = try TestKeys.make(format)
        defer { keys.remove() }
        let signer = try LogonSigner(contentsOf: keys.privateKeyPath, passphrase: keys.passphrase.map { .string($0) })
        #expect(signer.keyBits == 2048)
        let sig = try signer.signature(sendingTime: "20261125-14:30:00.123", msgSeqNum: 1, senderCompID: "key-1", targetCompID: "KalshiRT")
        #expect(sig.utf8.count == 344, "a 2048-bit signature is 344 base64 characters")
        let message = LogonSigner.preHash(sendingTime: "20261125-14:30:00.123", msgSeqNum: 1, senderCompID: "key-1", targetCompID: "KalshiRT")
        let dir = keys.directory
        try Data(message).write(to: dir.appendingPathComponent("msg.bin"))
        try Data(base64Encoded: sig)!.write(to: dir.appendingPathComponent("sig.bin"))
        let out = try OpenSSLTool.run(["dgst", "-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32",
                                       "-sigopt", "rsa_mgf1_md:sha256", "-verify", keys.publicKeyPath,
                                       "-signature", dir.appendingPathComponent("sig.bin").path, dir.appendingPathComponent("msg.bin").path])
        #expect(out.contains("Verified OK"), "openssl said: \(out)")
        // And our verifier agrees; PSS is randomised, so two signatures differ but both verify.
        let verifier = try LogonSignatureVerifier(publicKeyPEM: Array(try Data(contentsOf: URL(fileURLWithPath: keys.publicKeyPath))))
        let again = try signer.sign(message)
        #expect(again != sig)
        #expect(verifier.isValid(base64Signature: sig, for: message) && verifier.isValid(base64Signature: again, for: message))
    }

    @Test("a wrong or missing passphrase is a typed error that does not echo the passphrase")
    func wrongPassphrase() throws {
        let keys = try TestKeys.make(.encryptedPKCS8)
        defer { keys.remove() }
        #expect(throws: LogonSignerError.wrongOrMissingPassphrase) { try LogonSigner(contentsOf: keys.privateKeyPath) }
        do {
            _ = try LogonSigner(contentsOf: keys.privateKeyPath, passphrase: .string("hunter2-wrong"))
            Issue.record("a wrong passphrase loaded the key")
        } catch {
            #expect(error == .wrongOrMissingPassphrase)
            #expect(!"\(error)".contains("hunter2"))
        }
        // The passphrase may come from a closure (a secret store) or raw bytes.
        let signer = try LogonSigner(contentsOf: keys.privateKeyPath, passphrase: .provider { Array(keys.passphrase!.utf8) })
        #expect(!signer.description.contains(keys.passphrase!))
        _ = try LogonSigner(contentsOf: keys.privateKeyPath, passphrase: .bytes(Array(keys.passphrase!.utf8)))
    }

    @Test("unusable keys are typed errors", arguments: [
        ("not a key", "unreadableKey"),
        ("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "unreadableKey"),
    ])
    func unusableKeys(pem: String, expected: String) {
        #expect {
            _ = try LogonSigner(pem: Array(pem.utf8))
        } throws: { error in
            "\(Mirror(reflecting: error).children.first?.label ?? "\(error)")" == expected
        }
    }

    @Test("an EC key and a 1024-bit RSA key are refused; a missing file names the path")
    func wrongKeyKinds() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kalshi-fix-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let ec = dir.appendingPathComponent("ec.pem").path
        _ = try OpenSSLTool.run(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", ec])
        #expect(throws: LogonSignerError.notRSA) { try LogonSigner(contentsOf: ec) }
        let small = dir.appendingPathComponent("small.pem").path
        _ = try OpenSSLTool.run(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", small])
        #expect(throws: LogonSignerError.keyTooSmall(bits: 1024)) { try LogonSigner(contentsOf: small) }
        #expect {
            _ = try LogonSigner(contentsOf: dir.appendingPathComponent("missing.pem").path)
        } throws: { error in
            "\(error)".contains("missing.pem") && "\(error)".contains("No such file")
        }
    }

    static let b6PublicKey = """
    -----BEGIN PUBLIC KEY-----
    MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA69TGO6aOWzgvnTKkHNaP
    5lkTGAL0kX5VBHIuChMaNe+2jhnNIbaLaB7MBkFgIUvnVIywpMwYtc6xGRszLkeo
    CoOlMM04ImyVjKWa8q2W+arveG2FJBN4sdKXjlDJQqkFomNhfdV/dvkV61VAFat6
    xUTD/uxxrgPEIBz6ptGDQvBlDcV2j/OuY6DrDdlYyaMPZb5EvlueEtdvOosq7Ns1
    KJWSRCJPWenMx0rmWwLUJpmBu5W+fK1qnx8Fs7p1wE0KOJKBglJG5LSiHjMd2b0Y
    twroCl67vkGC5+daIPkoLhwio2CKtqLP60+r9h80aWf/EMQL8kERdngHoid2aWk+
    UwIDAQAB
    -----END PUBLIC KEY-----

    """
    static let b6Signature = "GgQS/dVN6ClCf0bNrezIRzlVpOtcutBl/gqFga/960tMS6d+OpF1K+dRTw2/CxwlWZ8pkpBPixD/AQWa9hTVE4idNzxZp8Nd+5VagbbD/JLNx+KdGzVYcYkiRXFqHNy1TASgnDElQ3CxgUPu0PVczsv8oWB6KmtzUXKWQuRPTzLN7jEHtTgt0NGfb00Yr0UPOvoIMbutG/XHxrIeIapMul2BGSj1+80DaWqCoaI2o+iQuUYRMfJM3p81GuDHzHyTmr1zFnrIJzzoCKljEM6xwJg0wKKY20ReMxxDYXSHJjHqqldSI7lBdNfc1bt9R7nEbwvRxLOtQI096PGH34BMDA=="
}

enum KeyFormat: String, CaseIterable, Sendable { case pkcs8, pkcs1, encryptedPKCS8 }

/// A throw-away RSA key pair made with the `openssl` command line in a temporary folder.
struct TestKeys {
    var directory: URL
    var privateKeyPath: String
    var publicKeyPath: String
    var passphrase: String?

    static func make(_ format: KeyFormat) throws -> TestKeys {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kalshi-fix-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let plain = dir.appendingPathComponent("key.pem").path
        let pub = dir.appendingPathComponent("pub.pem").path
        _ = try OpenSSLTool.run(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", plain])
        _ = try OpenSSLTool.run(["pkey", "-in", plain, "-pubout", "-out", pub])
        switch format {
        case .pkcs8:
            return TestKeys(directory: dir, privateKeyPath: plain, publicKeyPath: pub)
        case .pkcs1:
            let p1 = dir.appendingPathComponent("key-pkcs1.pem").path
            _ = try OpenSSLTool.run(["rsa", "-in", plain, "-traditional", "-out", p1])
            let head = try String(contentsOfFile: p1, encoding: .utf8)
            precondition(head.hasPrefix("-----BEGIN RSA PRIVATE KEY-----"), "openssl did not write PKCS#1")
            return TestKeys(directory: dir, privateKeyPath: p1, publicKeyPath: pub)
        case .encryptedPKCS8:
            let enc = dir.appendingPathComponent("key-enc.pem").path
            let pass = "correct horse \(UUID().uuidString.prefix(8))"
            _ = try OpenSSLTool.run(["pkcs8", "-topk8", "-in", plain, "-v2", "aes-256-cbc", "-passout", "pass:\(pass)", "-out", enc])
            return TestKeys(directory: dir, privateKeyPath: enc, publicKeyPath: pub, passphrase: pass)
        }
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// Runs the `openssl` command line (Debian's `openssl` package).
enum OpenSSLTool {
    struct Failure: Error, CustomStringConvertible {
        var arguments: [String]
        var output: String
        var description: String { "openssl \(arguments.joined(separator: " ")) failed: \(output)" }
    }

    @discardableResult
    static func run(_ arguments: [String], input: Data? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        let inPipe = Pipe()
        process.standardInput = inPipe
        try process.run()
        if let input { inPipe.fileHandleForWriting.write(input) }
        try inPipe.fileHandleForWriting.close()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else { throw Failure(arguments: arguments, output: text) }
        return text
    }
}

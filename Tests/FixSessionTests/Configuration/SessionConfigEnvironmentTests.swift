@testable import FixSession
import Foundation
import Testing

/// Loading credentials and configurations from environment variables, with real keys made by
/// the `openssl` CLI, and keeping secrets out of every printed form.
@Suite("Session configuration: environment")
struct SessionConfigEnvironmentTests {
    static let keyID = "0f8fad5b-d9cb-469f-a165-70867728950e"

    /// A configuration or an error, without typed throws inside `#expect`.
    static func load(_ product: KalshiProduct = .prediction, _ type: KalshiSessionType = .kalshiNR,
                     _ env: [String: String]) -> Result<SessionConfiguration, SessionConfigurationError> {
        Result { () throws(SessionConfigurationError) in
            try SessionConfiguration.fromEnvironment(product: product, sessionType: type, environment: env)
        }
    }

    static func error(_ result: Result<SessionConfiguration, SessionConfigurationError>) -> SessionConfigurationError? {
        if case .failure(let e) = result { return e }
        return nil
    }

    static func pemText(_ keys: TestKeys) throws -> String {
        try String(contentsOfFile: keys.privateKeyPath, encoding: .utf8)
    }

    @Test("prediction: key id + inline PEM loads production; KALSHI_DEMO picks demo")
    func inlinePEM() throws {
        let keys = try TestKeys.make(.pkcs8)
        defer { keys.remove() }
        let base = ["KALSHI_KEY_ID": Self.keyID, "KALSHI_PRIVATE_KEY": try Self.pemText(keys)]
        let config = try Self.load(.prediction, .kalshiNR, base).get()
        #expect(config.senderCompID == Self.keyID)
        #expect(config.credentials.keySource == .environmentPEM(variable: "KALSHI_PRIVATE_KEY"))
        #expect(config.credentials.signer.keyBits == 2048)
        #expect(try config.endpoint() == SessionEndpoint(host: "mm.fix.elections.kalshi.com", port: 8228))
        for (value, demo) in [("1", true), ("true", true), ("YES", true), (" on ", true), ("0", false), ("false", false), ("", false), ("off", false)] {
            var env = base
            env["KALSHI_DEMO"] = value
            let c = try Self.load(.prediction, .kalshiMD, env).get()
            #expect(c.destination == .kalshi(demo ? .demo : .production), "KALSHI_DEMO=\(value)")
        }
        var env = base
        env["KALSHI_DEMO"] = "sometimes"
        #expect(Self.error(Self.load(.prediction, .kalshiNR, env))
                == .invalidEnvironmentVariable("KALSHI_DEMO", value: "sometimes", expected: "1 or 0 (true/false, yes/no, on/off)"))
    }

    @Test("an encrypted PEM by path or inline loads with its passphrase, and signs")
    func encryptedPEM() throws {
        let keys = try TestKeys.make(.encryptedPKCS8)
        defer { keys.remove() }
        let pass = keys.passphrase!
        let byPath = try Self.load(.prediction, .kalshiRT, ["KALSHI_KEY_ID": Self.keyID, "KALSHI_PRIVATE_KEY_PATH": keys.privateKeyPath,
                                                              "KALSHI_PRIVATE_KEY_PASSPHRASE": pass]).get()
        #expect(byPath.credentials.keySource == .file(path: keys.privateKeyPath, variable: "KALSHI_PRIVATE_KEY_PATH"))
        let inline = try Self.load(.prediction, .kalshiRT, ["KALSHI_KEY_ID": Self.keyID, "KALSHI_PRIVATE_KEY": try Self.pemText(keys),
                                                              "KALSHI_PRIVATE_KEY_PASSPHRASE": pass]).get()
        // The loaded key works: its signature verifies with the public key.
        let verifier = try LogonSignatureVerifier(publicKeyPEM: Array(try Data(contentsOf: URL(fileURLWithPath: keys.publicKeyPath))))
        for config in [byPath, inline] {
            let fields = try config.signedLogonFields(sendingTime: "20260101-00:00:00.000", msgSeqNum: 1, resetSeqNum: true)
            let message = LogonSigner.preHash(sendingTime: "20260101-00:00:00.000", msgSeqNum: 1, senderCompID: Self.keyID, targetCompID: "KalshiRT")
            #expect(verifier.isValid(base64Signature: fields.last!.value, for: message), "\(config.credentials.keySource)")
        }
    }

    @Test("a missing or wrong passphrase names the passphrase variable and never echoes it")
    func passphraseErrors() throws {
        let keys = try TestKeys.make(.encryptedPKCS8)
        defer { keys.remove() }
        let base = ["KALSHI_KEY_ID": Self.keyID, "KALSHI_PRIVATE_KEY_PATH": keys.privateKeyPath]
        let expected = SessionConfigurationError.privateKeyNotLoadable(keyVariable: "KALSHI_PRIVATE_KEY_PATH",
                                                                       passphraseVariable: "KALSHI_PRIVATE_KEY_PASSPHRASE",
                                                                       reason: .wrongOrMissingPassphrase)
        #expect(Self.error(Self.load(.prediction, .kalshiNR, base)) == expected, "no passphrase")
        var wrong = base
        wrong["KALSHI_PRIVATE_KEY_PASSPHRASE"] = "hunter2-wrong-passphrase"
        let error = try #require(Self.error(Self.load(.prediction, .kalshiNR, wrong)))
        #expect(error == expected, "wrong passphrase")
        #expect(error.description.contains("KALSHI_PRIVATE_KEY_PASSPHRASE"))
        for text in ["\(error)", String(reflecting: error), Self.dumped(error)] {
            #expect(!text.contains("hunter2"), "passphrase leaked: \(text)")
        }
        // Margin names the margin variable.
        let perps = ["KALSHI_PERPS_KEY_ID": Self.keyID, "KALSHI_PERPS_PRIVATE_KEY_PATH": keys.privateKeyPath]
        let marginError = try #require(Self.error(Self.load(.margin, .kalshiNR, perps)))
        #expect(marginError.description.hasSuffix("set KALSHI_PERPS_PRIVATE_KEY_PASSPHRASE"), "\(marginError)")
    }

    @Test("missing and contradictory variables are typed errors naming the variable")
    func missingAndConflicting() throws {
        let keys = try TestKeys.make(.pkcs8)
        defer { keys.remove() }
        let pem = try Self.pemText(keys)
        #expect(Self.error(Self.load(.prediction, .kalshiNR, ["KALSHI_PRIVATE_KEY": pem]))
                == .missingEnvironmentVariable("KALSHI_KEY_ID", hint: "set it to your FIX API key id (a UUID)"))
        #expect(Self.error(Self.load(.prediction, .kalshiNR, ["KALSHI_KEY_ID": "  \n", "KALSHI_PRIVATE_KEY": pem]))
                == .missingEnvironmentVariable("KALSHI_KEY_ID", hint: "set it to your FIX API key id (a UUID)"), "blank counts as unset")
        #expect(Self.error(Self.load(.prediction, .kalshiNR, ["KALSHI_KEY_ID": Self.keyID]))
                == .missingEnvironmentVariable("KALSHI_PRIVATE_KEY", hint: "set KALSHI_PRIVATE_KEY to the PEM text of your private key, or KALSHI_PRIVATE_KEY_PATH to its file"))
        #expect(Self.error(Self.load(.prediction, .kalshiNR, ["KALSHI_KEY_ID": Self.keyID, "KALSHI_PRIVATE_KEY": "", "KALSHI_PRIVATE_KEY_PATH": ""]))
                == .missingEnvironmentVariable("KALSHI_PRIVATE_KEY", hint: "set KALSHI_PRIVATE_KEY to the PEM text of your private key, or KALSHI_PRIVATE_KEY_PATH to its file"),
                "empty counts as unset")
        let both = Self.error(Self.load(.prediction, .kalshiNR, ["KALSHI_KEY_ID": Self.keyID, "KALSHI_PRIVATE_KEY": pem,
                                                                 "KALSHI_PRIVATE_KEY_PATH": keys.privateKeyPath]))
        #expect(both == .conflictingEnvironmentVariables("KALSHI_PRIVATE_KEY", "KALSHI_PRIVATE_KEY_PATH"))
        #expect(both?.description == "both KALSHI_PRIVATE_KEY and KALSHI_PRIVATE_KEY_PATH are set; set only one of them")
        let missingFile = Self.error(Self.load(.prediction, .kalshiNR, ["KALSHI_KEY_ID": Self.keyID, "KALSHI_PRIVATE_KEY_PATH": "/nonexistent/key.pem"]))
        #expect(missingFile?.description.contains("KALSHI_PRIVATE_KEY_PATH") == true && missingFile?.description.contains("/nonexistent/key.pem") == true,
                "\(String(describing: missingFile))")
        let garbage = Self.error(Self.load(.prediction, .kalshiNR, ["KALSHI_KEY_ID": Self.keyID, "KALSHI_PRIVATE_KEY": "not a key"]))
        guard case .privateKeyNotLoadable("KALSHI_PRIVATE_KEY", _, .unreadableKey) = garbage else {
            Issue.record("garbage PEM should be unreadableKey from KALSHI_PRIVATE_KEY, got \(String(describing: garbage))")
            return
        }
    }

    @Test("margin reads only KALSHI_PERPS_* variables and says so when only prediction ones are set")
    func margin() throws {
        let keys = try TestKeys.make(.pkcs8)
        defer { keys.remove() }
        let pem = try Self.pemText(keys)
        let prediction = ["KALSHI_KEY_ID": Self.keyID, "KALSHI_PRIVATE_KEY": pem, "KALSHI_DEMO": "1"]
        let error = try #require(Self.error(Self.load(.margin, .kalshiNR, prediction)))
        #expect(error == .missingEnvironmentVariable("KALSHI_PERPS_KEY_ID", hint: "set it to your FIX API key id (a UUID); the margin gateway needs its own API key, KALSHI_KEY_ID is not used for margin"))
        let perps = ["KALSHI_PERPS_KEY_ID": "perps-key", "KALSHI_PERPS_PRIVATE_KEY": pem, "KALSHI_PERPS_DEMO": "1", "KALSHI_DEMO": "0"]
        let config = try Self.load(.margin, .kalshiMD, perps).get()
        #expect(config.senderCompID == "perps-key")
        #expect(try config.endpoint() == SessionEndpoint(host: "margin-marketdata.fix.demo.kalshi.co", port: 8233), "KALSHI_PERPS_DEMO, not KALSHI_DEMO")
        #expect(Self.error(Self.load(.margin, .kalshiPT, perps)) == .sessionTypeNotAvailable(.kalshiPT, product: .margin))
        let environment = try KalshiEnvironment.fromEnvironment(product: .margin, environment: ["KALSHI_DEMO": "1"])
        #expect(environment == .production, "margin ignores KALSHI_DEMO")
    }

    @Test("one-line PEM with literal \\n escapes loads; the key id is trimmed")
    func escapedPEM() throws {
        let keys = try TestKeys.make(.pkcs1)
        defer { keys.remove() }
        let oneLine = try Self.pemText(keys).replacingOccurrences(of: "\n", with: "\\n")
        #expect(!oneLine.contains("\n"))
        let config = try Self.load(.prediction, .kalshiDC, ["KALSHI_KEY_ID": Self.keyID + "\r\n", "KALSHI_PRIVATE_KEY": oneLine]).get()
        #expect(config.senderCompID == Self.keyID)
        #expect(KalshiCredentials.unescapedPEM("a\nb\\nc") == "a\nb\\nc", "real line breaks: left alone")
    }

    @Test("neither the passphrase nor any PEM line appears in description, debugDescription or dump")
    func redaction() throws {
        let keys = try TestKeys.make(.encryptedPKCS8)
        defer { keys.remove() }
        let pem = try Self.pemText(keys)
        let pass = keys.passphrase!
        let env = ["KALSHI_KEY_ID": Self.keyID, "KALSHI_PRIVATE_KEY": pem, "KALSHI_PRIVATE_KEY_PASSPHRASE": pass]
        var config = try Self.load(.prediction, .kalshiNR, env).get()
        config.logonOptions = .listener
        let pemLines = pem.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        #expect(pemLines.count > 10)
        let decryptedLines = try String(contentsOfFile: keys.directory.appendingPathComponent("key.pem").path, encoding: .utf8)
            .split(separator: "\n").map(String.init).filter { !$0.hasPrefix("-----") }
        var texts = [String(describing: config), String(reflecting: config), Self.dumped(config),
                     String(describing: config.credentials), String(reflecting: config.credentials), Self.dumped(config.credentials),
                     String(describing: config.credentials.signer), Self.dumped(config.credentials.signer)]
        // Errors produced while loading that very key.
        var broken = env
        broken["KALSHI_PRIVATE_KEY_PASSPHRASE"] = pass + "x"
        let errors = [Self.error(Self.load(.prediction, .kalshiNR, broken)),
                      Self.error(Self.load(.prediction, .kalshiNR, env.merging(["KALSHI_PRIVATE_KEY_PATH": "/x"]) { $1 })),
                      Self.error(Self.load(.margin, .kalshiPT, env))]
        for error in errors {
            let e = try #require(error, "every variant above fails")
            texts += [String(describing: e), String(reflecting: e), Self.dumped(e)]
        }
        for text in texts {
            #expect(!text.contains(pass), "passphrase in: \(text)")
            for line in pemLines + decryptedLines {
                #expect(!text.contains(line), "PEM line \(line.prefix(20))… in: \(text)")
            }
        }
        #expect(String(describing: config.credentials) == "KalshiCredentials(keyID: \(Self.keyID), key: PEM in KALSHI_PRIVATE_KEY, LogonSigner(RSA-2048, RSA-PSS SHA-256 salt 32))")
    }

    @Test("processEnvironment reads the real process environment")
    func processEnvironment() {
        let env = SessionConfiguration.processEnvironment()
        #expect(env["PATH"] == ProcessInfo.processInfo.environment["PATH"])
        #expect(env.count == ProcessInfo.processInfo.environment.count)
    }

    static func dumped(_ value: some Any) -> String {
        var out = ""
        dump(value, to: &out)
        return out
    }
}

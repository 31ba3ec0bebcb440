#if canImport(Glibc)
import Glibc
#endif

// Environment loading. FixSession does not link Foundation (the engine targets stay free of
// it), so the process environment is read from `environ` directly.

extension SessionConfiguration {
    /// A session configuration from environment variables, with default settings, validated.
    ///
    /// Reads, for prediction (margin uses the `KALSHI_PERPS_` prefix instead of `KALSHI_` and
    /// never falls back to the prediction variables, because the gateways need separate keys):
    ///
    /// | Variable | Meaning |
    /// |---|---|
    /// | `KALSHI_KEY_ID` | FIX API key id (SenderCompID), required |
    /// | `KALSHI_PRIVATE_KEY` | PEM text of the private key (`\n` escapes allowed) |
    /// | `KALSHI_PRIVATE_KEY_PATH` | path of the PEM file (set exactly one of the two) |
    /// | `KALSHI_PRIVATE_KEY_PASSPHRASE` | passphrase of an encrypted PEM, optional |
    /// | `KALSHI_DEMO` | `1`/`true`/`yes`/`on`: demo; unset, `0`/`false`/`no`/`off`: production |
    ///
    /// Empty variables count as unset. The key is loaded once, here.
    ///
    /// - Parameter environment: the variables; defaults to the process environment.
    /// - Throws: ``SessionConfigurationError`` naming the variable at fault, or the first
    ///   ``validate(environment:)`` problem.
    public static func fromEnvironment(product: KalshiProduct, sessionType: KalshiSessionType,
                                       environment: [String: String] = processEnvironment()) throws(SessionConfigurationError) -> SessionConfiguration {
        guard sessionType.isAvailable(on: product) else { throw .sessionTypeNotAvailable(sessionType, product: product) }
        let kalshiEnvironment = try KalshiEnvironment.fromEnvironment(product: product, environment: environment)
        let credentials = try KalshiCredentials.fromEnvironment(product: product, environment: environment)
        let configuration = SessionConfiguration(product: product, sessionType: sessionType,
                                                 destination: .kalshi(kalshiEnvironment), credentials: credentials)
        try configuration.validate(environment: environment)
        return configuration
    }

    /// A snapshot of the process environment.
    ///
    /// - Important: reads `environ` without a lock; do not call it while another thread calls
    ///   `setenv`/`unsetenv` (reading the environment is only safe while nobody writes it).
    public static func processEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        let start: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = environ
        guard var p = start else { return result }
        while let entry = p.pointee {
            let text = String(cString: entry)
            if let eq = text.firstIndex(of: "=") {
                result[String(text[..<eq])] = String(text[text.index(after: eq)...])
            }
            p += 1
        }
        return result
    }
}

extension KalshiEnvironment {
    /// Demo when `KALSHI_DEMO` (margin: `KALSHI_PERPS_DEMO`) is `1`/`true`/`yes`/`on`,
    /// production when it is unset, empty or `0`/`false`/`no`/`off` (any case).
    /// - Throws: ``SessionConfigurationError/invalidEnvironmentVariable(_:value:expected:)`` for other values.
    public static func fromEnvironment(product: KalshiProduct,
                                       environment: [String: String] = SessionConfiguration.processEnvironment()) throws(SessionConfigurationError) -> KalshiEnvironment {
        let name = product.environmentVariablePrefix + "DEMO"
        guard let demo = EnvironmentFlag.parse(environment[name]) else {
            throw .invalidEnvironmentVariable(name, value: environment[name] ?? "", expected: "1 or 0 (true/false, yes/no, on/off)")
        }
        return demo ? .demo : .production
    }
}

extension KalshiCredentials {
    /// Loads the key id and private key of `product` from environment variables (see
    /// ``SessionConfiguration/fromEnvironment(product:sessionType:environment:)`` for the names).
    /// - Throws: ``SessionConfigurationError`` naming the missing, conflicting or unloadable variable.
    public static func fromEnvironment(product: KalshiProduct,
                                       environment: [String: String] = SessionConfiguration.processEnvironment()) throws(SessionConfigurationError) -> KalshiCredentials {
        let prefix = product.environmentVariablePrefix
        let keyIDVariable = prefix + "KEY_ID"
        let pemVariable = prefix + "PRIVATE_KEY"
        let pathVariable = prefix + "PRIVATE_KEY_PATH"
        let passphraseVariable = prefix + "PRIVATE_KEY_PASSPHRASE"
        // Empty counts as unset: container tools often define variables as empty placeholders.
        func value(_ name: String) -> String? {
            guard let v = environment[name], !v.isEmpty else { return nil }
            return v
        }

        // Trimmed because `.env` files and secret mounts often add a trailing newline or CR;
        // a key id never contains whitespace.
        guard let keyID = value(keyIDVariable).map(EnvironmentFlag.trimmed), !keyID.isEmpty else {
            var hint = "set it to your FIX API key id (a UUID)"
            if product == .margin && value("KALSHI_KEY_ID") != nil {
                hint += "; the margin gateway needs its own API key, KALSHI_KEY_ID is not used for margin"
            }
            throw .missingEnvironmentVariable(keyIDVariable, hint: hint)
        }

        let pem = value(pemVariable)
        let path = value(pathVariable)
        let passphrase = value(passphraseVariable).map { LogonSigner.Passphrase.string($0) }
        let signer: LogonSigner
        let source: KeySource
        switch (pem, path) {
        case (.some, .some):
            throw .conflictingEnvironmentVariables(pemVariable, pathVariable)
        case (.none, .none):
            throw .missingEnvironmentVariable(
                pemVariable, hint: "set \(pemVariable) to the PEM text of your private key, or \(pathVariable) to its file")
        case (.some(let text), .none):
            var bytes = Array(Self.unescapedPEM(text).utf8)
            defer { bytes.withUnsafeMutableBytes { _ = memset($0.baseAddress!, 0, $0.count) } }
            do { signer = try LogonSigner(pem: bytes, passphrase: passphrase) } catch {
                throw .privateKeyNotLoadable(keyVariable: pemVariable, passphraseVariable: passphraseVariable, reason: error)
            }
            source = .environmentPEM(variable: pemVariable)
        case (.none, .some(let file)):
            do { signer = try LogonSigner(contentsOf: file, passphrase: passphrase) } catch {
                throw .privateKeyNotLoadable(keyVariable: pathVariable, passphraseVariable: passphraseVariable, reason: error)
            }
            source = .file(path: file, variable: pathVariable)
        }
        return KalshiCredentials(keyID: keyID, signer: signer, keySource: source)
    }

    /// PEM text stored in one line with literal `\n` sequences (common in `.env` files and CI
    /// secrets) gets its line breaks back; text with real line breaks is left alone.
    static func unescapedPEM(_ text: String) -> String {
        guard !text.contains("\n"), text.contains("\\n") else { return text }
        return text.replacing("\\n", with: "\n")
    }
}

/// Yes/no environment variables.
enum EnvironmentFlag {
    /// false for nil, empty, `0`/`false`/`no`/`off`; true for `1`/`true`/`yes`/`on` (any case,
    /// surrounding whitespace ignored); nil for anything else.
    static func parse(_ value: String?) -> Bool? {
        guard let value else { return false }
        switch trimmed(value).lowercased() {
        case "", "0", "false", "no", "off": return false
        case "1", "true", "yes", "on": return true
        default: return nil
        }
    }

    static func trimmed(_ s: String) -> String {
        String(s.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}

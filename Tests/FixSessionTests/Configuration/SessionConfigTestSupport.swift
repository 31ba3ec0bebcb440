@testable import FixSession
import Foundation

/// One throw-away 2048-bit key for every configuration test, made once with the `openssl`
/// command line (`TestKeys` from LogonSignerTests.swift) and loaded into a signer.
enum SessionConfigFixture {
    static let signer: LogonSigner = {
        do {
            let keys = try TestKeys.make(.pkcs8)
            defer { keys.remove() }
            return try LogonSigner(contentsOf: keys.privateKeyPath)
        } catch {
            fatalError("could not make a test key with the openssl CLI: \(error)")
        }
    }()

    static let keyID = "0f8fad5b-d9cb-469f-a165-70867728950e"

    static var credentials: KalshiCredentials { KalshiCredentials(keyID: keyID, signer: signer) }

    /// A default configuration: TLS, Kalshi production, heartbeat 30 s, no flags.
    static func configuration(_ product: KalshiProduct = .prediction, _ type: KalshiSessionType = .kalshiNR,
                              destination: SessionConfiguration.Destination = .kalshi(.production)) -> SessionConfiguration {
        SessionConfiguration(product: product, sessionType: type, destination: destination, credentials: credentials)
    }

    /// Body fields as `tag=value|tag=value`, for exact comparisons with readable failures.
    static func wire(_ fields: [KalshiLogonField]) -> String {
        fields.map(\.description).joined(separator: "|")
    }
}

extension SessionConfiguration {
    /// Validation with an empty environment, so the machine's variables cannot change a result.
    func errorsWithoutEnvironment() -> [SessionConfigurationError] {
        validationErrors(environment: [:])
    }
}

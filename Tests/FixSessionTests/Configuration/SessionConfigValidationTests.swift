import FixTransport
@testable import FixSession
import Testing

/// `SessionConfiguration.validate()`: each rule, and that valid configurations pass.
@Suite("Session configuration: validation")
struct SessionConfigValidationTests {
    typealias Fixture = SessionConfigFixture

    static var availableSessions: [(KalshiProduct, KalshiSessionType)] {
        KalshiProduct.allCases.flatMap { p in p.sessionTypes.map { (p, $0) } }
    }

    @Test("default configurations of every session type on every gateway and environment are valid")
    func defaultsAreValid() {
        for (product, type) in Self.availableSessions {
            for environment in KalshiEnvironment.allCases {
                let errors = Fixture.configuration(product, type, destination: .kalshi(environment)).errorsWithoutEnvironment()
                #expect(errors.isEmpty, "\(product) \(type) \(environment): \(errors)")
            }
        }
        // And `validate()` itself (throwing form) on a fully loaded order-entry configuration.
        var config = Fixture.configuration(.prediction, .kalshiRT)
        config.heartbeatInterval = 4
        config.logonOptions = KalshiLogonOptions(cancelOrdersOnDisconnect: true, receiveSettlementReports: true,
                                                 messageRetentionHours: 72, priceUnit: .dollars, enableIocCancelReport: true,
                                                 preserveOriginalOrderQty: true, skipPendingExecReports: true,
                                                 useExpiredOrdStatus: true, alwaysEmitNewBeforeTrade: true, splitCollateralReturn: true)
        let result = Result { () throws(SessionConfigurationError) in try config.validate(environment: [:]) }
        let passed = (try? result.get()) != nil
        #expect(passed, "all prediction RT flags together: \(result)")
    }

    @Test("a margin PT/RFQ session does not exist")
    func sessionTypeNotAvailable() {
        for type in [KalshiSessionType.kalshiPT, .kalshiRFQ] {
            let errors = Fixture.configuration(.margin, type).errorsWithoutEnvironment()
            #expect(errors == [.sessionTypeNotAvailable(type, product: .margin)], "\(type): \(errors)")
        }
    }

    @Test("heartbeat must be > 3 s on prediction and >= 3 s on margin (decision Q26)", arguments: [
        (KalshiProduct.prediction, 3, false), (.prediction, 4, true), (.prediction, 0, false), (.prediction, -5, false),
        (.margin, 2, false), (.margin, 3, true), (.margin, 30, true),
    ])
    func heartbeat(product: KalshiProduct, seconds: Int, valid: Bool) {
        var config = Fixture.configuration(product)
        config.heartbeatInterval = seconds
        let expected: [SessionConfigurationError] = valid ? [] : [.heartbeatIntervalTooShort(seconds: seconds, minimum: product.minimumHeartbeatInterval, product: product)]
        #expect(config.errorsWithoutEnvironment() == expected, "\(product) heartbeat \(seconds) s")
    }

    @Test("port must be 1...65535", arguments: [(0, false), (-1, false), (65536, false), (1, true), (65535, true), (8228, true)])
    func port(port: Int, valid: Bool) {
        let config = Fixture.configuration(destination: .endpoint(SessionEndpoint(host: "127.0.0.1", port: port)))
        #expect(config.errorsWithoutEnvironment() == (valid ? [] : [.portOutOfRange(port)]), "port \(port)")
    }

    @Test("an empty host is refused")
    func emptyHost() {
        let config = Fixture.configuration(destination: .endpoint(SessionEndpoint(host: "", port: 8228)))
        #expect(config.errorsWithoutEnvironment() == [.emptyHost])
    }

    @Test("an unknown non-loopback host needs allowUnknownHost or KALSHI_FIX_ALLOW_UNKNOWN_HOST=1")
    func unknownHost() {
        var config = Fixture.configuration(destination: .endpoint(SessionEndpoint(host: "fix.example.com", port: 8228)))
        #expect(config.errorsWithoutEnvironment() == [.unknownHost("fix.example.com")])
        #expect(config.validationErrors(environment: ["KALSHI_FIX_ALLOW_UNKNOWN_HOST": "0"]) == [.unknownHost("fix.example.com")])
        #expect(config.validationErrors(environment: ["KALSHI_FIX_ALLOW_UNKNOWN_HOST": "1"]).isEmpty, "env opt-in")
        #expect(config.validationErrors(environment: ["KALSHI_FIX_ALLOW_UNKNOWN_HOST": "maybe"])
                == [.invalidEnvironmentVariable("KALSHI_FIX_ALLOW_UNKNOWN_HOST", value: "maybe", expected: "1 or 0 (true/false, yes/no, on/off)")])
        config.allowUnknownHost = true
        #expect(config.errorsWithoutEnvironment().isEmpty, "flag opt-in")
        // Known hosts (also older ones) and loopback need no opt-in.
        for host in ["fix.elections.kalshi.com", "MM.fix.elections.kalshi.com", "localhost", "127.0.0.1", "::1"] {
            let c = Fixture.configuration(destination: .endpoint(SessionEndpoint(host: host, port: 8228)))
            #expect(c.errorsWithoutEnvironment().isEmpty, "\(host) needs no opt-in")
        }
    }

    @Test("plaintext only to loopback")
    func plaintext() {
        var config = Fixture.configuration(.prediction, .kalshiNR)
        config.security = .plaintext
        #expect(config.errorsWithoutEnvironment() == [.plaintextToNonLoopbackHost("mm.fix.elections.kalshi.com")])
        config.destination = .endpoint(SessionEndpoint(host: "10.1.2.3", port: 8228))
        config.allowUnknownHost = true
        #expect(config.errorsWithoutEnvironment() == [.plaintextToNonLoopbackHost("10.1.2.3")], "allowUnknownHost does not allow plaintext")
        for host in ["127.0.0.1", "localhost", "::1"] {
            config.destination = .endpoint(SessionEndpoint(host: host, port: 9876))
            #expect(config.errorsWithoutEnvironment().isEmpty, "plaintext to \(host)")
        }
    }

    @Test("a listener needs SkipPendingExecReports=Y and refuses CancelOrdersOnDisconnect=Y",
          arguments: [KalshiProduct.prediction, .margin], [KalshiSessionType.kalshiNR, .kalshiRT])
    func listener(product: KalshiProduct, type: KalshiSessionType) {
        var config = Fixture.configuration(product, type)
        config.logonOptions = .listener
        #expect(config.isListener)
        #expect(config.errorsWithoutEnvironment().isEmpty, "documented listener Logon is valid")
        config.logonOptions.skipPendingExecReports = nil
        #expect(config.errorsWithoutEnvironment() == [.listenerWithoutSkipPendingExecReports])
        config.logonOptions.skipPendingExecReports = false
        #expect(config.errorsWithoutEnvironment() == [.listenerWithoutSkipPendingExecReports])
        config.logonOptions = .listener
        config.logonOptions.cancelOrdersOnDisconnect = true
        #expect(config.errorsWithoutEnvironment() == [.cancelOrdersOnDisconnectOnListener])
        config.logonOptions.cancelOrdersOnDisconnect = false
        #expect(config.errorsWithoutEnvironment().isEmpty, "8013=N is allowed on a listener")
        // Not a listener: 8013=Y without 21011 is fine.
        config.logonOptions = KalshiLogonOptions(cancelOrdersOnDisconnect: true, listenerSession: false)
        #expect(config.errorsWithoutEnvironment().isEmpty)
    }

    /// Sets exactly `flag` to a value that is valid wherever the flag is allowed.
    static func options(with flag: KalshiLogonFlag) -> KalshiLogonOptions {
        var o = KalshiLogonOptions()
        switch flag {
        case .cancelOrdersOnDisconnect: o.cancelOrdersOnDisconnect = true
        case .listenerSession: o.listenerSession = false  // `true` would also need 21011
        case .receiveSettlementReports: o.receiveSettlementReports = true
        case .messageRetentionPeriod: o.messageRetentionHours = 48
        case .useDollars: o.priceUnit = .dollars
        case .enableIocCancelReport: o.enableIocCancelReport = true
        case .preserveOriginalOrderQty: o.preserveOriginalOrderQty = true
        case .skipPendingExecReports: o.skipPendingExecReports = true
        case .useExpiredOrdStatus: o.useExpiredOrdStatus = true
        case .alwaysEmitNewBeforeTrade: o.alwaysEmitNewBeforeTrade = false
        case .splitCollateralReturn: o.splitCollateralReturn = true
        }
        #expect(o.setFlags == [flag])
        return o
    }

    @Test("a Logon flag on a session or gateway that does not take it is refused", arguments: KalshiLogonFlag.allCases)
    func flagNotAllowed(_ flag: KalshiLogonFlag) {
        for (product, type) in Self.availableSessions {
            var config = Fixture.configuration(product, type)
            config.logonOptions = Self.options(with: flag)
            let allowed = SessionConfigSessionTypeTests.scope[flag]![product]!.contains(type)
            let expected: [SessionConfigurationError] = allowed ? [] : [.logonFlagNotAllowed(flag, sessionType: type, product: product)]
            #expect(config.errorsWithoutEnvironment() == expected, "\(flag) on \(product) \(type)")
        }
    }

    @Test("cent prices on margin are refused; dollars are accepted there")
    func marginPrices() {
        var config = Fixture.configuration(.margin, .kalshiNR)
        config.logonOptions.priceUnit = .cents
        #expect(config.errorsWithoutEnvironment() == [.centPricesOnMargin])
        config.logonOptions.priceUnit = .dollars
        #expect(config.errorsWithoutEnvironment().isEmpty)
        config.product = .prediction
        config.logonOptions.priceUnit = .cents
        #expect(config.errorsWithoutEnvironment().isEmpty, "cents are the prediction default")
    }

    @Test("MessageRetentionPeriod must be 1...72 hours", arguments: [(0, false), (-1, false), (73, false), (1, true), (24, true), (72, true)])
    func retention(hours: Int, valid: Bool) {
        var config = Fixture.configuration(.prediction, .kalshiRT)
        config.logonOptions.messageRetentionHours = hours
        #expect(config.errorsWithoutEnvironment() == (valid ? [] : [.messageRetentionOutOfRange(hours: hours)]), "\(hours) h")
    }

    @Test("the API key id must be present and printable ASCII without spaces")
    func keyID() {
        func config(_ id: String) -> SessionConfiguration {
            var c = Fixture.configuration()
            c.credentials = KalshiCredentials(keyID: id, signer: Fixture.signer)
            return c
        }
        #expect(config("").errorsWithoutEnvironment() == [.missingKeyID])
        #expect(config("abc def").errorsWithoutEnvironment() == [.invalidKeyID(reason: "it contains the character U+20; only printable ASCII without spaces is allowed")])
        #expect(config("abc\u{1}def").errorsWithoutEnvironment().first.map { "\($0)".contains("U+1") } == true, "SOH named")
        #expect(config("clé").errorsWithoutEnvironment().count == 1, "non-ASCII refused")
        #expect(config(Fixture.keyID).errorsWithoutEnvironment().isEmpty)
    }

    @Test("logon timeout and reconnect policy must be usable")
    func timeouts() {
        var config = Fixture.configuration()
        for bad in [0, -1, Double.nan, .infinity] {
            config.logonTimeout = bad
            let errors = config.errorsWithoutEnvironment()
            #expect(errors.count == 1 && "\(errors[0])".hasPrefix("logon timeout"), "timeout \(bad): \(errors)")
        }
        config.logonTimeout = 0.5
        #expect(config.errorsWithoutEnvironment().isEmpty)
        for bad in [ReconnectPolicy(initialDelay: 0), ReconnectPolicy(initialDelay: 2, maximumDelay: 1),
                    ReconnectPolicy(jitter: 1.5), ReconnectPolicy(jitter: -0.1), ReconnectPolicy(maximumAttempts: 0),
                    ReconnectPolicy(initialDelay: .nan)] {
            config.reconnect = bad
            let errors = config.errorsWithoutEnvironment()
            guard errors.count == 1, case .invalidReconnectPolicy = errors[0] else {
                Issue.record("\(bad) should be one invalidReconnectPolicy error, got \(errors)")
                continue
            }
        }
    }

    @Test("validationErrors lists every problem; validate throws the first")
    func severalProblems() {
        var config = Fixture.configuration(.prediction, .kalshiDC, destination: .endpoint(SessionEndpoint(host: "evil.example", port: 0)))
        config.heartbeatInterval = 1
        config.security = .plaintext
        config.logonOptions.splitCollateralReturn = true
        let errors = config.errorsWithoutEnvironment()
        #expect(errors == [.heartbeatIntervalTooShort(seconds: 1, minimum: 4, product: .prediction), .portOutOfRange(0),
                           .plaintextToNonLoopbackHost("evil.example"), .unknownHost("evil.example"),
                           .logonFlagNotAllowed(.splitCollateralReturn, sessionType: .kalshiDC, product: .prediction)])
        do {
            try config.validate(environment: [:])
            Issue.record("validate() passed an invalid configuration")
        } catch {
            #expect(error == errors[0])
        }
    }

    @Test("every error message is one line that says what to do")
    func messages() {
        let all: [SessionConfigurationError] = [
            .sessionTypeNotAvailable(.kalshiPT, product: .margin), .heartbeatIntervalTooShort(seconds: 3, minimum: 4, product: .prediction),
            .portOutOfRange(0), .emptyHost, .unknownHost("x.example"), .plaintextToNonLoopbackHost("x.example"),
            .logonFlagNotAllowed(.splitCollateralReturn, sessionType: .kalshiNR, product: .margin), .centPricesOnMargin,
            .listenerWithoutSkipPendingExecReports, .cancelOrdersOnDisconnectOnListener, .messageRetentionOutOfRange(hours: 73),
            .missingKeyID, .invalidKeyID(reason: "r"), .invalidLogonTimeout(seconds: 0), .invalidReconnectPolicy(reason: "r"),
            .missingEnvironmentVariable("KALSHI_KEY_ID", hint: "h"), .conflictingEnvironmentVariables("A", "B"),
            .invalidEnvironmentVariable("KALSHI_DEMO", value: "x", expected: "1 or 0"),
            .privateKeyNotLoadable(keyVariable: "K", passphraseVariable: "P", reason: .wrongOrMissingPassphrase),
            .privateKeyNotLoadable(keyVariable: "K", passphraseVariable: "P", reason: .notRSA),
        ]
        for error in all {
            let text = error.description
            #expect(!text.isEmpty && !text.contains("\n"), "one line: \(text)")
            #expect(text.contains(";") || text.contains(":"), "says what is wrong and how to fix it: \(text)")
        }
        #expect(SessionConfigurationError.sessionTypeNotAvailable(.kalshiPT, product: .margin).description
                == "KalshiPT does not exist on the margin gateway; use one of KalshiNR, KalshiDC, KalshiRT, KalshiMD")
        #expect(SessionConfigurationError.logonFlagNotAllowed(.splitCollateralReturn, sessionType: .kalshiNR, product: .margin).description
                == "SplitCollateralReturn (21027) is not accepted on a margin KalshiNR session (it applies to prediction KalshiNR/KalshiRT); remove it from logonOptions")
        #expect(SessionConfigurationError.privateKeyNotLoadable(keyVariable: "K", passphraseVariable: "KALSHI_PERPS_PRIVATE_KEY_PASSPHRASE", reason: .wrongOrMissingPassphrase)
                .description.hasSuffix("set KALSHI_PERPS_PRIVATE_KEY_PASSPHRASE"), "names the right passphrase variable")
    }

    @Test("description summarises the configuration without secrets")
    func description() {
        var config = Fixture.configuration(.prediction, .kalshiRT)
        config.logonOptions = .listener
        #expect(config.description == "SessionConfiguration(prediction KalshiRT listener, Kalshi production, mm.fix.elections.kalshi.com:8230, TLS TLSv1.2+, SenderCompID \(Fixture.keyID), key: caller-supplied signer, heartbeat 30 s, logon flags 20126=Y 21011=Y)")
        #expect(config.targetCompID == "KalshiRT" && config.senderCompID == Fixture.keyID)
    }
}

import FixTransport

extension SessionConfiguration {
    /// Setting this environment variable to `1` (or `true`/`yes`/`on`) has the effect of
    /// ``allowUnknownHost``, for deployments that point a session at a proxy by configuration.
    public static let allowUnknownHostVariable = "KALSHI_FIX_ALLOW_UNKNOWN_HOST"

    /// Checks the configuration against Kalshi's rules; throws the first problem found.
    ///
    /// Checks, in order: the session type exists on the gateway; the API key id is present and
    /// fits in a FIX field; HeartBtInt is at least the gateway's minimum (4 s prediction, 3 s
    /// margin); the port is 1...65535; the host is loopback or a known Kalshi host (unless
    /// allowed); plaintext only to loopback; every Logon flag is accepted by this session type
    /// and gateway; listener rules (21011=Y required, 8013=Y refused); retention 1...72 h;
    /// logon timeout and reconnect policy are usable. No DNS lookup, no I/O.
    ///
    /// - Parameter environment: consulted only for `KALSHI_FIX_ALLOW_UNKNOWN_HOST`; defaults to
    ///   the process environment.
    /// - Throws: ``SessionConfigurationError``; ``validationErrors(environment:)`` lists them all.
    public func validate(environment: [String: String] = SessionConfiguration.processEnvironment()) throws(SessionConfigurationError) {
        if let first = validationErrors(environment: environment).first { throw first }
    }

    /// Every problem ``validate(environment:)`` would report, in its order; empty when valid.
    public func validationErrors(environment: [String: String] = SessionConfiguration.processEnvironment()) -> [SessionConfigurationError] {
        var errors: [SessionConfigurationError] = []
        let typeExists = sessionType.isAvailable(on: product)
        if !typeExists { errors.append(.sessionTypeNotAvailable(sessionType, product: product)) }

        if senderCompID.isEmpty {
            errors.append(.missingKeyID)
        } else if let bad = senderCompID.unicodeScalars.first(where: { !(0x21...0x7E).contains($0.value) }) {
            // SOH or any control character would corrupt the framing; spaces and non-ASCII
            // are never part of a key id and usually mean a copy/paste accident.
            errors.append(.invalidKeyID(reason: "it contains the character U+\(String(bad.value, radix: 16, uppercase: true)); only printable ASCII without spaces is allowed"))
        }

        let minimum = product.minimumHeartbeatInterval
        if heartbeatInterval < minimum {
            errors.append(.heartbeatIntervalTooShort(seconds: heartbeatInterval, minimum: minimum, product: product))
        }

        errors += endpointErrors(environment: environment, typeExists: typeExists)
        if typeExists { errors += logonOptionErrors() }

        if !(logonTimeout > 0) || !logonTimeout.isFinite {
            errors.append(.invalidLogonTimeout(seconds: logonTimeout))
        }
        if let problem = reconnect.problem {
            errors.append(.invalidReconnectPolicy(reason: problem))
        }
        return errors
    }

    private func endpointErrors(environment: [String: String], typeExists: Bool) -> [SessionConfigurationError] {
        let endpoint: SessionEndpoint
        switch destination {
        case .kalshi(let env):
            // Unknown session type: already reported; a Kalshi host is known and remote anyway.
            guard typeExists else { return [] }
            endpoint = SessionEndpoint(host: env.host(for: product, role: sessionType.hostRole), port: sessionType.port)
        case .endpoint(let explicit):
            endpoint = explicit
        }
        var errors: [SessionConfigurationError] = []
        if !(1...65535).contains(endpoint.port) { errors.append(.portOutOfRange(endpoint.port)) }
        let host = endpoint.host
        guard !host.isEmpty else { return errors + [.emptyHost] }
        if HostName.isLoopback(host) { return errors }

        if case .plaintext = security { errors.append(.plaintextToNonLoopbackHost(host)) }
        if !KalshiHosts.isKnown(host) && !allowUnknownHost {
            switch EnvironmentFlag.parse(environment[Self.allowUnknownHostVariable]) {
            case .some(true): break
            case .some(false): errors.append(.unknownHost(host))
            case .none:
                errors.append(.invalidEnvironmentVariable(Self.allowUnknownHostVariable,
                                                          value: environment[Self.allowUnknownHostVariable] ?? "",
                                                          expected: "1 or 0 (true/false, yes/no, on/off)"))
            }
        }
        return errors
    }

    private func logonOptionErrors() -> [SessionConfigurationError] {
        var errors: [SessionConfigurationError] = []
        let options = logonOptions
        for flag in options.setFlags where !flag.isAllowed(on: sessionType, product: product) {
            errors.append(.logonFlagNotAllowed(flag, sessionType: sessionType, product: product))
        }
        if product.alwaysUsesDollarPrices && options.priceUnit == .cents {
            errors.append(.centPricesOnMargin)
        }
        // Listener rules (FACTS §10); only meaningful where listener mode exists at all.
        if options.isListener && sessionType.supportsListenerMode {
            if options.skipPendingExecReports != true { errors.append(.listenerWithoutSkipPendingExecReports) }
            // Decision (Q27): refused locally. The docs say 8013 must be N/absent on a listener
            // but not how the gateway rejects it; failing here gives a clear message instead.
            if options.cancelOrdersOnDisconnect == true { errors.append(.cancelOrdersOnDisconnectOnListener) }
        }
        if let hours = options.messageRetentionHours, !(1...72).contains(hours) {
            errors.append(.messageRetentionOutOfRange(hours: hours))
        }
        return errors
    }
}

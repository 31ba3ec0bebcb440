@testable import FixSession
import Testing

/// Host resolution per product, environment and session type (FACTS §2.1–2.3, decisions Q1/Q30).
@Suite("Session configuration: endpoints")
struct SessionConfigEndpointTests {
    static let hosts: [(KalshiProduct, KalshiEnvironment, KalshiHostRole, String)] = [
        (.prediction, .production, .orderEntry, "mm.fix.elections.kalshi.com"),
        (.prediction, .production, .marketData, "marketdata.fix.elections.kalshi.com"),
        (.prediction, .demo, .orderEntry, "fix.demo.kalshi.co"),
        (.prediction, .demo, .marketData, "marketdata.fix.demo.kalshi.co"),
        (.margin, .production, .orderEntry, "margin-mm.fix.elections.kalshi.com"),
        (.margin, .production, .marketData, "margin-marketdata.fix.elections.kalshi.com"),
        (.margin, .demo, .orderEntry, "margin-fix.demo.kalshi.co"),
        (.margin, .demo, .marketData, "margin-marketdata.fix.demo.kalshi.co"),
    ]

    @Test("hosts per product, environment and role are FACTS §2.1/§2.2 (newest docs)")
    func hostTable() {
        for (product, environment, role, host) in Self.hosts {
            #expect(environment.host(for: product, role: role) == host, "\(product) \(environment) \(role)")
        }
    }

    @Test("every session type resolves to its host and port; MD alone goes to the market-data host")
    func endpoints() throws {
        for product in KalshiProduct.allCases {
            for environment in KalshiEnvironment.allCases {
                for type in KalshiSessionType.allCases {
                    let result = Result { () throws(SessionConfigurationError) in try environment.endpoint(product: product, sessionType: type) }
                    let expected: Result<SessionEndpoint, SessionConfigurationError>
                    if type.isAvailable(on: product) {
                        let role: KalshiHostRole = type == .kalshiMD ? .marketData : .orderEntry
                        let host = Self.hosts.first { $0.0 == product && $0.1 == environment && $0.2 == role }!.3
                        expected = .success(SessionEndpoint(host: host, port: type.port))
                    } else {
                        expected = .failure(.sessionTypeNotAvailable(type, product: product))
                    }
                    #expect(result == expected, "\(product) \(environment) \(type)")
                }
            }
        }
        let rfq = try KalshiEnvironment.demo.endpoint(product: .prediction, sessionType: .kalshiRFQ)
        #expect("\(rfq)" == "fix.demo.kalshi.co:8232")
        #expect("\(SessionEndpoint(host: "::1", port: 9000))" == "[::1]:9000")
    }

    @Test("known hosts include every table host and the older/SDK hosts, case-insensitively")
    func knownHosts() {
        for (_, _, _, host) in Self.hosts { #expect(KalshiHosts.isKnown(host), "\(host)") }
        #expect(KalshiHosts.isKnown("fix.elections.kalshi.com"), "older single prediction host (Q1/Q30)")
        #expect(KalshiHosts.isKnown("margin-fix-api.fix.elections.kalshi.com"), "SDK margin host (Q1)")
        #expect(KalshiHosts.isKnown("MM.FIX.Elections.Kalshi.com."), "case and trailing dot ignored")
        #expect(KalshiHosts.known.count == 10)
        #expect(!KalshiHosts.isKnown("mm.fix.elections.kalshi.com.evil.example"))
        #expect(!KalshiHosts.isKnown("kalshi.com"))
    }

    @Test("loopback is localhost, 127/8, ::1 and ::ffff:127.x; nothing else")
    func loopback() {
        for host in ["localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "::1", "[::1]", "::ffff:127.0.0.1"] {
            #expect(HostName.isLoopback(host), "\(host) is loopback")
        }
        for host in ["", "128.0.0.1", "10.0.0.1", "::2", "::ffff:10.0.0.1", "foo.localhost", "localhost.example.com", "0.0.0.0"] {
            #expect(!HostName.isLoopback(host), "\(host) is not loopback")
        }
    }

    @Test("reconnect backoff doubles from the initial delay, caps at the maximum, jitters and stops")
    func reconnectPolicy() {
        let plain = ReconnectPolicy(initialDelay: 0.5, maximumDelay: 30, jitter: 0)
        #expect((0..<9).map { plain.delay(attempt: $0, random: 0.7)! } == [0.5, 1, 2, 4, 8, 16, 30, 30, 30])
        #expect(plain.delay(attempt: 10_000, random: 0) == 30, "no overflow on huge attempt numbers")
        let full = ReconnectPolicy()  // SDK defaults: 0.5 s, 30 s, full jitter
        #expect(full.delay(attempt: 3, random: 0) == 4 && full.delay(attempt: 3, random: 1) == 0 && full.delay(attempt: 3, random: 0.25) == 3)
        let half = ReconnectPolicy(initialDelay: 1, maximumDelay: 8, jitter: 0.5, maximumAttempts: 2)
        #expect(half.delay(attempt: 1, random: 1) == 1)
        #expect(half.delay(attempt: 2, random: 0) == nil, "maximumAttempts reached")
        #expect(ReconnectPolicy().problem == nil)
    }
}

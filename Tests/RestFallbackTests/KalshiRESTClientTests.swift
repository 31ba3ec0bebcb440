import FixCodec
import FixSession
import Foundation
import RestFallback
import Synchronization
import Testing

/// Runs `body` against a fresh local server, closing it afterwards.
func withServer(_ respond: @escaping LocalKalshiServer.Responder,
                _ body: (LocalKalshiServer) async throws -> Void) async throws {
    let server = try await LocalKalshiServer.start(respond)
    do {
        try await body(server)
    } catch {
        try? await server.close()
        throw error
    }
    try await server.close()
}

/// Fast retries so tests take milliseconds unless they test a server-asked wait.
func client(_ server: LocalKalshiServer, credentials: KalshiCredentials? = nil, attempts: Int = 4,
            requestTimeout: Duration = .seconds(5)) -> KalshiRESTClient {
    KalshiRESTClient(configuration: .init(
        environment: .init(baseURL: server.baseURL), credentials: credentials, requestTimeout: requestTimeout,
        totalTimeout: .seconds(20),
        retry: .init(maxAttempts: attempts, baseDelay: .milliseconds(1), maxDelay: .milliseconds(4), maxRetryAfter: .seconds(5))))
}

@Suite("Kalshi REST client against a local server")
struct KalshiRESTClientTests {
    // MARK: Signing

    @Test("signed requests verify with the public key over timestamp + METHOD + path without the query")
    func signatureVerifiesLikeKalshi() async throws {
        let pair = try KalshiAPIKeyPair.generate()
        let verifier = try LogonSignatureVerifier(publicKeyPEM: Array(pair.publicKeyPEM.utf8))
        let keyID = "a952bcbe-ec3b-4b5b-b8f9-11dae589608c"
        let verdicts = Mutex<[String]>([])
        try await withServer({ request in
            // What Kalshi does: rebuild the message from the headers and the request line.
            let ts = request.headers.first(name: "KALSHI-ACCESS-TIMESTAMP") ?? ""
            let signature = request.headers.first(name: "KALSHI-ACCESS-SIGNATURE") ?? ""
            let message = Array("\(ts)\(request.method)\(request.path)".utf8)
            let fresh = Int64(ts).map { abs($0 - Int64(Date().timeIntervalSince1970 * 1000)) < 30_000 } ?? false
            let ok = verifier.isValid(base64Signature: signature, for: message) && fresh
                && request.headers.first(name: "KALSHI-ACCESS-KEY") == keyID
            // The query must not be part of it.
            let withQuery = verifier.isValid(base64Signature: signature, for: Array("\(ts)\(request.method)\(request.uri)".utf8))
            verdicts.withLock { $0.append("\(request.path) \(ok) \(withQuery)") }
            if !ok { return .json(#"{"error": {"code": "unauthorized", "message": "bad signature"}}"#, status: 401) }
            if request.path.hasSuffix("/orderbook") { return .json(Fixtures.orderbook) }
            return .json(Fixtures.marketsPage(["KXHIGHNY-24JAN01-T60"], cursor: ""))
        }) { server in
            let credentials = KalshiCredentials(keyID: keyID, signer: try pair.signer())
            let kalshi = client(server, credentials: credentials)
            let page = try await kalshi.marketsPage(.init(limit: 5, status: .open), cursor: "abc+/=")
            #expect(page.items.map(\.ticker) == ["KXHIGHNY-24JAN01-T60"])
            let book = try await kalshi.orderbook(ticker: "KXHIGHNY-24JAN01-T60", depth: 10)
            #expect(book.yes.count == 2)
            #expect(server.requests[0].query == ["limit": "5", "status": "open", "cursor": "abc+/="])
            #expect(server.requests[1].uri == "/trade-api/v2/markets/KXHIGHNY-24JAN01-T60/orderbook?depth=10")
        }
        #expect(verdicts.withLock { $0 } == [
            "/trade-api/v2/markets true false",
            "/trade-api/v2/markets/KXHIGHNY-24JAN01-T60/orderbook true false",
        ])
    }

    @Test("the signed bytes are exactly timestamp + METHOD + path, query cut off")
    func signedMessageBytes() {
        #expect(KalshiRequestSigner.message(timestampMilliseconds: 1703123456789, method: "get", path: "/trade-api/v2/portfolio/orders?status=resting")
            == Array("1703123456789GET/trade-api/v2/portfolio/orders".utf8))
    }

    @Test("without credentials nothing is signed (public reference data)")
    func unauthenticated() async throws {
        try await withServer({ _ in .json(Fixtures.exchangeStatus) }) { server in
            let status = try await client(server).exchangeStatus()
            #expect(status == KalshiExchangeStatus(exchangeActive: true, tradingActive: false, estimatedResumeTime: nil))
            let headers = server.requests[0].headers
            #expect(!headers.contains(name: "KALSHI-ACCESS-KEY") && !headers.contains(name: "KALSHI-ACCESS-SIGNATURE")
                && !headers.contains(name: "KALSHI-ACCESS-TIMESTAMP"))
            #expect(server.requests[0].method == "GET" && server.requests[0].path == "/trade-api/v2/exchange/status")
        }
    }

    // MARK: Pagination

    @Test("markets across 3 pages: cursors followed, filters kept on every page, order preserved")
    func threePages() async throws {
        try await withServer({ request in
            switch request.query["cursor"] {
            case nil: .json(Fixtures.marketsPage(["M-1", "M-2"], cursor: "c1"))
            case "c1": .json(Fixtures.marketsPage(["M-3", "M-4"], cursor: "c2"))
            case "c2": .json(Fixtures.marketsPage(["M-5"], cursor: ""))
            default: .json(Fixtures.notFound, status: 404)
            }
        }) { server in
            let query = KalshiMarketsQuery(limit: 2, seriesTicker: "KXHIGHNY", status: .open,
                                           minClose: Date(timeIntervalSince1970: 1_704_067_200.9))
            var tickers: [String] = []
            for try await market in client(server).markets(query) { tickers.append(market.ticker) }
            #expect(tickers == ["M-1", "M-2", "M-3", "M-4", "M-5"])
            #expect(server.requests.map { $0.query["cursor"] } == [nil, "c1", "c2"])
            for request in server.requests {
                #expect(request.query["limit"] == "2" && request.query["series_ticker"] == "KXHIGHNY"
                    && request.query["status"] == "open" && request.query["min_close_ts"] == "1704067200")
            }
        }
    }

    @Test("a repeated cursor ends the walk with cursorLoop after delivering the pages before it")
    func cursorLoop() async throws {
        try await withServer({ request in
            switch request.query["cursor"] {
            case nil: .json(Fixtures.marketsPage(["M-1"], cursor: "A"))
            case "A": .json(Fixtures.marketsPage(["M-2"], cursor: "B"))
            default: .json(Fixtures.marketsPage(["M-3"], cursor: "A"))  // back to A: a loop
            }
        }) { server in
            var pages: [[String]] = []
            var caught: KalshiRESTError?
            do throws(KalshiRESTError) {
                for try await page in client(server).marketPages() { pages.append(page.items.map(\.ticker)) }
            } catch {
                caught = error
            }
            #expect(pages == [["M-1"], ["M-2"]])
            guard case .cursorLoop(let cursor, let count) = caught else {
                Issue.record("expected cursorLoop, got \(String(describing: caught))")
                return
            }
            #expect(cursor == "A" && count == 3)
            #expect(server.requests.count == 3)
        }
    }

    // MARK: Retries and errors

    @Test("429 with Retry-After: 1 waits about a second, then succeeds")
    func retryAfter429() async throws {
        let calls = Mutex(0)
        try await withServer({ _ in
            calls.withLock { $0 += 1; return $0 } == 1
                ? .json(#"{"error": {"code": "too_many_requests", "message": "slow down"}}"#, status: 429, headers: [("Retry-After", "1")])
                : .json(Fixtures.exchangeStatus)
        }) { server in
            let start = ContinuousClock.now
            let status = try await client(server).exchangeStatus()
            let elapsed = ContinuousClock.now - start
            #expect(status.exchangeActive)
            #expect(server.requests.count == 2)
            #expect(elapsed >= .milliseconds(950), "backoff alone is ≤ 4 ms here; the wait must come from Retry-After")
        }
    }

    @Test("Retry-After beyond maxRetryAfter fails at once with the 429")
    func retryAfterTooLong() async throws {
        try await withServer({ _ in .json("{}", status: 429, headers: [("Retry-After", "120")]) }) { server in
            await #expect { try await client(server).exchangeStatus() } throws: { error in
                (error as? KalshiRESTError)?.status == 429
            }
            #expect(server.requests.count == 1)
        }
    }

    @Test("5xx on every attempt: retries exhausted, typed error carries the status and the attempt count")
    func serverErrorsExhausted() async throws {
        try await withServer({ _ in .json("upstream exploded", status: 503) }) { server in
            do throws(KalshiRESTError) {
                _ = try await client(server, attempts: 3).market(ticker: "M-1")
                Issue.record("expected an error")
            } catch {
                guard case .http(let api, let attempts) = error else { Issue.record("got \(error)"); return }
                #expect(api.status == 503 && attempts == 3)
                #expect(api.code == nil && api.body == "upstream exploded")
            }
            #expect(server.requests.count == 3)
        }
    }

    @Test("Kalshi's error body becomes code/message; 4xx is not retried", arguments: [
        (404, Fixtures.notFound, "not_found", "market not found", nil as String?),
        (400, Fixtures.badRequest, "invalid_parameters", "limit must be <= 1000", "limit=5000" as String?),
    ])
    func errorBody(status: Int, body: String, code: String, message: String, details: String?) async throws {
        try await withServer({ _ in .json(body, status: status) }) { server in
            do throws(KalshiRESTError) {
                _ = try await client(server).market(ticker: "NOPE")
                Issue.record("expected an error")
            } catch {
                guard case .http(let api, let attempts) = error else { Issue.record("got \(error)"); return }
                #expect(api.status == status && api.code == code && api.message == message && api.details == details)
                #expect(attempts == 1)
                #expect(error.status == status)
            }
            #expect(server.requests.count == 1)
        }
    }

    @Test("a silent server hits the per-request timeout on each attempt")
    func perRequestTimeout() async throws {
        try await withServer({ _ in .noAnswer }) { server in
            let start = ContinuousClock.now
            do throws(KalshiRESTError) {
                _ = try await client(server, attempts: 2, requestTimeout: .milliseconds(200)).exchangeStatus()
                Issue.record("expected a timeout")
            } catch {
                guard case .timeout(let attempts) = error else { Issue.record("got \(error)"); return }
                #expect(attempts == 2)
            }
            // Far below the 60 s total timeout: each attempt ended on its own 200 ms timeout. (A loose
            // bound on purpose: a loaded CI machine must not turn this into a timing test.)
            #expect(ContinuousClock.now - start < Duration.seconds(30), "the per-request timeout did not end the attempts")
        }
    }

    // MARK: Typed reference data

    @Test("money and counts are exact: 0.0001 dollars, 123.45 contracts, and a JSON number beyond Double")
    func decimalExactness() async throws {
        let body = #"{"market": \#(Fixtures.market("M-1", yesBid: "\"0.0001\"", volume: "\"123.45\"", extra: #""settlement_value_dollars": 0.123456789012345678"#))}"#
        try await withServer({ _ in .json(body) }) { server in
            let market = try await client(server).market(ticker: "M-1")
            #expect(market.yesBid.mantissa == 1 && market.yesBid.scale == 4 && market.yesBid.description == "0.0001")
            #expect(market.volume.mantissa == 12345 && market.volume.scale == 2 && market.volume.description == "123.45")
            // 18 significant digits: Double would give 0.12345678901234568.
            #expect(market.settlementValue?.description == "0.123456789012345678")
            #expect(market.yesAskSize == FixDecimal(mantissa: 250, scale: 2))
            #expect(market.notionalValue.description == "1.0000")
        }
    }

    @Test("market: times per RFC 3339, nulls, unknown and deprecated fields tolerated, null lists empty")
    func marketDecoding() async throws {
        let body = #"{"market": \#(Fixtures.market("M-1", extra: #""brand_new_field": {"x": [1, 2]}, "mve_selected_legs": null"#).replacingOccurrences(of: #""price_ranges": [{"start": "0.0100", "end": "0.9900", "step": "0.0100"}]"#, with: #""price_ranges": null"#)), "extra_envelope": 1}"#
        try await withServer({ _ in .json(body) }) { server in
            let market = try await client(server).market(ticker: "M-1")
            #expect(market.status == .active && market.marketType == .binary)
            #expect(market.createdTime == Date(timeIntervalSince1970: 1_703_084_400))
            #expect(market.updatedTime.timeIntervalSince1970 == 1_703_151_000.123456)
            #expect(market.latestExpirationTime == Date(timeIntervalSince1970: 1_704_726_000))
            #expect(market.expectedExpirationTime == nil && market.settlementValue == nil)
            #expect(market.settlementTimerSeconds == 1800)
            #expect(market.priceRanges.isEmpty)
        }
    }

    @Test("price ranges decode to exact dollars")
    func priceRanges() async throws {
        try await withServer({ _ in .json(#"{"market": \#(Fixtures.market("M-1"))}"#) }) { server in
            let market = try await client(server).market(ticker: "M-1")
            #expect(market.priceRanges == [KalshiPriceRange(start: FixDecimal(mantissa: 100, scale: 4),
                                                            end: FixDecimal(mantissa: 9900, scale: 4),
                                                            step: FixDecimal(mantissa: 100, scale: 4))])
        }
    }

    @Test("orderbook: [dollars, contracts] levels exact; a null side is empty")
    func orderbook() async throws {
        try await withServer({ _ in .json(Fixtures.orderbook) }) { server in
            let book = try await client(server).orderbook(ticker: "M-1")
            #expect(book.yes == [KalshiPriceLevel(price: FixDecimal(mantissa: 1500, scale: 4), count: FixDecimal(mantissa: 10000, scale: 2)),
                                 KalshiPriceLevel(price: FixDecimal(mantissa: 1600, scale: 4), count: FixDecimal(mantissa: 250, scale: 2))])
            #expect(book.no.isEmpty)
            #expect(server.requests[0].uri == "/trade-api/v2/markets/M-1/orderbook")
        }
    }

    @Test("exchange status with an RFC 3339 resume time")
    func exchangeStatusResumeTime() async throws {
        let body = #"{"exchange_active": false, "trading_active": false, "exchange_estimated_resume_time": "2024-01-01T10:00:00.5-05:00"}"#
        try await withServer({ _ in .json(body) }) { server in
            let status = try await client(server).exchangeStatus()
            #expect(!status.exchangeActive && status.estimatedResumeTime == Date(timeIntervalSince1970: 1_704_121_200.5))
        }
    }

    @Test("a malformed money string is a decoding error naming the key path")
    func decodingErrorPath() async throws {
        let body = #"{"markets": [\#(Fixtures.market("M-1", yesBid: "\"0.5.6\""))], "cursor": ""}"#
        try await withServer({ _ in .json(body) }) { server in
            do throws(KalshiRESTError) {
                _ = try await client(server).marketsPage()
                Issue.record("expected a decoding error")
            } catch {
                guard case .decoding(let path, _) = error else { Issue.record("got \(error)"); return }
                #expect(path == "$.markets.[0].yes_bid_dollars")
            }
        }
    }

    @Test("environments: production from the OpenAPI servers section, demo beside it")
    func environments() {
        #expect(KalshiRESTEnvironment.production.baseURL == "https://api.elections.kalshi.com/trade-api/v2")
        #expect(KalshiRESTEnvironment.demo.baseURL == "https://demo-api.kalshi.co/trade-api/v2")
        #expect(KalshiRESTEnvironment(baseURL: "http://localhost:1/trade-api/v2/").baseURL == "http://localhost:1/trade-api/v2")
    }
}

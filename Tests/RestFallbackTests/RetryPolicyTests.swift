import Foundation
@testable import RestFallback
import Testing

@Suite("Retry policy and Retry-After")
struct RetryPolicyTests {
    @Test("backoff doubles from the base, is capped, and jitters within [d/2, d]")
    func backoffBounds() {
        let policy = KalshiRetryPolicy(maxAttempts: 10, baseDelay: .milliseconds(100), maxDelay: .milliseconds(1000))
        var random = SystemRandomNumberGenerator()
        let expected: [Int64] = [100, 200, 400, 800, 1000, 1000]  // ms, before jitter
        for (index, full) in expected.enumerated() {
            for _ in 0..<200 {
                let wait = policy.backoff(retry: index + 1, using: &random)
                #expect(wait >= .milliseconds(full / 2) && wait <= .milliseconds(full), "retry \(index + 1): \(wait)")
            }
        }
        #expect(policy.backoff(retry: 1_000, using: &random) <= .milliseconds(1000))
    }

    @Test("retryable statuses: 429 and 5xx only")
    func retryableStatuses() {
        #expect(KalshiRetryPolicy.isRetryable(status: 429) && KalshiRetryPolicy.isRetryable(status: 500)
            && KalshiRetryPolicy.isRetryable(status: 503) && KalshiRetryPolicy.isRetryable(status: 599))
        #expect(![400, 401, 403, 404, 409, 499].contains(where: KalshiRetryPolicy.isRetryable(status:)))
    }

    @Test("Retry-After: delta-seconds and HTTP-date; garbage ignored")
    func retryAfterParsing() {
        #expect(KalshiRetryAfter.parse("2") == .seconds(2))
        #expect(KalshiRetryAfter.parse(" 0 ") == .zero)
        #expect(KalshiRetryAfter.parse("-1") == nil && KalshiRetryAfter.parse("soon") == nil)
        #expect(KalshiRetryAfter.parse("Wed, 21 Oct 2015 07:28:00 GMT") == .zero)  // in the past
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let inTen = KalshiRetryAfter.parse(formatter.string(from: Date().addingTimeInterval(10)))
        #expect(inTen.map { $0 > .seconds(8) && $0 <= .seconds(11) } == true, "\(String(describing: inTen))")
    }

    @Test("query values and path segments are percent-encoded (cursors hold + / =)")
    func urlEncoding() {
        #expect(KalshiURL.queryString([("cursor", "ab+/= c"), ("tickers", "A-1,B.2")]) == "?cursor=ab%2B%2F%3D%20c&tickers=A-1%2CB.2")
        #expect(KalshiURL.encode("KXHIGHNY-24JAN01-T60") == "KXHIGHNY-24JAN01-T60")
        #expect(KalshiURL.queryString([]) == "")
    }
}

/// When and how long ``KalshiRESTClient`` waits before trying a request again.
///
/// Only idempotent requests (GET) are retried, and only on 429, 5xx, timeouts and transport
/// failures. The wait before retry *n* (1-based) is "equal jitter" exponential backoff:
/// `d = min(maxDelay, baseDelay × 2^(n-1))`, wait uniformly in `d/2 … d`, so clients that failed
/// together do not come back together, and no wait collapses to zero. A `Retry-After` header
/// (delta-seconds or HTTP-date) raises the wait to at least what the server asked; if it asks for
/// more than ``maxRetryAfter``, or the wait would pass the total timeout, the error is returned at
/// once rather than blocking the caller.
public struct KalshiRetryPolicy: Sendable, Hashable {
    /// Tries in all, the first included; 1 disables retries.
    public var maxAttempts: Int
    /// Backoff before the first retry (before jitter).
    public var baseDelay: Duration
    /// Backoff ceiling (before jitter).
    public var maxDelay: Duration
    /// The longest `Retry-After` the client will sleep through.
    public var maxRetryAfter: Duration

    public init(maxAttempts: Int = 4, baseDelay: Duration = .milliseconds(250), maxDelay: Duration = .seconds(8),
                maxRetryAfter: Duration = .seconds(30)) {
        precondition(maxAttempts >= 1, "maxAttempts counts the first try")
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// Four tries, 250 ms doubling to 8 s, Retry-After up to 30 s.
    public static let `default` = KalshiRetryPolicy()
    /// One try.
    public static let none = KalshiRetryPolicy(maxAttempts: 1)

    /// True for statuses worth another try: 429 Too Many Requests and every 5xx.
    public static func isRetryable(status: Int) -> Bool { status == 429 || (500...599).contains(status) }

    /// The jittered backoff before retry `retry` (1 = the first retry).
    func backoff<R: RandomNumberGenerator>(retry: Int, using random: inout R) -> Duration {
        let base = Self.nanoseconds(baseDelay), cap = Self.nanoseconds(maxDelay)
        let shift = min(max(retry - 1, 0), 40)
        let (scaled, overflow) = base.multipliedReportingOverflow(by: Int64(1) << shift)
        let full = max(0, overflow ? cap : min(cap, scaled))
        let half = full / 2
        return .nanoseconds(half + (full - half > 0 ? Int64.random(in: 0...(full - half), using: &random) : 0))
    }

    static func nanoseconds(_ d: Duration) -> Int64 {
        let (seconds, attoseconds) = d.components
        let (ns, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : ns &+ attoseconds / 1_000_000_000
    }
}

/// How long to wait before each reconnect attempt: exponential backoff with jitter.
///
/// The ceiling of attempt `n` (0-based) is `min(maximumDelay, initialDelay * 2^n)`; the delay is
/// drawn from `[ceiling * (1 - jitter), ceiling]`. With `jitter` 1 this is "full jitter"
/// (uniform in `[0, ceiling]`), the SDK's policy; with 0 it is plain exponential backoff.
/// Jitter spreads the reconnects of many clients after a gateway restart or the Thursday
/// maintenance window.
///
/// A value type with no state: the session layer keeps the attempt counter.
// Decision (Q9): the newest docs rate-limit Logon itself, so a reconnect loop must never spin:
// `initialDelay` must be > 0, and the defaults are the SDK's (0.5 s doubling to 30 s).
public struct ReconnectPolicy: Sendable, Hashable {
    /// Ceiling of the first delay, in seconds (> 0).
    public var initialDelay: Double
    /// Largest ceiling, in seconds (>= `initialDelay`).
    public var maximumDelay: Double
    /// Fraction of the ceiling that is randomised, 0...1 (1 = full jitter).
    public var jitter: Double
    /// Attempts before giving up; nil retries forever.
    public var maximumAttempts: Int?

    public init(initialDelay: Double = 0.5, maximumDelay: Double = 30, jitter: Double = 1,
                maximumAttempts: Int? = nil) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.jitter = jitter
        self.maximumAttempts = maximumAttempts
    }

    /// Delay before attempt `attempt` (0 = the first reconnect), in seconds.
    /// - Parameter random: a uniform sample in `0...1` (injected so tests are repeatable).
    /// - Returns: nil once `maximumAttempts` is used up.
    public func delay(attempt: Int, random: Double) -> Double? {
        if let maximumAttempts, attempt >= maximumAttempts { return nil }
        // 2^n overflows nothing here: the exponent is capped well before Double's range ends.
        let ceiling = min(maximumDelay, initialDelay * Double(1 << min(max(attempt, 0), 52)))
        let r = min(max(random, 0), 1)
        return ceiling * (1 - jitter * r)
    }

    /// What is wrong with the settings, nil if they are usable.
    var problem: String? {
        if !(initialDelay > 0) || !initialDelay.isFinite { return "initialDelay must be a finite number of seconds > 0, got \(initialDelay)" }
        if !(maximumDelay >= initialDelay) || !maximumDelay.isFinite { return "maximumDelay must be finite and >= initialDelay (\(initialDelay) s), got \(maximumDelay)" }
        if !(0...1).contains(jitter) { return "jitter must be between 0 and 1, got \(jitter)" }
        if let maximumAttempts, maximumAttempts < 1 { return "maximumAttempts must be >= 1 or nil (retry forever), got \(maximumAttempts)" }
        return nil
    }
}

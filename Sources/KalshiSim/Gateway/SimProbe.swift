/// Timestamps the simulator takes for latency benchmarks (tick-to-trade): when it sends an
/// incremental (X) and when a NewOrderSingle reaches it. Called inline on the simulator's I/O
/// thread with CLOCK_MONOTONIC nanoseconds; keep the callbacks cheap.
public final class SimProbe: @unchecked Sendable {
    /// An X for `symbol` is about to be written to its subscribers.
    public var marketDataSent: ((_ symbol: String, _ nanoseconds: UInt64) -> Void)?
    /// A NewOrderSingle arrived (before any checks); `clOrdID` as sent, `buysYes` for Side 1.
    public var orderReceived: ((_ clOrdID: String, _ buysYes: Bool, _ nanoseconds: UInt64) -> Void)?

    public init() {}
}

/// KalshiSim: an embedded simulated Kalshi FIX gateway.
///
/// It serves the Kalshi session types on their own ports with the same codec and transports
/// the client uses, verifies signed logons like Kalshi does, and runs a price-time matching
/// engine per market on the YES price (FACTS §9, §16). The demo, the engine tests and the
/// latency benchmarks run against it.
///
/// - `Matching/`: the pure matching engine (no I/O, fixed-point prices and quantities).
/// - `Gateway/`: listeners, acceptor sessions and the Kalshi behaviour on top of them.
/// - `OrderEntry/`: orders to ExecutionReports. `Settlement/`: market settlement and its
///   MarketSettlementReports. `RFQ/`: requests for quote between KalshiRT and KalshiRFQ.
public enum KalshiSimulator {}

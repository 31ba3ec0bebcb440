/// KalshiSim: an embedded simulated Kalshi FIX gateway.
///
/// It serves the Kalshi session types on their own ports with the same codec and transports
/// the client uses, verifies signed logons like Kalshi does, and runs a price-time matching
/// engine per market on the YES price (FACTS §9, §16). The demo, the engine tests and the
/// latency benchmarks run against it.
///
/// - `Matching/`: the pure matching engine (no I/O, fixed-point prices and quantities).
/// - `Gateway/`: listeners, acceptor sessions and the Kalshi behaviour on top of them;
///   reports for a KalshiRT key that is away are queued into its sequence for ResendRequest.
/// - `OrderEntry/`: NewOrderSingle, cancel, replace and mass cancel to ExecutionReports.
/// - `OrderGroups/`: UOG/UOH and the rolling 15-second contract limit (FACTS §12).
/// - `DropCopy/`: the 3-hour ExecutionReport history behind KalshiDC's U1/U2/U3 (FACTS §11).
/// - `Settlement/`: market settlement and its MarketSettlementReports.
/// - `RFQ/`: requests for quote between KalshiRT and KalshiRFQ.
public enum KalshiSimulator {}

/// FixEngine: the trading API (order entry with state, order groups, risk limits,
/// FixOrderBook, settlement reassembly, drop copy, RFQ).
///
/// Status: market data books (`FixOrderBooks`, `FixOrderBook`) and settlement reassembly
/// (`SettlementReassembler`) are in; the rest is not yet implemented. See docs/STATUS.md.
import FixCodec
import FixSession

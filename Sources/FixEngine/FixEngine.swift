/// FixEngine: the trading API (order entry with state, order groups, risk limits,
/// FixOrderBook, settlement reassembly, drop copy, RFQ).
///
/// Status: not yet implemented; this target exists so the layering builds. See docs/STATUS.md
/// and issue "FixEngine".
import FixSession

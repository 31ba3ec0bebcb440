/// FixEngine: the trading API on top of FixSession — order entry with an order-state tracker
/// and pre-trade risk checks, market-data books, settlement reassembly, drop-copy
/// reconciliation.
///
/// - `Values/`: fixed-point prices (YES price, 1/10,000 dollar) and quantities (1/100 contract).
/// - `Orders/`: order requests, the order-state tracker, fills and positions.
/// - `Risk/`: pre-trade limits and the kill switch.
/// - `Client/`: ``FixClient``: sessions on one I/O thread.
/// - `MarketData/`: ``FixOrderBooks`` / ``FixOrderBook`` built from W/X (FACTS §13.6).
/// - `Settlement/`: ``SettlementReassembler`` for paginated MarketSettlementReports.
/// - `DropCopy/`: ``DropCopySession`` and tracker reconciliation.
import FixCodec
import FixSession

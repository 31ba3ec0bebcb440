/// RestFallback: Kalshi REST reference data with Kalshi's RSA-PSS request signing, never on the
/// FIX hot path (async/await over AsyncHTTPClient).
///
/// Entry point: ``KalshiRESTClient``. Money is ``FixCodec/FixDecimal`` throughout (dollars or
/// contracts, as each field says); times are Foundation `Date`s.
///
/// Status (issue 10, first increment): exchange status, markets (paged), single market and
/// market orderbook. WebSocket streams, the REST kill switch and portfolio endpoints come later.
enum RestFallbackModule {}

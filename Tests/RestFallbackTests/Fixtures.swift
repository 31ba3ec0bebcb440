/// JSON bodies shaped by Kalshi's OpenAPI 3.13.0 (`Market`, `GetMarketsResponse`,
/// `GetMarketOrderbookResponse`, `ExchangeStatus`, `ErrorResponse`), with the spec's own example
/// values where it gives them (`FixedPointDollars` "0.5600", `FixedPointCount` "10.00",
/// `PriceLevelDollarsCountFp` ["0.1500", "100.00"]).
enum Fixtures {
    /// A `Market` with every field the spec marks required, plus fields that tests override.
    /// `extra` is spliced in verbatim (unknown fields, nulls, numbers).
    static func market(_ ticker: String, yesBid: String = "\"0.5600\"", volume: String = "\"10.00\"", extra: String = "") -> String {
        """
        {
          "ticker": "\(ticker)",
          "event_ticker": "KXHIGHNY-24JAN01",
          "market_type": "binary",
          "title": "Highest temperature in NYC on Jan 1?",
          "yes_sub_title": "60° or above",
          "no_sub_title": "Below 60°",
          "created_time": "2023-12-20T15:00:00Z",
          "updated_time": "2023-12-21T09:30:00.123456Z",
          "open_time": "2023-12-21T15:00:00Z",
          "close_time": "2024-01-01T04:59:00Z",
          "expected_expiration_time": null,
          "latest_expiration_time": "2024-01-08T15:00:00+00:00",
          "settlement_timer_seconds": 1800,
          "status": "active",
          "response_price_units": "usd_cent",
          "notional_value_dollars": "1.0000",
          "yes_bid_dollars": \(yesBid),
          "yes_ask_dollars": "0.5700",
          "no_bid_dollars": "0.4300",
          "no_ask_dollars": "0.4400",
          "yes_bid_size_fp": "10.00",
          "yes_ask_size_fp": "2.50",
          "last_price_dollars": "0.5600",
          "previous_yes_bid_dollars": "0.5500",
          "previous_yes_ask_dollars": "0.5800",
          "previous_price_dollars": "0.5500",
          "volume_fp": \(volume),
          "volume_24h_fp": "10.00",
          "liquidity_dollars": "0.0000",
          "open_interest_fp": "10.00",
          "result": "",
          "can_close_early": true,
          "fractional_trading_enabled": false,
          "expiration_value": "",
          "rules_primary": "If the highest temperature is 60° or above, the market resolves to Yes.",
          "rules_secondary": "",
          "price_level_structure": "linear_cent",
          "price_ranges": [{"start": "0.0100", "end": "0.9900", "step": "0.0100"}],
          "tick_size": 1\(extra.isEmpty ? "" : ",\n  " + extra)
        }
        """
    }

    static func marketsPage(_ tickers: [String], cursor: String) -> String {
        "{\"markets\": [\(tickers.map { market($0) }.joined(separator: ","))], \"cursor\": \"\(cursor)\"}"
    }

    static let exchangeStatus = #"{"exchange_active": true, "trading_active": false, "exchange_estimated_resume_time": null}"#

    static let orderbook = #"""
    {"orderbook_fp": {"yes_dollars": [["0.1500", "100.00"], ["0.1600", "2.50"]], "no_dollars": null}}
    """#

    /// The live API's shape: `ErrorResponse` wrapped in `"error"`.
    static let notFound = #"{"error": {"code": "not_found", "message": "market not found", "service": "exchange"}}"#
    /// The OpenAPI `ErrorResponse`, flat.
    static let badRequest = #"{"code": "invalid_parameters", "message": "limit must be <= 1000", "details": "limit=5000"}"#
}

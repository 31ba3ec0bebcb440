import Foundation

/// Filters for `GET /markets` (OpenAPI `GetMarkets`). All optional; Kalshi rejects some
/// combinations (one timestamp family at a time, each with the statuses it allows; see the API
/// description) with a 400, which surfaces as ``KalshiRESTError/http(_:attempts:)``.
public struct KalshiMarketsQuery: Sendable, Hashable {
    /// The `status` filter's values (these differ from ``KalshiMarketStatus``, the market's own field).
    public enum Status: String, Sendable, Hashable, CaseIterable {
        case unopened, open, paused, closed, settled
    }

    /// Multivariate (combo) event filter.
    public enum MultivariateFilter: String, Sendable, Hashable, CaseIterable {
        case only, exclude
    }

    /// Markets per page, 1…1000 (Kalshi's default is 100).
    public var limit: Int?
    public var eventTicker: String?
    public var seriesTicker: String?
    public var status: Status?
    /// Only these tickers (sent comma-separated).
    public var tickers: [String]
    public var multivariate: MultivariateFilter?
    /// Timestamp filters, sent as Unix seconds (rounded down).
    public var minCreated: Date?
    public var maxCreated: Date?
    public var minUpdated: Date?
    public var minClose: Date?
    public var maxClose: Date?
    public var minSettled: Date?
    public var maxSettled: Date?

    public init(limit: Int? = nil, eventTicker: String? = nil, seriesTicker: String? = nil, status: Status? = nil,
                tickers: [String] = [], multivariate: MultivariateFilter? = nil,
                minCreated: Date? = nil, maxCreated: Date? = nil, minUpdated: Date? = nil,
                minClose: Date? = nil, maxClose: Date? = nil, minSettled: Date? = nil, maxSettled: Date? = nil) {
        self.limit = limit
        self.eventTicker = eventTicker
        self.seriesTicker = seriesTicker
        self.status = status
        self.tickers = tickers
        self.multivariate = multivariate
        self.minCreated = minCreated
        self.maxCreated = maxCreated
        self.minUpdated = minUpdated
        self.minClose = minClose
        self.maxClose = maxClose
        self.minSettled = minSettled
        self.maxSettled = maxSettled
    }

    /// Query items in a fixed order (the cursor is added by the pager).
    var items: [(String, String)] {
        var items: [(String, String)] = []
        if let limit { items.append(("limit", String(limit))) }
        if let eventTicker { items.append(("event_ticker", eventTicker)) }
        if let seriesTicker { items.append(("series_ticker", seriesTicker)) }
        if let status { items.append(("status", status.rawValue)) }
        if !tickers.isEmpty { items.append(("tickers", tickers.joined(separator: ","))) }
        if let multivariate { items.append(("mve_filter", multivariate.rawValue)) }
        let times: [(String, Date?)] = [
            ("min_created_ts", minCreated), ("max_created_ts", maxCreated), ("min_updated_ts", minUpdated),
            ("min_close_ts", minClose), ("max_close_ts", maxClose),
            ("min_settled_ts", minSettled), ("max_settled_ts", maxSettled),
        ]
        for (name, date) in times { if let date { items.append((name, String(KalshiJSON.unixSeconds(date)))) } }
        return items
    }
}

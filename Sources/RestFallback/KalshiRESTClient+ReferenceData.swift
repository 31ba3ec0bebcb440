import FixCodec

extension KalshiRESTClient {
    /// `GET /exchange/status`: whether the exchange and trading are up. Public.
    /// - Throws: ``KalshiRESTError``.
    public func exchangeStatus() async throws(KalshiRESTError) -> KalshiExchangeStatus {
        try await get(KalshiExchangeStatus.self, "/exchange/status")
    }

    /// `GET /markets/{ticker}`: one market. Public.
    /// - Throws: ``KalshiRESTError``; an unknown ticker is `.http` with status 404.
    public func market(ticker: String) async throws(KalshiRESTError) -> KalshiMarket {
        try await get(KalshiMarketResponse.self, "/markets/\(KalshiURL.encode(ticker))").market
    }

    /// `GET /markets/{ticker}/orderbook`: resting bids, prices in dollars, sizes in contracts.
    ///
    /// Kalshi's OpenAPI lists API-key security for this endpoint: configure credentials; without
    /// them the request goes unsigned and Kalshi's answer (data or 401) stands.
    /// - Parameter depth: price levels per side, 1…100; nil or 0 for all.
    /// - Throws: ``KalshiRESTError``.
    public func orderbook(ticker: String, depth: Int? = nil) async throws(KalshiRESTError) -> KalshiOrderbook {
        let query = depth.map { [("depth", String($0))] } ?? []
        return try await get(KalshiOrderbookResponse.self, "/markets/\(KalshiURL.encode(ticker))/orderbook", query: query).orderbook
    }

    /// One page of `GET /markets`. Public.
    /// - Parameter cursor: nil for the first page, then the previous page's ``KalshiPage/nextCursor``.
    /// - Throws: ``KalshiRESTError``.
    public func marketsPage(_ query: KalshiMarketsQuery = .init(), cursor: String? = nil) async throws(KalshiRESTError) -> KalshiPage<KalshiMarket> {
        var items = query.items
        if let cursor, !cursor.isEmpty { items.append(("cursor", cursor)) }
        let response = try await get(KalshiMarketsResponse.self, "/markets", query: items)
        return KalshiPage(items: response.markets, nextCursor: response.cursor.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// Every page of `GET /markets` for `query`, fetched as iterated; stops with
    /// ``KalshiRESTError/cursorLoop(cursor:pages:)`` if Kalshi repeats a cursor.
    public func marketPages(_ query: KalshiMarketsQuery = .init()) -> KalshiPages<KalshiMarket> {
        KalshiPages { [self] cursor async throws(KalshiRESTError) in try await marketsPage(query, cursor: cursor) }
    }

    /// Every market matching `query`, across all pages: `for try await market in client.markets(q)`.
    public func markets(_ query: KalshiMarketsQuery = .init()) -> KalshiPagedItems<KalshiMarket> {
        marketPages(query).items
    }
}

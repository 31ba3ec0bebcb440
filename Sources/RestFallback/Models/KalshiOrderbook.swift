import FixCodec

/// One price level of a Kalshi orderbook: `[dollars, contracts]` strings in the JSON
/// (OpenAPI `PriceLevelDollarsCountFp`, e.g. `["0.1500", "100.00"]`).
public struct KalshiPriceLevel: Sendable, Hashable, Decodable {
    /// Price in dollars per contract (e.g. `0.1500`), exact.
    public let price: FixDecimal
    /// Resting quantity in contracts (2 decimals, e.g. `100.00`), exact.
    public let count: FixDecimal

    public init(price: FixDecimal, count: FixDecimal) {
        self.price = price
        self.count = count
    }

    public init(from decoder: any Decoder) throws {
        var c = try decoder.unkeyedContainer()
        guard c.count == 2 else {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath,
                debugDescription: "a price level is [price, count], got \(c.count.map(String.init) ?? "?") elements"))
        }
        price = try KalshiJSON.fixed(try c.decode(String.self), in: c)
        count = try KalshiJSON.fixed(try c.decode(String.self), in: c)
    }
}

/// `GET /markets/{ticker}/orderbook`: resting *bids* on both sides of a binary market.
///
/// Kalshi returns bids only: a YES bid at price p is a NO ask at `1 − p` dollars, and vice
/// versa. Levels keep the order Kalshi sends them in (not re-sorted here).
public struct KalshiOrderbook: Sendable, Hashable {
    /// Bids to buy YES.
    public let yes: [KalshiPriceLevel]
    /// Bids to buy NO.
    public let no: [KalshiPriceLevel]

    public init(yes: [KalshiPriceLevel], no: [KalshiPriceLevel]) {
        self.yes = yes
        self.no = no
    }
}

/// The response envelope `{"orderbook_fp": {"yes_dollars": [...], "no_dollars": [...]}}`.
struct KalshiOrderbookResponse: Decodable {
    let orderbook: KalshiOrderbook

    enum CodingKeys: String, CodingKey { case orderbook = "orderbook_fp" }
    enum BookKeys: String, CodingKey { case yes = "yes_dollars", no = "no_dollars" }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        // An empty book may come as null sides (or, defensively, a null book).
        guard c.contains(.orderbook), try !c.decodeNil(forKey: .orderbook) else {
            orderbook = KalshiOrderbook(yes: [], no: [])
            return
        }
        let book = try c.nestedContainer(keyedBy: BookKeys.self, forKey: .orderbook)
        orderbook = KalshiOrderbook(yes: try book.decodeList(KalshiPriceLevel.self, .yes),
                                    no: try book.decodeList(KalshiPriceLevel.self, .no))
    }
}

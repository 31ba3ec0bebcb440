import FixCodec
import Foundation

/// A market's lifecycle status as the market object reports it (OpenAPI `Market.status`).
///
/// A string wrapper rather than an enum, so a status Kalshi adds later still decodes.
public struct KalshiMarketStatus: RawRepresentable, Sendable, Hashable, Decodable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public var description: String { rawValue }

    public static let initialized = Self(rawValue: "initialized")
    public static let inactive = Self(rawValue: "inactive")
    public static let active = Self(rawValue: "active")
    public static let closed = Self(rawValue: "closed")
    public static let determined = Self(rawValue: "determined")
    public static let disputed = Self(rawValue: "disputed")
    public static let amended = Self(rawValue: "amended")
    public static let finalized = Self(rawValue: "finalized")
}

/// `binary` or `scalar` (OpenAPI `Market.market_type`); unknown values decode too.
public struct KalshiMarketType: RawRepresentable, Sendable, Hashable, Decodable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public var description: String { rawValue }

    public static let binary = Self(rawValue: "binary")
    public static let scalar = Self(rawValue: "scalar")
}

/// A range of valid order prices and its tick (OpenAPI `PriceRange`), all in dollars.
public struct KalshiPriceRange: Sendable, Hashable, Decodable {
    /// Lowest price of the range, dollars.
    public let start: FixDecimal
    /// Highest price of the range, dollars.
    public let end: FixDecimal
    /// Tick size inside the range, dollars.
    public let step: FixDecimal

    public init(start: FixDecimal, end: FixDecimal, step: FixDecimal) {
        self.start = start
        self.end = end
        self.step = step
    }

    enum CodingKeys: String, CodingKey { case start, end, step }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        start = try c.decodeFixed(.start)
        end = try c.decodeFixed(.end)
        step = try c.decodeFixed(.step)
    }
}

/// A Kalshi market (OpenAPI `Market`): identity, lifecycle times, top of book, volume, rules.
///
/// Prices are exact dollars per contract (`0.5600`), sizes and volumes exact contracts
/// (`10.00`, fractional on markets with fractional trading). Fields Kalshi marks required are
/// non-optional; deprecated ones (`liquidity_dollars`, `tick_size`, `response_price_units`) and
/// fields not listed here are ignored when decoding.
public struct KalshiMarket: Sendable, Hashable, Decodable {
    /// Market ticker, e.g. `KXHIGHNY-24JAN01-T60`.
    public let ticker: String
    /// Ticker of the event the market belongs to.
    public let eventTicker: String
    public let marketType: KalshiMarketType
    /// Deprecated by Kalshi but still sent; empty when absent.
    public let title: String
    public let yesSubTitle: String
    public let noSubTitle: String

    public let createdTime: Date
    /// Last non-trading metadata update.
    public let updatedTime: Date
    public let openTime: Date
    public let closeTime: Date
    public let expectedExpirationTime: Date?
    public let latestExpirationTime: Date
    /// Seconds between determination and settlement.
    public let settlementTimerSeconds: Int
    public let status: KalshiMarketStatus

    /// Best YES bid, dollars.
    public let yesBid: FixDecimal
    /// Best YES ask, dollars.
    public let yesAsk: FixDecimal
    /// Best NO bid, dollars.
    public let noBid: FixDecimal
    /// Best NO ask, dollars.
    public let noAsk: FixDecimal
    /// Contracts bid at the best YES bid.
    public let yesBidSize: FixDecimal
    /// Contracts offered at the best YES ask.
    public let yesAskSize: FixDecimal
    /// Last traded YES price, dollars.
    public let lastPrice: FixDecimal
    /// Best YES bid a day ago, dollars.
    public let previousYesBid: FixDecimal
    /// Best YES ask a day ago, dollars.
    public let previousYesAsk: FixDecimal
    /// Last traded YES price a day ago, dollars.
    public let previousPrice: FixDecimal
    /// Traded volume, contracts.
    public let volume: FixDecimal
    /// Traded volume over 24 hours, contracts.
    public let volume24h: FixDecimal
    /// Open interest, contracts (not netted).
    public let openInterest: FixDecimal
    /// What one contract pays at settlement, dollars.
    public let notionalValue: FixDecimal

    /// `yes`, `no`, `scalar` or empty before determination.
    public let result: String
    public let canCloseEarly: Bool
    public let fractionalTradingEnabled: Bool
    /// The value considered for settlement (free text).
    public let expirationValue: String
    /// Settlement value of the YES side, dollars; only after determination.
    public let settlementValue: FixDecimal?
    /// When the market settled; only for settled markets.
    public let settlementTime: Date?
    public let occurrenceTime: Date?
    public let earlyCloseCondition: String?
    public let strikeType: String?
    public let rulesPrimary: String
    public let rulesSecondary: String
    public let priceLevelStructure: String
    /// Valid order prices; empty when Kalshi sends `null`.
    public let priceRanges: [KalshiPriceRange]
    public let mveCollectionTicker: String?
    public let isProvisional: Bool

    enum CodingKeys: String, CodingKey {
        case ticker, eventTicker = "event_ticker", marketType = "market_type", title
        case yesSubTitle = "yes_sub_title", noSubTitle = "no_sub_title"
        case createdTime = "created_time", updatedTime = "updated_time", openTime = "open_time", closeTime = "close_time"
        case expectedExpirationTime = "expected_expiration_time", latestExpirationTime = "latest_expiration_time"
        case settlementTimerSeconds = "settlement_timer_seconds", status
        case yesBid = "yes_bid_dollars", yesAsk = "yes_ask_dollars", noBid = "no_bid_dollars", noAsk = "no_ask_dollars"
        case yesBidSize = "yes_bid_size_fp", yesAskSize = "yes_ask_size_fp", lastPrice = "last_price_dollars"
        case previousYesBid = "previous_yes_bid_dollars", previousYesAsk = "previous_yes_ask_dollars"
        case previousPrice = "previous_price_dollars", volume = "volume_fp", volume24h = "volume_24h_fp"
        case openInterest = "open_interest_fp", notionalValue = "notional_value_dollars"
        case result, canCloseEarly = "can_close_early", fractionalTradingEnabled = "fractional_trading_enabled"
        case expirationValue = "expiration_value", settlementValue = "settlement_value_dollars"
        case settlementTime = "settlement_ts", occurrenceTime = "occurrence_datetime"
        case earlyCloseCondition = "early_close_condition", strikeType = "strike_type"
        case rulesPrimary = "rules_primary", rulesSecondary = "rules_secondary"
        case priceLevelStructure = "price_level_structure", priceRanges = "price_ranges"
        case mveCollectionTicker = "mve_collection_ticker", isProvisional = "is_provisional"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ticker = try c.decode(String.self, forKey: .ticker)
        eventTicker = try c.decode(String.self, forKey: .eventTicker)
        marketType = try c.decode(KalshiMarketType.self, forKey: .marketType)
        title = try c.decodeIfPresent(String.self, forKey: .title) ?? ""
        yesSubTitle = try c.decode(String.self, forKey: .yesSubTitle)
        noSubTitle = try c.decode(String.self, forKey: .noSubTitle)
        createdTime = try c.decodeTime(.createdTime)
        updatedTime = try c.decodeTime(.updatedTime)
        openTime = try c.decodeTime(.openTime)
        closeTime = try c.decodeTime(.closeTime)
        expectedExpirationTime = try c.decodeTimeIfPresent(.expectedExpirationTime)
        latestExpirationTime = try c.decodeTime(.latestExpirationTime)
        settlementTimerSeconds = try c.decode(Int.self, forKey: .settlementTimerSeconds)
        status = try c.decode(KalshiMarketStatus.self, forKey: .status)
        yesBid = try c.decodeFixed(.yesBid)
        yesAsk = try c.decodeFixed(.yesAsk)
        noBid = try c.decodeFixed(.noBid)
        noAsk = try c.decodeFixed(.noAsk)
        yesBidSize = try c.decodeFixed(.yesBidSize)
        yesAskSize = try c.decodeFixed(.yesAskSize)
        lastPrice = try c.decodeFixed(.lastPrice)
        previousYesBid = try c.decodeFixed(.previousYesBid)
        previousYesAsk = try c.decodeFixed(.previousYesAsk)
        previousPrice = try c.decodeFixed(.previousPrice)
        volume = try c.decodeFixed(.volume)
        volume24h = try c.decodeFixed(.volume24h)
        openInterest = try c.decodeFixed(.openInterest)
        notionalValue = try c.decodeFixed(.notionalValue)
        result = try c.decodeIfPresent(String.self, forKey: .result) ?? ""
        canCloseEarly = try c.decode(Bool.self, forKey: .canCloseEarly)
        fractionalTradingEnabled = try c.decode(Bool.self, forKey: .fractionalTradingEnabled)
        expirationValue = try c.decodeIfPresent(String.self, forKey: .expirationValue) ?? ""
        settlementValue = try c.decodeFixedIfPresent(.settlementValue)
        settlementTime = try c.decodeTimeIfPresent(.settlementTime)
        occurrenceTime = try c.decodeTimeIfPresent(.occurrenceTime)
        earlyCloseCondition = try c.decodeIfPresent(String.self, forKey: .earlyCloseCondition)
        strikeType = try c.decodeIfPresent(String.self, forKey: .strikeType)
        rulesPrimary = try c.decode(String.self, forKey: .rulesPrimary)
        rulesSecondary = try c.decode(String.self, forKey: .rulesSecondary)
        priceLevelStructure = try c.decode(String.self, forKey: .priceLevelStructure)
        priceRanges = try c.decodeList(KalshiPriceRange.self, .priceRanges)
        mveCollectionTicker = try c.decodeIfPresent(String.self, forKey: .mveCollectionTicker)
        isProvisional = try c.decodeIfPresent(Bool.self, forKey: .isProvisional) ?? false
    }
}

/// `{"market": {...}}`.
struct KalshiMarketResponse: Decodable {
    let market: KalshiMarket
}

/// `{"markets": [...], "cursor": "..."}`; a null list is empty, a missing or empty cursor ends paging.
struct KalshiMarketsResponse: Decodable {
    let markets: [KalshiMarket]
    let cursor: String?

    enum CodingKeys: String, CodingKey { case markets, cursor }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        markets = try c.decodeList(KalshiMarket.self, .markets)
        cursor = try c.decodeIfPresent(String.self, forKey: .cursor)
    }
}

// Value types of the matching engine: fixed-point prices, quantities and money, sides,
// identifiers, time in force. No Double anywhere; no dependency on FixCodec (the gateway
// converts FixDecimal to and from these).

// MARK: Fixed point

/// A YES price in units of 1/10,000 dollar (0.0001 $; 100 units = 1 cent, 10,000 units = 1 dollar).
///
/// Every price in the matching engine is a YES price, whatever the order's side (FACTS §9, §16):
/// a NO price is `1 dollar − price`. Valid order prices lie strictly between 0 and 1 dollar on
/// the market's tick grid (``SimMarketConfig/tick``).
public struct SimPrice: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The price in 1/10,000 dollar.
    public var units: Int64

    /// A price of `units` × 0.0001 dollar.
    @inlinable public init(units: Int64) { self.units = units }

    /// A price of `cents` cents (1 cent = 100 units).
    @inlinable public static func cents(_ cents: Int64) -> SimPrice { SimPrice(units: cents * 100) }

    /// One dollar (10,000 units): the payout of a contract, the exclusive upper bound of prices.
    public static let oneDollar = SimPrice(units: 10_000)

    /// The complementary NO price, `1 dollar − self`.
    @inlinable public var complement: SimPrice { SimPrice(units: 10_000 - units) }

    @inlinable public static func < (a: SimPrice, b: SimPrice) -> Bool { a.units < b.units }

    /// Dollars with 4 decimals, e.g. `0.5500`.
    public var description: String { fixedPointText(units, scale: 4) }
}

/// A quantity of contracts in hundredths (0.01 contract; 100 = one contract).
///
/// Prediction markets accept 0.01-contract steps; margin markets whole contracts only
/// (``SimMarketConfig/wholeContractsOnly``), FACTS §16, §17.
public struct SimQuantity: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The quantity in 1/100 contract.
    public var hundredths: Int64

    /// A quantity of `hundredths` × 0.01 contract.
    @inlinable public init(hundredths: Int64) { self.hundredths = hundredths }

    /// A quantity of `count` whole contracts.
    @inlinable public static func contracts(_ count: Int64) -> SimQuantity { SimQuantity(hundredths: count * 100) }

    /// No contracts.
    public static let zero = SimQuantity(hundredths: 0)

    /// Whether this is a whole number of contracts.
    @inlinable public var isWholeContracts: Bool { hundredths % 100 == 0 }

    @inlinable public static func < (a: SimQuantity, b: SimQuantity) -> Bool { a.hundredths < b.hundredths }

    /// Contracts with 2 decimals, e.g. `10.00` (as Kalshi prints quantities since v1.0.18).
    public var description: String { fixedPointText(hundredths, scale: 2) }
}

/// An amount of money in units of 1/1,000,000 dollar (a micro-dollar).
///
/// It is the exact product of a ``SimPrice`` (1/10,000 dollar) and a ``SimQuantity``
/// (1/100 contract), so notionals and execution costs never round.
public struct SimMoney: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The amount in 1/1,000,000 dollar.
    public var micros: Int64

    /// An amount of `micros` × 0.000001 dollar.
    @inlinable public init(micros: Int64) { self.micros = micros }

    /// An amount of `dollars` whole dollars.
    @inlinable public static func dollars(_ dollars: Int64) -> SimMoney { SimMoney(micros: dollars * 1_000_000) }

    /// No money.
    public static let zero = SimMoney(micros: 0)

    /// The cost of `quantity` contracts at `price` per contract: exact, in micro-dollars.
    @inlinable public static func cost(of quantity: SimQuantity, at price: SimPrice) -> SimMoney {
        SimMoney(micros: quantity.hundredths * price.units)
    }

    @inlinable public static func < (a: SimMoney, b: SimMoney) -> Bool { a.micros < b.micros }

    /// Dollars with 6 decimals, e.g. `1.250000`.
    public var description: String { fixedPointText(micros, scale: 6) }
}

/// `value` / 10^scale as decimal text with exactly `scale` fraction digits.
func fixedPointText(_ value: Int64, scale: Int) -> String {
    var divisor: Int64 = 1
    for _ in 0..<scale { divisor *= 10 }
    let magnitude = value.magnitude
    let whole = magnitude / UInt64(divisor)
    var fraction = String(magnitude % UInt64(divisor))
    while fraction.count < scale { fraction = "0" + fraction }
    return (value < 0 ? "-" : "") + String(whole) + (scale > 0 ? "." + fraction : "")
}

// MARK: Sides and flags

/// The side of an order on the YES contract (FACTS §9: Side tag 54).
public enum SimSide: UInt8, Sendable, CustomStringConvertible {
    /// Buy YES (wire `1`): a bid at the order's price.
    case buy = 1
    /// Sell YES, the same as buy NO (wire `2`): an ask at the order's (YES) price.
    case sell = 2

    /// The other side.
    @inlinable public var opposite: SimSide { self == .buy ? .sell : .buy }

    public var description: String { self == .buy ? "buy" : "sell" }
}

/// Time in force (FACTS §9.1, tag 59). Times are nanoseconds since the Unix epoch.
public enum SimTimeInForce: Hashable, Sendable {
    /// Day (`0`): rests until `endOfDay`, the deadline the caller computes (Kalshi: 11:59:59.999 pm ET);
    /// like GTD, a deadline not after now behaves as IOC.
    case day(endOfDay: Int64)
    /// Good till cancel (`1`).
    case goodTillCancel
    /// Immediate or cancel (`3`): fills what crosses now, the rest is canceled (IMMEDIATE_OR_CANCELLED).
    case immediateOrCancel
    /// Fill or kill (`4`): fills all at once or is canceled with no fills (FOK_INSUFFICIENT_VOLUME).
    case fillOrKill
    /// Good till date (`6`): rests until `expireTime`; an `expireTime` not after now behaves as IOC.
    case goodTillDate(expireTime: Int64)

    /// The deadline of a resting order, if any (nanoseconds since the Unix epoch); the order
    /// expires when `now >= deadline`.
    @inlinable public var deadline: Int64? {
        switch self {
        case .day(let t), .goodTillDate(let t): return t
        case .goodTillCancel, .immediateOrCancel, .fillOrKill: return nil
        }
    }
}

/// Self-trade prevention (FACTS §9.1, tag 2964), decided by the incoming (taker) order's setting.
public enum SimSelfTradePrevention: UInt8, Hashable, Sendable {
    /// `1` (default): the incoming order's remainder is canceled when it reaches a resting order
    /// of the same owner (TAKER_CANCEL_FOR_SELF_TRADE_PREVENTION); earlier fills stay.
    case takerAtCross = 1
    /// `2`: the resting order of the same owner is canceled (MAKER_CANCEL_FOR_SELF_TRADE_PREVENTION)
    /// and matching continues.
    case maker = 2
}

// MARK: Identifiers

/// The opaque account an order belongs to; the gateway assigns it (one per member/subaccount).
public struct SimOwnerID: Hashable, Sendable, CustomStringConvertible {
    /// Caller-chosen account number.
    public var rawValue: UInt64
    @inlinable public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public var description: String { "owner \(rawValue)" }
}

/// The exchange order id (tag 37), from a counter starting at 1; rendered as decimal text.
public struct SimOrderID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The counter value.
    public var rawValue: UInt64
    @inlinable public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    @inlinable public static func < (a: SimOrderID, b: SimOrderID) -> Bool { a.rawValue < b.rawValue }
    /// The decimal counter, e.g. `42`: the text the gateway puts in tag 37.
    public var description: String { String(rawValue) }
}

/// A trade (match) id (tag 880), from a counter starting at 1; rendered as decimal text.
public struct SimTradeID: Hashable, Sendable, CustomStringConvertible {
    /// The counter value.
    public var rawValue: UInt64
    @inlinable public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public var description: String { String(rawValue) }
}

/// An order group (FACTS §12); the gateway maps Kalshi's group UUIDs to these numbers.
public struct SimGroupID: Hashable, Sendable, CustomStringConvertible {
    /// Gateway-chosen group number.
    public var rawValue: UInt64
    @inlinable public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public var description: String { "group \(rawValue)" }
}

// MARK: Markets

/// Per-market rules: the price grid and whether fractional quantities are allowed.
public struct SimMarketConfig: Hashable, Sendable {
    /// Price increment in 1/10,000 dollar: 100 (1 cent, the prediction default) or 1 (0.0001 dollar,
    /// margin and subpenny markets). It must divide 10,000.
    public var tick: SimPrice
    /// Margin markets accept whole contracts only (FACTS §17); prediction markets 0.01 steps.
    public var wholeContractsOnly: Bool

    /// - Precondition: `tick` is positive and divides 1 dollar (10,000 units).
    public init(tick: SimPrice = .cents(1), wholeContractsOnly: Bool = false) {
        precondition(tick.units > 0 && 10_000 % tick.units == 0, "tick \(tick) must divide 1 dollar")
        self.tick = tick
        self.wholeContractsOnly = wholeContractsOnly
    }

    /// Prediction defaults: 1-cent tick, fractional quantities.
    public static let prediction = SimMarketConfig()
    /// Margin defaults: 0.0001-dollar tick, whole contracts only.
    public static let margin = SimMarketConfig(tick: SimPrice(units: 1), wholeContractsOnly: true)
}

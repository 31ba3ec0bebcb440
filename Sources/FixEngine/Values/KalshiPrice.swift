import FixCodec

/// A YES price in 1/10,000 dollar (Kalshi prices go down to 0.0001 dollar: subpenny markets
/// and margin). Every Kalshi order and fill price is a YES price; the NO price is its
/// ``complement`` (FACTS §9, §16).
///
/// On the wire a price is cents (`44=45`) or, with UseDollars (21005=Y, and always on margin),
/// dollars with up to 4 decimals (`44=0.4500`): ``wire(dollars:)`` and ``init(wire:dollars:)``
/// convert exactly or fail; nothing goes through floating point.
@frozen
public struct KalshiPrice: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// 1/10,000 dollar.
    public var units: Int64

    @inlinable public init(units: Int64) { self.units = units }

    /// `cents` whole cents (45 → 0.45 dollar).
    @inlinable public static func cents(_ cents: Int64) -> KalshiPrice { KalshiPrice(units: cents * 100) }

    /// One dollar, the top of the prediction-market price range.
    public static let oneDollar = KalshiPrice(units: 10_000)

    /// The price `decimal` dollars (market data, UseDollars sessions), or nil when it is not a
    /// whole number of $0.0001 or does not fit. O(1), no allocation.
    @inlinable
    public init?(dollars decimal: FixDecimal) {
        guard let exact = try? decimal.rescaled(to: 4), exact.mantissa != .min else { return nil }
        units = exact.mantissa
    }

    /// The price in dollars with 4 decimals (`0.3500`).
    @inlinable public var dollars: FixDecimal { FixDecimal(mantissa: units, scale: 4) }

    /// The NO price: 1 dollar − this.
    @inlinable public var complement: KalshiPrice { KalshiPrice(units: 10_000 &- units) }

    /// Strictly between 0 and 1 dollar, as every prediction price must be.
    @inlinable public var isValidPredictionPrice: Bool { units > 0 && units < 10_000 }

    /// Parses a wire price: cents (`dollars == false`) or dollars; nil when it is not exactly
    /// representable in 1/10,000 dollar.
    public init?(wire value: FixDecimal, dollars: Bool) {
        guard let units = Self.scaled(value, power: dollars ? 4 : 2) else { return nil }
        self.units = units
    }

    /// The wire form: dollars with 4 decimals (`0.4500`), or cents (`45`, `45.5` for subpenny).
    public func wire(dollars: Bool) -> FixDecimal {
        if dollars { return FixDecimal(mantissa: units, scale: 4) }
        return units % 100 == 0 ? FixDecimal(mantissa: units / 100, scale: 0) : FixDecimal(mantissa: units, scale: 2).normalized
    }

    @inlinable public static func < (a: KalshiPrice, b: KalshiPrice) -> Bool { a.units < b.units }

    /// Dollars with 4 decimals, as market data and UseDollars sessions print it: `0.4500`
    /// (margin prices are plain dollar prices: `19.5000`).
    public var description: String { dollars.formatted(minimumScale: 4) }

    /// `value × 10^power` exactly, or nil.
    static func scaled(_ value: FixDecimal, power: Int) -> Int64? {
        let scale = Int(value.scale)
        var result = value.mantissa
        if scale <= power {
            for _ in 0..<(power - scale) {
                let (product, overflow) = result.multipliedReportingOverflow(by: 10)
                if overflow { return nil }
                result = product
            }
            return result
        }
        var divisor: Int64 = 1
        for _ in 0..<(scale - power) { divisor *= 10 }
        guard result % divisor == 0 else { return nil }
        return result / divisor
    }
}

/// A quantity of contracts in 1/100 contract (prediction allows 0.01 steps; margin whole
/// contracts). On ExecutionReports quantities print with 2 decimals (`10.00`).
@frozen
public struct Contracts: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// 1/100 contract.
    public var hundredths: Int64

    @inlinable public init(hundredths: Int64) { self.hundredths = hundredths }

    /// Whole contracts.
    @inlinable public init(_ whole: Int64) { hundredths = whole * 100 }

    public init(integerLiteral value: Int64) { self.init(value) }

    public static let zero = Contracts(hundredths: 0)

    /// Parses a wire quantity; nil beyond 2 decimals.
    public init?(wire value: FixDecimal) {
        guard let hundredths = KalshiPrice.scaled(value, power: 2) else { return nil }
        self.hundredths = hundredths
    }

    /// The quantity `decimal` contracts, or nil when it is not a whole number of 0.01 contract
    /// or does not fit. O(1), no allocation (the book's hot path uses it).
    @inlinable
    public init?(contracts decimal: FixDecimal) {
        guard let exact = try? decimal.rescaled(to: 2) else { return nil }
        hundredths = exact.mantissa
    }

    /// `10.00`.
    @inlinable public var wire: FixDecimal { FixDecimal(mantissa: hundredths, scale: 2) }

    /// The quantity in contracts with 2 decimals (same as ``wire``).
    @inlinable public var contracts: FixDecimal { wire }

    @inlinable public var isWhole: Bool { hundredths % 100 == 0 }

    @inlinable public static func < (a: Contracts, b: Contracts) -> Bool { a.hundredths < b.hundredths }
    @inlinable public static func + (a: Contracts, b: Contracts) -> Contracts { Contracts(hundredths: a.hundredths + b.hundredths) }
    @inlinable public static func - (a: Contracts, b: Contracts) -> Contracts { Contracts(hundredths: a.hundredths - b.hundredths) }

    public var description: String { wire.description }
}

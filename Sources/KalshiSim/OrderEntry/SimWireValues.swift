import FixCodec

/// Conversions between the wire's decimals and the matching engine's fixed-point values
/// (FACTS §16): prices in cents or dollars per UseDollars, quantities in contracts with
/// 2 decimals on ExecutionReports, money in dollars.
struct SimWireValues {
    /// Prices in dollars (UseDollars=Y, and always on margin) rather than cents.
    var dollars: Bool

    /// A wire price (cents 1–99, or dollars up to 4 decimals) as a YES price; nil when it is
    /// not representable exactly (more decimals than 1/10,000 dollar).
    func price(_ value: FixDecimal) -> SimPrice? {
        // units = value × 10,000 (dollars) or × 100 (cents), exactly.
        let factorExponent = dollars ? 4 : 2
        guard let units = Self.scaled(value, byPowerOfTen: factorExponent) else { return nil }
        return SimPrice(units: units)
    }

    /// A YES price for the wire: `0.4500` in dollars (4 decimals, as Kalshi prints), or cents
    /// (`45`, `45.5` for subpenny prices).
    func wire(_ price: SimPrice) -> FixDecimal {
        if dollars { return FixDecimal(mantissa: price.units, scale: 4) }
        return price.units % 100 == 0 ? FixDecimal(mantissa: price.units / 100, scale: 0)
                                      : FixDecimal(mantissa: price.units, scale: 2).normalized
    }

    /// A wire quantity as hundredths of a contract; nil beyond 2 decimals.
    static func quantity(_ value: FixDecimal) -> SimQuantity? {
        scaled(value, byPowerOfTen: 2).map { SimQuantity(hundredths: $0) }
    }

    /// Quantities print with 2 decimals (`10.00`, since v1.0.18).
    static func wire(_ quantity: SimQuantity) -> FixDecimal {
        FixDecimal(mantissa: quantity.hundredths, scale: 2)
    }

    /// Dollars (fees, collateral): micros rounded to the cent toward zero is not what Kalshi
    /// does for fees, so callers round first; this only prints with up to 4 decimals.
    static func wireDollars(micros: Int64) -> FixDecimal {
        FixDecimal(mantissa: micros / 100, scale: 4)
    }

    /// A wire dollar amount (MaxExecutionCost) in micros; nil beyond 6 decimals.
    static func money(_ value: FixDecimal) -> SimMoney? {
        scaled(value, byPowerOfTen: 6).map { SimMoney(micros: $0) }
    }

    /// `value × 10^power` as an exact integer, or nil.
    private static func scaled(_ value: FixDecimal, byPowerOfTen power: Int) -> Int64? {
        let scale = Int(value.scale)
        if scale <= power {
            var result = value.mantissa
            for _ in 0..<(power - scale) {
                let (product, overflow) = result.multipliedReportingOverflow(by: 10)
                if overflow { return nil }
                result = product
            }
            return result
        }
        var divisor: Int64 = 1
        for _ in 0..<(scale - power) { divisor *= 10 }
        guard value.mantissa % divisor == 0 else { return nil }
        return value.mantissa / divisor
    }
}

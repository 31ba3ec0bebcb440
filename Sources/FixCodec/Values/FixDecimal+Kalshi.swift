// Kalshi price units. Prediction-market prices are cents (1–99) when the session logs on with
// UseDollars=N, and dollars with up to 4 decimals when UseDollars=Y; SettlementPrice (730) is
// always cents. Both conversions only move the decimal point, so they are exact.

extension FixDecimal {
    /// Cents to dollars, exactly, by moving the point two places: `75` → `0.75`,
    /// `72.5` → `0.725`, `1.23` → `0.0123` (the scale grows by 2; the mantissa is unchanged).
    /// - Throws: ``FixValueError/overflow`` when the scale would exceed 18.
    /// - Complexity: O(1).
    @inlinable
    public func centsToDollars() throws(FixValueError) -> FixDecimal {
        guard scale <= FixDecimal.maxScale &- 2 else { throw .overflow }
        return FixDecimal(mantissa: mantissa, scale: scale &+ 2)
    }

    /// Dollars to cents, exactly: `0.7500` → `75.00`, `0.75` → `75`, `1` → `100`.
    /// The scale shrinks by 2 when it can; below scale 2 the mantissa is multiplied instead
    /// (`0.5` → `50`, scale 0).
    /// - Throws: ``FixValueError/overflow`` when the multiplied mantissa would not fit `Int64`.
    /// - Complexity: O(1).
    @inlinable
    public func dollarsToCents() throws(FixValueError) -> FixDecimal {
        if scale >= 2 { return FixDecimal(mantissa: mantissa, scale: scale &- 2) }
        let (m, overflow) = mantissa.multipliedReportingOverflow(by: FixDecimal.pow10(2 &- scale))
        if overflow { throw .overflow }
        return FixDecimal(mantissa: m, scale: 0)
    }
}

/// An exact fixed-point decimal: `mantissa × 10^-scale`, the type of every FIX `Price`, `Qty`,
/// `Amt` and `float` field. Money never goes through floating point.
///
/// The scale is part of the value's spelling, not of its identity: `0.7500` (7500, scale 4)
/// keeps its four fraction digits when formatted, but equals, hashes and orders exactly like
/// `0.75` (75, scale 2). Comparison across scales is exact for every pair of values.
///
/// Arithmetic is exact or throws ``FixValueError/overflow``; nothing rounds silently and
/// nothing traps.
@frozen
public struct FixDecimal: Sendable, Hashable, Comparable, CustomStringConvertible,
    LosslessStringConvertible, ExpressibleByIntegerLiteral
{
    /// The digits of the value; the value is `mantissa × 10^-scale`.
    public let mantissa: Int64
    /// Number of fraction digits, `0...18`. Read-only so that the invariant cannot be broken
    /// (every formatter and parser relies on it); use ``rescaled(to:)`` for another spelling.
    public let scale: UInt8

    /// The largest scale: 18 fraction digits (10^18 is the largest power of ten in `Int64`).
    /// (This and the other constants are computed so that inlined hot paths need no global accessor.)
    @inlinable public static var maxScale: UInt8 { 18 }

    /// Zero, with scale 0.
    @inlinable public static var zero: FixDecimal { FixDecimal(mantissa: 0, scale: 0) }

    /// `mantissa × 10^-scale`. - Precondition: `scale <= 18`.
    @inlinable
    public init(mantissa: Int64, scale: UInt8) {
        precondition(scale <= FixDecimal.maxScale, "FixDecimal scale must be 0...18")
        self.mantissa = mantissa
        self.scale = scale
    }

    /// A whole number (scale 0): `let price: FixDecimal = 75`.
    @inlinable
    public init(integerLiteral value: Int64) {
        self.init(mantissa: value, scale: 0)
    }

    /// True when the value is zero (at any scale).
    @inlinable public var isZero: Bool { mantissa == 0 }

    /// True when the value is below zero.
    @inlinable public var isNegative: Bool { mantissa < 0 }

    /// The same value with trailing fraction zeros removed (`1.500` → `1.5`, `0.00` → `0`).
    /// Equal values have identical normalized forms.
    /// - Complexity: O(scale) divisions by ten.
    public var normalized: FixDecimal {
        guard mantissa != 0 else { return .zero }
        var m = mantissa
        var s = scale
        while s > 0 {
            let (q, r) = m.quotientAndRemainder(dividingBy: 10)
            if r != 0 { break }
            m = q
            s &-= 1
        }
        return FixDecimal(mantissa: m, scale: s)
    }

    // MARK: Rescaling

    /// The same value spelled with `newScale` fraction digits (`1.5` → `1.500` at scale 3).
    ///
    /// - Throws: ``FixValueError/overflow`` when `newScale > 18` or the mantissa would not fit
    ///   `Int64`; ``FixValueError/outOfRange`` when scaling down would drop non-zero digits.
    /// - Complexity: O(1).
    @inlinable
    public func rescaled(to newScale: UInt8) throws(FixValueError) -> FixDecimal {
        if newScale == scale { return self }
        if newScale > scale {
            guard newScale <= FixDecimal.maxScale else { throw .overflow }
            let (m, overflow) = mantissa.multipliedReportingOverflow(by: FixDecimal.pow10(newScale &- scale))
            if overflow { throw .overflow }
            return FixDecimal(mantissa: m, scale: newScale)
        }
        let (q, r) = mantissa.quotientAndRemainder(dividingBy: FixDecimal.pow10(scale &- newScale))
        guard r == 0 else { throw .outOfRange }
        return FixDecimal(mantissa: q, scale: newScale)
    }

    /// The value cut to `newScale` fraction digits, truncating toward zero
    /// (`1.23456` → `1.2345`, `-1.23456` → `-1.2345` at scale 4).
    ///
    /// When `newScale >= scale` nothing needs cutting and `self` is returned unchanged (its
    /// scale is not raised). Never fails.
    /// - Complexity: O(1).
    @inlinable
    public func truncated(toScale newScale: UInt8) -> FixDecimal {
        guard newScale < scale else { return self }
        // Int64 `/` truncates toward zero, which is what we want for both signs.
        return FixDecimal(mantissa: mantissa / FixDecimal.pow10(scale &- newScale), scale: newScale)
    }

    // MARK: Arithmetic

    /// `self + other`, exactly. The result has the larger of the two scales, or fewer digits
    /// when that does not fit but the exact sum does (trailing zeros dropped).
    /// - Throws: ``FixValueError/overflow`` when the exact sum is not representable.
    /// - Complexity: O(1).
    @inlinable
    public func adding(_ other: FixDecimal) throws(FixValueError) -> FixDecimal {
        let s = max(scale, other.scale)
        let (x, ox) = mantissa.multipliedReportingOverflow(by: FixDecimal.pow10(s &- scale))
        let (y, oy) = other.mantissa.multipliedReportingOverflow(by: FixDecimal.pow10(s &- other.scale))
        let (m, om) = x.addingReportingOverflow(y)
        if !(ox || oy || om) { return FixDecimal(mantissa: m, scale: s) }
        let (wx, wy) = FixDecimal.widened(self, other)
        return try FixDecimal.fitting(wx + wy, scale: Int(s))
    }

    /// `self - other`, exactly; same scale rules as ``adding(_:)``.
    /// - Throws: ``FixValueError/overflow`` when the exact difference is not representable.
    /// - Complexity: O(1).
    @inlinable
    public func subtracting(_ other: FixDecimal) throws(FixValueError) -> FixDecimal {
        let s = max(scale, other.scale)
        let (x, ox) = mantissa.multipliedReportingOverflow(by: FixDecimal.pow10(s &- scale))
        let (y, oy) = other.mantissa.multipliedReportingOverflow(by: FixDecimal.pow10(s &- other.scale))
        let (m, om) = x.subtractingReportingOverflow(y)
        if !(ox || oy || om) { return FixDecimal(mantissa: m, scale: s) }
        let (wx, wy) = FixDecimal.widened(self, other)
        return try FixDecimal.fitting(wx - wy, scale: Int(s))
    }

    /// `self × other`, exactly. The result's scale is the sum of the scales; when that exceeds
    /// 18 or the mantissa does not fit `Int64`, trailing zeros are dropped until it fits.
    /// - Throws: ``FixValueError/overflow`` when the exact product is not representable
    ///   (more than 18 significant fraction digits, or too large).
    /// - Complexity: O(1).
    @inlinable
    public func multiplied(by other: FixDecimal) throws(FixValueError) -> FixDecimal {
        let s = Int(scale) &+ Int(other.scale)
        if s <= Int(FixDecimal.maxScale) {
            let (m, overflow) = mantissa.multipliedReportingOverflow(by: other.mantissa)
            if !overflow { return FixDecimal(mantissa: m, scale: UInt8(truncatingIfNeeded: s)) }
        }
        // |product| < 2^126: always fits the 128-bit intermediate.
        return try FixDecimal.fitting(Int128(mantissa) * Int128(other.mantissa), scale: s)
    }

    /// `-self`, same scale.
    /// - Throws: ``FixValueError/overflow`` for `Int64.min` mantissas.
    /// - Complexity: O(1).
    @inlinable
    public func negated() throws(FixValueError) -> FixDecimal {
        guard mantissa != .min else { throw .overflow }
        return FixDecimal(mantissa: -mantissa, scale: scale)
    }

    // MARK: Equality, hashing, ordering (by numeric value)

    /// Numeric equality: `1.50 == 1.5`.
    /// - Complexity: O(1).
    @inlinable
    public static func == (a: FixDecimal, b: FixDecimal) -> Bool {
        if a.scale == b.scale { return a.mantissa == b.mantissa }
        let (x, y) = widened(a, b)
        return x == y
    }

    /// Numeric order, exact across scales: `9223372036854775807 > 9.223372036854775807`.
    /// - Complexity: O(1).
    @inlinable
    public static func < (a: FixDecimal, b: FixDecimal) -> Bool {
        if a.scale == b.scale { return a.mantissa < b.mantissa }
        let (x, y) = widened(a, b)
        return x < y
    }

    /// Hashes the normalized value, so values that are `==` hash alike.
    /// - Complexity: O(scale).
    public func hash(into hasher: inout Hasher) {
        let n = normalized
        hasher.combine(n.mantissa)
        hasher.combine(n.scale)
    }

    // MARK: Internals

    /// Both mantissas brought to the larger scale, in 128 bits:
    /// |mantissa| ≤ 2^63 and 10^18 < 2^60, so every product is below 2^123 and sums of two stay below 2^124.
    @usableFromInline @inline(__always)
    static func widened(_ a: FixDecimal, _ b: FixDecimal) -> (Int128, Int128) {
        let s = max(a.scale, b.scale)
        return (Int128(a.mantissa) * Int128(pow10(s &- a.scale)),
                Int128(b.mantissa) * Int128(pow10(s &- b.scale)))
    }

    /// The exact `value × 10^-scale` as a `FixDecimal`, dropping trailing zeros until the scale is
    /// at most 18 and the mantissa fits `Int64`. Slow path of the arithmetic.
    /// - Throws: ``FixValueError/overflow`` when that would drop a non-zero digit.
    @usableFromInline @inline(never)
    static func fitting(_ value: Int128, scale: Int) throws(FixValueError) -> FixDecimal {
        var v = value
        var s = scale
        while s > Int(maxScale) || v < Int128(Int64.min) || v > Int128(Int64.max) {
            guard s > 0 else { throw .overflow }
            let (q, r) = v.quotientAndRemainder(dividingBy: 10)
            guard r == 0 else { throw .overflow }
            v = q
            s -= 1
        }
        return FixDecimal(mantissa: Int64(truncatingIfNeeded: v), scale: UInt8(truncatingIfNeeded: s))
    }

    /// 10^k for k in 0...18 (callers guarantee the range; anything larger answers 10^18).
    /// A switch so the optimizer emits a constant table, with no lazy global or bounds check.
    @usableFromInline @inline(__always)
    static func pow10(_ k: UInt8) -> Int64 {
        switch k {
        case 0: return 1
        case 1: return 10
        case 2: return 100
        case 3: return 1_000
        case 4: return 10_000
        case 5: return 100_000
        case 6: return 1_000_000
        case 7: return 10_000_000
        case 8: return 100_000_000
        case 9: return 1_000_000_000
        case 10: return 10_000_000_000
        case 11: return 100_000_000_000
        case 12: return 1_000_000_000_000
        case 13: return 10_000_000_000_000
        case 14: return 100_000_000_000_000
        case 15: return 1_000_000_000_000_000
        case 16: return 10_000_000_000_000_000
        case 17: return 100_000_000_000_000_000
        default: return 1_000_000_000_000_000_000
        }
    }
}

extension FixDecimal {
    /// Parses the bytes of a FIX `float`/`Price`/`Qty`/`Amt` value in place, exactly.
    ///
    /// Syntax: optional `-`, digits, optional `.` and digits, with at least one digit in all
    /// (`"1."` and `".5"` are valid, as FIX allows). No `+`, exponent, spaces or other bytes.
    /// Leading zeros are fine (`"007.50"`). The fraction digits set the scale, trailing zeros
    /// included (`"0.7500"` has scale 4); `"-0"` is zero.
    ///
    /// Trailing fraction zeros that do not fit (past 18 fraction digits, or past what the
    /// mantissa can hold) are dropped: they do not change the value.
    ///
    /// - Throws: ``FixValueError/empty`` for no bytes;
    ///   ``FixValueError/invalidCharacter(offset:)`` at the first byte that breaks the syntax
    ///   (the last byte when there is no digit: `"-"`, `"."`);
    ///   ``FixValueError/overflow`` when the mantissa exceeds `Int64` or there are more than
    ///   18 significant fraction digits.
    /// - Complexity: O(n) in the number of bytes; no allocation.
    @inlinable
    public init(parsing bytes: UnsafeRawBufferPointer) throws(FixValueError) {
        let count = bytes.count
        guard count > 0 else { throw .empty }
        let negative = bytes[0] == UInt8(ascii: "-")
        if count <= 18 {
            // Fast path for every realistic price and quantity: at most 18 digits cannot
            // overflow, and every fraction digit fits the scale, so no per-digit checks.
            // Same results and error offsets as the general path below.
            var i = negative ? 1 : 0
            var magnitude: Int64 = 0
            var dot = -1
            var digits = 0
            while i < count {
                let b = bytes[i]
                let d = b &- UInt8(ascii: "0")
                if d < 10 {
                    magnitude = magnitude &* 10 &+ Int64(d)
                    digits &+= 1
                } else if b == UInt8(ascii: ".") && dot < 0 {
                    dot = i
                } else {
                    throw .invalidCharacter(offset: i)
                }
                i &+= 1
            }
            guard digits > 0 else { throw .invalidCharacter(offset: count &- 1) }
            self.init(mantissa: negative ? 0 &- magnitude : magnitude,
                      scale: dot < 0 ? 0 : UInt8(truncatingIfNeeded: count &- 1 &- dot))
            return
        }
        var i = negative ? 1 : 0
        var magnitude: UInt64 = 0   // |mantissa|; up to 2^63 so that Int64.min parses
        var sawDigit = false

        // Integer part. Checking the bound before each step keeps `magnitude` below UInt64.max;
        // the exact Int64 limit is checked once at the end.
        while i < count {
            let d = bytes[i] &- UInt8(ascii: "0")
            guard d < 10 else { break }
            guard magnitude <= FixDecimal.magnitudeStepLimit else { throw .overflow }
            magnitude = magnitude &* 10 &+ UInt64(d)
            sawDigit = true
            i &+= 1
        }

        var scale = 0
        var pendingZeros = 0   // fraction zeros not yet applied: they may turn out to be trailing
        if i < count {
            guard bytes[i] == UInt8(ascii: ".") else { throw .invalidCharacter(offset: i) }
            i &+= 1
            while i < count {
                let d = bytes[i] &- UInt8(ascii: "0")
                guard d < 10 else { throw .invalidCharacter(offset: i) }
                sawDigit = true
                if d == 0 {
                    pendingZeros &+= 1
                } else {
                    guard scale &+ pendingZeros < Int(FixDecimal.maxScale) else { throw .overflow }
                    while pendingZeros > 0 {
                        guard magnitude <= FixDecimal.magnitudeStepLimit else { throw .overflow }
                        magnitude &*= 10
                        pendingZeros &-= 1
                        scale &+= 1
                    }
                    guard magnitude <= FixDecimal.magnitudeStepLimit else { throw .overflow }
                    magnitude = magnitude &* 10 &+ UInt64(d)
                    scale &+= 1
                }
                i &+= 1
            }
        }
        guard sawDigit else { throw .invalidCharacter(offset: count &- 1) }
        guard magnitude <= (negative ? 1 << 63 : UInt64(Int64.max)) else { throw .overflow }

        // Keep trailing zeros as scale while they fit; both limits make `magnitude × 10` exact.
        while pendingZeros > 0 && scale < Int(FixDecimal.maxScale)
            && magnitude <= FixDecimal.magnitudeStepLimit
        {
            magnitude &*= 10
            pendingZeros &-= 1
            scale &+= 1
        }
        // 0 &- 2^63 is Int64.min's bit pattern, so the most negative mantissa round-trips.
        self.init(
            mantissa: Int64(bitPattern: negative ? 0 &- magnitude : magnitude),
            scale: UInt8(truncatingIfNeeded: scale))
    }

    /// Parses a FIX decimal string; nil when ``init(parsing:)`` would throw.
    /// - Complexity: O(n); may copy a non-contiguous string once.
    public init?(_ description: String) {
        var text = description
        let parsed = text.withUTF8 { utf8 in try? FixDecimal(parsing: UnsafeRawBufferPointer(utf8)) }
        guard let parsed else { return nil }
        self = parsed
    }

    /// Largest magnitude that can take one more digit: `⌊2^63 / 10⌋`. After `× 10 + 9` it is
    /// at most 2^63 + 1, far from `UInt64.max`; and `magnitude × 10 ≤ Int64.max` exactly when
    /// `magnitude` is at most this.
    @usableFromInline static var magnitudeStepLimit: UInt64 { 922_337_203_685_477_580 }
}

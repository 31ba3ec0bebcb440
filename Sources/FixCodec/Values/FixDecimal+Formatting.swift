extension FixDecimal {
    /// The most bytes ``write(to:minimumScale:)`` writes when `minimumScale` does not exceed the
    /// value's scale: 21, e.g. `-9.223372036854775808` or `-0.000000000000000001`
    /// (sign + 19 digits + point; `-9223372036854775808` at scale 0 is only 20).
    @inlinable public static var maxEncodedLength: Int { 21 }

    /// Writes the plain decimal (no exponent, no `+`) with `max(scale, minimumScale)` fraction
    /// digits: padding zeros are added, digits are never dropped. `"10"` with `minimumScale: 2`
    /// is `10.00`; `1.234` stays `1.234`. Values below one get a leading `0` (`0.05`), zero is
    /// `0` (or `0.00`), and `-` appears only for negative values.
    ///
    /// - Parameter minimumScale: values above 18 are treated as 18.
    /// - Precondition: `destination` has room for `maxEncodedLength + Int(minimumScale)` bytes
    ///   (at most 39); fewer suffice when `minimumScale <= scale` (21).
    /// - Returns: the number of bytes written.
    /// - Complexity: O(digits); no allocation.
    @inlinable @discardableResult
    public func write(to destination: UnsafeMutableRawPointer, minimumScale: UInt8 = 0) -> Int {
        let negative = mantissa < 0
        var magnitude = mantissa.magnitude
        let scale = Int(self.scale)
        let fractionDigits = max(scale, Int(min(minimumScale, FixDecimal.maxScale)))

        var digitCount = 1
        var power: UInt64 = 10
        while digitCount < 19 && magnitude >= power {   // 10^19 > 2^63, so 19 digits at most
            digitCount &+= 1
            power &*= 10
        }
        let integerDigits = max(1, digitCount &- scale)
        let length = (negative ? 1 : 0) &+ integerDigits &+ (fractionDigits > 0 ? 1 &+ fractionDigits : 0)

        // Fill backwards: padding zeros, fraction digits, point, integer digits, sign.
        var p = length
        for _ in scale..<fractionDigits {
            p &-= 1
            destination.storeBytes(of: UInt8(ascii: "0"), toByteOffset: p, as: UInt8.self)
        }
        for _ in 0..<scale {
            p &-= 1
            destination.storeBytes(of: UInt8(truncatingIfNeeded: magnitude % 10) &+ UInt8(ascii: "0"),
                                   toByteOffset: p, as: UInt8.self)
            magnitude /= 10
        }
        if fractionDigits > 0 {
            p &-= 1
            destination.storeBytes(of: UInt8(ascii: "."), toByteOffset: p, as: UInt8.self)
        }
        for _ in 0..<integerDigits {
            p &-= 1
            destination.storeBytes(of: UInt8(truncatingIfNeeded: magnitude % 10) &+ UInt8(ascii: "0"),
                                   toByteOffset: p, as: UInt8.self)
            magnitude /= 10
        }
        if negative {
            destination.storeBytes(of: UInt8(ascii: "-"), toByteOffset: 0, as: UInt8.self)
        }
        return length
    }

    /// The FIX spelling, keeping the scale: `0.7500`, `-1.5`, `0`, `0.05`.
    /// - Complexity: O(digits); allocates the string.
    public var description: String {
        String(unsafeUninitializedCapacity: FixDecimal.maxEncodedLength) { buffer in
            write(to: UnsafeMutableRawPointer(buffer.baseAddress!))
        }
    }
}

/// Byte scanning primitives shared by framing and indexing.
///
/// SOH search reads eight bytes at a time (SWAR): fields average ~10 bytes, so most values
/// are found with one or two word loads instead of a branch per byte. Measured on the ER of
/// the corpus (358 bytes, 30 fields; `Bench codec`, parts.index): scalar loop 153 ns,
/// SWAR <see FixCodec notes in docs/STATUS.md for the current figure>.
public enum FixScan {
    /// Offset of the first SOH (0x01) in `base[from..<end]`, or nil.
    @inlinable @inline(__always)
    public static func firstSOH(_ base: UnsafeRawPointer, from: Int, end: Int) -> Int? {
        var i = from
        while i &+ 8 <= end {
            let word = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            // Bytes equal to 0x01 become 0x00; the classic has-zero-byte test finds the first.
            let x = word ^ 0x0101_0101_0101_0101
            let found = (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
            if found != 0 { return i &+ (found.trailingZeroBitCount >> 3) }
            i &+= 8
        }
        while i < end {
            if base.load(fromByteOffset: i, as: UInt8.self) == 0x01 { return i }
            i &+= 1
        }
        return nil
    }
}

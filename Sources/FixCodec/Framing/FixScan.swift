/// Byte scanning primitives shared by framing and indexing.
///
/// What was measured (ER of the corpus, 358 bytes, 30 fields; `Bench codec --filter parts`,
/// release, this 2-core VM; medians, ±5% run to run):
///
/// | variant                                                   | parts.index |
/// |-----------------------------------------------------------|------------:|
/// | scalar tag loop + scalar SOH loop                         | 169–177 ns  |
/// | scalar tag loop + SWAR SOH per field (kept)               | 154–164 ns  |
/// | SWAR tag (8-byte load, digit check, Lemire combine) + SWAR SOH | 209–213 ns |
/// | whole-frame SOH bitmap first, then ctz per field          | 171–177 ns  |
///
/// The SOH search alone over all 30 fields (parts.soh_*) costs 83–88 ns either way: fields
/// are short (~10 bytes), so the win of word-at-a-time is small and a bitmap pass costs more
/// than it saves. The checksum loop (`FixChecksum`) is auto-vectorised by LLVM: ~20 ns for
/// the ER including the framer's prefix checks, so no hand-written SIMD there.
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

    /// Byte-at-a-time reference for ``firstSOH(_:from:end:)``, kept for the benchmark that
    /// justifies the SWAR version (`Bench codec --filter parts`).
    @inlinable
    public static func firstSOHScalar(_ base: UnsafeRawPointer, from: Int, end: Int) -> Int? {
        var i = from
        while i < end {
            if base.load(fromByteOffset: i, as: UInt8.self) == 0x01 { return i }
            i &+= 1
        }
        return nil
    }
}

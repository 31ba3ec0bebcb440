/// The bytes `<tag>=` of one tag, packed little-endian in a word so a writer emits them with a
/// single store. Generated encoders use literals (`FixTagPrefix(tag: 44, packed: 0x3D3434, count: 3)`),
/// so nothing is computed per message.
@frozen
public struct FixTagPrefix: Sendable, Hashable {
    public let tag: UInt32
    /// Up to 7 digits and `=`, first byte lowest.
    public let packed: UInt64
    /// Number of bytes in `packed` (digits + 1).
    public let count: UInt8

    /// A precomputed prefix. - Precondition: `packed`/`count` spell `tag` followed by `=`.
    @inlinable
    public init(tag: UInt32, packed: UInt64, count: UInt8) {
        self.tag = tag
        self.packed = packed
        self.count = count
    }

    /// Computes the prefix of `tag` (1...9 999 999).
    public init(_ tag: Int) {
        precondition(tag > 0 && tag < 10_000_000, "tag \(tag) does not fit a FixTagPrefix")
        var digits: [UInt8] = []
        var v = tag
        repeat { digits.insert(UInt8(ascii: "0") + UInt8(v % 10), at: 0); v /= 10 } while v > 0
        digits.append(UInt8(ascii: "="))
        var packed: UInt64 = 0
        for (i, b) in digits.enumerated() { packed |= UInt64(b) << (8 * UInt64(i)) }
        self.init(tag: UInt32(tag), packed: packed, count: UInt8(digits.count))
    }
}

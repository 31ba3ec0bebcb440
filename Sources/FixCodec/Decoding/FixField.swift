/// One indexed field: its tag and where its value lies in the message bytes.
///
/// 12 bytes, so a 64-byte cache line holds five fields and the index of a typical
/// execution report (30 fields) fits in six lines.
@frozen
public struct FixField: Sendable, Hashable {
    /// The tag number (e.g. `35` for MsgType).
    public var tag: UInt32
    /// Offset of the first value byte, from the start of the message (the `8` of `8=FIXT.1.1`).
    public var valueOffset: UInt32
    /// Length of the value in bytes, excluding the SOH that ends it.
    public var valueLength: UInt32

    @inlinable
    public init(tag: UInt32, valueOffset: UInt32, valueLength: UInt32) {
        self.tag = tag
        self.valueOffset = valueOffset
        self.valueLength = valueLength
    }

    /// Offset of the tag's first digit: where a decode error about this field points.
    @inlinable
    public var tagOffset: Int {
        // value starts after "<tag>="; tag digits are recomputed rather than stored to keep 12 bytes.
        Int(valueOffset) - 1 - FixField.decimalDigitCount(Int(tag))
    }

    @inlinable
    static func decimalDigitCount(_ value: Int) -> Int {
        var n = 1
        var v = value
        while v >= 10 { v /= 10; n += 1 }
        return n
    }
}

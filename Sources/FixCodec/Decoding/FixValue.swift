/// The bytes of one field value, in place in the receive buffer. Nothing is copied until a
/// typed read or ``string`` asks for it.
///
/// - Important: valid only while the buffer it points into is unchanged, i.e. inside the
///   handler call that received the message. Use ``string`` or ``copyBytes()`` to keep it.
@frozen
public struct FixValue {
    /// The value bytes (no SOH).
    public let bytes: UnsafeRawBufferPointer

    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// Number of bytes in the value.
    @inlinable public var count: Int { bytes.count }
    @inlinable public var isEmpty: Bool { bytes.isEmpty }

    /// Byte at `index` (0-based). - Precondition: `index < count`.
    @inlinable public subscript(index: Int) -> UInt8 { bytes[index] }

    // MARK: Typed reads

    /// Reads an integer (`INT`, `SEQNUM`, `LENGTH`, `NUMINGROUP`): optional `-`, then 1 to 18 digits.
    @inlinable
    public func int() throws(FixValueError) -> Int {
        let n = bytes.count
        if n == 0 { throw .empty }
        var i = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") {
            negative = true
            i = 1
            if n == 1 { throw .invalidCharacter(offset: 0) }
        }
        // 18 digits always fit in Int64 without overflow checks.
        if n - i > 18 { throw .overflow }
        var value = 0
        while i < n {
            let d = bytes[i] &- UInt8(ascii: "0")
            if d >= 10 { throw .invalidCharacter(offset: i) }
            value = value &* 10 &+ Int(d)
            i &+= 1
        }
        return negative ? -value : value
    }

    /// Reads a FIX `Boolean`: `Y` or `N`.
    @inlinable
    public func bool() throws(FixValueError) -> Bool {
        guard bytes.count == 1 else { throw bytes.isEmpty ? .empty : .invalidCharacter(offset: 1) }
        switch bytes[0] {
        case UInt8(ascii: "Y"): return true
        case UInt8(ascii: "N"): return false
        default: throw .invalidCharacter(offset: 0)
        }
    }

    /// Reads a FIX `char`: exactly one byte.
    @inlinable
    public func char() throws(FixValueError) -> UInt8 {
        guard bytes.count == 1 else { throw bytes.isEmpty ? .empty : .invalidCharacter(offset: 1) }
        return bytes[0]
    }

    /// Reads a `Price`, `Qty`, `Amt` or decimal value exactly (no floating point).
    @inlinable
    public func decimal() throws(FixValueError) -> FixDecimal {
        try FixDecimal(parsing: bytes)
    }

    /// Reads a `UTCTimestamp` (`YYYYMMDD-HH:MM:SS[.s…]`).
    @inlinable
    public func timestamp() throws(FixValueError) -> FixTimestamp {
        try FixTimestamp(parsing: bytes)
    }

    /// Reads a `LocalMktDate` (`YYYYMMDD`).
    @inlinable
    public func localMktDate() throws(FixValueError) -> FixLocalMktDate {
        try FixLocalMktDate(parsing: bytes)
    }

    /// A copy of the value as a `String` (bytes decoded as UTF-8, invalid sequences repaired).
    /// Allocates only when the value is longer than 15 bytes.
    public var string: String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// A copy of the value bytes.
    public func copyBytes() -> [UInt8] {
        Array(bytes)
    }

    /// True when the value equals `literal` byte for byte.
    @inlinable
    public func equals(_ literal: StaticString) -> Bool {
        guard literal.utf8CodeUnitCount == bytes.count else { return false }
        guard let base = bytes.baseAddress else { return true }
        return memcmp(base, literal.utf8Start, bytes.count) == 0
    }

    /// True when the value equals the UTF-8 bytes of `string`.
    @inlinable
    public func equals(_ string: String) -> Bool {
        var s = string
        return s.withUTF8 { utf8 in
            guard utf8.count == bytes.count else { return false }
            guard let base = bytes.baseAddress, let other = utf8.baseAddress else { return true }
            return memcmp(base, other, utf8.count) == 0
        }
    }
}

extension FixValue: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { string }
    public var debugDescription: String { "FixValue(\"\(string)\")" }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

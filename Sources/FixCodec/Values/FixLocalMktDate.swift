/// A FIX `LocalMktDate`, `YYYYMMDD` in the market's local calendar (no time zone attached),
/// e.g. ClearingBusinessDate (715). Always a valid Gregorian date with year 0...9999.
@frozen
public struct FixLocalMktDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Year, 0...9999.
    public let year: Int16
    /// Month, 1...12.
    public let month: UInt8
    /// Day of the month, 1...31 (valid for the month and year).
    public let day: UInt8

    /// The date, or nil when it does not exist (month 13, 29 February 2023, year 10000...).
    /// - Complexity: O(1).
    @inlinable
    public init?(year: Int, month: Int, day: Int) {
        guard FixLocalMktDate.isValid(year: year, month: month, day: day) else { return nil }
        self.init(unchecked: year, month, day)
    }

    @usableFromInline
    init(unchecked year: Int, _ month: Int, _ day: Int) {
        self.year = Int16(truncatingIfNeeded: year)
        self.month = UInt8(truncatingIfNeeded: month)
        self.day = UInt8(truncatingIfNeeded: day)
    }

    @usableFromInline @inline(__always)
    static func isValid(year: Int, month: Int, day: Int) -> Bool {
        year >= 0 && year <= 9_999 && month >= 1 && month <= 12
            && day >= 1 && day <= FixCalendar.daysInMonth(year: year, month: month)
    }

    /// Calendar order.
    @inlinable
    public static func < (a: FixLocalMktDate, b: FixLocalMktDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    /// Parses exactly 8 digits, `YYYYMMDD`.
    /// - Throws: ``FixValueError/empty`` for no bytes;
    ///   ``FixValueError/invalidCharacter(offset:)`` at a non-digit, at the last byte when
    ///   shorter than 8, or at offset 8 when longer; ``FixValueError/outOfRange`` when the date
    ///   does not exist.
    /// - Complexity: O(1); no allocation.
    @inlinable
    public init(parsing bytes: UnsafeRawBufferPointer) throws(FixValueError) {
        guard bytes.count > 0 else { throw .empty }
        let year = try FixCalendar.number(bytes, at: 0, digits: 4)
        let month = try FixCalendar.number(bytes, at: 4, digits: 2)
        let day = try FixCalendar.number(bytes, at: 6, digits: 2)
        guard bytes.count == FixLocalMktDate.encodedLength else { throw .invalidCharacter(offset: 8) }
        guard FixLocalMktDate.isValid(year: year, month: month, day: day) else { throw .outOfRange }
        self.init(unchecked: year, month, day)
    }

    /// Parses a `YYYYMMDD` string; nil when ``init(parsing:)`` would throw.
    /// - Complexity: O(n); may copy a non-contiguous string once.
    public init?(_ text: String) {
        var text = text
        guard let parsed = text.withUTF8({ try? FixLocalMktDate(parsing: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = parsed
    }

    /// Length of `YYYYMMDD`.
    @inlinable public static var encodedLength: Int { 8 }

    /// Writes `YYYYMMDD`.
    /// - Precondition: `destination` has room for 8 bytes.
    /// - Returns: 8.
    /// - Complexity: O(1); no allocation.
    @inlinable @discardableResult
    public func write(to destination: UnsafeMutableRawPointer) -> Int {
        FixCalendar.writeDate(year: Int(year), month: Int(month), day: Int(day), to: destination)
        return FixLocalMktDate.encodedLength
    }

    /// `YYYYMMDD`.
    public var description: String {
        String(unsafeUninitializedCapacity: FixLocalMktDate.encodedLength) { buffer in
            write(to: UnsafeMutableRawPointer(buffer.baseAddress!))
        }
    }
}

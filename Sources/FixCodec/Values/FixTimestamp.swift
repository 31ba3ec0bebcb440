#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A FIX `UTCTimestamp` (`YYYYMMDD-HH:MM:SS[.s…]`, always UTC), stored as nanoseconds since the
/// Unix epoch (1970-01-01T00:00:00Z).
///
/// `Int64` nanoseconds span 1677-09-21T00:12:43.145224192Z through 2262-04-11T23:47:16.854775807Z;
/// parsing rejects instants outside that span with ``FixValueError/outOfRange``, and every
/// representable instant (including pre-1970 ones) formats correctly.
@frozen
public struct FixTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Nanoseconds since 1970-01-01T00:00:00Z (negative before it). Leap seconds are not counted.
    public var nanosecondsSinceEpoch: Int64

    @inlinable
    public init(nanosecondsSinceEpoch: Int64) {
        self.nanosecondsSinceEpoch = nanosecondsSinceEpoch
    }

    /// `secondsSinceEpoch` seconds plus `nanoseconds` (which may be negative or above 10^9; it
    /// is simply added). - Precondition: the total fits `Int64` nanoseconds (years 1677–2262).
    @inlinable
    public init(secondsSinceEpoch: Int64, nanoseconds: Int32 = 0) {
        let (ns, o1) = secondsSinceEpoch.multipliedReportingOverflow(by: 1_000_000_000)
        let (total, o2) = ns.addingReportingOverflow(Int64(nanoseconds))
        precondition(!o1 && !o2, "FixTimestamp out of Int64 nanosecond range")
        self.nanosecondsSinceEpoch = total
    }

    @inlinable
    public static func < (a: FixTimestamp, b: FixTimestamp) -> Bool {
        a.nanosecondsSinceEpoch < b.nanosecondsSinceEpoch
    }

    // MARK: Parsing

    /// Parses `YYYYMMDD-HH:MM:SS`, optionally followed by `.` and 1 to 9 fraction digits
    /// (milliseconds, microseconds and nanoseconds are all valid; `.5` is half a second).
    ///
    /// Ranges: month 1–12, day within the month (Gregorian leap years), hour 0–23,
    /// minute 0–59, second 0–60. A leap second `:60` is accepted and counted as 60 seconds,
    /// so `23:59:60` is the same instant as the next day's `00:00:00` (POSIX time has no leap
    /// seconds); it therefore does not format back to `:60`.
    ///
    /// - Throws: ``FixValueError/empty`` for no bytes;
    ///   ``FixValueError/invalidCharacter(offset:)`` at the first byte that breaks the syntax
    ///   (the last byte when the value ends early, or the first byte past a complete value
    ///   that is not `.`); ``FixValueError/overflow`` for a 10th fraction digit;
    ///   ``FixValueError/outOfRange`` for impossible fields or instants outside 1677–2262.
    /// - Complexity: O(n) in the number of bytes; no allocation.
    @inlinable
    public init(parsing bytes: UnsafeRawBufferPointer) throws(FixValueError) {
        let count = bytes.count
        guard count > 0 else { throw .empty }
        // Syntax first, left to right; ranges after, so a bad byte is always reported as such.
        let year = try FixCalendar.number(bytes, at: 0, digits: 4)
        let month = try FixCalendar.number(bytes, at: 4, digits: 2)
        let day = try FixCalendar.number(bytes, at: 6, digits: 2)
        try FixCalendar.expect(UInt8(ascii: "-"), in: bytes, at: 8)
        let hour = try FixCalendar.number(bytes, at: 9, digits: 2)
        try FixCalendar.expect(UInt8(ascii: ":"), in: bytes, at: 11)
        let minute = try FixCalendar.number(bytes, at: 12, digits: 2)
        try FixCalendar.expect(UInt8(ascii: ":"), in: bytes, at: 14)
        let second = try FixCalendar.number(bytes, at: 15, digits: 2)

        var fraction: Int64 = 0
        if count > 17 {
            guard bytes[17] == UInt8(ascii: ".") else { throw .invalidCharacter(offset: 17) }
            guard count > 18 else { throw .invalidCharacter(offset: 17) }
            var i = 18
            while i < count {
                let d = bytes[i] &- UInt8(ascii: "0")
                guard d < 10 else { throw .invalidCharacter(offset: i) }
                guard i < 27 else { throw .overflow }   // finer than a nanosecond
                fraction = fraction &* 10 &+ Int64(d)
                i &+= 1
            }
            // n = count - 18 digits were read; scale them to nanoseconds (× 10^(9 - n)).
            fraction &*= FixDecimal.pow10(UInt8(truncatingIfNeeded: 27 &- count))
        }

        guard month >= 1, month <= 12, day >= 1, day <= FixCalendar.daysInMonth(year: year, month: month),
              hour <= 23, minute <= 59, second <= 60
        else { throw .outOfRange }

        // Years 0...9999 keep the seconds far inside Int64; only the nanoseconds can overflow.
        let days = FixCalendar.daysFromCivil(year: year, month: month, day: day)
        var seconds = Int64(days &* 86_400 &+ hour &* 3_600 &+ minute &* 60 &+ second)
        if seconds < 0 && fraction > 0 {
            // Borrow a second so that `seconds × 10^9` cannot overflow on its own when the
            // total fits (down to Int64.min = 1677-09-21T00:12:43.145224192Z).
            seconds &+= 1
            fraction &-= 1_000_000_000
        }
        let (ns, o1) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (total, o2) = ns.addingReportingOverflow(fraction)
        guard !o1 && !o2 else { throw .outOfRange }
        self.nanosecondsSinceEpoch = total
    }

    /// Parses a `UTCTimestamp` string (any precision accepted by ``init(parsing:)``); nil when
    /// that would throw. Convenient for tests and configuration, not for the hot path.
    /// - Complexity: O(n); may copy a non-contiguous string once.
    public init?(_ text: String) {
        var text = text
        guard let parsed = text.withUTF8({ try? FixTimestamp(parsing: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = parsed
    }

    // MARK: Formatting

    /// Length of `YYYYMMDD-HH:MM:SS.sss`.
    @inlinable public static var encodedLengthMilliseconds: Int { 21 }

    /// Writes `YYYYMMDD-HH:MM:SS.sss`, the millisecond form Kalshi expects (SendingTime 52 and
    /// the logon signature). Sub-millisecond digits are floored (toward the past), never
    /// rounded, so the bytes for a given instant are stable: `…:00.123999999` writes `.123`.
    /// Pre-1970 instants are floored the same way and format correctly.
    ///
    /// - Precondition: `destination` has room for 21 bytes.
    /// - Returns: 21.
    /// - Complexity: O(1); no allocation.
    @inlinable @discardableResult
    public func writeMilliseconds(to destination: UnsafeMutableRawPointer) -> Int {
        // One signed floor division; everything after it is small, non-negative and unsigned.
        // (The wrapping `&*`/`&-` are exact: the true remainder is in 0..<nsPerDay.)
        let nsPerDay: Int64 = 86_400_000_000_000
        let days = FixCalendar.floorDivide(nanosecondsSinceEpoch, nsPerDay)
        let nsOfDay = UInt64(bitPattern: nanosecondsSinceEpoch &- days &* nsPerDay)
        let msOfDay = Int(UInt32(truncatingIfNeeded: nsOfDay / 1_000_000))   // 0..<86_400_000
        let (year, month, day) = FixCalendar.civilFromDays(Int(days))
        FixCalendar.writeDate(year: year, month: month, day: day, to: destination)
        destination.storeBytes(of: UInt8(ascii: "-"), toByteOffset: 8, as: UInt8.self)
        FixCalendar.write2(msOfDay / 3_600_000, to: destination, at: 9)
        destination.storeBytes(of: UInt8(ascii: ":"), toByteOffset: 11, as: UInt8.self)
        FixCalendar.write2(msOfDay / 60_000 % 60, to: destination, at: 12)
        destination.storeBytes(of: UInt8(ascii: ":"), toByteOffset: 14, as: UInt8.self)
        FixCalendar.write2(msOfDay / 1_000 % 60, to: destination, at: 15)
        destination.storeBytes(of: UInt8(ascii: "."), toByteOffset: 17, as: UInt8.self)
        let millis = msOfDay % 1_000
        FixCalendar.write1(millis / 100, to: destination, at: 18)
        FixCalendar.write2(millis % 100, to: destination, at: 19)
        return FixTimestamp.encodedLengthMilliseconds
    }

    /// The millisecond form, `YYYYMMDD-HH:MM:SS.sss` (floored).
    /// - Complexity: O(1); allocates the string.
    public var description: String {
        String(unsafeUninitializedCapacity: FixTimestamp.encodedLengthMilliseconds) { buffer in
            writeMilliseconds(to: UnsafeMutableRawPointer(buffer.baseAddress!))
        }
    }

    // MARK: Clock

    /// The current wall-clock time (`clock_gettime(CLOCK_REALTIME)`; a vDSO call, no syscall).
    /// - Complexity: O(1); no allocation.
    public static func now() -> FixTimestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return FixTimestamp(nanosecondsSinceEpoch: Int64(ts.tv_sec) &* 1_000_000_000 &+ Int64(ts.tv_nsec))
    }

    // MARK: Components (UTC, computed on each access)

    /// Whole seconds since the epoch, floored (so the ``nanosecond`` part is never negative).
    @inlinable public var secondsSinceEpoch: Int64 {
        FixCalendar.floorDivide(nanosecondsSinceEpoch, 1_000_000_000)
    }
    /// Nanoseconds within the second, `0..<1_000_000_000`.
    @inlinable public var nanosecond: Int {
        Int(nanosecondsSinceEpoch &- secondsSinceEpoch &* 1_000_000_000)
    }
    /// Calendar year (1677...2262).
    @inlinable public var year: Int { FixCalendar.civilFromDays(daysSinceEpoch).year }
    /// Month, 1...12.
    @inlinable public var month: Int { FixCalendar.civilFromDays(daysSinceEpoch).month }
    /// Day of the month, 1...31.
    @inlinable public var day: Int { FixCalendar.civilFromDays(daysSinceEpoch).day }
    /// Hour, 0...23.
    @inlinable public var hour: Int { secondOfDay / 3_600 }
    /// Minute, 0...59.
    @inlinable public var minute: Int { secondOfDay / 60 % 60 }
    /// Second, 0...59.
    @inlinable public var second: Int { secondOfDay % 60 }

    @inlinable var daysSinceEpoch: Int { Int(FixCalendar.floorDivide(secondsSinceEpoch, 86_400)) }
    @inlinable var secondOfDay: Int { Int(secondsSinceEpoch &- Int64(daysSinceEpoch) &* 86_400) }
}

/// Proleptic Gregorian calendar arithmetic and fixed-width digit I/O shared by
/// ``FixTimestamp`` and ``FixLocalMktDate``. No Foundation.
@usableFromInline
enum FixCalendar {
    /// Days from 1970-01-01 to the given civil date (Howard Hinnant's `days_from_civil`).
    /// Valid for any year; negative before 1970.
    @usableFromInline @inline(__always)
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400                                              // 0...399
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1  // 0...365, March-based
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear  // 0...146096
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date of a day count from 1970-01-01 (Howard Hinnant's `civil_from_days`).
    ///
    /// Counts from 0000-03-01 in unsigned 32-bit arithmetic, which makes every division by a
    /// constant a cheap multiply-shift. Valid for 0000-03-01 and later (`days >= -719_468`),
    /// which covers every ``FixTimestamp`` (1677–2262).
    @usableFromInline @inline(__always)
    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = UInt32(truncatingIfNeeded: days &+ 719_468)                               // days since 0000-03-01
        let era = z / 146_097                                                              // 400-year eras
        let dayOfEra = z - era * 146_097                                                   // 0...146096
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365  // 0...399
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)     // 0...365
        let mp = (5 * dayOfYear + 2) / 153                                                 // 0...11, March = 0
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (Int(yearOfEra + era * 400 + (month <= 2 ? 1 : 0)), Int(month), Int(day))
    }

    /// Days in `month` (1...12) of `year`, Gregorian leap rule.
    @usableFromInline @inline(__always)
    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// `⌊a / b⌋` for `b > 0` (Swift's `/` truncates toward zero).
    @usableFromInline @inline(__always)
    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return a % b < 0 ? q - 1 : q
    }

    /// The `digits`-digit decimal number at `offset`.
    /// - Throws: `.invalidCharacter` at a non-digit, or at the last byte if the value ends first.
    @usableFromInline @inline(__always)
    static func number(_ bytes: UnsafeRawBufferPointer, at offset: Int, digits: Int) throws(FixValueError) -> Int {
        var value = 0
        var i = offset
        while i < offset &+ digits {
            guard i < bytes.count else { throw .invalidCharacter(offset: bytes.count &- 1) }
            let d = bytes[i] &- UInt8(ascii: "0")
            guard d < 10 else { throw .invalidCharacter(offset: i) }
            value = value &* 10 &+ Int(d)
            i &+= 1
        }
        return value
    }

    /// Checks that the byte at `offset` is `expected`.
    @usableFromInline @inline(__always)
    static func expect(_ expected: UInt8, in bytes: UnsafeRawBufferPointer, at offset: Int) throws(FixValueError) {
        guard offset < bytes.count else { throw .invalidCharacter(offset: bytes.count &- 1) }
        guard bytes[offset] == expected else { throw .invalidCharacter(offset: offset) }
    }

    /// Writes `YYYYMMDD` at the start of `destination`. `year` must be 0...9999.
    @usableFromInline @inline(__always)
    static func writeDate(year: Int, month: Int, day: Int, to destination: UnsafeMutableRawPointer) {
        write2(year / 100, to: destination, at: 0)
        write2(year % 100, to: destination, at: 2)
        write2(month, to: destination, at: 4)
        write2(day, to: destination, at: 6)
    }

    /// Writes `value` (0...99) as two digits.
    @usableFromInline @inline(__always)
    static func write2(_ value: Int, to destination: UnsafeMutableRawPointer, at offset: Int) {
        write1(value / 10, to: destination, at: offset)
        write1(value % 10, to: destination, at: offset &+ 1)
    }

    /// Writes `value` (0...9) as one digit.
    @usableFromInline @inline(__always)
    static func write1(_ value: Int, to destination: UnsafeMutableRawPointer, at offset: Int) {
        destination.storeBytes(of: UInt8(truncatingIfNeeded: value) &+ UInt8(ascii: "0"),
                               toByteOffset: offset, as: UInt8.self)
    }
}

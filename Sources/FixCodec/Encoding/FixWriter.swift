#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Encodes one FIX message in place into a caller-provided buffer.
///
/// ```
///  buffer: [ reserved for 8= and 9= ][ 35=…|49=…|…body…| ][ 10=nnn| ]
///                     ^ frame start (depends on the BodyLength digits)
/// ```
/// The body is written first, after a reserved gap; ``finish()`` then writes BodyLength (9)
/// and BeginString (8) right-aligned into the gap, and CheckSum (10) after the body, so the
/// frame is never copied or shifted. ``finish()`` returns where the frame lies.
///
/// Typical use: ``begin(msgType:)``, the header fields (a session precomputes its constant
/// `49=…|56=…|` prefix and writes it with ``writeRaw(_:)``), then a generated message's
/// `encode(into:)`, then ``finish()``.
///
/// Writes past the buffer are not performed; the writer remembers the overflow and
/// ``finish()`` throws ``FixEncodeError/bufferTooSmall(capacity:)``.
///
/// - Important: not thread-safe; the buffer must outlive the writer.
public struct FixWriter {
    /// Bytes reserved at the front for `8=FIXT.1.1|9=nnnnnnn|` (BodyLength up to 7 digits).
    public static let headerReserve = 21

    @usableFromInline let _base: UnsafeMutableRawPointer
    @usableFromInline let _capacity: Int
    /// Next write position (absolute offset into the buffer).
    @usableFromInline var _position: Int
    @usableFromInline var _error: FixEncodeError?
    @usableFromInline var _started: Bool
    /// The last UTCTimestamp's `YYYYMMDD-HH:MM:SS` (17 bytes in three words) and its second:
    /// messages sent within one second reuse it and format only the milliseconds.
    @usableFromInline var _cachedSecond: Int64 = .min
    @usableFromInline var _cachedDateTime: (UInt64, UInt64, UInt8) = (0, 0, 0)

    /// - Precondition: `buffer.count > headerReserve + 7` (room for the trailer).
    public init(buffer: UnsafeMutableRawBufferPointer) {
        precondition(buffer.count > Self.headerReserve + 7, "FixWriter buffer is too small to hold any message")
        self._base = buffer.baseAddress!
        self._capacity = buffer.count
        self._position = Self.headerReserve
        self._error = nil
        self._started = false
    }

    /// Bytes of body written so far (from MsgType on).
    @inlinable public var bodyLength: Int { _position - Self.headerReserve }

    /// Starts a message: forgets any previous one and writes `35=<msgType>|`.
    @inlinable
    public mutating func begin(msgType: StaticString) {
        _position = Self.headerReserve
        _error = nil
        _started = true
        _writeTag(35)
        _writeBytes(UnsafeRawPointer(msgType.utf8Start), msgType.utf8CodeUnitCount)
        _writeByte(0x01)
    }

    /// Starts a message with a MsgType known only at run time.
    @inlinable
    public mutating func begin(msgType: String) {
        _position = Self.headerReserve
        _error = nil
        _started = true
        write(35, msgType)
    }

    // MARK: Fields

    /// Writes `tag=value|` for a string value. - Note: SOH in `value` is an error.
    @inlinable
    public mutating func write(_ tag: Int, _ value: String) {
        _writeTag(tag)
        _writeValue(tag, value)
    }

    /// Writes `tag=value|` for bytes taken from a decoded message (no copy in between).
    @inlinable
    public mutating func write(_ tag: Int, _ value: FixValue) {
        _writeTag(tag)
        _writeChecked(tag, value.bytes)
        _writeByte(0x01)
    }

    /// Writes an integer value (`INT`, `SEQNUM`, `LENGTH`, `NUMINGROUP`).
    @inlinable
    public mutating func write(_ tag: Int, _ value: Int) {
        _writeTag(tag)
        _writeValue(value)
    }

    /// Writes a decimal (`PRICE`, `QTY`, `AMT`) exactly, keeping its scale
    /// (at least `minimumScale` fraction digits).
    @inlinable
    public mutating func write(_ tag: Int, _ value: FixDecimal, minimumScale: UInt8 = 0) {
        _writeTag(tag)
        _writeValue(value, minimumScale: minimumScale)
    }

    /// Writes `tag=value|` for a value known at compile time (generated enum cases use this).
    /// - Precondition: `value` holds no SOH (the generator guarantees it for dictionary values).
    @inlinable
    public mutating func write(_ tag: Int, _ value: StaticString) {
        _writeTag(tag)
        _writeValue(value)
    }

    /// Writes a `Boolean` as `Y` or `N`.
    @inlinable
    public mutating func write(_ tag: Int, _ value: Bool) {
        _writeTag(tag)
        _writeValue(value)
    }

    /// Writes a single-byte `char` value.
    @inlinable
    public mutating func write(_ tag: Int, char: UInt8) {
        _writeTag(tag)
        _writeByte(char)
        _writeByte(0x01)
    }

    /// Writes a `UTCTimestamp` with millisecond precision (floored). Within the same second as
    /// the previous timestamp only the milliseconds are formatted.
    @inlinable
    public mutating func write(_ tag: Int, _ value: FixTimestamp) {
        _writeTag(tag)
        guard _reserve(FixTimestamp.encodedLengthMilliseconds) else { return }
        let ns = value.nanosecondsSinceEpoch
        var second = ns / 1_000_000_000
        var subsecond = ns % 1_000_000_000
        if subsecond < 0 { second -= 1; subsecond += 1_000_000_000 }  // floor for pre-1970 times
        let p = _base + _position
        if second == _cachedSecond {
            p.storeBytes(of: _cachedDateTime.0, toByteOffset: 0, as: UInt64.self)
            p.storeBytes(of: _cachedDateTime.1, toByteOffset: 8, as: UInt64.self)
            p.storeBytes(of: _cachedDateTime.2, toByteOffset: 16, as: UInt8.self)
            let ms = Int(subsecond / 1_000_000)
            p.storeBytes(of: UInt8(ascii: "."), toByteOffset: 17, as: UInt8.self)
            p.storeBytes(of: UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: ms / 100), toByteOffset: 18, as: UInt8.self)
            p.storeBytes(of: UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: ms / 10 % 10), toByteOffset: 19, as: UInt8.self)
            p.storeBytes(of: UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: ms % 10), toByteOffset: 20, as: UInt8.self)
            _position &+= 21
        } else {
            _position &+= value.writeMilliseconds(to: p)
            _cachedSecond = second
            _cachedDateTime = (p.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
                               p.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                               p.load(fromByteOffset: 16, as: UInt8.self))
        }
        _writeByte(0x01)
    }

    /// Writes a `LocalMktDate` (`YYYYMMDD`).
    @inlinable
    public mutating func write(_ tag: Int, _ value: FixLocalMktDate) {
        _writeTag(tag)
        guard _reserve(FixLocalMktDate.encodedLength) else { return }
        _position &+= value.write(to: _base + _position)
        _writeByte(0x01)
    }

    /// Writes a data field and its length field: `lengthTag=<n>|dataTag=<n bytes>|`.
    /// The bytes may contain SOH.
    @inlinable
    public mutating func writeData(lengthTag: Int, dataTag: Int, _ data: UnsafeRawBufferPointer) {
        write(lengthTag, data.count)
        _writeTag(dataTag)
        if let p = data.baseAddress { _writeBytes(p, data.count) }
        _writeByte(0x01)
    }

    /// Copies pre-encoded bytes (e.g. a session's constant `49=…|56=…|` prefix) as they are.
    @inlinable
    public mutating func writeRaw(_ bytes: UnsafeRawBufferPointer) {
        if let p = bytes.baseAddress { _writeBytes(p, bytes.count) }
    }

    // MARK: Fields with precomputed tags (what generated encoders call)

    /// Writes a string value after a precomputed `tag=`.
    @inlinable
    public mutating func write(_ prefix: FixTagPrefix, _ value: String) {
        _writePrefix(prefix)
        _writeValue(Int(prefix.tag), value)
    }

    /// Writes a literal value after a precomputed `tag=` (generated enum cases).
    @inlinable
    public mutating func write(_ prefix: FixTagPrefix, _ value: StaticString) {
        _writePrefix(prefix)
        _writeValue(value)
    }

    /// Writes an integer after a precomputed `tag=`.
    @inlinable
    public mutating func write(_ prefix: FixTagPrefix, _ value: Int) {
        _writePrefix(prefix)
        _writeValue(value)
    }

    /// Writes a decimal after a precomputed `tag=`.
    @inlinable
    public mutating func write(_ prefix: FixTagPrefix, _ value: FixDecimal) {
        _writePrefix(prefix)
        _writeValue(value, minimumScale: 0)
    }

    /// Writes `Y`/`N` after a precomputed `tag=`.
    @inlinable
    public mutating func write(_ prefix: FixTagPrefix, _ value: Bool) {
        _writePrefix(prefix)
        _writeValue(value)
    }

    /// Writes a timestamp after a precomputed `tag=`.
    @inlinable
    public mutating func write(_ prefix: FixTagPrefix, _ value: FixTimestamp) {
        write(Int(prefix.tag), value)
    }

    /// Writes a date after a precomputed `tag=`.
    @inlinable
    public mutating func write(_ prefix: FixTagPrefix, _ value: FixLocalMktDate) {
        write(Int(prefix.tag), value)
    }

    // MARK: Values (after the tag, through the closing SOH)

    @inlinable
    mutating func _writeValue(_ tag: Int, _ value: String) {
        let done: Void? = value.utf8.withContiguousStorageIfAvailable { utf8 in
            _writeChecked(tag, UnsafeRawBufferPointer(utf8))
        }
        if done == nil {
            for b in value.utf8 {
                if b == 0x01 { _fail(.valueContainsDelimiter(tag: tag)) }
                _writeByte(b)
            }
        }
        _writeByte(0x01)
    }

    @inlinable
    mutating func _writeValue(_ value: StaticString) {
        _writeBytes(UnsafeRawPointer(value.utf8Start), value.utf8CodeUnitCount)
        _writeByte(0x01)
    }

    @inlinable
    mutating func _writeValue(_ value: Int) {
        _writeInt(value)
        _writeByte(0x01)
    }

    @inlinable
    mutating func _writeValue(_ value: FixDecimal, minimumScale: UInt8) {
        guard _reserve(FixDecimal.maxEncodedLength + Int(minimumScale)) else { return }
        _position &+= value.write(to: _base + _position, minimumScale: minimumScale)
        _writeByte(0x01)
    }

    @inlinable
    mutating func _writeValue(_ value: Bool) {
        _writeByte(value ? UInt8(ascii: "Y") : UInt8(ascii: "N"))
        _writeByte(0x01)
    }

    // MARK: Finishing

    /// Fills in BeginString, BodyLength and CheckSum.
    ///
    /// - Returns: the complete frame, inside the caller's buffer.
    /// - Throws: ``FixEncodeError`` if a write overflowed or a value held SOH.
    /// - Complexity: O(n) for the checksum.
    @inlinable
    public mutating func finish() throws(FixEncodeError) -> UnsafeRawBufferPointer {
        guard _started else { throw .notStarted }
        if let e = _error { throw e }
        let bodyLength = _position - Self.headerReserve
        // "8=FIXT.1.1|9=" + digits + "|", right-aligned against the body.
        let digits = FixField.decimalDigitCount(bodyLength)
        guard digits <= 7 else { throw .bufferTooSmall(capacity: _capacity) }
        let start = Self.headerReserve - (13 + digits + 1)
        // "8=FIXT.1" and ".1|9=" as two little-endian word stores.
        _base.storeBytes(of: 0x312E_5458_4946_3D38 as UInt64, toByteOffset: start, as: UInt64.self)
        _base.storeBytes(of: 0x3D39_0131_2E as UInt64, toByteOffset: start + 8, as: UInt64.self)
        let p = start + 13
        var v = bodyLength
        var d = p + digits - 1
        while d >= p { _base.storeBytes(of: UInt8(ascii: "0") &+ UInt8(v % 10), toByteOffset: d, as: UInt8.self); v /= 10; d -= 1 }
        _base.storeBytes(of: UInt8(0x01), toByteOffset: p + digits, as: UInt8.self)

        let checksum = FixChecksum.compute(UnsafeRawBufferPointer(start: _base + start, count: _position - start))
        guard _reserve(7) else { throw _error ?? .bufferTooSmall(capacity: _capacity) }
        _base.storeBytes(of: UInt8(ascii: "1"), toByteOffset: _position, as: UInt8.self)
        _base.storeBytes(of: UInt8(ascii: "0"), toByteOffset: _position + 1, as: UInt8.self)
        _base.storeBytes(of: UInt8(ascii: "="), toByteOffset: _position + 2, as: UInt8.self)
        _base.storeBytes(of: UInt8(ascii: "0") &+ UInt8(checksum / 100), toByteOffset: _position + 3, as: UInt8.self)
        _base.storeBytes(of: UInt8(ascii: "0") &+ UInt8(checksum / 10 % 10), toByteOffset: _position + 4, as: UInt8.self)
        _base.storeBytes(of: UInt8(ascii: "0") &+ UInt8(checksum % 10), toByteOffset: _position + 5, as: UInt8.self)
        _base.storeBytes(of: UInt8(0x01), toByteOffset: _position + 6, as: UInt8.self)
        _position &+= 7
        _started = false
        return UnsafeRawBufferPointer(start: _base + start, count: _position - start)
    }

    // MARK: Internals

    @inlinable
    mutating func _reserve(_ n: Int) -> Bool {
        if _position &+ n <= _capacity { return true }
        _fail(.bufferTooSmall(capacity: _capacity))
        return false
    }

    @inlinable
    mutating func _fail(_ error: FixEncodeError) {
        if _error == nil { _error = error }
        // Park the position at the end so every later write fails cheaply too.
        _position = _capacity
    }

    @inlinable
    mutating func _writeByte(_ b: UInt8) {
        guard _reserve(1) else { return }
        _base.storeBytes(of: b, toByteOffset: _position, as: UInt8.self)
        _position &+= 1
    }

    @inlinable
    mutating func _writeBytes(_ p: UnsafeRawPointer, _ n: Int) {
        guard _reserve(n) else { return }
        (_base + _position).copyMemory(from: p, byteCount: n)
        _position &+= n
    }

    /// Copies a value, checking it for SOH eight bytes at a time while copying (one pass,
    /// no libc calls: values are short).
    @inlinable
    mutating func _writeChecked(_ tag: Int, _ bytes: UnsafeRawBufferPointer) {
        guard let src = bytes.baseAddress else { return }
        let n = bytes.count
        guard _reserve(n) else { return }
        let dst = _base + _position
        var found: UInt64 = 0
        var i = 0
        while i &+ 8 <= n {
            let word = src.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            dst.storeBytes(of: word, toByteOffset: i, as: UInt64.self)
            let x = word ^ 0x0101_0101_0101_0101
            found |= (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
            i &+= 8
        }
        while i < n {
            let b = src.load(fromByteOffset: i, as: UInt8.self)
            dst.storeBytes(of: b, toByteOffset: i, as: UInt8.self)
            if b == 0x01 { found = 1 }
            i &+= 1
        }
        if found != 0 { _fail(.valueContainsDelimiter(tag: tag)); return }
        _position &+= n
    }

    /// Writes a precomputed `tag=` (one 8-byte store).
    @inlinable @inline(__always)
    mutating func _writePrefix(_ prefix: FixTagPrefix) {
        guard _reserve(8) else { return }
        _base.storeBytes(of: prefix.packed, toByteOffset: _position, as: UInt64.self)
        _position &+= Int(prefix.count)
    }

    /// `tag=` with the digits written directly for the usual 1…5-digit tags.
    @inlinable
    mutating func _writeTag(_ tag: Int) {
        guard tag > 0 && tag < 100_000 else {
            _writeInt(tag)
            _writeByte(UInt8(ascii: "="))
            return
        }
        guard _reserve(6) else { return }
        let digits = tag < 10 ? 1 : tag < 100 ? 2 : tag < 1_000 ? 3 : tag < 10_000 ? 4 : 5
        let p = _base + _position
        var v = tag
        var i = digits &- 1
        while i >= 0 {
            p.storeBytes(of: UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: v % 10), toByteOffset: i, as: UInt8.self)
            v /= 10
            i &-= 1
        }
        p.storeBytes(of: UInt8(ascii: "="), toByteOffset: digits, as: UInt8.self)
        _position &+= digits &+ 1
    }

    @inlinable
    mutating func _writeInt(_ value: Int) {
        guard _reserve(20) else { return }
        var v = value.magnitude
        if value < 0 {
            _base.storeBytes(of: UInt8(ascii: "-"), toByteOffset: _position, as: UInt8.self)
            _position &+= 1
        }
        var digits = 1
        var t = v
        while t >= 10 { t /= 10; digits &+= 1 }
        var i = _position &+ digits &- 1
        repeat {
            _base.storeBytes(of: UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: v % 10), toByteOffset: i, as: UInt8.self)
            v /= 10
            i &-= 1
        } while v > 0
        _position &+= digits
    }
}

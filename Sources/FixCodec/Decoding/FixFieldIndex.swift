/// Reusable, fixed-capacity storage for the field index of one message.
///
/// Allocated once (per session or per decoder) and reused for every message, so indexing
/// allocates nothing in steady state. Not copyable: there is exactly one owner, and views
/// handed out by ``index(_:)`` are valid until the next call to it.
///
/// - Important: not thread-safe; use one index per thread (the I/O thread owns its own).
public struct FixFieldIndex: ~Copyable {
    @usableFromInline let _storage: UnsafeMutablePointer<FixField>
    /// Maximum number of fields one message may have.
    public let capacity: Int
    /// Extra (length tag, data tag) pairs beyond the standard 95→96 and 93→89.
    @usableFromInline let _extraDataFields: [(length: UInt32, data: UInt32)]

    /// - Parameters:
    ///   - capacity: the most fields a message may have; more is ``FixDecodeError/tooManyFields(capacity:)``.
    ///   - dataFields: (length tag, data tag) pairs whose data value is read by its length
    ///     (it may contain SOH). RawDataLength→RawData (95→96) and SignatureLength→Signature
    ///     (93→89) are always known; pass the dictionary's others here.
    public init(capacity: Int = 1024, dataFields: [(length: Int, data: Int)] = []) {
        precondition(capacity > 0, "FixFieldIndex capacity must be positive")
        self.capacity = capacity
        self._storage = .allocate(capacity: capacity)
        self._extraDataFields = dataFields
            .filter { !(($0.length == 95 && $0.data == 96) || ($0.length == 93 && $0.data == 89)) }
            .map { (UInt32($0.length), UInt32($0.data)) }
    }

    deinit {
        _storage.deallocate()
    }

    /// Indexes every field of one complete message (from `8=` through the SOH after `10=nnn`),
    /// as delivered by ``FixFramer``. BeginString, BodyLength and CheckSum are not checked
    /// here (the framer did); field syntax and data lengths are.
    ///
    /// - Returns: a view of the message, valid until the next call or until `frame` changes.
    /// - Complexity: O(n) in the message length; one pass; no allocation.
    @inlinable
    public mutating func index(_ frame: UnsafeRawBufferPointer) throws(FixDecodeError) -> FixMessage {
        let count = try _index(frame)
        return FixMessage(bytes: frame, fields: UnsafeBufferPointer(start: _storage, count: count))
    }

    @inlinable
    mutating func _index(_ frame: UnsafeRawBufferPointer) throws(FixDecodeError) -> Int {
        let n = frame.count
        var pos = 0
        var count = 0
        var pendingDataLength = -1  // length announced by the previous field, if it was a length tag
        var pendingDataTag: UInt32 = 0
        while pos < n {
            // Tag: 1...9 digits, then '='.
            let tagStart = pos
            var tag: UInt32 = 0
            while true {
                guard pos < n else { throw .truncated(offset: tagStart) }
                let b = frame[pos]
                if b == UInt8(ascii: "=") { break }
                let d = b &- UInt8(ascii: "0")
                guard d < 10, pos - tagStart < 9 else { throw .malformedField(offset: tagStart) }
                tag = tag &* 10 &+ UInt32(d)
                pos &+= 1
            }
            guard pos > tagStart, tag != 0 else { throw .malformedField(offset: tagStart) }
            pos &+= 1  // '='
            let valueStart = pos
            if pendingDataLength >= 0 && tag == pendingDataTag {
                // Data field: exactly `length` bytes, whatever they hold, then SOH.
                guard valueStart + pendingDataLength < n, frame[valueStart + pendingDataLength] == 0x01 else {
                    throw .dataLengthOutOfRange(tag: Int(tag), offset: tagStart)
                }
                pos = valueStart + pendingDataLength
            } else {
                while true {
                    guard pos < n else { throw .truncated(offset: tagStart) }
                    if frame[pos] == 0x01 { break }
                    pos &+= 1
                }
            }
            guard count < capacity else { throw .tooManyFields(capacity: capacity) }
            _storage[count] = FixField(tag: tag, valueOffset: UInt32(valueStart), valueLength: UInt32(pos - valueStart))
            count &+= 1
            pos &+= 1  // SOH

            pendingDataLength = -1
            if let dataTag = Self._dataTag(forLengthTag: tag, extra: _extraDataFields) {
                let value = FixValue(UnsafeRawBufferPointer(rebasing: frame[valueStart..<(pos - 1)]))
                guard let length = try? value.int(), length >= 0 else {
                    throw .dataLengthOutOfRange(tag: Int(tag), offset: tagStart)
                }
                pendingDataLength = length
                pendingDataTag = dataTag
            }
        }
        return count
    }

    @inlinable
    static func _dataTag(forLengthTag tag: UInt32, extra: [(length: UInt32, data: UInt32)]) -> UInt32? {
        switch tag {
        case 95: return 96
        case 93: return 89
        default:
            if extra.isEmpty { return nil }
            for pair in extra where pair.length == tag { return pair.data }
            return nil
        }
    }
}

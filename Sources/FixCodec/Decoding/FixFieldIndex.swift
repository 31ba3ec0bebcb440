/// Reusable, fixed-capacity storage for the field index of one message.
///
/// Allocated once (per session or per decoder) and reused for every message, so indexing
/// allocates nothing in steady state. Not copyable: there is exactly one owner, and views
/// handed out by ``index(_:)`` are valid until the next call to it.
///
/// Besides the fields in wire order it keeps a tag → position table, filled in the same pass,
/// so a typed read finds its field in O(1) instead of scanning (see ``FixFieldRange``).
///
/// - Important: not thread-safe; use one index per thread (the I/O thread owns its own).
public struct FixFieldIndex: ~Copyable {
    @usableFromInline let _storage: UnsafeMutablePointer<FixField>
    /// Tag-lookup slots: `generation << 16 | (position + 1)` for the first field whose
    /// `tag & slotMask` lands here in the current message. A slot from an older generation is
    /// empty, so the table never needs clearing between messages.
    @usableFromInline let _slots: UnsafeMutablePointer<UInt32>
    @usableFromInline var _generation: UInt32
    /// Maximum number of fields one message may have.
    public let capacity: Int
    /// Extra (length tag, data tag) pairs beyond the standard 95→96 and 93→89.
    @usableFromInline let _extraDataFields: [(length: UInt32, data: UInt32)]
    @usableFromInline let _hasExtraDataFields: Bool

    @usableFromInline static var slotCount: Int { 1024 }
    @usableFromInline static var slotMask: UInt32 { 1023 }

    /// - Parameters:
    ///   - capacity: the most fields a message may have (1...65534); more is
    ///     ``FixDecodeError/tooManyFields(capacity:)``.
    ///   - dataFields: (length tag, data tag) pairs whose data value is read by its length
    ///     (it may contain SOH). RawDataLength→RawData (95→96) and SignatureLength→Signature
    ///     (93→89) are always known; pass the dictionary's others here.
    public init(capacity: Int = 1024, dataFields: [(length: Int, data: Int)] = []) {
        precondition(capacity > 0 && capacity < 65535, "FixFieldIndex capacity must be in 1...65534")
        self.capacity = capacity
        self._storage = .allocate(capacity: capacity)
        self._slots = .allocate(capacity: Self.slotCount)
        self._slots.initialize(repeating: 0, count: Self.slotCount)
        self._generation = 0
        self._extraDataFields = dataFields
            .filter { !(($0.length == 95 && $0.data == 96) || ($0.length == 93 && $0.data == 89)) }
            .map { (UInt32($0.length), UInt32($0.data)) }
        self._hasExtraDataFields = !_extraDataFields.isEmpty
    }

    deinit {
        _storage.deallocate()
        _slots.deallocate()
    }

    /// Indexes every field of one complete message (from `8=` through the SOH after `10=nnn`),
    /// as delivered by ``FixFramer``. BeginString, BodyLength and CheckSum are not checked
    /// here (the framer did); field syntax and data lengths are.
    ///
    /// - Returns: a view of the message, valid until the next call or until `frame` changes.
    /// - Complexity: O(n) in the message length; one pass; no allocation.
    @inlinable
    public mutating func index(_ frame: UnsafeRawBufferPointer) throws(FixDecodeError) -> FixMessage {
        _nextGeneration()
        let count = try _index(frame)
        return FixMessage(bytes: frame, fields: UnsafeBufferPointer(start: _storage, count: count),
                          lookup: FixTagLookup(slots: _slots, generation: _generation))
    }

    @inlinable
    mutating func _nextGeneration() {
        _generation &+= 1
        if _generation == 0x1_0000 {
            // Stamps are 16 bits: once every 65 535 messages, really empty the table.
            _slots.update(repeating: 0, count: Self.slotCount)
            _generation = 1
        }
    }

    @inlinable
    mutating func _index(_ frame: UnsafeRawBufferPointer) throws(FixDecodeError) -> Int {
        let n = frame.count
        guard n > 0, let base = frame.baseAddress else { return 0 }
        let stamp = _generation << 16
        // Loop invariants in locals: stores through the pointers below could alias `self` as
        // far as the compiler knows, and it would reload these after every field.
        let storage = _storage
        let slots = _slots
        let capacity = self.capacity
        let hasExtraDataFields = _hasExtraDataFields
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
                let b = base.load(fromByteOffset: pos, as: UInt8.self)
                let d = b &- UInt8(ascii: "0")
                if d >= 10 {
                    guard b == UInt8(ascii: "="), pos > tagStart, tag != 0 else { throw .malformedField(offset: tagStart) }
                    break
                }
                guard pos &- tagStart < 9 else { throw .malformedField(offset: tagStart) }
                tag = tag &* 10 &+ UInt32(d)
                pos &+= 1
            }
            pos &+= 1  // '='
            let valueStart = pos
            if pendingDataLength >= 0 && tag == pendingDataTag {
                // Data field: exactly `length` bytes, whatever they hold, then SOH.
                guard pendingDataLength < n &- valueStart,
                      base.load(fromByteOffset: valueStart &+ pendingDataLength, as: UInt8.self) == 0x01 else {
                    throw .dataLengthOutOfRange(tag: Int(tag), offset: tagStart)
                }
                pos = valueStart &+ pendingDataLength
            } else {
                guard let soh = FixScan.firstSOH(base, from: valueStart, end: n) else { throw .truncated(offset: tagStart) }
                pos = soh
            }
            guard count < capacity else { throw .tooManyFields(capacity: capacity) }
            storage[count] = FixField(tag: tag, valueOffset: UInt32(truncatingIfNeeded: valueStart),
                                      valueLength: UInt32(truncatingIfNeeded: pos &- valueStart))
            let slot = Int(tag & Self.slotMask)
            if slots[slot] & 0xFFFF_0000 != stamp {  // first field in this slot wins
                slots[slot] = stamp | UInt32(truncatingIfNeeded: count &+ 1)
            }
            count &+= 1
            pos &+= 1  // SOH

            pendingDataLength = -1
            if tag == 95 || tag == 93 || (hasExtraDataFields && _isExtraLengthTag(tag)) {
                pendingDataTag = tag == 95 ? 96 : tag == 93 ? 89 : _extraDataTag(tag)
                let value = FixValue(UnsafeRawBufferPointer(start: base + valueStart, count: pos &- 1 &- valueStart))
                guard let length = try? value.int(), length >= 0 else {
                    throw .dataLengthOutOfRange(tag: Int(tag), offset: tagStart)
                }
                pendingDataLength = length
            }
        }
        return count
    }

    @usableFromInline
    func _isExtraLengthTag(_ tag: UInt32) -> Bool {
        _extraDataFields.contains { $0.length == tag }
    }

    @usableFromInline
    func _extraDataTag(_ tag: UInt32) -> UInt32 {
        _extraDataFields.first { $0.length == tag }?.data ?? 0
    }
}

/// The tag → position table of one indexed message (see ``FixFieldIndex``).
@frozen
public struct FixTagLookup {
    @usableFromInline let slots: UnsafePointer<UInt32>?
    @usableFromInline let generation: UInt32

    @inlinable
    public init(slots: UnsafePointer<UInt32>?, generation: UInt32) {
        self.slots = slots
        self.generation = generation
    }

    /// No table: lookups scan.
    public static var none: FixTagLookup { FixTagLookup(slots: nil, generation: 0) }
}

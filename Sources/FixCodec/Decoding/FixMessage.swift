/// A view of one indexed FIX message: the frame bytes plus the field index over them.
///
/// The generated per-message views (`ExecutionReportView`...) wrap this and add typed
/// accessors. Lookups scan the index, which is small (tens of fields) and contiguous.
///
/// - Important: valid only inside the call that produced it (see ``FixFieldIndex/index(_:)``).
@frozen
public struct FixMessage {
    /// The whole frame, `8=` through the SOH after `10=nnn`.
    public let bytes: UnsafeRawBufferPointer
    /// Every field in wire order, including 8, 9 and 10.
    public let fields: UnsafeBufferPointer<FixField>
    /// The index's tag → position table for this message.
    public let lookup: FixTagLookup

    @inlinable
    public init(bytes: UnsafeRawBufferPointer, fields: UnsafeBufferPointer<FixField>, lookup: FixTagLookup = .none) {
        self.bytes = bytes
        self.fields = fields
        self.lookup = lookup
    }

    /// All fields as a range, for the generated accessors.
    @inlinable
    public var body: FixFieldRange {
        FixFieldRange(bytes: bytes, fields: fields, start: 0, end: fields.count, lookup: lookup)
    }

    /// The MsgType (35) value, e.g. `8` or `UOH`; empty if absent.
    @inlinable
    public var msgType: FixValue {
        // 35 is the third field of every well-formed message; fall back to a scan.
        if fields.count > 2, fields[2].tag == 35 { return value(of: fields[2]) }
        return body.value(35) ?? FixValue(UnsafeRawBufferPointer(start: nil, count: 0))
    }

    /// The value bytes of `field`.
    @inlinable
    public func value(of field: FixField) -> FixValue {
        FixValue(UnsafeRawBufferPointer(rebasing: bytes[Int(field.valueOffset)..<Int(field.valueOffset + field.valueLength)]))
    }

    /// The first value of `tag` anywhere in the message, or nil.
    @inlinable
    public func value(_ tag: Int) -> FixValue? {
        body.value(tag)
    }
}

/// A contiguous run of indexed fields (a whole message, or one repeating-group entry) and the
/// typed lookups the generated views use. Lookups that find nothing return nil; lookups of
/// required fields throw ``FixDecodeError/requiredTagMissing(tag:)``; malformed values throw
/// ``FixDecodeError/valueMalformed(tag:offset:reason:)`` with the field's byte offset.
@frozen
public struct FixFieldRange {
    public let bytes: UnsafeRawBufferPointer
    public let fields: UnsafeBufferPointer<FixField>
    /// First field index in `fields` (inclusive) and last (exclusive).
    public let start: Int
    public let end: Int
    /// The message's tag → position table (first occurrence of each tag).
    public let lookup: FixTagLookup

    @inlinable
    public init(bytes: UnsafeRawBufferPointer, fields: UnsafeBufferPointer<FixField>, start: Int, end: Int,
                lookup: FixTagLookup = .none) {
        self.bytes = bytes
        self.fields = fields
        self.start = start
        self.end = end
        self.lookup = lookup
    }

    /// The same fields restricted to `start..<end`.
    @inlinable
    public func subrange(_ start: Int, _ end: Int) -> FixFieldRange {
        FixFieldRange(bytes: bytes, fields: fields, start: start, end: end, lookup: lookup)
    }

    /// Position of the first field with `tag` in the range, or nil.
    ///
    /// The lookup table knows each tag's first occurrence in the message: if that is inside
    /// the range it is the answer, if it is past the range (or the tag's slot is empty) the
    /// tag is absent; only when it lies before the range (later group entries) or another
    /// tag owns the slot does this scan.
    /// - Complexity: O(1) for top-level fields and first group entries; O(fields in range)
    ///   otherwise.
    @inlinable @inline(__always)
    public func position(of tag: Int) -> Int? {
        let t = UInt32(truncatingIfNeeded: tag)
        if let slots = lookup.slots {
            let entry = slots[Int(t & 1023)]
            guard entry >> 16 == lookup.generation else { return nil }  // no field hashed here
            let p = Int(entry & 0xFFFF) &- 1
            if fields[p].tag == t {
                if p >= end { return nil }
                if p >= start { return p }
            }
        }
        var i = start
        while i < end {
            if fields[i].tag == t { return i }
            i &+= 1
        }
        return nil
    }

    @inlinable @inline(__always)
    func _value(at i: Int) -> FixValue {
        let f = fields[i]
        return FixValue(UnsafeRawBufferPointer(rebasing: bytes[Int(f.valueOffset)..<Int(f.valueOffset + f.valueLength)]))
    }

    @inlinable
    func _malformed(_ i: Int, _ reason: FixValueError) -> FixDecodeError {
        .valueMalformed(tag: Int(fields[i].tag), offset: fields[i].tagOffset, reason: reason)
    }

    // MARK: Raw values

    /// The value of `tag`, or nil when absent.
    @inlinable
    public func value(_ tag: Int) -> FixValue? {
        guard let i = position(of: tag) else { return nil }
        return _value(at: i)
    }

    /// The value of a required `tag`.
    @inlinable
    public func requiredValue(_ tag: Int) throws(FixDecodeError) -> FixValue {
        guard let i = position(of: tag) else { throw .requiredTagMissing(tag: tag) }
        return _value(at: i)
    }

    // MARK: Typed values (optional)

    @inlinable
    public func int(_ tag: Int) throws(FixDecodeError) -> Int? {
        guard let i = position(of: tag) else { return nil }
        do throws(FixValueError) { return try _value(at: i).int() } catch { throw _malformed(i, error) }
    }

    @inlinable
    public func bool(_ tag: Int) throws(FixDecodeError) -> Bool? {
        guard let i = position(of: tag) else { return nil }
        do throws(FixValueError) { return try _value(at: i).bool() } catch { throw _malformed(i, error) }
    }

    @inlinable
    public func decimal(_ tag: Int) throws(FixDecodeError) -> FixDecimal? {
        guard let i = position(of: tag) else { return nil }
        do throws(FixValueError) { return try _value(at: i).decimal() } catch { throw _malformed(i, error) }
    }

    @inlinable
    public func timestamp(_ tag: Int) throws(FixDecodeError) -> FixTimestamp? {
        guard let i = position(of: tag) else { return nil }
        do throws(FixValueError) { return try _value(at: i).timestamp() } catch { throw _malformed(i, error) }
    }

    @inlinable
    public func localMktDate(_ tag: Int) throws(FixDecodeError) -> FixLocalMktDate? {
        guard let i = position(of: tag) else { return nil }
        do throws(FixValueError) { return try _value(at: i).localMktDate() } catch { throw _malformed(i, error) }
    }

    /// Decodes an enumerated value with `decode` (generated per enum), mapping its error.
    @inlinable
    public func enumValue<E>(_ tag: Int, _ decode: (FixValue) throws(FixValueError) -> E) throws(FixDecodeError) -> E? {
        guard let i = position(of: tag) else { return nil }
        do throws(FixValueError) { return try decode(_value(at: i)) } catch { throw _malformed(i, error) }
    }

    // MARK: Typed values (required)

    @inlinable
    public func requiredInt(_ tag: Int) throws(FixDecodeError) -> Int {
        guard let v = try int(tag) else { throw .requiredTagMissing(tag: tag) }
        return v
    }

    @inlinable
    public func requiredBool(_ tag: Int) throws(FixDecodeError) -> Bool {
        guard let v = try bool(tag) else { throw .requiredTagMissing(tag: tag) }
        return v
    }

    @inlinable
    public func requiredDecimal(_ tag: Int) throws(FixDecodeError) -> FixDecimal {
        guard let v = try decimal(tag) else { throw .requiredTagMissing(tag: tag) }
        return v
    }

    @inlinable
    public func requiredTimestamp(_ tag: Int) throws(FixDecodeError) -> FixTimestamp {
        guard let v = try timestamp(tag) else { throw .requiredTagMissing(tag: tag) }
        return v
    }

    @inlinable
    public func requiredLocalMktDate(_ tag: Int) throws(FixDecodeError) -> FixLocalMktDate {
        guard let v = try localMktDate(tag) else { throw .requiredTagMissing(tag: tag) }
        return v
    }

    @inlinable
    public func requiredEnumValue<E>(_ tag: Int, _ decode: (FixValue) throws(FixValueError) -> E) throws(FixDecodeError) -> E {
        guard let v = try enumValue(tag, decode) else { throw .requiredTagMissing(tag: tag) }
        return v
    }

    // MARK: Repeating groups

    /// The entries of the repeating group counted by `numInGroupTag`, or an empty group when
    /// the count field is absent.
    @inlinable
    public func group<Entry: FixGroupEntryView>(_ numInGroupTag: Int, of _: Entry.Type = Entry.self) throws(FixDecodeError) -> FixGroup<Entry> {
        guard let i = position(of: numInGroupTag) else {
            return FixGroup(range: subrange(end, end), declaredCount: 0)
        }
        let declared: Int
        do throws(FixValueError) { declared = try _value(at: i).int() } catch { throw _malformed(i, error) }
        return FixGroup(range: subrange(i + 1, end), declaredCount: declared)
    }
}

/// What the generated view of one repeating-group entry provides, so ``FixGroup`` can find
/// where each entry starts and ends.
public protocol FixGroupEntryView {
    /// The NumInGroup tag that counts the entries (e.g. 136 NoMiscFees).
    static var numInGroupTag: Int { get }
    /// The group's first field, which starts every entry (e.g. 137 MiscFeeAmt).
    static var delimiterTag: Int { get }
    /// True when `tag` belongs to the group, nested groups included.
    static func isMember(_ tag: UInt32) -> Bool
    /// Wraps the fields of one entry.
    init(fields: FixFieldRange)
}

/// The entries of one repeating group, found lazily: each entry starts at the delimiter field
/// and runs while the fields belong to the group. Entries are delimited as the dictionary
/// says, so nested groups and optional fields work.
///
/// - Important: valid only inside the handler call, like every view.
@frozen
public struct FixGroup<Entry: FixGroupEntryView>: Sequence {
    /// The fields from just after the NumInGroup field to the end of the enclosing range.
    public let range: FixFieldRange
    /// The count the NumInGroup field declares (the entries actually present may differ;
    /// ``validatedCount()`` checks).
    public let declaredCount: Int

    @inlinable
    public init(range: FixFieldRange, declaredCount: Int) {
        self.range = range
        self.declaredCount = declaredCount
    }

    /// Number of entries the NumInGroup field declares.
    @inlinable public var count: Int { declaredCount }
    @inlinable public var isEmpty: Bool { declaredCount == 0 }

    @inlinable
    public func makeIterator() -> Iterator {
        Iterator(range: range, remaining: declaredCount)
    }

    /// Counts the entries present and checks them against the declared count.
    /// - Throws: ``FixDecodeError/groupCountMismatch(tag:offset:declared:found:)``.
    public func validatedCount() throws(FixDecodeError) -> Int {
        var found = 0
        var it = Iterator(range: range, remaining: Int.max)
        while it.next() != nil { found += 1 }
        if found != declaredCount {
            let countField = range.fields[range.start - 1]
            throw .groupCountMismatch(tag: Entry.numInGroupTag, offset: countField.tagOffset,
                                      declared: declaredCount, found: found)
        }
        return found
    }

    /// The entry at `index`, or nil past the end. - Complexity: O(fields before it).
    @inlinable
    public subscript(index: Int) -> Entry? {
        var it = makeIterator()
        var i = 0
        while let e = it.next() {
            if i == index { return e }
            i += 1
        }
        return nil
    }

    @frozen
    public struct Iterator: IteratorProtocol {
        @usableFromInline let range: FixFieldRange
        @usableFromInline var position: Int
        @usableFromInline var remaining: Int

        @inlinable
        init(range: FixFieldRange, remaining: Int) {
            self.range = range
            self.position = range.start
            self.remaining = remaining
        }

        @inlinable
        public mutating func next() -> Entry? {
            guard remaining > 0, position < range.end else { return nil }
            let delimiter = UInt32(truncatingIfNeeded: Entry.delimiterTag)
            guard range.fields[position].tag == delimiter else { return nil }
            let entryStart = position
            position &+= 1
            while position < range.end {
                let tag = range.fields[position].tag
                if tag == delimiter || !Entry.isMember(tag) { break }
                position &+= 1
            }
            remaining &-= 1
            return Entry(fields: range.subrange(entryStart, position))
        }
    }
}

/// How strict mode checks a field's value.
public enum FixValueKind: Sendable, Hashable {
    case string, char, int, decimal, bool, timestamp, localMktDate, data, numInGroup
}

/// What the dictionary says about one field where it appears (message, header or group).
public struct FixFieldSchema: Sendable {
    public let tag: Int
    public let kind: FixValueKind
    public let required: Bool
    /// True when the dictionary lists the field's values (strict mode rejects others).
    public let isEnumerated: Bool
    /// The group this field counts, when it is a NumInGroup field used as a group.
    public let group: FixGroupSchema?

    public init(tag: Int, kind: FixValueKind, required: Bool, isEnumerated: Bool = false, group: FixGroupSchema? = nil) {
        self.tag = tag
        self.kind = kind
        self.required = required
        self.isEnumerated = isEnumerated
        self.group = group
    }
}

/// A repeating group's layout: its delimiter and its fields (nested groups inside them).
public final class FixGroupSchema: Sendable {
    public let countTag: Int
    public let fields: [FixFieldSchema]
    /// The first field, which starts every entry.
    public var delimiterTag: Int { fields[0].tag }
    @usableFromInline let byTag: [Int: FixFieldSchema]
    /// Every tag inside an entry, nested groups included.
    public let memberTags: Set<Int>

    public init(countTag: Int, fields: [FixFieldSchema]) {
        precondition(!fields.isEmpty, "a group has at least one field")
        self.countTag = countTag
        self.fields = fields
        self.byTag = Dictionary(fields.map { ($0.tag, $0) }, uniquingKeysWith: { a, _ in a })
        self.memberTags = Set(fields.flatMap { f in [f.tag] + Array(f.group?.memberTags ?? []) })
    }
}

/// A message's layout: the header, body and trailer fields allowed at its top level.
public final class FixMessageSchema: Sendable {
    public let msgType: String
    public let name: String
    @usableFromInline let topLevel: [Int: FixFieldSchema]
    @usableFromInline let required: [Int]

    public init(msgType: String, name: String, header: [FixFieldSchema], body: [FixFieldSchema], trailer: [FixFieldSchema]) {
        self.msgType = msgType
        self.name = name
        let all = header + body + trailer
        self.topLevel = Dictionary(all.map { ($0.tag, $0) }, uniquingKeysWith: { a, _ in a })
        // CheckSum is the framer's business; it is never in the index's view of "present" fields
        // in a way that could fail here, but keep it out of the required list all the same.
        self.required = all.filter { $0.required && $0.tag != 10 }.map(\.tag)
    }
}

/// What a generated dictionary provides for strict validation (`FixDictionaryInfo` conforms).
public protocol FixDictionarySchema {
    /// The layout of the message with this MsgType (35) value, or nil when undefined.
    static func messageSchema(msgType: FixValue) -> FixMessageSchema?
    /// True when the dictionary defines `tag` at all.
    static func isDefined(tag: Int) -> Bool
    /// True when `value` is one the dictionary lists for the enumerated field `tag`.
    static func isKnownValue(tag: Int, value: FixValue) -> Bool
}

/// The intermediate representation of a QuickFIX-style dictionary: what the XML says, before
/// any Swift is rendered. Generators see only this, never the XML.
public struct FixDictionary: Sendable, Equatable {
    public var beginString: String
    public var fields: [Field]
    public var header: [Entry]
    public var trailer: [Entry]
    public var messages: [Message]
    public var components: [Component]

    public init(beginString: String = "FIXT.1.1", fields: [Field] = [], header: [Entry] = [], trailer: [Entry] = [],
                messages: [Message] = [], components: [Component] = []) {
        self.beginString = beginString
        self.fields = fields
        self.header = header
        self.trailer = trailer
        self.messages = messages
        self.components = components
    }

    /// A `<field number= name= type=>` definition with its enumerated values.
    public struct Field: Sendable, Equatable {
        public var number: Int
        public var name: String
        public var type: String
        public var values: [EnumValue]
        public init(number: Int, name: String, type: String, values: [EnumValue] = []) {
            self.number = number
            self.name = name
            self.type = type
            self.values = values
        }
    }

    public struct EnumValue: Sendable, Equatable {
        public var wire: String
        public var description: String
        public init(wire: String, description: String) {
            self.wire = wire
            self.description = description
        }
    }

    /// One item of a message, group or component body, in dictionary order.
    public indirect enum Entry: Sendable, Equatable {
        case field(name: String, required: Required)
        case group(Group)
        case component(name: String, required: Required)
    }

    /// `required='Y'|'N'|'C'` (C: conditionally required; treated as optional when decoding).
    public enum Required: String, Sendable, Equatable {
        case yes = "Y", no = "N", conditional = "C"
        public var isRequired: Bool { self == .yes }
    }

    public struct Group: Sendable, Equatable {
        /// The NumInGroup field's name, e.g. `NoMiscFees`.
        public var name: String
        public var required: Required
        public var entries: [Entry]
        public init(name: String, required: Required, entries: [Entry]) {
            self.name = name
            self.required = required
            self.entries = entries
        }
    }

    public struct Message: Sendable, Equatable {
        public var name: String
        public var msgType: String
        public var category: String
        public var entries: [Entry]
        public init(name: String, msgType: String, category: String, entries: [Entry]) {
            self.name = name
            self.msgType = msgType
            self.category = category
            self.entries = entries
        }
    }

    public struct Component: Sendable, Equatable {
        public var name: String
        public var entries: [Entry]
        public init(name: String, entries: [Entry]) {
            self.name = name
            self.entries = entries
        }
    }

    public func field(named name: String) -> Field? {
        fields.first { $0.name == name }
    }
}

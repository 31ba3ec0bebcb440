/// A dictionary checked for consistency, with components expanded and every field reference
/// bound to its definition: the form the renderers work from.
public struct ResolvedDictionary: Sendable {
    public indirect enum Entry: Sendable, Equatable {
        case field(FixDictionary.Field, required: FixDictionary.Required)
        case group(Group)
    }

    public struct Group: Sendable, Equatable {
        /// The NumInGroup field (e.g. 136 NoMiscFees).
        public var countField: FixDictionary.Field
        public var required: FixDictionary.Required
        public var entries: [Entry]
        /// The first field of the group, which starts every entry.
        public var delimiter: FixDictionary.Field {
            switch entries[0] {
            case .field(let f, _): return f
            case .group(let g): return g.countField
            }
        }
        /// Every tag that may appear inside an entry, nested groups included.
        public var memberTags: [Int] {
            entries.flatMap { entry -> [Int] in
                switch entry {
                case .field(let f, _): return [f.number]
                case .group(let g): return [g.countField.number] + g.memberTags
                }
            }
        }
        /// A structural fingerprint: equal for groups that decode and encode identically.
        public var signature: String {
            "\(countField.number){" + entries.map { e -> String in
                switch e {
                case .field(let f, let r): return "\(f.number)\(r.rawValue)"
                case .group(let g): return g.signature + g.required.rawValue
                }
            }.joined(separator: ",") + "}"
        }
    }

    public struct Message: Sendable, Equatable {
        public var name: String
        public var msgType: String
        public var category: String
        public var entries: [Entry]
    }

    public var beginString: String
    public var fields: [FixDictionary.Field]
    public var header: [Entry]
    public var trailer: [Entry]
    public var messages: [Message]
    /// (length field, data field) pairs: data values are read by the preceding length.
    public var dataFieldPairs: [(length: FixDictionary.Field, data: FixDictionary.Field)]

    /// Validates and resolves `dictionary`.
    /// - Throws: ``FixDictionaryError`` naming the message, group or field at fault.
    public init(_ dictionary: FixDictionary) throws {
        var byName: [String: FixDictionary.Field] = [:]
        var byNumber: [Int: String] = [:]
        for f in dictionary.fields {
            if byName[f.name] != nil { throw FixDictionaryError("field \(f.name) is defined twice") }
            if let other = byNumber[f.number] {
                throw FixDictionaryError("tag \(f.number) is defined twice (\(other) and \(f.name))")
            }
            var seen = Set<String>()
            for v in f.values {
                if !seen.insert(v.wire).inserted { throw FixDictionaryError("field \(f.name) lists enum value '\(v.wire)' twice") }
                // Enum values are written as literals without a delimiter check.
                if v.wire.isEmpty || v.wire.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value > 0x7E }) {
                    throw FixDictionaryError("field \(f.name): enum value '\(v.wire)' must be non-empty printable ASCII")
                }
            }
            byName[f.name] = f
            byNumber[f.number] = f.name
        }
        let components = Dictionary(dictionary.components.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })

        func resolve(_ entries: [FixDictionary.Entry], in context: String, depth: Int = 0) throws -> [Entry] {
            guard depth < 16 else { throw FixDictionaryError("\(context): components nest too deeply (a cycle?)") }
            var out: [Entry] = []
            for e in entries {
                switch e {
                case .field(let name, let req):
                    guard let f = byName[name] else { throw FixDictionaryError("\(context) uses undefined field \(name)") }
                    out.append(.field(f, required: req))
                case .group(let g):
                    guard let f = byName[g.name] else { throw FixDictionaryError("\(context) uses undefined group field \(g.name)") }
                    guard f.type == "NUMINGROUP" else {
                        throw FixDictionaryError("\(context): group \(g.name) must be a NUMINGROUP field, is \(f.type)")
                    }
                    let members = try resolve(g.entries, in: "\(context) group \(g.name)", depth: depth + 1)
                    guard !members.isEmpty else { throw FixDictionaryError("\(context): group \(g.name) is empty") }
                    out.append(.group(Group(countField: f, required: g.required, entries: members)))
                case .component(let name, _):
                    guard let c = components[name] else { throw FixDictionaryError("\(context) uses undefined component \(name)") }
                    out += try resolve(c.entries, in: "\(context) component \(name)", depth: depth + 1)
                }
            }
            return out
        }

        /// A tag may appear once per scope; and a group's own tags must not also sit at the
        /// level that contains it, or a flat lookup could not tell them apart.
        func checkScopes(_ entries: [Entry], in context: String) throws {
            var seen = Set<Int>()
            func claim(_ tag: Int, _ name: String) throws {
                if !seen.insert(tag).inserted {
                    throw FixDictionaryError("\(context): tag \(tag) (\(name)) appears twice in one scope (top level and a group, or twice)")
                }
            }
            for e in entries {
                switch e {
                case .field(let f, _): try claim(f.number, f.name)
                case .group(let g):
                    try claim(g.countField.number, g.countField.name)
                    for t in g.memberTags { try claim(t, byNumber[t] ?? "?") }
                    try checkScopes(g.entries, in: "\(context) group \(g.countField.name)")
                }
            }
        }

        self.beginString = dictionary.beginString
        self.fields = dictionary.fields.sorted { $0.number < $1.number }
        self.header = try resolve(dictionary.header, in: "header")
        self.trailer = try resolve(dictionary.trailer, in: "trailer")
        var msgTypes = Set<String>()
        var messages: [Message] = []
        for m in dictionary.messages {
            guard msgTypes.insert(m.msgType).inserted else {
                throw FixDictionaryError("MsgType \(m.msgType) is used by two messages (\(m.name))")
            }
            let entries = try resolve(m.entries, in: "message \(m.name)")
            try checkScopes(entries, in: "message \(m.name)")
            messages.append(Message(name: m.name, msgType: m.msgType, category: m.category, entries: entries))
        }
        self.messages = messages

        // Data fields: the LENGTH field named <Data>Length, else the LENGTH field defined just before.
        var pairs: [(FixDictionary.Field, FixDictionary.Field)] = []
        for d in dictionary.fields where d.type == "DATA" {
            if let l = byName[d.name + "Length"], l.type == "LENGTH" {
                pairs.append((l, d))
            } else {
                throw FixDictionaryError("DATA field \(d.name) has no LENGTH field named \(d.name)Length")
            }
        }
        self.dataFieldPairs = pairs.sorted { $0.0.number < $1.0.number }
    }
}

/// Strict-mode validation of one indexed message against a dictionary: every tag defined for
/// the message, none repeated outside groups, required tags present (groups' too), values of
/// the right type, enumerated values known, NumInGroup counts matching the entries.
///
/// Separate from decoding (as in artio): lenient decoding only indexes, and typed reads fail
/// one by one; strict decoding runs this once per message and reports the first problem with
/// its tag, byte offset and SessionRejectReason (``FixDecodeError/sessionRejectReason``).
public enum FixValidator {
    /// - Throws: the first ``FixDecodeError`` found, in wire order.
    /// - Complexity: O(fields), with a hash lookup per field.
    public static func validate<D: FixDictionarySchema>(_ message: FixMessage, dictionary: D.Type) throws(FixDecodeError) {
        let fields = message.fields
        let range = message.body
        guard let schema = D.messageSchema(msgType: message.msgType) else {
            let offset = range.position(of: 35).map { fields[$0].tagOffset } ?? 0
            throw .invalidMsgType(offset: offset)
        }
        var i = 0
        let end = fields.count
        while i < end {
            let field = fields[i]
            let tag = Int(field.tag)
            if tag == 8 || tag == 9 || tag == 10 { i += 1; continue }  // the framer checked these
            guard let spec = schema.topLevel[tag] else {
                throw D.isDefined(tag: tag) ? .tagNotDefinedForMessage(tag: tag, offset: field.tagOffset)
                                            : .undefinedTag(tag: tag, offset: field.tagOffset)
            }
            if range.position(of: tag) != i { throw .tagRepeated(tag: tag, offset: field.tagOffset) }
            try check(field, spec, message, D.self)
            if let group = spec.group {
                i = try validateGroup(group, countAt: i, end: end, message, D.self)
            } else {
                i += 1
            }
        }
        for tag in schema.required where range.position(of: tag) == nil {
            throw .requiredTagMissing(tag: tag)
        }
    }

    /// Validates the entries of `group` whose count field is at `countAt`; returns the
    /// position just after the last entry.
    static func validateGroup<D: FixDictionarySchema>(_ group: FixGroupSchema, countAt: Int, end: Int,
                                                      _ message: FixMessage, _: D.Type) throws(FixDecodeError) -> Int {
        let fields = message.fields
        let countField = fields[countAt]
        let declared: Int
        do throws(FixValueError) { declared = try message.value(of: countField).int() } catch {
            throw .valueMalformed(tag: group.countTag, offset: countField.tagOffset, reason: error)
        }
        var pos = countAt + 1
        var found = 0
        while pos < end, Int(fields[pos].tag) == group.delimiterTag {
            found += 1
            let entryStart = pos
            pos += 1
            while pos < end {
                let t = Int(fields[pos].tag)
                if t == group.delimiterTag || !group.memberTags.contains(t) { break }
                pos += 1
            }
            try validateEntry(group, entryStart, pos, message, D.self)
        }
        if found != declared {
            throw .groupCountMismatch(tag: group.countTag, offset: countField.tagOffset, declared: declared, found: found)
        }
        return pos
    }

    static func validateEntry<D: FixDictionarySchema>(_ group: FixGroupSchema, _ start: Int, _ end: Int,
                                                      _ message: FixMessage, _: D.Type) throws(FixDecodeError) {
        let fields = message.fields
        var i = start
        while i < end {
            let field = fields[i]
            let tag = Int(field.tag)
            guard let spec = group.byTag[tag] else {
                // A nested group's field outside its own group.
                throw .tagNotDefinedForMessage(tag: tag, offset: field.tagOffset)
            }
            var k = start
            while k < i {
                if fields[k].tag == field.tag { throw .tagRepeated(tag: tag, offset: field.tagOffset) }
                k += 1
            }
            try check(field, spec, message, D.self)
            if let nested = spec.group {
                i = try validateGroup(nested, countAt: i, end: end, message, D.self)
            } else {
                i += 1
            }
        }
        for spec in group.fields where spec.required {
            var present = false
            var k = start
            while k < end { if Int(fields[k].tag) == spec.tag { present = true; break }; k += 1 }
            if !present { throw .requiredTagMissing(tag: spec.tag) }
        }
    }

    static func check<D: FixDictionarySchema>(_ field: FixField, _ spec: FixFieldSchema, _ message: FixMessage,
                                              _: D.Type) throws(FixDecodeError) {
        let value = message.value(of: field)
        let tag = spec.tag
        if value.isEmpty { throw .emptyValue(tag: tag, offset: field.tagOffset) }
        do throws(FixValueError) {
            switch spec.kind {
            case .string, .data: break
            case .char: _ = try value.char()
            case .int, .numInGroup: _ = try value.int()
            case .decimal: _ = try value.decimal()
            case .bool: _ = try value.bool()
            case .timestamp: _ = try value.timestamp()
            case .localMktDate: _ = try value.localMktDate()
            }
        } catch {
            throw .valueMalformed(tag: tag, offset: field.tagOffset, reason: error)
        }
        if spec.isEnumerated && !D.isKnownValue(tag: tag, value: value) {
            throw .enumValueOutOfRange(tag: tag, offset: field.tagOffset)
        }
    }
}

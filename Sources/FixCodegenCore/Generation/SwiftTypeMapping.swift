/// How a FIX field type is read from a view, stored in a message struct and written.
struct FieldKind: Equatable {
    enum Base: Equatable {
        case string, int, decimal, bool, timestamp, date, data
        case enumerated(typeName: String, intRaw: Bool)
    }
    var base: Base

    static func of(_ field: FixDictionary.Field, enumTypeName: (FixDictionary.Field) -> String) -> FieldKind {
        let type = field.type
        let intTypes: Set<String> = ["INT", "SEQNUM", "LENGTH", "NUMINGROUP", "DAYOFMONTH", "TAGNUM"]
        if !field.values.isEmpty, type != "BOOLEAN", type != "MULTIPLEVALUESTRING", type != "MULTIPLECHARVALUE" {
            return FieldKind(base: .enumerated(typeName: enumTypeName(field), intRaw: intTypes.contains(type)))
        }
        switch type {
        case _ where intTypes.contains(type): return FieldKind(base: .int)
        case "PRICE", "QTY", "AMT", "DECIMAL", "FLOAT", "PERCENTAGE", "PRICEOFFSET": return FieldKind(base: .decimal)
        case "BOOLEAN": return FieldKind(base: .bool)
        case "UTCTIMESTAMP": return FieldKind(base: .timestamp)
        case "LOCALMKTDATE": return FieldKind(base: .date)
        case "DATA": return FieldKind(base: .data)
        default: return FieldKind(base: .string)
        }
    }

    /// Type a view accessor returns.
    var viewType: String {
        switch base {
        case .string, .data: return "FixValue"
        case .int: return "Int"
        case .decimal: return "FixDecimal"
        case .bool: return "Bool"
        case .timestamp: return "FixTimestamp"
        case .date: return "FixLocalMktDate"
        case .enumerated(let name, _): return name
        }
    }

    /// Type a message struct stores.
    var ownedType: String {
        switch base {
        case .string: return "String"
        case .data: return "[UInt8]"
        default: return viewType
        }
    }

    /// Expression reading `tag` from `range` in a view (`required` selects the throwing lookup).
    func read(tag: Int, range: String, required: Bool) -> String {
        let r = required
        switch base {
        case .string, .data: return r ? "try \(range).requiredValue(\(tag))" : "\(range).value(\(tag))"
        case .int: return "try \(range).\(r ? "requiredInt" : "int")(\(tag))"
        case .decimal: return "try \(range).\(r ? "requiredDecimal" : "decimal")(\(tag))"
        case .bool: return "try \(range).\(r ? "requiredBool" : "bool")(\(tag))"
        case .timestamp: return "try \(range).\(r ? "requiredTimestamp" : "timestamp")(\(tag))"
        case .date: return "try \(range).\(r ? "requiredLocalMktDate" : "localMktDate")(\(tag))"
        case .enumerated(let name, _): return "try \(range).\(r ? "requiredEnumValue" : "enumValue")(\(tag), \(name).decode)"
        }
    }

    /// Whether the view accessor can throw (a plain optional string lookup cannot).
    func viewThrows(required: Bool) -> Bool {
        switch base {
        case .string, .data: return required
        default: return true
        }
    }

    /// Converts a view value expression to the owned value.
    func own(_ expr: String) -> String {
        switch base {
        case .string: return "\(expr).string"
        case .data: return "\(expr).copyBytes()"
        default: return expr
        }
    }

    /// Statement writing owned value `v` for `tag` through writer `w`.
    func write(tag: Int, value v: String, lengthTag: Int?) -> String {
        switch base {
        case .data:
            return "\(v).withUnsafeBytes { w.writeData(lengthTag: \(lengthTag ?? 0), dataTag: \(tag), $0) }"
        case .enumerated: return "\(v).write(to: &w, tag: \(FieldKind.prefixLiteral(tag)))"
        default: return "w.write(\(FieldKind.prefixLiteral(tag)), \(v))"
        }
    }

    /// A `FixTagPrefix` literal for `tag`: `<digits>=` packed little-endian.
    static func prefixLiteral(_ tag: Int) -> String {
        let bytes = Array("\(tag)=".utf8)
        precondition(bytes.count <= 8, "tag \(tag) too long for a FixTagPrefix")
        var packed: UInt64 = 0
        for (i, b) in bytes.enumerated() { packed |= UInt64(b) << (8 * UInt64(i)) }
        return "FixTagPrefix(tag: \(tag), packed: 0x\(String(packed, radix: 16, uppercase: true)), count: \(bytes.count))"
    }
}

import FixCodec
import Foundation

/// FIX messages as text for people and scripts: tag names and enum descriptions from the
/// dictionary (``FixDictionaryInfo``), secrets redacted. Used by `decode` and `order`.
enum FixText {
    /// One field, ready to print.
    struct Field {
        var tag: Int
        /// Dictionary name, nil for a tag the dictionary does not define.
        var name: String?
        /// The value as shown (redacted for secret fields).
        var value: String
        /// The enum description (`BUY_YES`) or, for MsgType, the message name; nil otherwise.
        var meaning: String?

        /// `Side(54)`, or `Tag9999(9999)` for tags the dictionary does not know.
        var label: String { "\(name ?? "Tag\(tag)")(\(tag))" }
    }

    /// Tags whose values are never shown: the logon signature (RawData 96, Signature 89) and
    /// Password (554). The signature is not the key, but it is a credential for the moment it
    /// is valid and has no use in a printout.
    static let redactedTags: Set<Int> = [89, 96, 554]

    /// The fields of `message` in wire order.
    static func fields(_ message: FixMessage) -> [Field] {
        message.fields.map { field in
            let tag = Int(field.tag)
            let raw = message.value(of: field).string
            let value = redactedTags.contains(tag) ? "<redacted, \(field.valueLength) bytes>" : raw
            let meaning = tag == 35 ? FixDictionaryInfo.messageName(msgType: raw)
                                    : (redactedTags.contains(tag) ? nil : FixDictionaryInfo.valueDescription(tag: tag, value: raw))
            return Field(tag: tag, name: FixDictionaryInfo.fieldName(tag), value: value, meaning: meaning)
        }
    }

    /// The frame with `|` for SOH and secret values replaced, e.g. `8=FIXT.1.1|9=148|35=D|…|10=181|`.
    static func raw(_ message: FixMessage) -> String {
        var out = ""
        for field in message.fields {
            let tag = Int(field.tag)
            out += "\(tag)="
            out += redactedTags.contains(tag) ? "<redacted>" : message.value(of: field).string
            out += "|"
        }
        return out
    }

    /// Raw bytes as text with `|` for SOH (for messages that did not index).
    static func printable(_ bytes: [UInt8], limit: Int = 120) -> String {
        var text = String(decoding: bytes.prefix(limit).map { $0 == 1 ? UInt8(ascii: "|") : $0 }, as: UTF8.self)
        text = text.replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
        // Not indexed, so secrets are found textually: `96=…` up to the next delimiter.
        text = text.split(separator: "|", omittingEmptySubsequences: false).map { part in
            let tag = part.prefix { $0 != "=" }
            guard part.contains("="), let number = Int(tag), redactedTags.contains(number) else { return String(part) }
            return "\(number)=<redacted>"
        }.joined(separator: "|")
        return bytes.count > limit ? text + "…" : text
    }

    /// One field per line, names padded to a column.
    static func multiline(_ fields: [Field], indent: String = "  ") -> String {
        let width = fields.map(\.label.count).max() ?? 0
        return fields.map { field in
            let padding = String(repeating: " ", count: width - field.label.count)
            return indent + field.label + padding + " = " + field.value + (field.meaning.map { "  " + $0 } ?? "")
        }.joined(separator: "\n")
    }

    /// One line: `MsgType(35)=D NewOrderSingle | ClOrdID(11)=abc | Side(54)=1 BUY_YES | …`;
    /// MsgType first, framing fields (8, 9, 10) left out.
    static func compact(_ fields: [Field]) -> String {
        let msgType = fields.filter { $0.tag == 35 }
        let rest = fields.filter { ![8, 9, 10, 35].contains($0.tag) }
        return (msgType + rest).map { field in
            "\(field.label)=\(field.value)" + (field.meaning.map { " " + $0 } ?? "")
        }.joined(separator: " | ")
    }

    /// A JSON object, field names (or tag numbers for unknown tags) to string values in wire
    /// order, a tag that repeats (group entries) as an array, plus `raw` (the frame with `|`).
    static func json(_ message: FixMessage) -> String {
        var keys: [String] = []
        var values: [String: [String]] = [:]
        for field in fields(message) {
            let key = field.name ?? String(field.tag)
            if values[key] == nil { keys.append(key) }
            values[key, default: []].append(field.value)
        }
        var members = keys.map { key in
            let v = values[key]!
            let value = v.count == 1 ? jsonString(v[0]) : "[" + v.map(jsonString).joined(separator: ",") + "]"
            return jsonString(key) + ":" + value
        }
        members.append(jsonString("raw") + ":" + jsonString(raw(message)))
        return "{" + members.joined(separator: ",") + "}"
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// `NAME (value)` for an enumerated value, or the value alone.
    static func described(_ tag: Int, _ value: String) -> String {
        FixDictionaryInfo.valueDescription(tag: tag, value: value).map { "\($0) (\(value))" } ?? value
    }
}

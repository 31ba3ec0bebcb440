/// How dictionary names become Swift identifiers. Deterministic, so generated API is stable.
enum SwiftNames {
    static let keywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init",
        "inout", "internal", "let", "open", "operator", "private", "protocol", "public", "rethrows", "static",
        "struct", "subscript", "typealias", "var", "break", "case", "continue", "default", "defer", "do",
        "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return", "switch", "where", "while",
        "as", "Any", "catch", "false", "is", "nil", "super", "self", "Self", "throw", "throws", "true", "try",
        "Type", "Protocol",
    ]

    /// `MDEntryPx` → `mdEntryPx`, `ClOrdID` → `clOrdID`, `RFQCancelStatus` → `rfqCancelStatus`.
    static func lowerCamel(_ name: String) -> String {
        let chars = Array(name)
        var run = 0
        while run < chars.count, chars[run].isUppercase { run += 1 }
        guard run > 0 else { return name }
        let lowered: Int
        if run == chars.count || run == 1 {
            lowered = run
        } else if chars[run].isLowercase {
            lowered = run - 1  // the last capital starts the next word
        } else {
            lowered = run
        }
        return String(chars[..<lowered]).lowercased() + String(chars[lowered...])
    }

    /// `PARTIALLY_FILLED` → `partiallyFilled`, `FIX50SP2` → `fix50sp2`, `yes` → `yes`.
    static func enumCase(_ description: String) -> String {
        let words = description.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        guard let first = words.first else { return "value" }
        var out = first.lowercased()
        for w in words.dropFirst() { out += w.prefix(1).uppercased() + w.dropFirst().lowercased() }
        if out.first?.isNumber == true { out = "v" + out }
        return out
    }

    /// Escapes a keyword for use as a declaration name.
    static func escaped(_ identifier: String) -> String {
        keywords.contains(identifier) ? "`\(identifier)`" : identifier
    }

    /// `NoMiscFees` → `MiscFees`: the name a group's entries are called by.
    static func groupBaseName(_ countFieldName: String) -> String {
        countFieldName.hasPrefix("No") && countFieldName.count > 2 ? String(countFieldName.dropFirst(2)) : countFieldName
    }

    /// A Swift string literal for `s`.
    static func literal(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{1}": out += "\\u{1}"
            default:
                if u.value < 0x20 { out += "\\u{\(String(u.value, radix: 16))}" } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}

/// Accumulates indented Swift source.
struct SwiftWriter {
    private(set) var text = ""
    private var indent = 0

    mutating func line(_ s: String = "") {
        if s.isEmpty { text += "\n"; return }
        text += String(repeating: "    ", count: indent) + s + "\n"
    }

    mutating func block(_ opener: String, _ body: (inout SwiftWriter) -> Void) {
        line(opener + " {")
        indent += 1
        body(&self)
        indent -= 1
        line("}")
    }

    mutating func doc(_ lines: String...) {
        for l in lines { line("/// " + l) }
    }
}

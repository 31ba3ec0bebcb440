import FixCodec
import Foundation
import Testing

/// Every message of shared/kalshi-fix/EXAMPLES.md (documentation examples, Part A, and the
/// computed frames, Part B): it indexes, our dictionary knows its MsgType, and every tag it
/// carries is defined for that message type. Computed frames also pass strict validation.
@Suite("Every EXAMPLES.md message")
struct AllExamplesTests {
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/kalshi-fix/EXAMPLES.md")
    static let available = FileManager.default.fileExists(atPath: file.path)

    /// The code blocks that hold messages, joined into one line each; `//` comments, `^^`
    /// annotation lines and the docs' own `...` elisions removed.
    static func messages() throws -> [(label: String, text: String)] {
        let lines = try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n")
        var out: [(String, String)] = []
        var heading = ""
        var inBlock = false
        var current: [String] = []
        func flush() {
            // A block may hold a request and its response: split at each new "8=FIXT".
            let joined = current.joined()
            for part in joined.components(separatedBy: "8=FIXT.1.1|").dropFirst() {
                out.append((heading, "8=FIXT.1.1|" + part))
            }
            current = []
        }
        for line in lines {
            if line.hasPrefix("### ") || line.hasPrefix("B") && line.contains(". ") && !inBlock { heading = line }
            if line.hasPrefix("```") {
                if inBlock { flush() }
                inBlock.toggle()
                continue
            }
            guard inBlock else { continue }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("//") || trimmed.hasPrefix("^^") || trimmed.hasPrefix("-----") || trimmed.isEmpty { continue }
            guard trimmed.contains("=") && trimmed.contains("|") else { continue }
            current.append(trimmed.replacingOccurrences(of: "...|", with: "").replacingOccurrences(of: "...", with: ""))
        }
        return out
    }

    @Test("all example messages are covered by our dictionary", .enabled(if: available, "needs ../shared/kalshi-fix"))
    func covered() throws {
        let examples = try Self.messages()
        #expect(examples.count >= 55, "found only \(examples.count) example messages in EXAMPLES.md")
        for (label, text) in examples {
            try TestMessages.withUnframed(text) { message in
                let msgType = message.msgType.string
                guard let body = FixDictionaryInfo.bodyTags(msgType: msgType) else {
                    Issue.record("\(label): MsgType \(msgType) is not in our dictionary")
                    return
                }
                let allowed = body.union(FixDictionaryInfo.headerTags).union(FixDictionaryInfo.trailerTags)
                for field in message.fields {
                    let tag = Int(field.tag)
                    // A51's deliberately undefined tag 333333 is the example of a Reject.
                    if tag == 333333 { continue }
                    #expect(allowed.contains(tag), "\(label): tag \(tag) (\(FixDictionaryInfo.fieldName(tag) ?? "undefined")) is not defined for 35=\(msgType)")
                }
            }
        }
    }

    @Test("the computed frames of Part B pass strict validation", .enabled(if: available, "needs ../shared/kalshi-fix"))
    func computedFramesStrict() throws {
        let framed = try Self.messages().filter { $0.text.contains("|10=") && !$0.text.contains("9=200|") && !$0.text.contains("9=150|") && !$0.text.contains("9=300|") && !$0.text.contains("9=400|") }
        #expect(framed.count == 4, "expected B1–B4, found \(framed.map(\.label))")
        for (label, text) in framed {
            let bytes = TestMessages.bytes(text)
            var decoder = KalshiFixDecoder(mode: .strict)
            let result = bytes.withUnsafeBytes { FixDecodeResult.Summary(decoder.decode($0)) }
            #expect(result == .message(consumed: bytes.count), "\(label): \(result)")
        }
    }
}

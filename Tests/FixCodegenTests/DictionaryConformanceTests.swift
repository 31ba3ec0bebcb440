import FixCodegenCore
import Foundation
import Testing

/// Our spec/fix-dictionary-1.03.xml must agree with Kalshi's published v1.03 dictionary on
/// everything v1.03 defines; later additions are allowed only where v1.03 is silent.
@Suite("Dictionary conformance with Kalshi's published v1.03")
struct DictionaryConformanceTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let ours = repositoryRoot.appendingPathComponent("spec/fix-dictionary-1.03.xml")
    /// The published file lives in the shared folder beside the checkout (never copied into it).
    static let published = repositoryRoot.deletingLastPathComponent()
        .appendingPathComponent("shared/reference/kalshi-fix-dictionary-1.03.xml")
    static let publishedAvailable = FileManager.default.fileExists(atPath: published.path)

    @Test("every v1.03 field, message, header and trailer entry agrees", .enabled(if: publishedAvailable, "needs ../shared/reference"))
    func agreesWithPublished() throws {
        let differences = try DictionaryComparison.differences(
            published: FixDictionaryParser.parse(contentsOf: Self.published),
            ours: FixDictionaryParser.parse(contentsOf: Self.ours))
        #expect(differences.isEmpty, "spec/fix-dictionary-1.03.xml differs from v1.03:\n\(differences.joined(separator: "\n"))")
    }

    @Test("our dictionary resolves: every reference defined, no ambiguous scopes")
    func oursResolves() throws {
        let resolved = try ResolvedDictionary(FixDictionaryParser.parse(contentsOf: Self.ours))
        // Later additions FACTS.md documents must be there too.
        let types = Set(resolved.messages.map(\.msgType))
        for t in ["V", "W", "X", "Y", "e", "f", "8", "D", "UMS", "UOG", "U1", "R", "UA"] {
            #expect(types.contains(t), "MsgType \(t) is missing from our dictionary")
        }
        let tags = Set(resolved.fields.map(\.number))
        for t in [146, 263, 268, 269, 270, 271, 279, 281, 326, 2446, 21027, 21030, 21031, 21032, 20185, 20186, 20187] {
            #expect(tags.contains(t), "tag \(t) (documented after v1.03) is missing from our dictionary")
        }
        #expect(resolved.dataFieldPairs.map { [$0.length.number, $0.data.number] } == [[93, 89], [95, 96]])
    }

    /// The comparison must catch the mistakes it exists for; mutate our XML and check.
    @Test("a changed tag number, enum value or required flag is reported",
          .enabled(if: publishedAvailable, "needs ../shared/reference"),
          arguments: [
              ("number=\"39\" name=\"OrdStatus\"", "number=\"40039\" name=\"OrdStatus\"", "OrdStatus"),
              ("<value enum=\"F\" description=\"TRADE\"/>", "<value enum=\"T\" description=\"TRADE\"/>", "ExecType"),
              ("name=\"ClOrdID\" required=\"Y\"", "name=\"ClOrdID\" required=\"N\"", "ClOrdID"),
          ])
    func detectsMutations(original: String, mutated: String, mentions: String) throws {
        let text = try String(contentsOf: Self.ours, encoding: .utf8)
        #expect(text.contains(original), "test setup: spec no longer contains \(original)")
        let broken = text.replacingOccurrences(of: original, with: mutated)
        let differences = try DictionaryComparison.differences(
            published: FixDictionaryParser.parse(contentsOf: Self.published),
            ours: FixDictionaryParser.parse(Data(broken.utf8)))
        #expect(differences.contains { $0.contains(mentions) }, "mutation \(mutated) went unnoticed: \(differences)")
    }
}

/// Compares two dictionaries and describes every way `ours` departs from `published`.
enum DictionaryComparison {
    /// One entry of a flattened message: name, required flag, and the group path it sits in.
    struct FlatEntry: Equatable, CustomStringConvertible {
        var name: String
        var required: String
        var path: String
        var description: String { "\(path.isEmpty ? "" : path + "/")\(name)[\(required)]" }
    }

    static func flatten(_ entries: [FixDictionary.Entry], _ d: FixDictionary, path: String = "") -> [FlatEntry] {
        entries.flatMap { e -> [FlatEntry] in
            switch e {
            case .field(let n, let r): return [FlatEntry(name: n, required: r.rawValue, path: path)]
            case .group(let g):
                return [FlatEntry(name: g.name, required: g.required.rawValue, path: path)]
                    + flatten(g.entries, d, path: path.isEmpty ? g.name : path + "/" + g.name)
            case .component(let n, _):
                return flatten(d.components.first { $0.name == n }?.entries ?? [], d, path: path)
            }
        }
    }

    static func differences(published: FixDictionary, ours: FixDictionary) -> [String] {
        var out: [String] = []
        let oursByName = Dictionary(ours.fields.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for f in published.fields {
            guard let o = oursByName[f.name] else { out.append("field \(f.name) (\(f.number)) is missing"); continue }
            if o.number != f.number { out.append("field \(f.name): tag \(o.number), published \(f.number)") }
            if o.type != f.type { out.append("field \(f.name): type \(o.type), published \(f.type)") }
            let ov = Set(o.values.map(\.wire)), pv = Set(f.values.map(\.wire))
            if !pv.isSubset(of: ov) {
                out.append("field \(f.name): enum values \(pv.subtracting(ov).sorted()) missing")
            }
            for v in f.values {
                if let mine = o.values.first(where: { $0.wire == v.wire }), mine.description != v.description {
                    out.append("field \(f.name): value \(v.wire) described \(mine.description), published \(v.description)")
                }
            }
        }
        let oursMessages = Dictionary(ours.messages.map { ($0.msgType, $0) }, uniquingKeysWith: { a, _ in a })
        for m in published.messages {
            guard let o = oursMessages[m.msgType] else { out.append("message \(m.name) (35=\(m.msgType)) is missing"); continue }
            if o.name != m.name { out.append("message 35=\(m.msgType): named \(o.name), published \(m.name)") }
            if o.category != m.category { out.append("message \(m.name): msgcat \(o.category), published \(m.category)") }
            let p = flatten(m.entries, published)
            // Later additions may be interleaved; v1.03's own entries must be there, in order, unchanged.
            let known = Set(p.map { $0.path + "/" + $0.name })
            let mine = flatten(o.entries, ours).filter { known.contains($0.path + "/" + $0.name) }
            if mine != p {
                out.append("message \(m.name): v1.03 entries differ\n  published: \(p)\n  ours:      \(mine)")
            }
        }
        let ph = flatten(published.header, published), oh = flatten(ours.header, ours)
        if ph != oh { out.append("header differs\n  published: \(ph)\n  ours:      \(oh)") }
        let pt = flatten(published.trailer, published), ot = flatten(ours.trailer, ours)
        if pt != ot { out.append("trailer differs\n  published: \(pt)\n  ours:      \(ot)") }
        return out
    }
}

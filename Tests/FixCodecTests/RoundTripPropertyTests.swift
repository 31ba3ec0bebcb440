import FixCodec
import FixCodegenCore
import Foundation
import TestSupport
import Testing

/// Property: for random messages of every type in spec/fix-dictionary-1.03.xml, built from the
/// dictionary itself (required fields always, optional ones at random, groups with 0–3 entries,
/// nested groups, data fields holding SOH), strict decoding accepts them, and the generated
/// view's copy re-encodes to exactly the same bytes.
@Suite("Round trips of random dictionary messages")
struct RoundTripPropertyTests {
    static let spec = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("spec/fix-dictionary-1.03.xml")

    @Test("every message type: random instance → encode → strict decode → copy → identical bytes")
    func roundTrips() throws {
        let dictionary = try ResolvedDictionary(FixDictionaryParser.parse(contentsOf: Self.spec))
        var rng = SplitMix64(state: 0xF1C0_DEC0)
        var decoder = KalshiFixDecoder(mode: .strict)
        var bufferA = [UInt8](repeating: 0, count: 1 << 16)
        var bufferB = [UInt8](repeating: 0, count: 1 << 16)
        var checked = 0
        for message in dictionary.messages {
            for instance in 0..<25 {
                var generator = RandomMessage(dictionary: dictionary, rng: rng)
                let original: [UInt8] = try bufferA.withUnsafeMutableBytes { raw in
                    var w = FixWriter(buffer: raw)
                    try generator.write(message, into: &w)
                    return Array(try w.finish())
                }
                rng = generator.rng
                try original.withUnsafeBytes { raw in
                    switch decoder.decode(raw) {
                    case .message(let view, let consumed):
                        #expect(consumed == original.count)
                        let copy = try #require(try FixDictionaryInfo.copyMessage(view), "no copy for \(message.name)")
                        let header = try StandardHeaderView(fields: view.body).copy()
                        let again: [UInt8] = try bufferB.withUnsafeMutableBytes { out in
                            var w = FixWriter(buffer: out)
                            return Array(try copy.encodeFrame(into: &w, header: header))
                        }
                        #expect(again == original, "\(message.name) #\(instance) re-encodes differently:\n\(Self.show(original))\n\(Self.show(again))")
                        checked += 1
                    case .invalid(_, _, let error):
                        Issue.record("\(message.name) #\(instance) rejected in strict mode: \(error)\n\(Self.show(original))")
                    case .needMoreBytes, .garbled:
                        Issue.record("\(message.name) #\(instance) did not frame:\n\(Self.show(original))")
                    }
                }
            }
        }
        #expect(checked == dictionary.messages.count * 25)
    }

    static func show(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.map { $0 == 1 ? UInt8(ascii: "|") : $0 }, as: UTF8.self)
    }
}

/// Writes a random, dictionary-valid message in dictionary order (the order the generated
/// encoders use).
struct RandomMessage {
    let dictionary: ResolvedDictionary
    var rng: SplitMix64

    mutating func chance(_ percent: UInt64) -> Bool { rng.next() % 100 < percent }
    mutating func below(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }

    mutating func write(_ message: ResolvedDictionary.Message, into w: inout FixWriter) throws {
        w.begin(msgType: message.msgType)
        try writeEntries(dictionary.header.filter { e in
            if case .field(let f, _) = e { return ![8, 9, 35].contains(f.number) }
            return true
        }, into: &w)
        try writeEntries(message.entries, into: &w)
    }

    mutating func writeEntries(_ entries: [ResolvedDictionary.Entry], into w: inout FixWriter) throws {
        let dataTags = Set(dictionary.dataFieldPairs.map(\.data.number))
        let lengthTags = Set(dictionary.dataFieldPairs.map(\.length.number))
        for (i, entry) in entries.enumerated() {
            switch entry {
            case .field(let f, let required):
                if lengthTags.contains(f.number) { continue }  // written with its data field
                // Conditionally required fields stay optional (the dictionary cannot say when).
                guard required == .yes || chance(40) else { continue }
                if dataTags.contains(f.number) {
                    let length = dictionary.dataFieldPairs.first { $0.data.number == f.number }!.length.number
                    let bytes = (0..<(1 + below(20))).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                    bytes.withUnsafeBytes { w.writeData(lengthTag: length, dataTag: f.number, $0) }
                } else {
                    writeValue(f, into: &w)
                }
                _ = i
            case .group(let g):
                let count = g.required == .yes ? below(4) : (chance(50) ? 1 + below(3) : 0)
                if count == 0 && g.required != .yes { continue }
                w.write(g.countField.number, count)
                for _ in 0..<count {
                    // The delimiter is always present; other fields as their flags say.
                    var members = g.entries
                    if case .field(let d, _) = members[0] { members[0] = .field(d, required: .yes) }
                    try writeEntries(members, into: &w)
                }
            }
        }
    }

    mutating func writeValue(_ f: FixDictionary.Field, into w: inout FixWriter) {
        let tag = f.number
        if !f.values.isEmpty && f.type != "MULTIPLEVALUESTRING" {
            let v = f.values[below(f.values.count)].wire
            w.write(tag, v)
            return
        }
        switch f.type {
        case "INT", "SEQNUM", "LENGTH", "DAYOFMONTH": w.write(tag, below(1_000_000))
        case "NUMINGROUP": w.write(tag, 0)
        case "PRICE", "QTY", "AMT", "DECIMAL", "FLOAT":
            let mantissa = Int64(truncatingIfNeeded: rng.next() % 10_000_000) * (chance(20) ? -1 : 1)
            w.write(tag, FixDecimal(mantissa: mantissa, scale: UInt8(below(5))))
        case "BOOLEAN": w.write(tag, chance(50))
        case "UTCTIMESTAMP":
            let ms = Int64(1_700_000_000_000) + Int64(below(200_000_000)) * 1000 + Int64(below(1000))
            w.write(tag, FixTimestamp(nanosecondsSinceEpoch: ms * 1_000_000))
        case "LOCALMKTDATE":
            w.write(tag, FixLocalMktDate(year: 2020 + below(10), month: 1 + below(12), day: 1 + below(28))!)
        case "CHAR": w.write(tag, char: UInt8(ascii: "A") + UInt8(below(26)))
        case "MULTIPLEVALUESTRING": w.write(tag, f.values.isEmpty ? "A" : f.values[below(f.values.count)].wire)
        default:
            let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_;:.".utf8)
            let length = 1 + below(24)
            w.write(tag, String(decoding: (0..<length).map { _ in alphabet[below(alphabet.count)] }, as: UTF8.self))
        }
    }
}

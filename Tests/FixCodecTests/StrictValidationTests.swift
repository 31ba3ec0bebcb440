import BenchCorpus
import FixCodec
import Testing

/// Strict mode against spec/fix-dictionary-1.03.xml: valid messages pass; each kind of
/// invalid content is reported with its tag, offset and SessionRejectReason.
@Suite("Strict validation")
struct StrictValidationTests {
    /// Frames `pipeDelimited` (computing BodyLength and CheckSum) and decodes it.
    func decode(_ body: String, mode: FixDecodeMode = .strict) -> FixDecodeResult.Summary {
        let bytes = Self.frame(body)
        var decoder = KalshiFixDecoder(mode: mode)
        return bytes.withUnsafeBytes { FixDecodeResult.Summary(decoder.decode($0)) }
    }

    static func frame(_ body: String) -> [UInt8] {
        let b = TestMessages.bytes(body)
        var m = Array("8=FIXT.1.1\u{1}9=\(b.count)\u{1}".utf8) + b
        let sum = m.reduce(0) { ($0 + Int($1)) % 256 }
        m += Array("10=\(String(repeating: "0", count: 3 - String(sum).count))\(sum)\u{1}".utf8)
        return m
    }

    static let header = "35=D|49=key|56=KalshiNR|34=2|52=20261125-14:30:00.123|"
    static let order = "11=c1|38=10|40=2|44=55|54=1|55=MKT|"

    @Test("the corpus and well-formed messages pass strict mode", arguments: BenchCorpus.files.map(\.name))
    func corpusPasses(name: String) throws {
        let bytes = try #require(BenchCorpus.files.first { $0.name == name }).bytes
        var decoder = KalshiFixDecoder(mode: .strict)
        let result = bytes.withUnsafeBytes { FixDecodeResult.Summary(decoder.decode($0)) }
        #expect(result == .message(consumed: bytes.count))
    }

    @Test("a minimal valid NewOrderSingle passes")
    func minimalOrder() {
        #expect(decode(Self.header + Self.order) == .message(consumed: Self.frame(Self.header + Self.order).count))
    }

    @Test("each kind of invalid content is reported", arguments: [
        (header + order + "333333=test|", "undefinedTag 333333", 3),
        (header + order + "263=1|", "tagNotDefinedForMessage 263", 2),
        (header + order + "11=c2|", "tagRepeated 11", 13),
        (header + "11=c1|38=10|40=2|44=55|54=1|", "requiredTagMissing 55", 1),
        (header + "11=c1|38=1x|40=2|44=55|54=1|55=MKT|", "valueMalformed 38", 6),
        (header + "11=c1|38=10|40=7|44=55|54=1|55=MKT|", "enumValueOutOfRange 40", 5),
        (header + order + "18=|", "emptyValue 18", 4),
        (header + order + "453=2|448=p1|452=24|", "groupCountMismatch 453", 16),
        (header + order + "453=1|452=24|448=p1|", "groupCountMismatch 453", 16),
        ("35=ZZ|49=key|56=KalshiNR|34=2|52=20261125-14:30:00.123|", "invalidMsgType 35", 11),
        ("35=D|49=key|56=KalshiNR|52=20261125-14:30:00.123|" + order, "requiredTagMissing 34", 1),
        ("35=D|49=key|56=KalshiNR|34=2|52=20261125-14:30:00|" + order, "", -1),
    ])
    func invalid(body: String, expected: String, reason: Int) {
        let result = decode(body)
        if reason < 0 {
            #expect(result == .message(consumed: Self.frame(body).count), "second-precision SendingTime is valid")
            return
        }
        guard case .invalid(let error) = result else {
            Issue.record("expected \(expected), got \(result)")
            return
        }
        #expect("\(error.kind) \(error.tag.map(String.init) ?? "")" == expected, "\(error)")
        #expect(error.sessionRejectReason == reason)
    }

    @Test("nested group fields outside their group are rejected; inside, they pass")
    func nestedGroups() {
        let ums = "35=UMS|49=KalshiPT|56=key|34=9|52=20261125-14:30:00.123|20105=s1|55=MKT|715=20231231|20107=yes|730=100.00|"
        let party = "20108=1|20109=u1|20110=24|1703=1|1704=100.00|1705=PAYOUT|136=1|137=0.00|138=USD|139=4|891=0|"
        #expect(decode(ums + party + "893=Y|") == .message(consumed: Self.frame(ums + party + "893=Y|").count))
        guard case .invalid(let error) = decode(ums + "1704=1.00|") else { Issue.record("1704 at top level accepted"); return }
        #expect(error == .tagNotDefinedForMessage(tag: 1704, offset: error.offset ?? -1))
        guard case .invalid(let missing) = decode(ums + "20108=1|20109=u1|") else { Issue.record("missing 20110 accepted"); return }
        #expect(missing == .requiredTagMissing(tag: 20110))
    }

    @Test("lenient mode passes what strict rejects, and typed reads still fail individually")
    func lenient() throws {
        let body = Self.header + "11=c1|38=10|40=7|44=5x|54=1|55=MKT|333333=x|"
        let bytes = Self.frame(body)
        var decoder = KalshiFixDecoder(mode: .lenient)
        try bytes.withUnsafeBytes { raw in
            guard case .message(let message, _) = decoder.decode(raw) else { Issue.record("lenient rejected"); return }
            let nos = try #require(NewOrderSingleView(message))
            #expect(try nos.ordType == .unknown("7"))
            #expect(throws: FixDecodeError.self) { try nos.price }
            #expect(try nos.orderQty == 10)
        }
    }
}

extension FixDecodeResult {
    /// An Equatable summary for assertions (the view itself is not comparable).
    enum Summary: Equatable, CustomStringConvertible {
        case message(consumed: Int)
        case invalid(FixDecodeError)
        case needMoreBytes
        case garbled(skip: Int, FixDecodeError)

        init(_ r: FixDecodeResult) {
            switch r {
            case .message(_, let c): self = .message(consumed: c)
            case .invalid(_, _, let e): self = .invalid(e)
            case .needMoreBytes: self = .needMoreBytes
            case .garbled(let s, let e): self = .garbled(skip: s, e)
            }
        }

        var description: String {
            switch self {
            case .message(let c): return "message(\(c))"
            case .invalid(let e): return "invalid(\(e))"
            case .needMoreBytes: return "needMoreBytes"
            case .garbled(let s, let e): return "garbled(\(s), \(e))"
            }
        }
    }
}

extension FixDecodeError {
    /// The case name, for compact assertions.
    var kind: String { String(String(describing: Mirror(reflecting: self).children.first?.label ?? "\(self)")) }
    /// The byte offset, when the case carries one.
    var offset: Int? {
        switch self {
        case .tagNotDefinedForMessage(_, let o), .undefinedTag(_, let o), .tagRepeated(_, let o), .emptyValue(_, let o),
             .valueMalformed(_, let o, _), .enumValueOutOfRange(_, let o), .groupCountMismatch(_, let o, _, _),
             .dataLengthOutOfRange(_, let o), .invalidMsgType(let o):
            return o
        default: return nil
        }
    }
}

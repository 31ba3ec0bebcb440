import FixCodec
import FixCodegenFixture
import Testing

/// The generator's output for Tests/FixCodegenFixture/fixture-dictionary.xml is compiled into
/// FixCodegenFixture by the build plugin; these tests use it as a caller would: encode with
/// the generated structs, decode with the generated views, compare.
@Suite("Generated code (fixture dictionary)")
struct GeneratedCodeBehaviourTests {
    typealias Order = TinyOrder
    typealias Report = TinyReport
    // Names FixCodec's own generated code also has.
    typealias FixtureHeader = FixCodegenFixture.StandardHeader
    typealias FixtureRole = FixCodegenFixture.PartyRole
    typealias FixtureInfo = FixCodegenFixture.FixDictionaryInfo
    typealias FixtureTag = FixCodegenFixture.FixTag

    let header = FixtureHeader(
        senderCompID: "CLIENT", targetCompID: "GATEWAY", msgSeqNum: 42,
        sendingTime: FixTimestamp(secondsSinceEpoch: 1_795_617_000, nanoseconds: 123_000_000))

    /// Encodes `message` with the fixture header, frames it, indexes it, hands the view to `body`.
    func roundTrip<M: FixEncodableMessage, R>(_ message: M, _ body: (FixMessage) throws -> R) throws -> R {
        var buffer = [UInt8](repeating: 0, count: 4096)
        return try buffer.withUnsafeMutableBytes { raw in
            var writer = FixWriter(buffer: raw)
            let frame = try message.encodeFrame(into: &writer, header: header)
            guard case .message(let range) = FixFramer().nextFrame(in: frame) else {
                Issue.record("encoded frame does not frame: \(String(decoding: frame, as: UTF8.self))")
                throw FixDecodeError.truncated(offset: 0)
            }
            #expect(range.count == frame.count)
            var index = FixFieldIndex(capacity: 64)
            return try body(index.index(frame))
        }
    }

    @Test("encode → decode gives back every field, with groups from a component")
    func orderRoundTrip() throws {
        let order = Order(
            clOrdID: "order-1", tinySide: .sell, price: FixDecimal(mantissa: 7550, scale: 4),
            orderQty: 12, tinyOutcome: .scalar, tinyReason: .other,
            expireTime: FixTimestamp(secondsSinceEpoch: 1_795_700_000), tradeDate: FixLocalMktDate(year: 2026, month: 11, day: 25),
            urgent: true, partyIDs: [.init(partyID: "p1", partyRole: .customerAccount), .init(partyID: "p2")])
        let copy = try roundTrip(order) { message in
            let view = try #require(TinyOrderView(message))
            #expect(try view.header.msgSeqNum == 42)
            #expect(try view.header.senderCompID.equals("CLIENT"))
            #expect(try view.clOrdID.string == "order-1")
            #expect(try view.tinySide == .sell)
            #expect(try view.price == FixDecimal(mantissa: 755, scale: 3), "decimals compare by value")
            #expect(try view.partyIDs.count == 2)
            #expect(try view.partyIDs.validatedCount() == 2)
            return try view.copy()
        }
        #expect(copy == order, "copy of the decoded view differs from what was encoded")
    }

    @Test("a message of another type is not viewed as this one")
    func msgTypeChecked() throws {
        let order = Order(clOrdID: "x", tinySide: .buy, orderQty: 1)
        try roundTrip(order) { message in
            #expect(TinyLogonView(message) == nil)
            #expect(TinyOrderView(message) != nil)
        }
    }

    @Test("nested groups: entries and their inner entries are delimited by the dictionary")
    func nestedGroups() throws {
        let report = Report(
            clOrdID: "r1",
            tinyAccounts: [
                .init(tinyAccount: "A", longQty: 5, tinyFees: [.init(tinyFeeAmt: FixDecimal(mantissa: 7, scale: 2)),
                                                                  .init(tinyFeeAmt: 1, tinyOutcome: .yesOutcome)]),
                .init(tinyAccount: "B"),
                .init(tinyAccount: "C", tinyFees: [.init(tinyFeeAmt: 3)]),
            ],
            tinyLevels: [.init(price: FixDecimal(mantissa: 35, scale: 2), orderQty: 10)])
        let copy = try roundTrip(report) { message in
            let view = try #require(TinyReportView(message))
            let accounts = Array(try view.tinyAccounts)
            #expect(accounts.count == 3)
            #expect(try accounts.map { try $0.tinyAccount.string } == ["A", "B", "C"])
            #expect(try accounts[0].tinyFees.map { try $0.tinyFeeAmt } == [FixDecimal(mantissa: 7, scale: 2), 1])
            #expect(try accounts[1].tinyFees.isEmpty)
            #expect(try accounts[2].tinyFees.count == 1)
            #expect(try view.tinyLevels.count == 1)
            return try view.copy()
        }
        #expect(copy == report)
    }

    @Test("a required group is written even when empty; an optional one is not")
    func requiredEmptyGroup() throws {
        try roundTrip(Report(clOrdID: "r2")) { message in
            #expect(message.value(9020)?.equals("0") == true, "required NoTinyLevels=0 missing")
            #expect(message.value(9010) == nil, "optional empty group was written")
        }
    }

    @Test("enum values the dictionary does not list decode as .unknown keeping the wire value")
    func unknownEnumValues() throws {
        #expect(TinySide(rawValue: "7") == .unknown("7"))
        #expect(TinyReason(rawValue: 42) == .unknown(42))
        #expect(TinyOutcome(rawValue: "maybe").rawValue == "maybe")
        #expect(TinyOutcome.scalar.rawValue == "scalar")
        #expect(!TinyReason.unknown(3).isKnown)
        // The dictionary's own UNKNOWN value does not clash with the catch-all case.
        #expect(FixtureRole(rawValue: 0) == .unknownValue)
        let order = Order(clOrdID: "u", tinySide: .unknown("9"), orderQty: 1, tinyOutcome: .unknown("void"))
        let copy = try roundTrip(order) { try #require(TinyOrderView($0)).copy() }
        #expect(copy.tinySide == .unknown("9"))
        #expect(copy.tinyOutcome == .unknown("void"))
    }

    @Test("a data field is read by its length even when it holds SOH")
    func dataField() throws {
        let secret: [UInt8] = Array("sig\u{1}with=soh".utf8)
        let logon = TinyLogon(heartBtInt: 30, rawData: secret)
        let copy = try roundTrip(logon) { message in
            let view = try #require(TinyLogonView(message))
            #expect(try view.rawDataLength == secret.count)
            #expect(view.rawData?.copyBytes() == secret)
            return try view.copy()
        }
        #expect(copy == logon)
    }

    @Test("a missing required field is a typed error naming the tag")
    func missingRequired() throws {
        let bytes = Array("35=D\u{1}11=x\u{1}".utf8)
        try bytes.withUnsafeBytes { raw in
            var index = FixFieldIndex(capacity: 8)
            let view = TinyOrderView(unchecked: try index.index(raw))
            #expect(throws: FixDecodeError.requiredTagMissing(tag: 54)) { try view.tinySide }
            #expect(throws: FixDecodeError.requiredTagMissing(tag: 54), "copy() reads in dictionary order: TinySide first") { try view.copy() }
        }
    }

    @Test("dictionary metadata names tags, values and message types")
    func metadata() {
        #expect(FixtureInfo.fieldName(9013) == "TinyFeeAmt")
        #expect(FixtureInfo.valueDescription(tag: 54, value: "2") == "SELL")
        #expect(FixtureInfo.messageName(msgType: "UZ1") == "TinyReport")
        #expect(FixtureTag.tinyFeeAmt == 9013)
        #expect(FixtureInfo.requiredTags(msgType: "UZ1") == [11, 9020])
    }
}

import FixCodec
import FixEngine
import Testing

/// MarketSettlementReport reassembly (FACTS §15): EXAMPLES.md A28–A30 byte for byte, then
/// fragments in order, interleaved, duplicated, late, and cleared on reconnect.
@Suite("SettlementReassembler")
struct SettlementReassemblerTests {
    // EXAMPLES.md A28–A30 with the display line breaks and indentation removed (the docs'
    // `// …` caption lines are not part of the message).
    static let a28 = "8=FIXT.1.1|35=UMS|20105=settle-123|55=HIGHNY-23DEC31|715=20231231|20107=yes|730=100.00|20108=1|20109=user-456|20110=24|704=100|705=0|1703=1|1704=100.00|1705=PAYOUT|136=1|137=0.00|138=USD|139=4|891=0|893=Y|"
    static let a29 = "8=FIXT.1.1|35=UMS|20105=settle-456|55=HIGHNY-23DEC31|715=20231231|20107=scalar|730=30.60|20108=1|20109=user-789|20110=24|704=100.01|705=0|1703=1|1704=30.6030|1705=PAYOUT|136=1|137=0.00006|138=USD|139=4|891=0|893=Y|"
    static let a30 = "8=FIXT.1.1|35=UMS|20105=settle-456|55=HIGHNY-23DEC31|715=20231231|20107=yes|730=100.00|20108=1|20109=user-789|20110=24|704=100|705=0|1703=1|1704=100.00|1705=PAYOUT|136=1|137=0.006|138=USD|139=4|891=0|893=Y|"

    /// A fragment with one party per id in `parties` (payout 1.00 each); `last` nil omits 893.
    static func fragment(_ id: String, _ symbol: String, last: Bool?, parties: [String], price: String = "100.00") -> String {
        var s = "8=FIXT.1.1|35=UMS|20105=\(id)|55=\(symbol)|715=20231231|20106=3|20107=yes|730=\(price)|20108=\(parties.count)|"
        for p in parties {
            s += "20109=\(p)|20110=24|704=1|705=0|1703=1|1704=1.00|1705=PAYOUT|136=1|137=0.00|138=USD|139=4|891=0|"
        }
        if let last { s += "893=\(last ? "Y" : "N")|" }
        return s
    }

    static func feed(_ r: SettlementReassembler, _ message: String) throws -> SettlementReassembler.Event {
        try Wire.withMessage(message) { try r.apply($0) }
    }

    static func complete(_ event: SettlementReassembler.Event, _ comment: Comment? = nil) throws -> MarketSettlement {
        guard case .complete(let settlement) = event else { throw TestFailure("expected a complete settlement, got \(event)") }
        return settlement
    }

    // MARK: EXAMPLES.md

    @Test("A28: settled yes, no fees, standalone — emitted at once, fully copied")
    func a28() throws {
        let r = SettlementReassembler()
        let s = try Self.complete(Self.feed(r, Self.a28))
        #expect(s.symbol == "HIGHNY-23DEC31")
        #expect(s.clearingBusinessDate.description == "20231231")
        #expect(s.marketResult == .yesOutcome)
        #expect(s.settlementPriceCents == FixDecimal("100.00")!)
        #expect(s.settlementPriceDollars == FixDecimal("1")!)
        #expect(s.reportIDs == ["settle-123"])
        #expect(s.fragmentsAgree)
        let party = try #require(s.parties.first)
        #expect(s.parties.count == 1)
        #expect(party.partyID == "user-456" && party.role == .customerAccount)
        #expect(party.longQuantity == 100 && party.shortQuantity == 0)
        #expect(party.collateralChanges == [SettlementCollateralChange(amount: FixDecimal("100.00")!, type: .payout)])
        #expect(party.fees == [SettlementFee(amount: FixDecimal("0.00")!, currency: "USD", type: .exchangeFees, basis: .absolute)])
        #expect(try party.payout() == FixDecimal("100")!)
        #expect(r.pendingSymbols.isEmpty)
    }

    @Test("A29: scalar at 30.60¢ with a 0.00006 fee — net 30.6030, gross 30.60306, exact")
    func a29() throws {
        let s = try Self.complete(Self.feed(SettlementReassembler(), Self.a29))
        #expect(s.marketResult == .scalarValue)
        #expect(s.settlementPriceCents == FixDecimal("30.60")!)
        #expect(s.settlementPriceDollars.description == "0.3060")
        let party = try #require(s.parties.first)
        #expect(party.longQuantity == FixDecimal("100.01")!)
        #expect(try party.payout() == FixDecimal("30.6030")!)
        #expect(try party.totalFees() == FixDecimal("0.00006")!)
        #expect(try party.grossPayout() == FixDecimal("30.60306")!, "pre-fee payout = 1704 + 137 (FACTS §15)")
    }

    @Test("A30: yes with a 0.006 fee")
    func a30() throws {
        let s = try Self.complete(Self.feed(SettlementReassembler(), Self.a30))
        let party = try #require(s.parties.first)
        #expect(party.partyID == "user-789")
        #expect(try party.totalFees() == FixDecimal("0.006")!)
        #expect(try party.grossPayout() == FixDecimal("100.006")!)
    }

    @Test("Not a UMS: ignored")
    func notSettlement() throws {
        let event = try Self.feed(SettlementReassembler(), "8=FIXT.1.1|35=W|55=X|268=0|")
        #expect(event == .notSettlement)
    }

    // MARK: Fragments

    @Test("N, N, Y fragments: buffered, then one settlement with every party in arrival order")
    func fragmentsInOrder() throws {
        let r = SettlementReassembler()
        #expect(try Self.feed(r, Self.fragment("p1", "KXA", last: false, parties: ["u1", "u2"])) == .fragmentBuffered(symbol: "KXA", fragments: 1))
        #expect(r.pendingSymbols == ["KXA"])
        #expect(try Self.feed(r, Self.fragment("p2", "KXA", last: false, parties: ["u3"])) == .fragmentBuffered(symbol: "KXA", fragments: 2))
        #expect(r.pendingReportIDs(for: "KXA") == ["p1", "p2"])
        let s = try Self.complete(Self.feed(r, Self.fragment("p3", "KXA", last: true, parties: ["u4"])))
        #expect(s.parties.map(\.partyID) == ["u1", "u2", "u3", "u4"])
        #expect(s.reportIDs == ["p1", "p2", "p3"])
        #expect(s.totalReports == 3)
        #expect(r.pendingSymbols.isEmpty, "the buffer is emptied when the batch completes")
    }

    @Test("893 absent on the last page completes the batch")
    func absentLastFragment() throws {
        let r = SettlementReassembler()
        _ = try Self.feed(r, Self.fragment("p1", "KXA", last: false, parties: ["u1"]))
        let s = try Self.complete(Self.feed(r, Self.fragment("p2", "KXA", last: nil, parties: ["u2"])))
        #expect(s.parties.map(\.partyID) == ["u1", "u2"])
    }

    @Test("Interleaved symbols are reassembled separately")
    func interleaved() throws {
        let r = SettlementReassembler()
        _ = try Self.feed(r, Self.fragment("a1", "KXA", last: false, parties: ["a-u1"]))
        _ = try Self.feed(r, Self.fragment("b1", "KXB", last: false, parties: ["b-u1"]))
        #expect(r.pendingSymbols == ["KXA", "KXB"])
        let b = try Self.complete(Self.feed(r, Self.fragment("b2", "KXB", last: true, parties: ["b-u2"])))
        #expect(b.symbol == "KXB" && b.parties.map(\.partyID) == ["b-u1", "b-u2"])
        #expect(r.pendingSymbols == ["KXA"])
        let a = try Self.complete(Self.feed(r, Self.fragment("a2", "KXA", last: true, parties: ["a-u2"])))
        #expect(a.symbol == "KXA" && a.parties.map(\.partyID) == ["a-u1", "a-u2"])
    }

    @Test("A duplicate pending fragment (same 20105) is ignored, not appended twice")
    func duplicatePending() throws {
        let r = SettlementReassembler()
        _ = try Self.feed(r, Self.fragment("p1", "KXA", last: false, parties: ["u1"]))
        #expect(try Self.feed(r, Self.fragment("p1", "KXA", last: false, parties: ["u1"])) == .duplicateFragment(symbol: "KXA", reportID: "p1"))
        let s = try Self.complete(Self.feed(r, Self.fragment("p2", "KXA", last: true, parties: ["u2"])))
        #expect(s.parties.map(\.partyID) == ["u1", "u2"])
    }

    @Test("A late resend of an emitted batch is suppressed; a new batch for the symbol still works")
    func lateFragments() throws {
        let r = SettlementReassembler()
        _ = try Self.feed(r, Self.fragment("p1", "KXA", last: false, parties: ["u1"]))
        _ = try Self.complete(Self.feed(r, Self.fragment("p2", "KXA", last: true, parties: ["u2"])))
        #expect(try Self.feed(r, Self.fragment("p1", "KXA", last: false, parties: ["u1"])) == .duplicateFragment(symbol: "KXA", reportID: "p1"))
        #expect(try Self.feed(r, Self.fragment("p2", "KXA", last: true, parties: ["u2"])) == .duplicateFragment(symbol: "KXA", reportID: "p2"))
        #expect(r.pendingSymbols.isEmpty, "a suppressed late fragment must not start a batch")
        let again = try Self.complete(Self.feed(r, Self.fragment("p9", "KXA", last: true, parties: ["u9"])))
        #expect(again.parties.map(\.partyID) == ["u9"])
    }

    @Test("Duplicate memory is bounded: beyond it a resend is emitted again (consumers stay idempotent)")
    func boundedMemory() throws {
        let r = SettlementReassembler(rememberedReportIDs: 2)
        for id in ["r1", "r2", "r3"] { _ = try Self.complete(Self.feed(r, Self.fragment(id, "KX\(id)", last: true, parties: ["u"]))) }
        #expect(try Self.feed(r, Self.fragment("r3", "KXr3", last: true, parties: ["u"])) == .duplicateFragment(symbol: "KXr3", reportID: "r3"))
        let resent = try Self.complete(Self.feed(r, Self.fragment("r1", "KXr1", last: true, parties: ["u"])))
        #expect(resent.reportIDs == ["r1"])
    }

    @Test("Fragments that disagree on 730 are flagged")
    func disagreeingFragments() throws {
        let r = SettlementReassembler()
        _ = try Self.feed(r, Self.fragment("p1", "KXA", last: false, parties: ["u1"], price: "100.00"))
        let s = try Self.complete(Self.feed(r, Self.fragment("p2", "KXA", last: true, parties: ["u2"], price: "0.00")))
        #expect(!s.fragmentsAgree)
        #expect(s.settlementPriceCents == 0, "the last fragment's values win")
    }

    @Test("A malformed fragment throws and leaves the pending batch untouched")
    func malformedFragment() throws {
        let r = SettlementReassembler()
        _ = try Self.feed(r, Self.fragment("p1", "KXA", last: false, parties: ["u1"]))
        #expect(throws: FixDecodeError.self) {
            _ = try Self.feed(r, "8=FIXT.1.1|35=UMS|20105=p2|55=KXA|715=20231231|20107=yes|730=abc|893=Y|")
        }
        #expect(r.pendingReportIDs(for: "KXA") == ["p1"])
    }

    // MARK: Reconnect

    @Test("clear() on reconnect drops pending batches with a warning naming them; a resend reassembles from scratch")
    func clearOnReconnect() throws {
        let r = SettlementReassembler()
        #expect(r.clear() == nil, "nothing pending: no warning")
        _ = try Self.feed(r, Self.fragment("p1", "KXA", last: false, parties: ["u1", "u2"]))
        _ = try Self.feed(r, Self.fragment("b1", "KXB", last: false, parties: ["v1"]))
        let warning = try #require(r.clear())
        #expect(warning.dropped.map(\.symbol) == ["KXA", "KXB"])
        #expect(warning.dropped.first?.reportIDs == ["p1"] && warning.dropped.first?.parties == 2)
        #expect(warning.description.contains("KXA") && warning.description.contains("p1"), "\(warning)")
        #expect(r.pendingSymbols.isEmpty)
        // After the reconnect Kalshi resends the whole batch: the dropped p1 is not a duplicate.
        _ = try Self.feed(r, Self.fragment("p1", "KXA", last: false, parties: ["u1", "u2"]))
        let s = try Self.complete(Self.feed(r, Self.fragment("p2", "KXA", last: true, parties: ["u3"])))
        #expect(s.parties.map(\.partyID) == ["u1", "u2", "u3"])
    }
}

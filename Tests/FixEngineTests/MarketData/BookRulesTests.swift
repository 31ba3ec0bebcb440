import FixCodec
import FixEngine
import Testing

/// FACTS §13.6, one test per rule, plus the container's bookkeeping.
@Suite("Order book: FACTS §13.6 rules")
struct BookRulesTests {
    static let s = "KXTEST-26JAN01-T50"
    static func w(_ entries: String, count: Int, symbol: String = s) -> String {
        "8=FIXT.1.1|35=W|34=7|55=\(symbol)|268=\(count)|\(entries)"
    }
    static func x(_ entries: String, count: Int, seq: Int = 8) -> String {
        "8=FIXT.1.1|35=X|34=\(seq)|268=\(count)|\(entries)"
    }
    /// A book for `s` with bids 0.30×10, 0.35×20 and offers 0.40×5, 0.45×7.
    static func seeded() throws -> FixOrderBooks {
        let books = FixOrderBooks()
        try Wire.apply(books, w("269=0|270=0.30|271=10|269=0|270=0.35|271=20|269=1|270=0.40|271=5|269=1|270=0.45|271=7|", count: 4))
        return books
    }

    // MARK: W

    @Test("W replaces the symbol's whole book, bids and offers")
    func snapshotReplaces() throws {
        let books = try Self.seeded()
        try Wire.apply(books, Self.w("269=1|270=0.50|271=1|", count: 1))
        let book = try #require(books.book(for: Self.s))
        #expect(book.depth(.bid) == [], "the old bids must be gone after a W without bids")
        #expect(book.depth(.offer) == ["1.00@0.5000"], "only the new W's offer may remain")
        #expect(book.snapshotCount == 2)
    }

    @Test("W with zero entries empties the book (and creates one for a new symbol)")
    func emptySnapshot() throws {
        let books = try Self.seeded()
        let result = try Wire.apply(books, Self.w("", count: 0))
        #expect(result.kind == .snapshot && result.changedBooks == 1)
        let book = try #require(books.book(for: Self.s), "an empty W keeps the book (empty), it does not remove it")
        #expect(book.bestBid == nil && book.bestOffer == nil)
        try Wire.apply(books, Self.w("", count: 0, symbol: "KXNEW"))
        #expect(books.book(for: "KXNEW") != nil, "an empty W for an unknown ticker still gives an (empty) book")
    }

    @Test("W entries with an unknown MDEntryType (including trade) are skipped")
    func snapshotUnknownType() throws {
        let books = FixOrderBooks()
        let result = try Wire.apply(books, Self.w("269=7|270=0.30|271=10|269=2|270=0.31|271=1|269=0|270=0.29|271=3|", count: 3))
        #expect(result.entries.unknownEntryTypes == 2)
        #expect(books.book(for: Self.s)?.depth(.bid) == ["3.00@0.2900"])
        #expect(books.book(for: Self.s)?.depth(.offer) == [])
    }

    @Test("W entries with a missing price are skipped")
    func snapshotMissingPrice() throws {
        let books = FixOrderBooks()
        let result = try Wire.apply(books, Self.w("269=0|271=10|269=0|270=0.29|271=3|", count: 2))
        #expect(result.entries.skipped == 1)
        #expect(books.book(for: Self.s)?.depth(.bid) == ["3.00@0.2900"])
    }

    @Test("W entries with size <= 0 or no size are skipped")
    func snapshotNonPositiveSize() throws {
        let books = FixOrderBooks()
        let result = try Wire.apply(books, Self.w("269=0|270=0.30|271=0|269=0|270=0.31|271=-2|269=1|270=0.50|269=1|270=0.60|271=0.01|", count: 4))
        #expect(result.entries.skipped == 3)
        #expect(books.book(for: Self.s)?.depth(.bid) == [])
        #expect(books.book(for: Self.s)?.depth(.offer) == ["0.01@0.6000"])
    }

    // MARK: X routing

    @Test("X entries are routed by their own Symbol")
    func routedBySymbol() throws {
        let books = try Self.seeded()
        try Wire.apply(books, Self.w("269=0|270=0.10|271=1|", count: 1, symbol: "KXOTHER"))
        let result = try Wire.apply(books, Self.x("279=1|55=KXOTHER|269=0|270=0.10|271=9|279=1|55=\(Self.s)|269=0|270=0.30|271=11|", count: 2))
        #expect(result.changedBooks == 2)
        #expect(books.book(for: "KXOTHER")?.depth(.bid) == ["9.00@0.1000"])
        #expect(books.book(for: Self.s)?.depth(.bid) == ["20.00@0.3500", "11.00@0.3000"])
    }

    @Test("X entries for a symbol without a snapshot are dropped and counted")
    func noSnapshotDropped() throws {
        let books = try Self.seeded()
        let result = try Wire.apply(books, Self.x("279=1|55=KXNOSNAP|269=0|270=0.10|271=9|279=0|55=KXNOSNAP|269=2|270=0.10|271=1|", count: 2))
        #expect(result.entries.withoutSnapshot == 2)
        #expect(result.changedBooks == 0)
        #expect(books.book(for: "KXNOSNAP") == nil, "an X must never create a book")
        #expect(books.totals.withoutSnapshot == 2)
    }

    // MARK: X actions

    @Test("279=1 Change sets the level to the absolute size; a new price adds a level")
    func changeSets() throws {
        let books = try Self.seeded()
        try Wire.apply(books, Self.x("279=1|55=\(Self.s)|269=0|270=0.35|271=4.50|279=1|55=\(Self.s)|269=1|270=0.42|271=2|", count: 2))
        let book = try #require(books.book(for: Self.s))
        #expect(book.depth(.bid) == ["4.50@0.3500", "10.00@0.3000"])
        #expect(book.depth(.offer) == ["5.00@0.4000", "2.00@0.4200", "7.00@0.4500"])
    }

    @Test("279=1 Change with size 0, negative or missing removes the level")
    func changeRemoves() throws {
        let books = try Self.seeded()
        let result = try Wire.apply(books, Self.x("279=1|55=\(Self.s)|269=0|270=0.35|271=0|279=1|55=\(Self.s)|269=1|270=0.40|271=-1|279=1|55=\(Self.s)|269=1|270=0.45|", count: 3))
        #expect(result.entries.levelsApplied == 3)
        let book = try #require(books.book(for: Self.s))
        #expect(book.depth(.bid) == ["10.00@0.3000"])
        #expect(book.depth(.offer) == [])
    }

    @Test("279=2 Delete removes the level at the price; the size may be absent")
    func deleteRemoves() throws {
        let books = try Self.seeded()
        try Wire.apply(books, Self.x("279=2|55=\(Self.s)|269=0|270=0.35|279=2|55=\(Self.s)|269=1|270=0.40|271=5.00|", count: 2))
        let book = try #require(books.book(for: Self.s))
        #expect(book.depth(.bid) == ["10.00@0.3000"])
        #expect(book.depth(.offer) == ["7.00@0.4500"])
        #expect(book.bestBid == BookLevel("0.30", "10"), "the best bid moves down when the best level is deleted")
    }

    @Test("279=2 Delete without a price is malformed and deletes nothing")
    func deleteNeedsPrice() throws {
        let books = try Self.seeded()
        let result = try Wire.apply(books, Self.x("279=2|55=\(Self.s)|269=0|271=0|", count: 1))
        #expect(result.entries.malformed == 1)
        #expect(books.book(for: Self.s)?.levelCount(.bid) == 2)
    }

    @Test("An unknown action with size 0 is not a delete: counted and ignored")
    func unknownActionNotDelete() throws {
        let books = try Self.seeded()
        let result = try Wire.apply(books, Self.x("279=5|55=\(Self.s)|269=0|270=0.35|271=0|279=D|55=\(Self.s)|269=1|270=0.40|", count: 2))
        #expect(result.entries.unknownActions == 2)
        #expect(result.changedBooks == 0)
        let book = try #require(books.book(for: Self.s))
        #expect(book.depth(.bid) == ["20.00@0.3500", "10.00@0.3000"], "279=5 with size 0 must leave the 0.35 bid")
        #expect(book.depth(.offer) == ["5.00@0.4000", "7.00@0.4500"])
        #expect(books.totals.unknownActions == 2)
    }

    @Test("279=0 New on a bid/offer sets the level, like Change (OPEN-QUESTIONS Q11)")
    func newSets() throws {
        let books = try Self.seeded()
        try Wire.apply(books, Self.x("279=0|55=\(Self.s)|269=0|270=0.36|271=1|279=0|55=\(Self.s)|269=0|270=0.30|271=2|", count: 2))
        #expect(books.book(for: Self.s)?.depth(.bid) == ["1.00@0.3600", "20.00@0.3500", "2.00@0.3000"])
    }

    @Test("269=2 trade prints never touch the levels, whatever their action or price")
    func tradesAreNotLevels() throws {
        let books = try Self.seeded()
        let before = try #require(books.book(for: Self.s)).levels(.bid) + books.book(for: Self.s)!.levels(.offer)
        let result = try Wire.apply(books, Self.x("279=0|55=\(Self.s)|269=2|270=0.35|271=20|2446=2|279=2|55=\(Self.s)|269=2|270=0.40|271=5|279=1|55=\(Self.s)|269=2|270=0.99|271=1|", count: 3, seq: 42))
        #expect(result.entries.tradesRecorded == 3)
        let book = try #require(books.book(for: Self.s))
        #expect(book.levels(.bid) + book.levels(.offer) == before)
        #expect(book.lastTrade == BookTrade(price: KalshiPrice(units: 9900), size: Contracts(hundredths: 100), aggressor: nil, msgSeqNum: 42))
        #expect(book.tradeCount == 3)
    }

    @Test("An unknown MDEntryType in an X is counted and ignored")
    func unknownTypeIncremental() throws {
        let books = try Self.seeded()
        let result = try Wire.apply(books, Self.x("279=1|55=\(Self.s)|269=J|270=0.35|271=0|", count: 1))
        #expect(result.entries.unknownEntryTypes == 1)
        #expect(books.book(for: Self.s)?.levelCount(.bid) == 2)
    }

    // MARK: Prices

    @Test("Levels are keyed by exact decimal price: 0.35, 0.350 and 0.3500 are one level")
    func exactPriceKeys() throws {
        let books = try Self.seeded()
        try Wire.apply(books, Self.x("279=1|55=\(Self.s)|269=0|270=0.350|271=1|279=1|55=\(Self.s)|269=0|270=0.3500|271=2|279=1|55=\(Self.s)|269=0|270=0.3501|271=3|", count: 3))
        #expect(books.book(for: Self.s)?.depth(.bid) == ["3.00@0.3501", "2.00@0.3500", "10.00@0.3000"])
    }

    @Test("Prices off the $0.0001 grid, outside $0–$1 (prediction) or unparsable are malformed, never rounded")
    func unrepresentablePrices() throws {
        let books = try Self.seeded()
        let result = try Wire.apply(books, Self.x("279=1|55=\(Self.s)|269=0|270=0.35005|271=1|279=1|55=\(Self.s)|269=0|270=1.01|271=1|279=1|55=\(Self.s)|269=0|270=abc|271=1|279=1|55=\(Self.s)|269=0|270=0.33|271=1.005|", count: 4))
        #expect(result.entries.malformed == 4)
        #expect(books.book(for: Self.s)?.depth(.bid) == ["20.00@0.3500", "10.00@0.3000"])
    }

    @Test("Depth views: bids descending, offers ascending, limited to N")
    func depthOrder() throws {
        let books = FixOrderBooks()
        try Wire.apply(books, Self.w("269=0|270=0.01|271=1|269=0|270=0.99|271=2|269=0|270=0.5|271=3|269=1|270=0.9999|271=4|269=1|270=0.0001|271=5|269=1|270=0.6|271=6|", count: 6))
        let book = try #require(books.book(for: Self.s))
        #expect(book.depth(.bid) == ["2.00@0.9900", "3.00@0.5000", "1.00@0.0100"])
        #expect(book.depth(.offer) == ["5.00@0.0001", "6.00@0.6000", "4.00@0.9999"])
        #expect(book.levels(.bid, depth: 2).map(\.description) == ["2.00@0.9900", "3.00@0.5000"])
        #expect(book.size(.offer, at: KalshiPrice(units: 6000)) == Contracts(hundredths: 600))
        #expect(book.size(.offer, at: KalshiPrice(units: 6001)) == nil)
    }

    @Test("Best bid/offer follow removals across the grid (far-apart levels)")
    func bestAfterRemovals() throws {
        let books = FixOrderBooks()
        try Wire.apply(books, Self.w("269=0|270=0.0001|271=1|269=0|270=0.9999|271=2|269=1|270=0.0002|271=3|269=1|270=1|271=4|", count: 4))
        let book = try #require(books.book(for: Self.s))
        try Wire.apply(books, Self.x("279=2|55=\(Self.s)|269=0|270=0.9999|279=2|55=\(Self.s)|269=1|270=0.0002|", count: 2))
        #expect(book.bestBid == BookLevel("0.0001", "1"))
        #expect(book.bestOffer == BookLevel("1", "4"))
        try Wire.apply(books, Self.x("279=2|55=\(Self.s)|269=0|270=0.0001|279=2|55=\(Self.s)|269=1|270=1|", count: 2))
        #expect(book.bestBid == nil && book.bestOffer == nil)
    }

    @Test("Unbounded books grow past their initial capacity and stay sorted")
    func unboundedGrowth() throws {
        let books = FixOrderBooks(priceModel: .unbounded(initialLevels: 4))
        try Wire.apply(books, Self.w("", count: 0, symbol: "BTC-PERP"))
        var entries = ""
        for i in 0..<40 { entries += "279=0|55=BTC-PERP|269=\(i % 2)|270=\(100 + (i * 7) % 40).25|271=\(i + 1)|" }
        try Wire.apply(books, Self.x(entries, count: 40))
        let book = try #require(books.book(for: "BTC-PERP"))
        let bids = book.levels(.bid).map(\.price)
        let offers = book.levels(.offer).map(\.price)
        #expect(bids.count == 20 && offers.count == 20)
        #expect(bids == bids.sorted(by: >) && offers == offers.sorted())
        #expect(book.bestBid?.price == bids.first && book.bestOffer?.price == offers.first)
    }

    // MARK: Disconnect and bookkeeping

    @Test("clear() drops every book, reports it, keeps subscriptions; X is ignored until a new W")
    func clearOnDisconnect() throws {
        let books = try Self.seeded()
        books.noteSubscribed([Self.s, "KXWAITING"])
        #expect(books.symbolsAwaitingSnapshot == ["KXWAITING"])
        let report = books.clear()
        #expect(report.droppedSymbols == [Self.s])
        #expect(report.droppedLevels == 4)
        #expect(report.symbolsToResubscribe == ["KXWAITING", Self.s].sorted())
        #expect(report.description.contains(Self.s))
        #expect(books.count == 0 && books.book(for: Self.s) == nil)
        let result = try Wire.apply(books, Self.x("279=1|55=\(Self.s)|269=0|270=0.35|271=1|", count: 1))
        #expect(result.entries.withoutSnapshot == 1, "after a disconnect, X before the new snapshot must be dropped")
        try Wire.apply(books, Self.w("269=0|270=0.20|271=1|", count: 1))
        #expect(books.book(for: Self.s)?.depth(.bid) == ["1.00@0.2000"])
        #expect(books.symbolsAwaitingSnapshot == ["KXWAITING"])
    }

    @Test("Unsubscribing drops the book; unsubscribe-all drops everything")
    func unsubscribe() throws {
        let books = try Self.seeded()
        try Wire.apply(books, Self.w("", count: 0, symbol: "KXB"))
        books.noteSubscribed([Self.s, "KXB"])
        books.noteUnsubscribed([Self.s])
        #expect(books.subscribedSymbols == ["KXB"])
        #expect(books.symbols == ["KXB"])
        #expect(books.book(for: "KXB") != nil, "the symbol table must survive removing another book")
        books.noteUnsubscribedAll()
        #expect(books.subscribedSymbols.isEmpty && books.count == 0)
    }

    @Test("onChange is called once per changed book, after the whole message; counters move")
    func onChangeOncePerBook() throws {
        let books = try Self.seeded()
        try Wire.apply(books, Self.w("", count: 0, symbol: "KXB"))
        var seen: [String] = []
        let before = try #require(books.book(for: Self.s)).version
        let result = try Self.x("279=1|55=\(Self.s)|269=0|270=0.31|271=1|279=1|55=KXB|269=1|270=0.9|271=1|279=1|55=\(Self.s)|269=0|270=0.32|271=1|", count: 3, seq: 99).withMessageApplied(books) { book in
            seen.append("\(book.symbol):\(book.levelCount(.bid))")
        }
        #expect(seen == ["\(Self.s):4", "KXB:0"], "one callback per book, with all three entries applied")
        #expect(result.changedBooks == 2)
        let book = try #require(books.book(for: Self.s))
        #expect(book.version == before + 1, "version moves once per message, not per entry")
        #expect(book.lastMsgSeqNum == 99)
        #expect(book.updateCount == 2)
    }

    @Test("Unknown tags inside an entry do not end it; the declared count bounds the entries")
    func unknownTagsAndCount() throws {
        let books = try Self.seeded()
        try Wire.apply(books, Self.x("279=1|55=\(Self.s)|9999=x|269=0|270=0.31|271=1|279=1|55=\(Self.s)|269=0|270=0.32|271=1|", count: 1))
        #expect(books.book(for: Self.s)?.depth(.bid) == ["20.00@0.3500", "1.00@0.3100", "10.00@0.3000"])
    }
}

extension String {
    func withMessageApplied(_ books: FixOrderBooks, _ onChange: (FixOrderBook) -> Void) throws -> BookApplyResult {
        try Wire.withMessage(self) { books.apply($0, onChange: onChange) }
    }
}

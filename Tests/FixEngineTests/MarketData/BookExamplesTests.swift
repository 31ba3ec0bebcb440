import BenchCorpus
import FixCodec
import FixEngine
import Testing

/// The market-data examples of shared/kalshi-fix/EXAMPLES.md (A12–A14, A17, A22–A24), byte
/// for byte, and the bench corpus's 10-entry incremental.
@Suite("Order book: EXAMPLES.md market data")
struct BookExamplesTests {
    static let nykSnapshot = "8=FIXT.1.1|35=W|49=KalshiMD|56=your-api-key|55=KXNBAGAME-26MAY25NYKCLE-NYK|268=2|269=0|270=0.3500|271=10.00|269=1|270=0.6500|271=5.00|"
    static let nykChange = "8=FIXT.1.1|35=X|49=KalshiMD|56=your-api-key|268=1|279=1|55=KXNBAGAME-26MAY25NYKCLE-NYK|269=0|270=0.3500|271=15.00|"
    static let nykTrade = "8=FIXT.1.1|35=X|49=KalshiMD|56=your-api-key|268=1|279=0|55=KXNBAGAME-26MAY25NYKCLE-NYK|269=2|270=0.6500|271=3.00|2446=1|"
    static let nyk = "KXNBAGAME-26MAY25NYKCLE-NYK"

    @Test("A12: the snapshot builds bid 10.00@0.35 and offer 5.00@0.65")
    func a12Snapshot() throws {
        let books = FixOrderBooks()
        let result = try Wire.apply(books, Self.nykSnapshot)
        #expect(result.kind == .snapshot)
        #expect(result.changedBooks == 1)
        #expect(result.entries.levelsApplied == 2)
        #expect(result.entries.notApplied == 0, "every A12 entry is a valid level: \(result.entries)")
        let book = try #require(books.book(for: Self.nyk), "A12 must create the book of its Symbol")
        #expect(book.bestBid == BookLevel("0.35", "10"))
        #expect(book.bestOffer == BookLevel("0.65", "5"))
        #expect(book.depth(.bid) == ["10.00@0.3500"])
        #expect(book.depth(.offer) == ["5.00@0.6500"])
        #expect(book.snapshotCount == 1)
        // The YES/NO mirror: best NO bid = $1 − best YES offer.
        #expect(book.bestOffer?.price.complement == KalshiPrice(dollars: FixDecimal("0.35")!))
    }

    @Test("A13: the change sets the 0.35 bid to 15.00 (absolute, not a delta)")
    func a13Change() throws {
        let books = FixOrderBooks()
        try Wire.apply(books, Self.nykSnapshot)
        let result = try Wire.apply(books, Self.nykChange)
        #expect(result.kind == .incremental)
        #expect(result.entries.levelsApplied == 1)
        let book = try #require(books.book(for: Self.nyk))
        #expect(book.depth(.bid) == ["15.00@0.3500"], "A13 sets the level to 271, it does not add 15 to 10")
        #expect(book.depth(.offer) == ["5.00@0.6500"], "A13 does not touch the offers")
        #expect(book.updateCount == 1)
    }

    @Test("A14: the trade print is recorded as the last trade and leaves the book alone")
    func a14Trade() throws {
        let books = FixOrderBooks()
        try Wire.apply(books, Self.nykSnapshot)
        let result = try Wire.apply(books, Self.nykTrade)
        #expect(result.entries.tradesRecorded == 1)
        #expect(result.entries.levelsApplied == 0, "a trade print (269=2) is not a book level")
        let book = try #require(books.book(for: Self.nyk))
        #expect(book.depth(.bid) == ["10.00@0.3500"])
        #expect(book.depth(.offer) == ["5.00@0.6500"], "279=0 on a trade must not add or change an offer level")
        #expect(book.lastTrade == BookTrade(price: KalshiPrice(dollars: FixDecimal("0.65")!)!, size: Contracts(hundredths: 300),
                                            aggressor: .buy, msgSeqNum: 0))
        #expect(book.tradeCount == 1)
    }

    @Test("A17: a SecurityStatus is not market data for the book")
    func a17NotMarketData() throws {
        let books = FixOrderBooks()
        try Wire.apply(books, Self.nykSnapshot)
        let result = try Wire.apply(books, "8=FIXT.1.1|35=f|49=KalshiMD|56=your-api-key|55=KXNBAGAME-26MAY25NYKCLE-NYK|326=2|")
        #expect(result.kind == .notMarketData)
        #expect(books.book(for: Self.nyk)?.depth(.bid) == ["10.00@0.3500"])
    }

    @Test("A22–A24: the margin examples on an unbounded book (BTC-PERP at $19.50)")
    func a22to24Margin() throws {
        let books = FixOrderBooks(priceModel: .unbounded)
        try Wire.apply(books, "8=FIXT.1.1|35=W|49=KalshiMD|56=your-api-key|55=BTC-PERP|268=2|269=0|270=19.5000|271=10.00|269=1|270=19.5100|271=5.00|")
        let book = try #require(books.book(for: "BTC-PERP"))
        #expect(book.bestBid == BookLevel("19.5", "10"))
        #expect(book.bestOffer == BookLevel("19.51", "5"))
        try Wire.apply(books, "8=FIXT.1.1|35=X|49=KalshiMD|56=your-api-key|268=1|279=1|55=BTC-PERP|269=0|270=19.5000|271=15.00|")
        #expect(book.depth(.bid) == ["15.00@19.5000"])
        try Wire.apply(books, "8=FIXT.1.1|35=X|49=KalshiMD|56=your-api-key|268=1|279=0|55=BTC-PERP|269=2|270=19.5000|271=3.00|2446=1|")
        #expect(book.depth(.bid) == ["15.00@19.5000"], "the margin trade print must not touch the book")
        #expect(book.lastTrade?.price == KalshiPrice(units: 195_000))
        #expect(books.totals.notApplied == 0)
    }

    @Test("A22 on a prediction grid: $19.50 cannot be a prediction price, counted as malformed")
    func marginPriceOnPredictionGrid() throws {
        let books = FixOrderBooks(priceModel: .predictionGrid)
        let result = try Wire.apply(books, "8=FIXT.1.1|35=W|49=KalshiMD|56=your-api-key|55=BTC-PERP|268=2|269=0|270=19.5000|271=10.00|269=1|270=19.5100|271=5.00|")
        #expect(result.entries.malformed == 2)
        #expect(books.book(for: "BTC-PERP")?.levelCount(.bid) == 0)
    }

    @Test("Bench corpus: the 10-entry incremental applies to a book with a snapshot")
    func benchCorpusIncremental() throws {
        let books = FixOrderBooks()
        let symbol = "KXBTCD-26NOV2517-T100249.99"
        try Wire.apply(books, "8=FIXT.1.1|35=W|55=\(symbol)|268=2|269=0|270=0.4000|271=50.00|269=1|270=0.4300|271=60.00|")
        let result = try BenchCorpus.marketDataIncremental10.withUnsafeBytes { raw in
            var index = FixFieldIndex(capacity: 256)
            return books.apply(try index.index(raw))
        }
        #expect(result.kind == .incremental)
        #expect(result.entries.levelsApplied == 10)
        #expect(result.entries.notApplied == 0)
        #expect(result.changedBooks == 1)
        let book = try #require(books.book(for: symbol))
        // Deletes removed 0.40/0.46 bids and 0.43/0.49 offers; changes set the rest.
        #expect(book.depth(.bid) == ["900.00@0.4800", "500.00@0.4400", "300.00@0.4200"])
        #expect(book.depth(.offer) == ["200.00@0.4100", "600.00@0.4500", "800.00@0.4700"])
        #expect(book.lastMsgSeqNum == 123457)
        #expect(book.isCrossed, "the corpus's levels cross (bid 0.48 > offer 0.41)")
    }
}

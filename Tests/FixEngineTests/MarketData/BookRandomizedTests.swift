import FixCodec
import FixEngine
import TestSupport
import Testing

/// Thousands of generated W/X messages, encoded with the generated encodable structs, framed,
/// decoded and applied; after each one the books must equal a plain dictionary model of
/// FACTS §13.6, and the counters must equal the model's.
@Suite("Order book: randomized against a reference model")
struct BookRandomizedTests {
    /// A dictionary per side: price → size, both exact decimals (keyed by value, so `0.35`
    /// and `0.3500` are the same key).
    struct ModelBook {
        var bids: [FixDecimal: FixDecimal] = [:]
        var offers: [FixDecimal: FixDecimal] = [:]
        var lastTrade: (price: FixDecimal, size: FixDecimal)?
    }

    static let symbols = ["KXA-26JAN01", "KXB-26JAN01-T50", "KXBTCD-26NOV2517-T100249.99", "C"]

    @Test("4,000 messages per price model, seed 0x600D_B00C", arguments: [KalshiPriceModel.predictionGrid, .unbounded(initialLevels: 2)])
    func randomized(model priceModel: KalshiPriceModel) throws {
        var rng = SplitMix64(state: 0x600D_B00C)
        let books = FixOrderBooks(priceModel: priceModel, expectedSymbols: 2)  // the table must grow too
        var model: [String: ModelBook] = [:]
        var expected = BookEntryCounts()
        let isGrid = priceModel == .predictionGrid
        // A few dozen candidate prices so that entries collide with existing levels.
        let ticks: [Int64] = (0..<48).map { _ in isGrid ? Int64.random(in: 1...9_999, using: &rng) : Int64.random(in: 1...1_000_000_000, using: &rng) }
            + (isGrid ? [0, 10_000] : [])
        func price() -> FixDecimal {
            let t = ticks.randomElement(using: &rng)!
            // Spell some prices with fewer decimals (0.35 for 0.3500): the same level.
            if t % 100 == 0 && Bool.random(using: &rng) { return FixDecimal(mantissa: t / 100, scale: 2) }
            return FixDecimal(mantissa: t, scale: 4)
        }
        func size() -> FixDecimal {
            Int.random(in: 0..<10, using: &rng) == 0 ? FixDecimal(mantissa: 0, scale: 2)
                : FixDecimal(mantissa: Int64.random(in: 1...500_000, using: &rng), scale: 2)
        }

        for n in 1...4_000 {
            let roll = Int.random(in: 0..<100, using: &rng)
            if n % 900 == 0 {
                // A disconnect: books and model are dropped; X is ignored until new snapshots.
                books.clear()
                model.removeAll()
                continue
            }
            let bytes: [UInt8]
            if roll < 6 || model.isEmpty {
                let symbol = Self.symbols.randomElement(using: &rng)!
                var entries: [MarketDataSnapshotFullRefresh.MDEntriesEntry] = []
                var book = ModelBook(lastTrade: model[symbol]?.lastTrade)
                for _ in 0..<Int.random(in: 0...14, using: &rng) {
                    let typeRoll = Int.random(in: 0..<20, using: &rng)
                    let type: MDEntryType = typeRoll == 0 ? .unknown("7") : typeRoll % 2 == 0 ? .bid : .offer
                    let p = price(), s = size()
                    entries.append(.init(mdEntryType: type, mdEntryPx: p, mdEntrySize: s))
                    if type != .bid && type != .offer { expected.unknownEntryTypes += 1 }
                    else if s.mantissa <= 0 { expected.skipped += 1 }
                    else {
                        if type == .bid { book.bids[p] = s } else { book.offers[p] = s }
                        expected.levelsApplied += 1
                    }
                }
                model[symbol] = book
                bytes = try Wire.frame(MarketDataSnapshotFullRefresh(symbol: symbol, mdEntries: entries), msgSeqNum: n)
            } else {
                var entries: [MarketDataIncrementalRefresh.MDEntriesEntry] = []
                for _ in 0..<Int.random(in: 1...10, using: &rng) {
                    let symbol = Int.random(in: 0..<12, using: &rng) == 0 ? "KXNOSNAP" : Self.symbols.randomElement(using: &rng)!
                    let actionRoll = Int.random(in: 0..<100, using: &rng)
                    let action: MDUpdateAction = actionRoll < 40 ? .change : actionRoll < 60 ? .new : actionRoll < 95 ? .delete : .unknown("5")
                    let typeRoll = Int.random(in: 0..<100, using: &rng)
                    let type: MDEntryType = typeRoll < 45 ? .bid : typeRoll < 90 ? .offer : typeRoll < 97 ? .trade : .unknown("9")
                    let p = price(), s = size()
                    let aggressor: AggressorSide? = type == .trade ? (Bool.random(using: &rng) ? .buy : .sell) : nil
                    entries.append(.init(mdUpdateAction: action, symbol: symbol, mdEntryType: type, mdEntryPx: p,
                                         mdEntrySize: s, aggressorSide: aggressor))
                    // The reference: §13.6 in the order route → action → type.
                    guard var book = model[symbol] else { expected.withoutSnapshot += 1; continue }
                    guard action.isKnown else { expected.unknownActions += 1; continue }
                    guard type.isKnown else { expected.unknownEntryTypes += 1; continue }
                    if type == .trade {
                        book.lastTrade = (p, s)
                        expected.tradesRecorded += 1
                    } else {
                        let set = action != .delete && s.mantissa > 0
                        if type == .bid { book.bids[p] = set ? s : nil } else { book.offers[p] = set ? s : nil }
                        expected.levelsApplied += 1
                    }
                    model[symbol] = book
                }
                bytes = try Wire.frame(MarketDataIncrementalRefresh(mdEntries: entries), msgSeqNum: n)
            }
            _ = try Wire.withFrame(bytes) { books.apply($0) }
            try Self.compare(books, model, expected, step: n)
        }
    }

    static func compare(_ books: FixOrderBooks, _ model: [String: ModelBook], _ expected: BookEntryCounts, step: Int) throws {
        guard books.totals == expected, books.symbols == model.keys.sorted() else {
            Issue.record("after message \(step): counters \(books.totals) vs model \(expected); books \(books.symbols) vs model \(model.keys.sorted())")
            throw TestFailure("stop at the first divergence")
        }
        for (symbol, m) in model {
            let book = try #require(books.book(for: symbol), "no book for \(symbol) after message \(step)")
            let bids = book.levels(.bid).map { "\($0.size.contracts)@\($0.price.dollars)" }
            let offers = book.levels(.offer).map { "\($0.size.contracts)@\($0.price.dollars)" }
            let modelBids = m.bids.sorted { $0.key > $1.key }.map { "\(try! $0.value.rescaled(to: 2))@\(try! $0.key.rescaled(to: 4))" }
            let modelOffers = m.offers.sorted { $0.key < $1.key }.map { "\(try! $0.value.rescaled(to: 2))@\(try! $0.key.rescaled(to: 4))" }
            guard bids == modelBids, offers == modelOffers else {
                Issue.record("\(symbol) after message \(step): bids \(bids) vs model \(modelBids); offers \(offers) vs model \(modelOffers)")
                throw TestFailure("stop at the first divergence")
            }
            #expect(book.bestBid?.price.dollars == m.bids.keys.max(), "best bid of \(symbol) after message \(step)")
            #expect(book.bestOffer?.price.dollars == m.offers.keys.min(), "best offer of \(symbol) after message \(step)")
            #expect(book.levelCount(.bid) == m.bids.count && book.levelCount(.offer) == m.offers.count)
            #expect(book.lastTrade?.price.dollars == m.lastTrade?.price && book.lastTrade?.size.contracts == m.lastTrade?.size,
                    "last trade of \(symbol) after message \(step)")
        }
    }
}

import BenchCorpus
import FixCodec
import FixEngine

/// `Bench book`: frame + index the corpus's 10-entry MarketDataIncrementalRefresh and apply
/// it to a ``FixOrderBooks`` (one book with a snapshot), per message.
///
/// - `book.apply.x10`: the corpus message over and over. After the first pass its changes
///   re-set equal sizes and its deletes find nothing, so this is routing, parsing and level
///   lookups with few writes.
/// - `book.apply.x10.alternating`: the corpus, then the same entries with Change and Delete
///   swapped, alternately: every entry inserts or removes a level each time.
/// - `book.apply.x10.preindexed`: apply only (the message framed and indexed once): the
///   book's share of the first row.
/// - `…unbounded…`: the same on the sorted-array books used for margin markets.
enum BookBenchmarks {
    static let symbol = "KXBTCD-26NOV2517-T100249.99"

    static func run() throws -> [BenchResult] {
        var results: [BenchResult] = []
        var index = FixFieldIndex(capacity: 256)
        let framer = FixFramer()
        let corpus = BenchCorpus.marketDataIncremental10
        let flipped = try flippedCorpus(&index)

        func bench(_ name: String, _ model: KalshiPriceModel, alternate: Bool) throws {
            let books = FixOrderBooks(priceModel: model)
            try corpus.withUnsafeBytes { a in
                try flipped.withUnsafeBytes { b in
                    try seed(books, &index)
                    // The corpus must apply in full, or the figure would measure rejections.
                    for raw in [a, b] {
                        let r = books.apply(try index.index(CodecBenchmarks.frame(raw, framer)))
                        guard r.entries.levelsApplied == 10, r.entries.notApplied == 0 else {
                            throw BenchError.corpusDidNotFrame("book did not apply all 10 entries: \(r)")
                        }
                    }
                    results.append(contentsOf: [try Measure.run(name: name, bytes: a.count) { n in
                        let first = opaque(a), second = opaque(alternate ? b : a)
                        var acc = 0
                        for i in 0..<n {
                            let message = try index.index(CodecBenchmarks.frame(i & 1 == 0 ? first : second, framer))
                            acc &+= books.apply(message).entries.levelsApplied
                        }
                        return acc
                    }].compactMap { $0 })
                }
            }
        }
        try bench("book.apply.x10", .predictionGrid, alternate: false)
        // The book's share alone: the corpus indexed once, applied n times.
        let books = FixOrderBooks()
        try seed(books, &index)
        try corpus.withUnsafeBytes { raw in
            let message = try index.index(CodecBenchmarks.frame(raw, framer))
            results.append(contentsOf: [Measure.run(name: "book.apply.x10.preindexed", bytes: raw.count) { n in
                let m = opaque(message)
                var acc = 0
                for _ in 0..<n { acc &+= books.apply(m).entries.levelsApplied }
                return acc
            }].compactMap { $0 })
        }
        try bench("book.apply.x10.alternating", .predictionGrid, alternate: true)
        try bench("book.apply.x10.unbounded", .unbounded, alternate: false)
        try bench("book.apply.x10.unbounded.alternating", .unbounded, alternate: true)
        return results
    }

    /// A snapshot of 20 levels around the corpus's prices.
    static func seed(_ books: FixOrderBooks, _ index: inout FixFieldIndex) throws {
        var entries: [MarketDataSnapshotFullRefresh.MDEntriesEntry] = []
        for i in 0..<10 {
            entries.append(.init(mdEntryType: .bid, mdEntryPx: FixDecimal(mantissa: 3_500 + Int64(i) * 100, scale: 4), mdEntrySize: 100))
            entries.append(.init(mdEntryType: .offer, mdEntryPx: FixDecimal(mantissa: 4_100 + Int64(i) * 100, scale: 4), mdEntrySize: 100))
        }
        let bytes = try encode(MarketDataSnapshotFullRefresh(symbol: symbol, mdEntries: entries))
        try bytes.withUnsafeBytes { raw in
            let r = books.apply(try index.index(raw))
            guard r.kind == .snapshot, r.entries.levelsApplied == 20 else { throw BenchError.corpusDidNotFrame("seed snapshot: \(r)") }
        }
    }

    /// The corpus with 279=1 and 279=2 swapped, framed like the corpus.
    static func flippedCorpus(_ index: inout FixFieldIndex) throws -> [UInt8] {
        var x = try BenchCorpus.marketDataIncremental10.withUnsafeBytes { raw in
            try MarketDataIncrementalRefreshView(unchecked: try index.index(raw)).copy()
        }
        for i in x.mdEntries.indices {
            x.mdEntries[i].mdUpdateAction = x.mdEntries[i].mdUpdateAction == .delete ? .change : .delete
        }
        return try encode(x)
    }

    static func encode(_ message: some FixEncodableMessage, sender: String = "KalshiMD") throws -> [UInt8] {
        let header = FixSessionHeader(senderCompID: sender, targetCompID: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")
        var out = [UInt8](repeating: 0, count: 4096)
        return try out.withUnsafeMutableBytes { buffer in
            var writer = FixWriter(buffer: buffer)
            return Array(try header.encodeFrame(message, into: &writer, msgSeqNum: 123457,
                                                sendingTime: FixTimestamp(secondsSinceEpoch: 1_795_617_000, nanoseconds: 123_000_000)))
        }
    }
}

import BenchCorpus
import CMallocCounter
import FixCodec
import FixEngine

/// `Bench track`: ExecutionReports decoded and applied to an ``OrderTracker``, as a session's
/// handler does, per report.
///
/// The sequence is `orders` distinct orders × (New, Trade of 10, Canceled), encoded once from
/// the generated `ExecutionReport` struct (the corpus ER with Kalshi-style `clock;event`
/// ExecIDs). Each batch gets a fresh tracker with every order registered by `willSend`
/// (untimed, as `newOrder` does it before the report arrives), then:
///
/// - `track.new_trade_cancel`: frame + index + `apply` of the whole sequence (timed);
/// - `track.duplicate`: the same sequence again on that tracker: every report is a duplicate.
enum TrackBenchmarks {
    static func run(batches: Int = 201, orders: Int = 1_000) throws -> [BenchResult] {
        let names = ["track.new_trade_cancel", "track.duplicate"]
        if let filter = Measure.filter, !names.contains(where: { $0.contains(filter) }) { return [] }
        let reports = try sequence(orders: orders)
        let bytes = reports.reduce(0) { $0 + $1.count } / reports.count
        var index = FixFieldIndex(capacity: 256)
        let framer = FixFramer()
        var fresh: [Double] = [], duplicate: [Double] = []
        var freshAllocations: UInt64 = 0, duplicateAllocations: UInt64 = 0
        for batch in -20..<batches {
            let tracker = OrderTracker()
            for i in 0..<orders {
                tracker.willSend(clOrdID: clOrdID(i), symbol: BookBenchmarks.symbol, side: .buyYes, price: .cents(55), quantity: 100)
            }
            var applied = 0, duplicates = 0
            let a0 = CMallocCounter_threadAllocations()
            let t0 = Measure.now()
            for report in reports {
                try report.withUnsafeBytes { raw in
                    if case .applied = tracker.apply(try index.index(CodecBenchmarks.frame(raw, framer)), dollars: false) { applied += 1 }
                }
            }
            let t1 = Measure.now()
            let a1 = CMallocCounter_threadAllocations()
            for report in reports {
                try report.withUnsafeBytes { raw in
                    if case .duplicate = tracker.apply(try index.index(CodecBenchmarks.frame(raw, framer)), dollars: false) { duplicates += 1 }
                }
            }
            let t2 = Measure.now()
            let a2 = CMallocCounter_threadAllocations()
            // Every report must apply once and then be a duplicate, or the figures would measure rejections.
            guard applied == reports.count, duplicates == reports.count, tracker.fills.count == orders,
                  tracker.openOrders.isEmpty else {
                throw BenchError.corpusDidNotFrame("tracker: \(applied) applied, \(duplicates) duplicates of \(reports.count)")
            }
            guard batch >= 0 else { continue }  // warm-up
            fresh.append(Double(t1 - t0) / Double(reports.count))
            duplicate.append(Double(t2 - t1) / Double(reports.count))
            freshAllocations += a1 - a0
            duplicateAllocations += a2 - a1
        }
        fresh.sort()
        duplicate.sort()
        let total = Double(batches * reports.count)
        func note(_ ns: Double) -> String { "\(Report.fmt(1e9 / ns / 1e6)) M ER/s" }
        return [
            BenchResult(name: names[0], bytes: bytes, nsMedian: fresh[fresh.count / 2], nsMin: fresh[0],
                        allocsPerMessage: Double(freshAllocations) / total, note: note(fresh[fresh.count / 2])),
            BenchResult(name: names[1], bytes: bytes, nsMedian: duplicate[duplicate.count / 2], nsMin: duplicate[0],
                        allocsPerMessage: Double(duplicateAllocations) / total, note: note(duplicate[duplicate.count / 2])),
        ].filter { r in Measure.filter.map { r.name.contains($0) } ?? true }
    }

    static func clOrdID(_ i: Int) -> String { "mm-\(100_000 + i)" }

    /// New, Trade (10 of 100 at 55¢) and Canceled for each order, framed from the gateway.
    static func sequence(orders: Int) throws -> [[UInt8]] {
        var index = FixFieldIndex(capacity: 256)
        let template = try BenchCorpus.executionReport.withUnsafeBytes { raw in
            try ExecutionReportView(unchecked: try index.index(raw)).copy()
        }
        var reports: [[UInt8]] = []
        reports.reserveCapacity(orders * 3)
        for i in 0..<orders {
            var er = template
            er.orderID = "9f8e7d6c-1234-4abc-9def-\(String(100_000_000_000 + i))"
            er.clOrdID = clOrdID(i)
            er.orderQty = 100
            er.price = 55
            // New: nothing filled, no trade fields.
            var new = er
            new.execID = "1795617000123;\(3 * i)"
            new.execType = .new
            new.ordStatus = .new
            (new.leavesQty, new.cumQty, new.avgPx) = (100, 0, 0)
            (new.lastPx, new.lastQty, new.trdMatchID, new.aggressorIndicator, new.miscFees) = (nil, nil, nil, nil, [])
            // Trade: the corpus ER's fill (10 at 55, with its fee).
            var trade = er
            trade.execID = "1795617000123;\(3 * i + 1)"
            trade.execType = .trade
            trade.ordStatus = .partiallyFilled
            // Canceled: the rest.
            var canceled = new
            canceled.execID = "1795617000123;\(3 * i + 2)"
            canceled.execType = .canceled
            canceled.ordStatus = .canceled
            (canceled.leavesQty, canceled.cumQty, canceled.avgPx) = (0, 10, 55)
            for message in [new, trade, canceled] { reports.append(try BookBenchmarks.encode(message, sender: "KalshiNR")) }
        }
        return reports
    }
}

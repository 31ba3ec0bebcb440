import BenchCorpus
import FixCodec

/// `Bench codec`: frame + checksum + index + typed reads ("decode"), and in-place encoding,
/// on the fixed corpus.
enum CodecBenchmarks {
    static func run() throws -> [BenchResult] {
        var results: [BenchResult] = []
        var index = FixFieldIndex(capacity: 256)
        let framer = FixFramer()

        typealias Decode = (UnsafeRawBufferPointer, FixFramer, inout FixFieldIndex) throws -> Int
        func decodeBench(_ name: String, _ corpus: [UInt8], targetNs: Double?, _ decode: Decode) throws {
            try corpus.withUnsafeBytes { raw in
                results.append(contentsOf: [try Measure.run(name: name, bytes: raw.count, targetNs: targetNs) { n in
                    let buffer = opaque(raw)
                    var acc = 0
                    for _ in 0..<n { acc &+= try decode(buffer, framer, &index) }
                    return acc
                }].compactMap { $0 })
            }
        }
        // Breakdown of the ER decode: framing (BodyLength + CheckSum) alone, then framing + index.
        try decodeBench("parts.frame.execution_report", BenchCorpus.executionReport, targetNs: nil) { buffer, framer, _ in
            try frame(buffer, framer).count
        }
        try decodeBench("parts.index.execution_report", BenchCorpus.executionReport, targetNs: nil) { buffer, framer, index in
            try index.index(frame(buffer, framer)).fields.count
        }
        // SOH search over every field of the ER, word-at-a-time vs byte-at-a-time (same run).
        try decodeBench("parts.soh_swar.execution_report", BenchCorpus.executionReport, targetNs: nil) { buffer, _, _ in
            var pos = 0, fields = 0
            while let soh = FixScan.firstSOH(buffer.baseAddress!, from: pos, end: buffer.count) { pos = soh + 1; fields += 1 }
            return fields
        }
        try decodeBench("parts.soh_scalar.execution_report", BenchCorpus.executionReport, targetNs: nil) { buffer, _, _ in
            var pos = 0, fields = 0
            while let soh = FixScan.firstSOHScalar(buffer.baseAddress!, from: pos, end: buffer.count) { pos = soh + 1; fields += 1 }
            return fields
        }
        try decodeBench("decode.execution_report", BenchCorpus.executionReport, targetNs: 140, decodeExecutionReport)
        try decodeBench("decode.new_order_single", BenchCorpus.newOrderSingle, targetNs: nil, decodeNewOrderSingle)
        try decodeBench("decode.md_incremental_10", BenchCorpus.marketDataIncremental10, targetNs: 300, decodeIncremental)

        // Encoding as a session does: owned messages equal to the corpus, the session's
        // precomputed 49/56 prefix, MsgSeqNum and SendingTime, into one reused buffer.
        let (nos, er) = try BenchCorpus.newOrderSingle.withUnsafeBytes { nosRaw in
            try BenchCorpus.executionReport.withUnsafeBytes { erRaw in
                let nos = try NewOrderSingleView(unchecked: try index.index(nosRaw)).copy()
                let er = try ExecutionReportView(unchecked: try index.index(erRaw)).copy()
                return (nos, er)
            }
        }
        let sendingTime = FixTimestamp(secondsSinceEpoch: 1_795_617_000, nanoseconds: 123_000_000)
        let client = FixSessionHeader(senderCompID: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", targetCompID: "KalshiNR")
        let gateway = FixSessionHeader(senderCompID: "KalshiNR", targetCompID: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")
        var out = [UInt8](repeating: 0, count: 4096)
        try out.withUnsafeMutableBytes { buffer in
            var writer = FixWriter(buffer: buffer)
            let nosBytes = try client.encodeFrame(nos, into: &writer, msgSeqNum: 1235, sendingTime: sendingTime)
            guard Array(nosBytes) == BenchCorpus.newOrderSingle else { throw BenchError.corpusDidNotFrame("encode NOS differs") }
            results.append(contentsOf: [try Measure.run(name: "encode.new_order_single", bytes: nosBytes.count, targetNs: 80) { n in
                let message = opaque(nos)
                var acc = 0
                for _ in 0..<n { acc &+= try client.encodeFrame(message, into: &writer, msgSeqNum: 1235, sendingTime: sendingTime).count }
                return acc
            }].compactMap { $0 })
            let erBytes = try gateway.encodeFrame(er, into: &writer, msgSeqNum: 123456, sendingTime: sendingTime)
            guard Array(erBytes) == BenchCorpus.executionReport else { throw BenchError.corpusDidNotFrame("encode ER differs") }
            results.append(contentsOf: [try Measure.run(name: "encode.execution_report", bytes: erBytes.count) { n in
                let message = opaque(er)
                var acc = 0
                for _ in 0..<n { acc &+= try gateway.encodeFrame(message, into: &writer, msgSeqNum: 123456, sendingTime: sendingTime).count }
                return acc
            }].compactMap { $0 })
        }
        return results
    }

    @inline(__always)
    static func frame(_ buffer: UnsafeRawBufferPointer, _ framer: FixFramer) throws -> UnsafeRawBufferPointer {
        guard case .message(let range) = framer.nextFrame(in: buffer) else { throw BenchError.corpusDidNotFrame("") }
        return UnsafeRawBufferPointer(rebasing: buffer[range])
    }

    /// Typed reads of 35, 11, 17, 150, 39, 54, 55, 151, 14, 31, 32, 38, 44.
    @inline(never)
    static func decodeExecutionReport(_ buffer: UnsafeRawBufferPointer, _ framer: FixFramer, _ index: inout FixFieldIndex) throws -> Int {
        let message = try index.index(frame(buffer, framer))
        guard let er = ExecutionReportView(message) else { throw BenchError.corpusDidNotFrame("not an ER") }
        var acc = try er.clOrdID.count &+ er.execID.count &+ er.symbol.count
        acc &+= try er.execType == .trade ? 1 : 0
        acc &+= try er.ordStatus == .partiallyFilled ? 1 : 0
        acc &+= try er.side == .buyYes ? 1 : 0
        acc &+= try Int(er.leavesQty.mantissa &+ er.cumQty.mantissa &+ er.orderQty.mantissa)
        acc &+= try Int((er.lastPx?.mantissa ?? 0) &+ (er.lastQty?.mantissa ?? 0) &+ (er.price?.mantissa ?? 0))
        return acc
    }

    /// Typed reads of every field.
    @inline(never)
    static func decodeNewOrderSingle(_ buffer: UnsafeRawBufferPointer, _ framer: FixFramer, _ index: inout FixFieldIndex) throws -> Int {
        let message = try index.index(frame(buffer, framer))
        guard let nos = NewOrderSingleView(message) else { throw BenchError.corpusDidNotFrame("not a NOS") }
        let h = nos.header
        var acc = try h.senderCompID.count &+ h.targetCompID.count &+ h.msgSeqNum
        acc &+= try Int(truncatingIfNeeded: h.sendingTime.nanosecondsSinceEpoch)
        acc &+= try nos.clOrdID.count &+ (nos.execInst?.count ?? 0) &+ nos.symbol.count
        acc &+= try Int(nos.orderQty.mantissa &+ nos.price.mantissa)
        acc &+= try nos.ordType == .limit ? 1 : 0
        acc &+= try nos.side == .buyYes ? 1 : 0
        acc &+= try nos.timeInForce == .gtc ? 1 : 0
        acc &+= try nos.selfTradePreventionType == .maker ? 1 : 0
        acc &+= nos.orderGroupID?.count ?? 0
        return acc
    }

    /// Every entry's 279/55/269/270/271.
    @inline(never)
    static func decodeIncremental(_ buffer: UnsafeRawBufferPointer, _ framer: FixFramer, _ index: inout FixFieldIndex) throws -> Int {
        let message = try index.index(frame(buffer, framer))
        guard let x = MarketDataIncrementalRefreshView(message) else { throw BenchError.corpusDidNotFrame("not an X") }
        var acc = 0
        for entry in try x.mdEntries {
            acc &+= try entry.mdUpdateAction == .change ? 1 : 2
            acc &+= try entry.symbol.count
            acc &+= try entry.mdEntryType == .bid ? 1 : 2
            acc &+= try Int(entry.mdEntryPx.mantissa &+ entry.mdEntrySize.mantissa)
        }
        return acc
    }
}

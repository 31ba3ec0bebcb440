import BenchCorpus
import FixCodec
import Testing

/// Session-style encoding and the pieces it is built from.
@Suite("Encoding")
struct EncodingTests {
    @Test("FixTagPrefix packs `<tag>=` little-endian", arguments: [(8, "8="), (44, "44="), (150, "150="), (20130, "20130="), (1234567, "1234567=")])
    func tagPrefix(tag: Int, text: String) {
        let p = FixTagPrefix(tag)
        #expect(Int(p.count) == text.utf8.count)
        let bytes = (0..<Int(p.count)).map { UInt8(truncatingIfNeeded: p.packed >> (8 * UInt64($0))) }
        #expect(bytes == Array(text.utf8))
    }

    @Test("a session header reproduces the corpus messages byte for byte, ER and NOS")
    func sessionHeader() throws {
        var index = FixFieldIndex(capacity: 64)
        let nos = try BenchCorpus.newOrderSingle.withUnsafeBytes { try NewOrderSingleView(unchecked: index.index($0)).copy() }
        let er = try BenchCorpus.executionReport.withUnsafeBytes { try ExecutionReportView(unchecked: index.index($0)).copy() }
        let time = try #require(FixTimestamp("20261125-14:30:00.123"))
        var buffer = [UInt8](repeating: 0, count: 1024)
        try buffer.withUnsafeMutableBytes { raw in
            var w = FixWriter(buffer: raw)
            let client = FixSessionHeader(senderCompID: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", targetCompID: "KalshiNR")
            let encodedOrder = Array(try client.encodeFrame(nos, into: &w, msgSeqNum: 1235, sendingTime: time))
            #expect(encodedOrder == BenchCorpus.newOrderSingle)
            let gateway = FixSessionHeader(senderCompID: "KalshiNR", targetCompID: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")
            let encodedReport = Array(try gateway.encodeFrame(er, into: &w, msgSeqNum: 123456, sendingTime: time))
            #expect(encodedReport == BenchCorpus.executionReport)
        }
    }

    @Test("SendingTime formatting stays right across seconds and the cached prefix")
    func sendingTimeCache() throws {
        var buffer = [UInt8](repeating: 0, count: 256)
        let times = ["20261125-14:30:00.123", "20261125-14:30:00.999", "20261125-14:30:01.000", "20261231-23:59:59.999", "20270101-00:00:00.001"]
        try buffer.withUnsafeMutableBytes { raw in
            var w = FixWriter(buffer: raw)
            for t in times {
                w.begin(msgType: "0")
                w.write(52, try #require(FixTimestamp(t)))
                let frame = try w.finish()
                #expect(String(decoding: frame, as: UTF8.self).contains("52=\(t)\u{1}"), "\(t) written as \(String(decoding: frame, as: UTF8.self))")
            }
        }
    }

    @Test("a hostile NumInGroup count neither traps nor loops: lenient iterates what is there, strict reports it")
    func hugeGroupCount() throws {
        let body = "35=8|49=KalshiNR|56=k|34=3|52=20261125-14:30:00.123|37=o|11=c|17=e|150=F|39=1|54=1|55=M|151=1|14=1|6=1|38=2|136=999999999|137=0.07|138=USD|139=4|891=0|"
        let bytes = StrictValidationTests.frame(body)
        var lenient = KalshiFixDecoder(mode: .lenient)
        try bytes.withUnsafeBytes { raw in
            guard case .message(let m, _) = lenient.decode(raw) else { Issue.record("lenient rejected"); return }
            let er = try #require(ExecutionReportView(m))
            #expect(try er.miscFees.count == 999_999_999, "declared count is reported as declared")
            #expect(Array(try er.miscFees).count == 1, "iteration stops at the entries present")
            #expect(throws: FixDecodeError.self) { try er.miscFees.validatedCount() }
        }
        var strict = KalshiFixDecoder(mode: .strict)
        let result = bytes.withUnsafeBytes { FixDecodeResult.Summary(strict.decode($0)) }
        guard case .invalid(.groupCountMismatch(136, _, 999_999_999, 1)) = result else {
            Issue.record("strict: \(result)")
            return
        }
    }
}

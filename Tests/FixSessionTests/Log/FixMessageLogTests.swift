import Dispatch
import FixCodec
import Foundation
import Synchronization
import TestSupport
import Testing
@testable import FixSession

/// The message log: line format, redaction (also of malformed frames), drops when the ring is
/// full, ordering across ring wrap-around, and the file sink.
@Suite("FixMessageLog")
struct FixMessageLogTests {
    /// 2026-12-04T02:55:01.123456789Z
    static let time = FixTimestamp(nanosecondsSinceEpoch: 1_796_352_901_123_456_789)

    static func text(_ bytes: [UInt8]) -> String { RecordingOutput.text(bytes) }

    static func order(_ id: String) -> [UInt8] {
        let clock = ManualClock()
        let peer = TestPeer(sender: "KEY", target: "KalshiRT", clock: clock)
        return peer.frame(NewOrderSingle(clOrdID: id, orderQty: FixDecimal(mantissa: 1, scale: 0), ordType: .limit,
                                         price: FixDecimal(mantissa: 50, scale: 0), side: .buyYes, symbol: "KXTEST-26"))
    }

    /// Runs `body` with a log over a memory sink, closes the log and returns the lines.
    static func lines(style: FixMessageLog.Style = .plain, capacity: Int = 1 << 16,
                      _ body: (FixMessageLog, FixMessageLog.Source) -> Void) -> [String] {
        let sink = FixMessageLogMemorySink()
        let log = FixMessageLog(sink: sink, capacity: capacity, style: style)
        body(log, log.source(named: "KalshiRT"))
        log.close()
        #expect(sink.isClosed, "close() must close the sink")
        return sink.lines
    }

    static func format(_ bytes: [UInt8], verbose: Bool = false) -> String {
        var out: [UInt8] = []
        bytes.withUnsafeBytes { FixMessageLogFormatter(verbose: verbose).appendFrame($0, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    static func bytes(_ s: String) -> [UInt8] { Array(s.replacingOccurrences(of: "|", with: "\u{1}").utf8) }

    @Test("a line is `<UTC ns time> <source> <direction> <frame with | for SOH>`")
    func lineFormat() {
        let frame = Self.order("order-1")
        let lines = Self.lines { log, source in
            frame.withUnsafeBytes { _ = log.record($0, .outbound, source: source, at: Self.time) }
            frame.withUnsafeBytes { _ = log.record($0, .inbound, source: source, at: Self.time) }
        }
        #expect(lines == ["2026-12-04T02:55:01.123456789Z KalshiRT OUT \(Self.text(frame))",
                          "2026-12-04T02:55:01.123456789Z KalshiRT IN \(Self.text(frame))"])
        #expect(lines.first?.hasSuffix("|") == true, "the trailing SOH after 10= must show as |: \(lines)")
    }

    @Test("verbose lines name the tags from the dictionary; unknown tags stay numeric")
    func verbose() {
        let text = Self.format(Self.bytes("8=FIXT.1.1|35=D|11=abc|99999=x|"), verbose: true)
        #expect(text == "8(BeginString)=FIXT.1.1|35(MsgType)=D|11(ClOrdID)=abc|99999=x|")
    }

    @Test("bytes outside printable ASCII are escaped, so a record is always one line")
    func escaping() {
        #expect(Self.format([0x35, 0x38, 0x3D, 0x61, 0x0A, 0xFF, 0x01]) == "58=a\\x0a\\xff|")
    }

    @Test("directions print as IN, OUT, IN-INVALID, IN-GARBLED")
    func directions() {
        let lines = Self.lines { log, source in
            for direction in FixMessageLog.Direction.allCases {
                Self.bytes("58=x|").withUnsafeBytes { _ = log.record($0, direction, source: source, at: Self.time) }
            }
        }
        #expect(lines.map { $0.split(separator: " ")[2] } == ["IN", "OUT", "IN-INVALID", "IN-GARBLED"])
    }

    @Test("a real signed Logon: RawDataLength kept, RawData redacted, no piece of the signature in the line")
    func signedLogonRedacted() throws {
        let (frame, signature) = try LogTestSupport.signedLogon()
        let lines = Self.lines { log, source in
            frame.withUnsafeBytes { _ = log.record($0, .outbound, source: source, at: Self.time) }
        }
        let line = try #require(lines.first)
        #expect(line.contains("|95=344|96=<redacted 344 bytes>|10="), "\(line)")
        let sig = Array(signature.utf8)
        for start in stride(from: 0, to: sig.count - 12, by: 4) {
            let piece = String(decoding: sig[start..<start + 12], as: UTF8.self)
            #expect(!line.contains(piece), "signature bytes \(start)..<\(start + 12) leaked: \(line)")
        }
        let verbose = Self.lines(style: .verbose) { log, source in
            frame.withUnsafeBytes { _ = log.record($0, .outbound, source: source, at: Self.time) }
        }
        #expect(verbose.first?.contains("95(RawDataLength)=344|96(RawData)=<redacted 344 bytes>|") == true, "\(verbose)")
    }

    @Test("malformed frames are still redacted, erring on the side of hiding more",
          arguments: [
            // no length field: up to the next SOH
            ("8=FIXT.1.1|96=SECRETSECRET|10=000|", "8=FIXT.1.1|96=<redacted 12 bytes>|10=000|"),
            // declared length shorter than the value: extended to the next SOH
            ("95=3|96=SECRETVALUE|58=x|", "95=3|96=<redacted 11 bytes>|58=x|"),
            // data containing SOH, correct length: the whole value
            ("95=7|96=AB|CDEF|58=x|", "95=7|96=<redacted 7 bytes>|58=x|"),
            // declared length past the end of a truncated frame
            ("95=999|96=SECRET", "95=999|96=<redacted 6 bytes>"),
            // non-numeric length: up to the next SOH
            ("95=x|96=SECRET|", "95=x|96=<redacted 6 bytes>|"),
            // a garbled chunk, leading zeros in the tag, value at the very start
            ("garbage|0096=SECRET|", "garbage|0096=<redacted 6 bytes>|"),
            ("96=SECRET", "96=<redacted 6 bytes>"),
            ("96=", "96=<redacted 0 bytes>"),
            // Signature (89), the other DATA field, by its length 93
            ("93=4|89=S|GN|10=1|", "93=4|89=<redacted 4 bytes>|10=1|"),
          ])
    func malformedRedacted(input: String, expected: String) {
        #expect(Self.format(Self.bytes(input)) == expected)
    }

    @Test("a garbled inbound chunk with a signature in it is redacted through the whole log")
    func garbledThroughLog() {
        let lines = Self.lines { log, source in
            Self.bytes("9=12|35=A|95=6|96=SECRET|").withUnsafeBytes {
                _ = log.record($0, .inboundGarbled, source: source, at: Self.time)
            }
        }
        #expect(lines == ["2026-12-04T02:55:01.123456789Z KalshiRT IN-GARBLED 9=12|35=A|95=6|96=<redacted 6 bytes>|"])
    }

    @Test("a full ring drops (never blocks), counts, and the next line says how many were dropped")
    func dropsWhenFull() throws {
        let sink = BlockingSink()
        let log = FixMessageLog(sink: sink, capacity: 4096)
        let source = log.source(named: "KalshiRT")
        let frame = [UInt8](repeating: UInt8(ascii: "x"), count: 200)
        func record(_ n: Int) -> Bool {
            var bytes = Array("58=\(n)|".replacingOccurrences(of: "|", with: "\u{1}").utf8)
            bytes += frame
            return bytes.withUnsafeBytes { log.record($0, .outbound, source: source, at: Self.time) }
        }
        #expect(record(0))
        #expect(sink.entered.wait(timeout: .now() + 5) == .success, "the writer never reached the sink")
        // The writer is stuck in the sink: the 4 KiB ring fills and then refuses.
        var accepted = [0]
        var refused = 0
        var n = 1
        while refused < 5 {
            if record(n) { accepted.append(n) } else { refused += 1 }
            n += 1
        }
        #expect(log.droppedRecords == 5)
        #expect(accepted.count > 10 && accepted.count < 20, "a 4 KiB ring holds ~17 records of 230 bytes: \(accepted.count)")
        sink.release()
        // Once the writer has drained the ring there is room again.
        #expect(sink.waitForLines(accepted.count), "the accepted records were not written: \(sink.lines.count)")
        #expect(record(n), "after the drain the ring must accept again")
        accepted.append(n)
        log.close()

        let lines = sink.lines
        let recorded = lines.filter { $0.contains(" OUT ") }.map { $0.split(separator: " ")[3].dropFirst(3).prefix { $0 != "|" } }
        #expect(recorded.map { Int($0)! } == accepted, "every accepted record, in order, and no other")
        let dropLine = lines.firstIndex { $0.contains(" DROPPED ") }
        #expect(dropLine == lines.count - 2, "the drop report must come right before the first record after the drops: \(lines.suffix(3))")
        #expect(lines[lines.count - 2] == "2026-12-04T02:55:01.123456789Z KalshiRT DROPPED 5 records (log ring full)")
    }

    @Test("order is preserved while the ring wraps at every offset; drops are reported exactly")
    func orderingAcrossWraps() {
        let total = 20_000
        var accepted: [Int] = []
        let sink = FixMessageLogMemorySink()
        let log = FixMessageLog(sink: sink, capacity: 4096, pollInterval: .microseconds(50))
        let source = log.source(named: "S")
        var rng = SplitMix64(seed: 42)
        for n in 0..<total {
            // 1...300 bytes, so headers and frames split across the end of the ring everywhere.
            let pad = Int(rng.next() % 300)
            let frame = Array("58=\(n)|".replacingOccurrences(of: "|", with: "\u{1}").utf8) + [UInt8](repeating: UInt8(ascii: "a") + UInt8(n % 26), count: pad)
            if frame.withUnsafeBytes({ log.record($0, .inbound, source: source, at: FixTimestamp(nanosecondsSinceEpoch: Int64(n))) }) {
                accepted.append(n)
            }
        }
        let dropped = log.droppedRecords
        // ~180 bytes a record: 50 accepted wrap the 4 KiB ring twice.
        #expect(accepted.count > 50, "too few records accepted to wrap the ring: \(accepted.count) of \(total)")
        log.close()
        let lines = sink.lines
        var seen: [Int] = []
        var reportedDrops = 0
        for line in lines {
            let parts = line.split(separator: " ")
            if parts[2] == "DROPPED" { reportedDrops += Int(parts[3])!; continue }
            let body = parts[3]
            let n = Int(body.dropFirst(3).prefix { $0 != "|" })!
            seen.append(n)
            let letter = Character(UnicodeScalar(UInt8(ascii: "a") + UInt8(n % 26)))
            #expect(body.drop { $0 != "|" }.dropFirst().allSatisfy { $0 == letter }, "record \(n) corrupted: \(line)")
        }
        #expect(seen == accepted, "lines must be the accepted records in order (\(seen.count) vs \(accepted.count))")
        #expect(reportedDrops == dropped && dropped == total - accepted.count, "reported \(reportedDrops), counted \(dropped)")
    }

    @Test("the file sink has every accepted line on close, and so does a log that is only released")
    func fileSink() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kalshi-fix-log-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let frame = Self.order("file-1")
        do {
            let log = try FixMessageLog(path: path)
            let source = log.source(named: "KalshiRT")
            for _ in 0..<3 { frame.withUnsafeBytes { _ = log.record($0, .outbound, source: source, at: Self.time) } }
            log.close()
        }
        var text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.split(separator: "\n").count == 3, "close() must leave all 3 lines in the file: \(text)")
        do {
            // No close(): deinit must still write what was accepted (appending to the same file).
            let log = try FixMessageLog(path: path)
            let source = log.source(named: "KalshiRT")
            for _ in 0..<2 { frame.withUnsafeBytes { _ = log.record($0, .inbound, source: source, at: Self.time) } }
        }
        text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.split(separator: "\n").filter { $0.contains(" IN ") }.count == 2, "deinit lost records: \(text)")
        #expect(throws: FixMessageLogError.self) { try FixMessageLog(path: "/nonexistent-dir/x.log") }
    }
}

/// Helpers shared by the log tests.
enum LogTestSupport {
    /// A Logon as Kalshi gets it (98, 108, 1137, 95, 96) signed by a real key, and its signature.
    static func signedLogon() throws -> (frame: [UInt8], signature: String) {
        let header = FixSessionHeader(senderCompID: "KEY", targetCompID: "KalshiRT")
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 8)
        defer { buffer.deallocate() }
        let time = FixTimestamp(secondsSinceEpoch: 1_796_352_901)
        var writer = FixWriter(buffer: buffer)
        writer.begin(msgType: "A")
        header.encode(into: &writer, msgSeqNum: 1, sendingTime: time)
        let signature = try signedBody(&writer, LogonContext(msgSeqNum: 1, sendingTime: time, resetSeqNum: false, heartbeatInterval: 30))
        return (Array(try writer.finish()), signature)
    }

    /// Writes a Logon body with 95/96 signed by the shared test key; returns the signature.
    @discardableResult
    static func signedBody(_ writer: inout FixWriter, _ context: LogonContext) throws -> String {
        let signature = try SessionConfigFixture.signer.signature(
            sendingTime: context.sendingTime.description, msgSeqNum: context.msgSeqNum,
            senderCompID: "KEY", targetCompID: "KalshiRT")
        writer.write(98, 0)
        writer.write(108, context.heartbeatInterval)
        writer.write(1137, "9")
        writer.write(95, signature.utf8.count)
        writer.write(96, signature)
        return signature
    }
}

/// A sink whose first write blocks until ``release()``: the writer thread stalls, the ring fills.
final class BlockingSink: FixMessageLogSink {
    let entered = DispatchSemaphore(value: 0)
    private let gate = DispatchSemaphore(value: 0)
    private let memory = FixMessageLogMemorySink()
    private let first = Atomic<Bool>(true)
    private let wrote = DispatchSemaphore(value: 0)

    var lines: [String] { memory.lines }

    func release() { gate.signal() }

    func write(_ lines: UnsafeRawBufferPointer) {
        if first.exchange(false, ordering: .relaxed) {
            entered.signal()
            gate.wait()
        }
        memory.write(lines)
        wrote.signal()
    }

    /// Waits until at least `count` lines were written (5 s at most).
    func waitForLines(_ count: Int) -> Bool {
        let deadline = DispatchTime.now() + 5
        while memory.lines.count < count {
            if wrote.wait(timeout: deadline) == .timedOut { return memory.lines.count >= count }
        }
        return true
    }

    func flush() {}
    func close() { memory.close() }
}


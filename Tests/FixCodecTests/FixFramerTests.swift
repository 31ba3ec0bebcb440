import BenchCorpus
import FixCodec
import TestSupport
import Testing

/// Framing on the corpus and on every way a stream can go wrong.
@Suite("FixFramer")
struct FixFramerTests {
    let framer = FixFramer(maxMessageSize: 4096)

    func frame(_ bytes: [UInt8]) -> FixFrameResult {
        bytes.withUnsafeBytes { framer.nextFrame(in: $0) }
    }

    @Test("each corpus message frames whole", arguments: BenchCorpus.files.map(\.name))
    func corpusFrames(name: String) throws {
        let bytes = try #require(BenchCorpus.files.first { $0.name == name }).bytes
        #expect(frame(bytes) == .message(range: 0..<bytes.count))
    }

    @Test("every strict prefix of a message asks for more bytes, never reports garbage")
    func truncatedAtEveryPosition() {
        let bytes = BenchCorpus.executionReport
        for cut in 0..<bytes.count {
            let result = frame(Array(bytes[..<cut]))
            #expect(result == .needMoreBytes, "prefix of \(cut) bytes gave \(result)")
        }
    }

    /// Feeds three messages one byte at a time, consuming frames as they complete.
    @Test("byte-by-byte delivery yields the messages in order")
    func dripFeed() {
        let stream = BenchCorpus.executionReport + BenchCorpus.newOrderSingle + BenchCorpus.marketDataIncremental10
        var buffer: [UInt8] = []
        var found: [[UInt8]] = []
        for byte in stream {
            buffer.append(byte)
            while case .message(let range) = frame(buffer) {
                found.append(Array(buffer[range]))
                buffer.removeFirst(range.count)
            }
        }
        #expect(found == [BenchCorpus.executionReport, BenchCorpus.newOrderSingle, BenchCorpus.marketDataIncremental10])
        #expect(buffer.isEmpty)
    }

    @Test("a wrong CheckSum skips exactly that frame, reporting both sums")
    func wrongChecksum() {
        var bytes = BenchCorpus.newOrderSingle
        bytes[bytes.count - 2] = UInt8(ascii: "1")  // 10=210 → 10=211
        let result = frame(bytes + BenchCorpus.executionReport)
        #expect(result == .garbled(skip: bytes.count, error: .checksumMismatch(offset: bytes.count - 7, declared: 211, computed: 210)))
    }

    @Test("a corrupted body byte is caught by the CheckSum")
    func corruptedBody() {
        var bytes = BenchCorpus.executionReport
        bytes[100] ^= 0x20
        guard case .garbled(let skip, .checksumMismatch) = frame(bytes) else {
            Issue.record("corruption not detected: \(frame(bytes))")
            return
        }
        #expect(skip == bytes.count)
    }

    @Test("a BodyLength that disagrees with 10= is garbled and resynchronises on the next message",
          arguments: ["9=333", "9=335", "9=3x4"])
    func wrongBodyLength(replacement: String) {
        let text = String(decoding: BenchCorpus.executionReport, as: UTF8.self).replacingOccurrences(of: "9=334", with: replacement)
        let bytes = Array(text.utf8) + BenchCorpus.newOrderSingle
        guard case .garbled(let skip, let error) = frame(bytes) else {
            Issue.record("\(replacement) not detected")
            return
        }
        #expect(error == .badBodyLength(offset: 11))
        #expect(skip == bytes.count - BenchCorpus.newOrderSingle.count, "did not resync to the next 8=FIXT.1.1")
        #expect(frame(Array(bytes[skip...])) == .message(range: 0..<BenchCorpus.newOrderSingle.count))
    }

    @Test("leading garbage is skipped up to the next BeginString")
    func leadingGarbage() {
        let bytes = Array("junk\u{1}8=FIX.4.4\u{1}".utf8) + BenchCorpus.newOrderSingle
        #expect(frame(bytes) == .garbled(skip: 15, error: .badBeginString(offset: 0)), "\"junk|8=FIX.4.4|\" is 15 bytes")
    }

    @Test("garbage ending in a partial BeginString keeps the partial part")
    func partialBeginStringAfterGarbage() {
        let bytes = Array("xx8=FIXT".utf8)
        #expect(frame(bytes) == .garbled(skip: 2, error: .badBeginString(offset: 0)))
    }

    @Test("a hostile BodyLength is refused before buffering", arguments: ["9=9999999", "9=12345678", "9=4097"])
    func hostileLength(length: String) {
        let bytes = Array("8=FIXT.1.1\u{1}\(length)\u{1}35=0\u{1}".utf8)
        guard case .garbled(_, .messageTooLarge(_, let limit)) = frame(bytes) else {
            Issue.record("\(length) was not refused: \(frame(bytes))")
            return
        }
        #expect(limit == 4096)
    }

    @Test("random bytes never trap; garbled always makes progress")
    func randomBytes() {
        var rng = SplitMix64(state: 0xF1C5)
        let alphabet = Array("8=FIXT.1.19=0123456789|\u{1}A".utf8)
        for _ in 0..<20_000 {
            let length = Int(rng.next() % 80)
            var bytes = (0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            if rng.next() % 2 == 0 { bytes = Array("8=FIXT.1.1\u{1}9=".utf8) + bytes }
            switch frame(bytes) {
            case .message(let range): #expect(range.upperBound <= bytes.count)
            case .needMoreBytes: break
            case .garbled(let skip, _): #expect(skip > 0 && skip <= bytes.count, "skip \(skip) of \(bytes.count)")
            }
        }
    }
}

/// Indexing: field syntax errors carry offsets; data fields are read by length.
@Suite("FixFieldIndex")
struct FixFieldIndexTests {
    func index(_ text: String, capacity: Int = 64) throws(FixDecodeError) -> [FixField] {
        let bytes = TestMessages.bytes(text)
        var idx = FixFieldIndex(capacity: capacity)
        let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
        defer { raw.deallocate() }
        raw.copyBytes(from: bytes)
        return Array(try idx.index(UnsafeRawBufferPointer(raw)).fields)
    }

    @Test("malformed fields are typed errors at the right offset", arguments: [
        ("35=D|x1=2|", FixDecodeError.malformedField(offset: 5)),
        ("35=D|=2|", .malformedField(offset: 5)),
        ("35=D|0=2|", .malformedField(offset: 5)),
        ("35=D|1234567890=2|", .malformedField(offset: 5)),
        ("35=D|44", .truncated(offset: 5)),
        ("35=D|44=12", .truncated(offset: 5)),
        ("95=5|96=ab|", .dataLengthOutOfRange(tag: 96, offset: 5)),
        ("95=x|96=ab|", .dataLengthOutOfRange(tag: 95, offset: 0)),
    ])
    func malformed(text: String, expected: FixDecodeError) {
        #expect(throws: expected) { try index(text) }
    }

    @Test("a data field may hold SOH and '='")
    func dataWithSOH() throws {
        let fields = try index("35=A|95=5|96=a|b=c|108=30|")
        #expect(fields.map(\.tag) == [35, 95, 96, 108])
        #expect(fields[2].valueLength == 5)
    }

    @Test("an empty value indexes; reading it typed is an error naming tag and offset")
    func emptyValue() throws {
        let bytes = TestMessages.bytes("35=8|44=|")
        var idx = FixFieldIndex(capacity: 8)
        try bytes.withUnsafeBytes { raw in
            let message = try idx.index(raw)
            #expect(throws: FixDecodeError.valueMalformed(tag: 44, offset: 5, reason: .empty)) { try message.body.decimal(44) }
        }
    }

    @Test("more fields than the capacity is an error, not an overflow")
    func capacity() {
        #expect(throws: FixDecodeError.tooManyFields(capacity: 2)) { try index("35=0|34=1|52=x|", capacity: 2) }
    }
}

/// Encoding failures are typed; nothing is written past the buffer.
@Suite("FixWriter")
struct FixWriterTests {
    @Test("a buffer too small for the message is reported")
    func bufferTooSmall() {
        var buffer = [UInt8](repeating: 0xEE, count: 48)
        buffer.withUnsafeMutableBytes { raw in
            var writer = FixWriter(buffer: UnsafeMutableRawBufferPointer(rebasing: raw[0..<40]))
            writer.begin(msgType: "D")
            writer.write(11, "a-client-order-id-that-is-far-too-long")
            #expect(throws: FixEncodeError.bufferTooSmall(capacity: 40)) { try writer.finish() }
        }
        #expect(buffer[40...].allSatisfy { $0 == 0xEE }, "writer wrote past its buffer")
    }

    @Test("SOH inside a non-data value is refused")
    func sohInValue() {
        var buffer = [UInt8](repeating: 0, count: 256)
        buffer.withUnsafeMutableBytes { raw in
            var writer = FixWriter(buffer: raw)
            writer.begin(msgType: "D")
            writer.write(58, "bad\u{1}text")
            #expect(throws: FixEncodeError.valueContainsDelimiter(tag: 58)) { try writer.finish() }
        }
    }
}

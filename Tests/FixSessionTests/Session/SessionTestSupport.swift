import FixCodec
@testable import FixSession

/// A clock the test moves by hand.
final class ManualClock: SessionClock {
    var monotonicNanoseconds: Int64 = 1_000_000_000
    var utcNow = FixTimestamp(secondsSinceEpoch: 1_767_225_600)  // 2026-01-01T00:00:00Z

    func advance(seconds: Double) {
        let ns = Int64(seconds * 1e9)
        monotonicNanoseconds += ns
        utcNow = FixTimestamp(nanosecondsSinceEpoch: utcNow.nanosecondsSinceEpoch + ns)
    }
}

/// Everything a ``SessionCore`` did, decoded for assertions.
final class RecordingOutput: SessionOutput {
    var written: [[UInt8]] = []
    var disconnects = 0
    var received: [[UInt8]] = []
    var states: [SessionState] = []
    var errors: [SessionError] = []

    func sessionWrite(_ frame: UnsafeRawBufferPointer) { written.append(Array(frame)) }
    func sessionDisconnect() { disconnects += 1 }
    func session(received message: FixMessage) { received.append(Array(message.bytes)) }
    func session(stateChanged state: SessionState) { states.append(state) }
    func session(error: SessionError) { errors.append(error) }

    /// The written messages as `tag=value|…` text (SOH shown as `|`), for readable failures.
    var writtenText: [String] { written.map(Self.text) }

    /// Removes and returns what was written since the last call.
    func take() -> [String] {
        defer { written.removeAll() }
        return writtenText
    }

    static func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.map { $0 == 1 ? UInt8(ascii: "|") : $0 }, as: UTF8.self)
    }
}

/// Field `tag` of a `tag=value|…` text message.
func field(_ tag: Int, in text: String) -> String? {
    for part in text.split(separator: "|") {
        let kv = part.split(separator: "=", maxSplits: 1)
        if kv.count == 2, kv[0] == String(tag)[...] { return String(kv[1]) }
    }
    return nil
}

/// The far side of a session in tests: encodes messages with its own numbering and feeds them
/// to the core under test through a real decoder.
final class TestPeer {
    let header: FixSessionHeader
    var nextSeq = 1
    let clock: ManualClock
    private var strictDecoder = KalshiFixDecoder(mode: .strict)
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 8)

    init(sender: String, target: String, clock: ManualClock) {
        header = FixSessionHeader(senderCompID: sender, targetCompID: target)
        self.clock = clock
    }

    deinit { buffer.deallocate() }

    /// Encodes `message` with `seq` (default: the next number) and optional PossDup.
    func frame(_ message: some FixEncodableMessage, seq: Int? = nil, possDup: Bool = false) -> [UInt8] {
        let n = seq ?? nextSeq
        if seq == nil { nextSeq += 1 }
        var writer = FixWriter(buffer: buffer)
        writer.begin(msgType: type(of: message).msgType)
        header.encode(into: &writer, msgSeqNum: n, sendingTime: clock.utcNow,
                      origSendingTime: possDup ? clock.utcNow : nil)
        message.encode(into: &writer)
        return Array(try! writer.finish())
    }

    /// Sends `message` to `core` as the decoder would hand it over.
    func send(_ message: some FixEncodableMessage, to core: SessionCore, seq: Int? = nil, possDup: Bool = false) {
        deliver(frame(message, seq: seq, possDup: possDup), to: core)
    }

    /// Decodes raw bytes (strictly, so invalid content reaches `receiveInvalid`) and delivers them.
    func deliver(_ bytes: [UInt8], to core: SessionCore) {
        bytes.withUnsafeBytes { raw in
            switch strictDecoder.decode(raw) {
            case .message(let m, _): core.receive(m)
            case .invalid(let m, _, let e): core.receiveInvalid(m, error: e)
            case .garbled(let skip, let e): core.receiveGarbled(skipped: skip, error: e)
            case .needMoreBytes: fatalError("test frame incomplete")
            }
        }
    }
}

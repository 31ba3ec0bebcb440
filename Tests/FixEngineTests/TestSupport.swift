import FixCodec
import FixEngine

/// Messages written with `|` for SOH, as FIX documentation prints them.
enum Wire {
    static func bytes(_ pipeDelimited: String) -> [UInt8] {
        Array(pipeDelimited.utf8).map { $0 == UInt8(ascii: "|") ? 0x01 : $0 }
    }

    /// Indexes a message (documentation examples have no valid 9/10: field syntax only) and
    /// calls `body` with the view, valid only during the call.
    static func withMessage<R>(_ pipeDelimited: String, _ body: (FixMessage) throws -> R) throws -> R {
        let data = bytes(pipeDelimited)
        return try data.withUnsafeBytes { raw in
            var index = FixFieldIndex(capacity: 1024)
            return try body(index.index(raw))
        }
    }

    /// Applies one `|`-delimited message to `books`.
    @discardableResult
    static func apply(_ books: FixOrderBooks, _ pipeDelimited: String) throws -> BookApplyResult {
        try withMessage(pipeDelimited) { books.apply($0) }
    }

    /// Encodes `message` as a complete frame from KalshiMD and returns its bytes.
    static func frame(_ message: some FixEncodableMessage, msgSeqNum: Int) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        return try buffer.withUnsafeMutableBytes { raw in
            var writer = FixWriter(buffer: raw)
            let header = FixSessionHeader(senderCompID: "KalshiMD", targetCompID: "your-api-key")
            let sendingTime = FixTimestamp(secondsSinceEpoch: 1_795_617_000, nanoseconds: 0)
            return Array(try header.encodeFrame(message, into: &writer, msgSeqNum: msgSeqNum, sendingTime: sendingTime))
        }
    }

    /// Frames and decodes `bytes` (one complete frame) and calls `body` with the view.
    static func withFrame<R>(_ bytes: [UInt8], _ body: (FixMessage) throws -> R) throws -> R {
        try bytes.withUnsafeBytes { raw in
            var decoder = KalshiFixDecoder(mode: .lenient)
            guard case .message(let message, let consumed) = decoder.decode(raw), consumed == raw.count else {
                throw TestFailure("not exactly one valid frame: \(String(decoding: bytes, as: UTF8.self))")
            }
            return try body(message)
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}


extension FixOrderBook {
    /// `["10.00@0.3500", …]`, best first: compact expectations with readable failures.
    func depth(_ side: BookSide) -> [String] {
        levels(side).map(\.description)
    }
}

extension BookLevel {
    init(_ price: String, _ size: String) {
        self.init(price: KalshiPrice(dollars: FixDecimal(price)!)!, size: Contracts(contracts: FixDecimal(size)!)!)
    }
}

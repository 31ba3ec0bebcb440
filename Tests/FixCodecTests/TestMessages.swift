import FixCodec

/// Messages written with `|` for SOH, as FIX documentation prints them.
enum TestMessages {
    static func bytes(_ pipeDelimited: String) -> [UInt8] {
        Array(pipeDelimited.utf8).map { $0 == UInt8(ascii: "|") ? 0x01 : $0 }
    }

    /// Frames `bytes`, indexes the frame and calls `body` with the message view.
    /// Fails the calling test when the bytes are not exactly one valid frame.
    static func withMessage<R>(_ pipeDelimited: String, _ body: (FixMessage) throws -> R) throws -> R {
        let data = bytes(pipeDelimited)
        return try data.withUnsafeBytes { raw in
            guard case .message(let range) = FixFramer().nextFrame(in: raw), range.count == raw.count else {
                throw FramingFailure(result: FixFramer().nextFrame(in: raw))
            }
            var index = FixFieldIndex(capacity: 256)
            return try body(index.index(raw))
        }
    }

    /// Indexes unframed documentation examples (no valid 9/10), field syntax only.
    static func withUnframed<R>(_ pipeDelimited: String, _ body: (FixMessage) throws -> R) throws -> R {
        let data = bytes(pipeDelimited)
        return try data.withUnsafeBytes { raw in
            var index = FixFieldIndex(capacity: 256)
            return try body(index.index(raw))
        }
    }

    /// Encodes `message` after the given header and returns the frame as a `|`-delimited string.
    static func encode(_ message: some FixEncodableMessage, header: StandardHeader) throws -> String {
        var buffer = [UInt8](repeating: 0, count: 2048)
        return try buffer.withUnsafeMutableBytes { raw in
            var writer = FixWriter(buffer: raw)
            let frame = try message.encodeFrame(into: &writer, header: header)
            return String(decoding: frame.map { $0 == 0x01 ? UInt8(ascii: "|") : $0 }, as: UTF8.self)
        }
    }

    struct FramingFailure: Error, CustomStringConvertible {
        var result: FixFrameResult
        var description: String { "not one valid frame: \(result)" }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What ``FixFramer/nextFrame(in:)`` found at the start of the bytes received so far.
public enum FixFrameResult: Sendable, Hashable {
    /// A complete message with correct BodyLength and CheckSum occupies `range`
    /// (always starting at 0). Consume `range.count` bytes after handling it.
    case message(range: Range<Int>)
    /// The bytes so far are the start of a message; read more.
    case needMoreBytes
    /// The first `skip` bytes are garbage or a garbled message (`error` says why); drop them
    /// and call again. After `skip`, the buffer starts at the next `8=FIXT.1.1<SOH>` (or at
    /// the bytes that could still become one).
    case garbled(skip: Int, error: FixDecodeError)
}

/// Finds complete FIX messages in a byte stream.
///
/// Stateless: give it the bytes received so far, starting where the previous message ended;
/// it never reads past them, never traps, and does bounded work per byte (the prefix and
/// BodyLength are re-read on a partial message, the CheckSum is summed once it is complete).
/// A BodyLength above ``maxMessageSize`` is rejected before any buffering, so a hostile peer
/// cannot make us wait for gigabytes.
public struct FixFramer: Sendable {
    /// The largest frame accepted, in bytes (`8=` through the CheckSum SOH).
    public var maxMessageSize: Int

    @usableFromInline static let beginString: StaticString = "8=FIXT.1.1\u{1}9="

    /// - Parameter maxMessageSize: largest accepted frame in bytes (default 1 MiB, like
    ///   Kalshi's Python SDK guard).
    public init(maxMessageSize: Int = 1 << 20) {
        precondition(maxMessageSize > 32, "maxMessageSize must allow at least a minimal message")
        self.maxMessageSize = maxMessageSize
    }

    /// Examines `buffer` (bytes received so far, starting at a message boundary).
    /// - Complexity: O(n) in the frame size.
    public func nextFrame(in buffer: UnsafeRawBufferPointer) -> FixFrameResult {
        let n = buffer.count
        guard n > 0 else { return .needMoreBytes }
        let prefix = Self.beginString
        let prefixLength = prefix.utf8CodeUnitCount  // 13: "8=FIXT.1.1|9="
        let p = UnsafeRawBufferPointer(start: prefix.utf8Start, count: prefixLength)

        // 1. BeginString and the `9=` that must follow it.
        let compared = min(n, prefixLength)
        for i in 0..<compared where buffer[i] != p[i] {
            return .garbled(skip: skipToNextBeginString(buffer, from: 1), error: .badBeginString(offset: 0))
        }
        if n < prefixLength { return .needMoreBytes }

        // 2. BodyLength: 1...7 digits then SOH.
        var i = prefixLength
        var bodyLength = 0
        while true {
            guard i < n else { return .needMoreBytes }
            let b = buffer[i]
            if b == 0x01 { break }
            let d = b &- UInt8(ascii: "0")
            guard d < 10 else {
                return .garbled(skip: skipToNextBeginString(buffer, from: 1), error: .badBodyLength(offset: 11))
            }
            bodyLength = bodyLength * 10 + Int(d)
            i += 1
            if i - prefixLength > 7 || bodyLength > maxMessageSize {
                return .garbled(skip: skipToNextBeginString(buffer, from: 1),
                                error: .messageTooLarge(length: bodyLength, limit: maxMessageSize))
            }
        }
        guard i > prefixLength else {
            return .garbled(skip: skipToNextBeginString(buffer, from: 1), error: .badBodyLength(offset: 11))
        }
        let bodyStart = i + 1
        let checksumStart = bodyStart + bodyLength
        let frameEnd = checksumStart + 7  // "10=nnn" + SOH
        guard frameEnd <= maxMessageSize else {
            return .garbled(skip: skipToNextBeginString(buffer, from: 1),
                            error: .messageTooLarge(length: frameEnd, limit: maxMessageSize))
        }
        guard n >= frameEnd else { return .needMoreBytes }

        // 3. The body must end with SOH and be followed by `10=nnn<SOH>`.
        guard bodyLength > 0, buffer[checksumStart - 1] == 0x01,
              buffer[checksumStart] == UInt8(ascii: "1"), buffer[checksumStart + 1] == UInt8(ascii: "0"),
              buffer[checksumStart + 2] == UInt8(ascii: "="), buffer[frameEnd - 1] == 0x01
        else {
            return .garbled(skip: skipToNextBeginString(buffer, from: 1), error: .badBodyLength(offset: 11))
        }
        var declared = 0
        for k in (checksumStart + 3)..<(checksumStart + 6) {
            let d = buffer[k] &- UInt8(ascii: "0")
            guard d < 10 else {
                return .garbled(skip: frameEnd, error: .malformedField(offset: checksumStart))
            }
            declared = declared * 10 + Int(d)
        }

        // 4. CheckSum over everything before `10=`.
        let computed = FixChecksum.compute(UnsafeRawBufferPointer(rebasing: buffer[0..<checksumStart]))
        guard computed == declared else {
            return .garbled(skip: frameEnd, error: .checksumMismatch(offset: checksumStart, declared: declared, computed: computed))
        }
        return .message(range: 0..<frameEnd)
    }

    /// Offset of the next `8=FIXT.1.1<SOH>` at or after `from`, or of a trailing partial match
    /// that could still complete, or `buffer.count`.
    func skipToNextBeginString(_ buffer: UnsafeRawBufferPointer, from: Int) -> Int {
        let marker: StaticString = "8=FIXT.1.1\u{1}"
        let m = UnsafeRawBufferPointer(start: marker.utf8Start, count: marker.utf8CodeUnitCount)
        let n = buffer.count
        var i = from
        while i < n {
            if buffer[i] == UInt8(ascii: "8") {
                var k = 0
                while k < m.count && i + k < n && buffer[i + k] == m[k] { k += 1 }
                if k == m.count || i + k == n { return i }
            }
            i += 1
        }
        return n
    }
}

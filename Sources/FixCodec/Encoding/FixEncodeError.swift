/// Why a message could not be encoded.
public enum FixEncodeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The caller's buffer cannot hold the message; `capacity` is its size in bytes.
    case bufferTooSmall(capacity: Int)
    /// A non-data value contains SOH (0x01), which would corrupt the framing.
    case valueContainsDelimiter(tag: Int)
    /// ``FixWriter/finish()`` without ``FixWriter/begin(msgType:)``.
    case notStarted

    public var description: String {
        switch self {
        case .bufferTooSmall(let c): return "message does not fit in the \(c)-byte buffer"
        case .valueContainsDelimiter(let t): return "value of tag \(t) contains SOH; only data fields may"
        case .notStarted: return "finish() called before begin(msgType:)"
        }
    }
}

/// Why a message could not be decoded, with the byte offset (from the start of the message)
/// and the tag involved.
///
/// Two families, as FIX distinguishes them:
/// - *garbled* (``isGarbled``): the frame itself is broken (BeginString, BodyLength, CheckSum,
///   field syntax). FIX says to ignore such a message without consuming its sequence number.
/// - *invalid*: the frame is intact but its content breaks the dictionary (missing required
///   tag, undefined tag, bad value...). FIX answers these with a session Reject (35=3);
///   ``sessionRejectReason`` gives the SessionRejectReason (373) code to send.
public enum FixDecodeError: Error, Sendable, Hashable {
    // MARK: Garbled
    /// The message does not start with `8=FIXT.1.1<SOH>9=`.
    case badBeginString(offset: Int)
    /// BodyLength (9) is missing, not a number, or disagrees with where `10=` is.
    case badBodyLength(offset: Int)
    /// The message is larger than the configured maximum.
    case messageTooLarge(length: Int, limit: Int)
    /// CheckSum (10) differs from the byte sum of the message.
    case checksumMismatch(offset: Int, declared: Int, computed: Int)
    /// A field is not `<digits>=<value><SOH>` (non-digit tag, missing `=`, tag 0, tag too large).
    case malformedField(offset: Int)
    /// The message ended in the middle of a field.
    case truncated(offset: Int)

    // MARK: Invalid
    /// MsgType (35) is missing from the dictionary.
    case invalidMsgType(offset: Int)
    /// A field has an empty value (`44=<SOH>`).
    case emptyValue(tag: Int, offset: Int)
    /// A tag the message type requires is absent.
    case requiredTagMissing(tag: Int)
    /// A tag the dictionary does not define for this message type.
    case tagNotDefinedForMessage(tag: Int, offset: Int)
    /// A tag the dictionary does not define at all.
    case undefinedTag(tag: Int, offset: Int)
    /// A tag that may appear once appears again.
    case tagRepeated(tag: Int, offset: Int)
    /// A value that does not parse as its FIX type.
    case valueMalformed(tag: Int, offset: Int, reason: FixValueError)
    /// An enumerated value the dictionary does not list (strict mode only).
    case enumValueOutOfRange(tag: Int, offset: Int)
    /// A NumInGroup count that disagrees with the number of group entries present.
    case groupCountMismatch(tag: Int, offset: Int, declared: Int, found: Int)
    /// A data field's length (95, 93...) is negative or runs past the message.
    case dataLengthOutOfRange(tag: Int, offset: Int)
    /// The message has more fields than the index can hold.
    case tooManyFields(capacity: Int)

    /// True for errors in the frame itself (ignore the message), false for content errors
    /// (reject it at session level).
    public var isGarbled: Bool {
        switch self {
        case .badBeginString, .badBodyLength, .messageTooLarge, .checksumMismatch, .malformedField, .truncated:
            return true
        default:
            return false
        }
    }

    /// The tag the error is about, when there is one (RefTagID, 371).
    public var tag: Int? {
        switch self {
        case .invalidMsgType: return 35
        case .emptyValue(let tag, _), .requiredTagMissing(let tag), .tagNotDefinedForMessage(let tag, _),
             .undefinedTag(let tag, _), .tagRepeated(let tag, _), .valueMalformed(let tag, _, _),
             .enumValueOutOfRange(let tag, _), .groupCountMismatch(let tag, _, _, _), .dataLengthOutOfRange(let tag, _):
            return tag
        default:
            return nil
        }
    }

    /// SessionRejectReason (373) for an invalid message; nil for garbled ones (not rejected).
    public var sessionRejectReason: Int? {
        switch self {
        case .invalidMsgType: return 11
        case .emptyValue: return 4
        case .requiredTagMissing: return 1
        case .tagNotDefinedForMessage: return 2
        case .undefinedTag: return 3
        case .tagRepeated: return 13
        case .valueMalformed: return 6
        case .enumValueOutOfRange: return 5
        case .groupCountMismatch: return 16
        case .dataLengthOutOfRange: return 6
        case .tooManyFields: return 99
        default: return nil
        }
    }
}

extension FixDecodeError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .badBeginString(let o): return "garbled: message at byte \(o) does not start with 8=FIXT.1.1|9="
        case .badBodyLength(let o): return "garbled: BodyLength (9) at byte \(o) is missing or does not match the message"
        case .messageTooLarge(let l, let limit): return "garbled: message of \(l) bytes exceeds the \(limit)-byte limit"
        case .checksumMismatch(let o, let d, let c): return "garbled: CheckSum (10) at byte \(o) says \(d), bytes sum to \(c)"
        case .malformedField(let o): return "garbled: field at byte \(o) is not <tag>=<value>|"
        case .truncated(let o): return "garbled: message ends inside a field at byte \(o)"
        case .invalidMsgType(let o): return "invalid: MsgType (35) at byte \(o) is not in the dictionary"
        case .emptyValue(let t, let o): return "invalid: tag \(t) at byte \(o) has no value"
        case .requiredTagMissing(let t): return "invalid: required tag \(t) is missing"
        case .tagNotDefinedForMessage(let t, let o): return "invalid: tag \(t) at byte \(o) is not defined for this message type"
        case .undefinedTag(let t, let o): return "invalid: tag \(t) at byte \(o) is not in the dictionary"
        case .tagRepeated(let t, let o): return "invalid: tag \(t) at byte \(o) appears more than once"
        case .valueMalformed(let t, let o, let r): return "invalid: value of tag \(t) at byte \(o) is malformed (\(r))"
        case .enumValueOutOfRange(let t, let o): return "invalid: value of tag \(t) at byte \(o) is not one the dictionary lists"
        case .groupCountMismatch(let t, let o, let d, let f): return "invalid: NumInGroup \(t) at byte \(o) declares \(d) entries, found \(f)"
        case .dataLengthOutOfRange(let t, let o): return "invalid: data length \(t) at byte \(o) runs past the message"
        case .tooManyFields(let c): return "invalid: message has more than \(c) fields"
        }
    }
}

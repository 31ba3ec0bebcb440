/// Whether ``FixDecoder`` validates messages against the dictionary.
public enum FixDecodeMode: Sendable, Hashable {
    /// Frame and index only; typed reads fail one by one. The fastest mode.
    case lenient
    /// Also run ``FixValidator`` on every message: undefined or repeated tags, missing required
    /// tags, malformed values, unknown enum values and group-count mismatches are reported as
    /// ``FixDecodeResult/invalid(_:consumed:error:)``.
    case strict
}

/// What ``FixDecoder/decode(_:)`` found at the start of the bytes received so far.
public enum FixDecodeResult {
    /// A valid message; consume `consumed` bytes after handling it. The view is valid until the
    /// next `decode` call or until the buffer changes.
    case message(FixMessage, consumed: Int)
    /// An intact frame whose content breaks the dictionary (strict mode). FIX answers it with a
    /// session Reject (35=3) using ``FixDecodeError/sessionRejectReason`` and the message's
    /// MsgSeqNum, and counts the sequence number as received.
    case invalid(FixMessage, consumed: Int, error: FixDecodeError)
    /// The bytes so far are the start of a message; read more.
    case needMoreBytes
    /// Garbage or a garbled frame: drop `skip` bytes and call again. FIX ignores such bytes
    /// without consuming a sequence number.
    case garbled(skip: Int, error: FixDecodeError)
}

/// Frames, indexes and (in strict mode) validates messages from a byte stream, reusing its
/// storage: no allocation per message.
///
/// - Important: one decoder per thread; views it returns are valid until the next call.
public struct FixDecoder<Dictionary: FixDictionarySchema>: ~Copyable {
    public var framer: FixFramer
    public var mode: FixDecodeMode
    @usableFromInline var _index: FixFieldIndex

    /// - Parameters:
    ///   - mode: lenient (index only) or strict (validate against `Dictionary`).
    ///   - maxMessageSize: largest accepted frame, in bytes.
    ///   - maxFields: most fields one message may have.
    ///   - dataFields: (length tag, data tag) pairs beyond 95→96 and 93→89.
    public init(mode: FixDecodeMode = .lenient, maxMessageSize: Int = 1 << 20, maxFields: Int = 1024,
                dataFields: [(length: Int, data: Int)] = []) {
        self.framer = FixFramer(maxMessageSize: maxMessageSize)
        self.mode = mode
        self._index = FixFieldIndex(capacity: maxFields, dataFields: dataFields)
    }

    /// Examines `buffer` (bytes received so far, starting at a message boundary).
    /// - Complexity: O(n) in the frame length.
    @inlinable
    public mutating func decode(_ buffer: UnsafeRawBufferPointer) -> FixDecodeResult {
        switch framer.nextFrame(in: buffer) {
        case .needMoreBytes:
            return .needMoreBytes
        case .garbled(let skip, let error):
            return .garbled(skip: skip, error: error)
        case .message(let range):
            let frame = UnsafeRawBufferPointer(rebasing: buffer[range])
            let message: FixMessage
            do throws(FixDecodeError) { message = try _index.index(frame) } catch {
                // Checksum intact but the fields are not tag=value: still garbled.
                return .garbled(skip: range.count, error: error)
            }
            if mode == .strict {
                do throws(FixDecodeError) { try FixValidator.validate(message, dictionary: Dictionary.self) } catch {
                    return .invalid(message, consumed: range.count, error: error)
                }
            }
            return .message(message, consumed: range.count)
        }
    }
}

/// The decoder for Kalshi's dialect (spec/fix-dictionary-1.03.xml).
public typealias KalshiFixDecoder = FixDecoder<FixDictionaryInfo>

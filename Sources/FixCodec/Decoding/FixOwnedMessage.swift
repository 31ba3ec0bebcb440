/// A FIX message copied out of the receive buffer: it owns its frame bytes and its field index,
/// so it outlives the handler call that produced the view and can cross threads.
///
/// For convenience APIs (async streams, tools, tests), not the hot path: making one allocates
/// two arrays. Handlers that keep only a few values should copy those instead
/// (`…View(message)?.copy()` or ``FixValue/string``).
public struct FixOwnedMessage: Sendable, Hashable, CustomStringConvertible {
    /// The whole frame, `8=` through the SOH after `10=nnn`.
    public let bytes: [UInt8]
    /// Every field in wire order, offsets relative to ``bytes``.
    public let fields: [FixField]

    /// Copies `message`'s bytes and field index.
    /// - Complexity: O(frame bytes + fields); allocates twice.
    public init(_ message: FixMessage) {
        bytes = Array(message.bytes)
        fields = Array(message.fields)
    }

    /// Calls `body` with a ``FixMessage`` view of the copy, valid only during the call; the
    /// generated views wrap it as usual (`ExecutionReportView(message)`).
    ///
    /// Lookups scan the fields (the copy keeps no tag table): O(fields) per lookup.
    public func withMessage<R>(_ body: (FixMessage) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes { raw in
            try fields.withUnsafeBufferPointer { index in
                try body(FixMessage(bytes: raw, fields: index))
            }
        }
    }

    /// The MsgType (35) value, e.g. `8`; empty if absent.
    public var msgType: String {
        withMessage { $0.msgType.string }
    }

    /// The first value of `tag` as a string, or nil when absent.
    public func string(_ tag: Int) -> String? {
        withMessage { $0.value(tag)?.string }
    }

    /// The frame as text with `|` for SOH (not redacted: do not log Logon frames this way).
    public var description: String {
        String(decoding: bytes.map { $0 == 0x01 ? UInt8(ascii: "|") : $0 }, as: UTF8.self)
    }
}

extension FixMessage {
    /// An owned copy of this message that outlives the call (allocates; see ``FixOwnedMessage``).
    public func copy() -> FixOwnedMessage {
        FixOwnedMessage(self)
    }
}

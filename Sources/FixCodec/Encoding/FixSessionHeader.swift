/// The header of every message one session sends, with its constant part precomputed.
///
/// SenderCompID (49) and TargetCompID (56) never change within a session, so their bytes
/// (`49=<key>|56=<session>|`) are built once; each message then adds only MsgSeqNum (34) and
/// SendingTime (52), and PossDupFlag/OrigSendingTime on resends. The order, 35 49 56 34 52,
/// is the one Kalshi's documentation and Python SDK use.
///
/// - Important: immutable and `Sendable`; share it freely.
public struct FixSessionHeader: Sendable {
    /// Your API key id (SenderCompID, 49).
    public let senderCompID: String
    /// The session name, e.g. `KalshiNR` (TargetCompID, 56).
    public let targetCompID: String
    @usableFromInline let _prefix: [UInt8]

    /// - Precondition: neither id contains SOH.
    public init(senderCompID: String, targetCompID: String) {
        precondition(!senderCompID.utf8.contains(1) && !targetCompID.utf8.contains(1), "CompIDs must not contain SOH")
        self.senderCompID = senderCompID
        self.targetCompID = targetCompID
        self._prefix = Array("49=\(senderCompID)\u{1}56=\(targetCompID)\u{1}".utf8)
    }

    /// Writes 49, 56 (precomputed), 34 and 52; on a resend also 43=Y and 122.
    @inlinable
    public func encode(into writer: inout FixWriter, msgSeqNum: Int, sendingTime: FixTimestamp,
                       origSendingTime: FixTimestamp? = nil) {
        _prefix.withUnsafeBytes { writer.writeRaw($0) }
        writer.write(34, msgSeqNum)
        writer.write(52, sendingTime)
        if let origSendingTime {
            writer.write(43, true)
            writer.write(122, origSendingTime)
        }
    }

    /// Encodes a complete frame of `message` with this header.
    @inlinable
    public func encodeFrame(_ message: some FixEncodableMessage, into writer: inout FixWriter, msgSeqNum: Int,
                            sendingTime: FixTimestamp) throws(FixEncodeError) -> UnsafeRawBufferPointer {
        writer.begin(msgType: type(of: message).msgType)
        encode(into: &writer, msgSeqNum: msgSeqNum, sendingTime: sendingTime)
        message.encode(into: &writer)
        return try writer.finish()
    }
}

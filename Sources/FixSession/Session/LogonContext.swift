import FixCodec

/// What the Logon body writer gets: the header values already written (the signature covers
/// MsgSeqNum and SendingTime exactly as on the wire) and the session's choices.
public struct LogonContext: Sendable {
    /// MsgSeqNum (34) of this Logon.
    public let msgSeqNum: Int
    /// SendingTime (52) as written; `sendingTime.description` is its wire text.
    public let sendingTime: FixTimestamp
    /// Whether 141=Y goes out.
    public let resetSeqNum: Bool
    /// HeartBtInt (108), seconds.
    public let heartbeatInterval: Int

    /// 98=0, 108, 141=Y when resetting, 1137=9 (FIX50SP2): a Logon without Kalshi's signature,
    /// for the simulator's answers and tests.
    public static func standardBody(_ writer: inout FixWriter, _ context: LogonContext) {
        writer.write(98, 0)
        writer.write(108, context.heartbeatInterval)
        if context.resetSeqNum { writer.write(141, true) }
        writer.write(1137, "9")
    }
}

/// Writes the body of a Logon after the header (8/9/35 and 49/56/34/52 are already written).
public typealias LogonBodyWriter = (inout FixWriter, LogonContext) throws -> Void

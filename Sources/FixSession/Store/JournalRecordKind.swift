/// What a journal record says. Raw values are on disk: never renumber, only add.
enum JournalRecordKind: UInt8 {
    /// An outbound message: sequence number = its MsgSeqNum, payload = its wire bytes. Also
    /// moves the next sender sequence number to MsgSeqNum + 1.
    case outbound = 1
    /// The next expected inbound sequence number is now `seqNum`. No payload.
    case nextTargetSeqNum = 2
    /// The next outbound sequence number is now `seqNum`; stored messages numbered `seqNum` or
    /// higher are void. No payload.
    case nextSenderSeqNum = 3
    /// Both sequence numbers are 1 and every stored message is void (Logon with
    /// ResetSeqNumFlag 141=Y). No payload.
    case reset = 4
}

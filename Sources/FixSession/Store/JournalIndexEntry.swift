/// Where one stored outbound message is: in the journal file (``FileSessionStore``) or in the
/// byte storage of an ``InMemorySessionStore``.
struct JournalIndexEntry {
    /// The message's MsgSeqNum.
    var seqNum: Int
    /// Byte offset of the record (file store: of its 28-byte header; memory store: of the
    /// message bytes).
    var offset: Int
    /// Length of the message bytes (the payload), excluding any record header.
    var length: Int
    /// When the message was stored, ns since the Unix epoch (drives retention).
    var timestamp: Int64
}

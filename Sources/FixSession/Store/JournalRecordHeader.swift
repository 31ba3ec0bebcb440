/// A decoded record header (see ``JournalFormat``), before its CRC is checked.
struct JournalRecordHeader {
    var kind: JournalRecordKind
    var payloadLength: Int
    var seqNum: Int
    var timestamp: Int64

    /// The record's total size in the file.
    var recordLength: Int { JournalFormat.recordHeaderSize + payloadLength }

    /// Decodes the 28 bytes at `p`; nil when they cannot be a header we wrote (unknown kind,
    /// non-zero reserved bytes, a length beyond the format's limit or a payload on a kind that
    /// has none, a sequence number below 1). Such a header is treated like a failed CRC.
    init?(_ p: UnsafeRawPointer) {
        guard let kind = JournalRecordKind(rawValue: p.load(fromByteOffset: 4, as: UInt8.self)),
              p.load(fromByteOffset: 5, as: UInt8.self) == 0,
              p.loadUnaligned(fromByteOffset: 6, as: UInt16.self) == 0
        else { return nil }
        let length = Int(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
        let seq = Int64(littleEndian: p.loadUnaligned(fromByteOffset: 12, as: Int64.self))
        guard length <= JournalFormat.maxPayloadLength,
              kind == .outbound || length == 0,
              seq >= 1
        else { return nil }
        self.kind = kind
        self.payloadLength = length
        self.seqNum = Int(seq)
        self.timestamp = Int64(littleEndian: p.loadUnaligned(fromByteOffset: 20, as: Int64.self))
    }
}

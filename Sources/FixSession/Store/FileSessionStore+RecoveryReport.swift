extension FileSessionStore {
    /// What opening a journal found and did: how much was recovered, whether a torn or damaged
    /// tail was cut off (and why), and what retention discarded. Log it at every start.
    public struct RecoveryReport: Sendable, Hashable, CustomStringConvertible {
        /// Why the scan stopped before the end of the file.
        public enum DamageKind: Sendable, Hashable, CustomStringConvertible {
            /// The file ends inside a record (a write cut short by a crash): `needed` bytes
            /// were announced, `available` were there.
            case incompleteRecord(needed: Int, available: Int)
            /// A complete record whose checksum does not match (torn write, or damage).
            case checksumMismatch
            /// A header that cannot be ours (unknown kind, non-zero reserved bytes, impossible
            /// length or sequence number).
            case malformedHeader
            /// The file header itself was incomplete (a crash while the journal was created);
            /// the journal was started afresh.
            case incompleteFileHeader

            public var description: String {
                switch self {
                case .incompleteRecord(let needed, let available):
                    return "incomplete record (\(available) of \(needed) bytes)"
                case .checksumMismatch: return "checksum mismatch"
                case .malformedHeader: return "malformed record header"
                case .incompleteFileHeader: return "incomplete file header"
                }
            }
        }

        /// The journal's path.
        public var path: String
        /// True when there was no journal (or an empty one) and a new one was created.
        public var createdNewJournal: Bool
        /// Complete, checksum-verified records replayed.
        public var recordsRecovered: Int
        /// Where the scan stopped early and why (nil: the whole file was intact).
        public var damage: DamageKind?
        /// Byte offset at which the file was truncated (the end of the last complete record),
        /// when ``damage`` is set.
        public var truncatedAt: Int?
        /// Bytes cut off the end of the file (0 when intact).
        public var droppedBytes: Int
        /// Messages discarded by retention during the compaction at open.
        public var expiredMessages: Int
        /// Whether open compacted the journal.
        public var compacted: Bool
        /// Outbound messages stored (resendable) once open finished.
        public var storedMessages: Int
        /// The sequence numbers the session continues with.
        public var nextSenderSeqNum: Int
        public var nextTargetSeqNum: Int

        public var description: String {
            var s = "\(path): "
            s += createdNewJournal ? "new journal" : "\(recordsRecovered) records recovered"
            if let damage {
                s += "; \(damage) at byte \(truncatedAt ?? 0): truncated, \(droppedBytes) bytes dropped"
            }
            if compacted { s += "; compacted (\(expiredMessages) expired messages discarded)" }
            s += "; \(storedMessages) messages stored; next sender \(nextSenderSeqNum), next target \(nextTargetSeqNum)"
            return s
        }
    }
}

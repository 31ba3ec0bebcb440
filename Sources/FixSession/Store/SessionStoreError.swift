import FixTransport

/// Why a session store refused or failed an operation. Each message names the journal, the
/// `errno` where there is one, and what to do about it.
///
/// Two groups:
/// - Caller mistakes (``sequenceNumberTooLow(seqNum:nextSenderSeqNum:)``,
///   ``invalidSequenceNumber(_:)``, ``messageTooLarge(bytes:limit:)``, ``closed(path:)``):
///   nothing was written; the store is unchanged.
/// - Storage failures: the journal could not be opened, written, read or synced. Check
///   ``FileSessionStore/nextSenderSeqNum`` afterwards: it says what the journal holds.
public enum SessionStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The journal (or its directory) could not be opened or created.
    case cannotOpen(path: String, errno: Errno)
    /// Another open store, in this process or another, holds the journal's lock.
    case locked(path: String)
    /// The file exists but does not start with the journal magic: it is not a session journal
    /// and was left untouched.
    case notAJournal(path: String)
    /// The file is a journal of a format version this build does not read; left untouched.
    case unsupportedVersion(path: String, version: Int)
    /// The journal's file header fails its checksum; left untouched rather than guessed at.
    case corruptFileHeader(path: String)
    /// A record that was complete when it was indexed no longer matches its checksum (the
    /// disk or something else changed it after it was written).
    case corruptRecord(path: String, offset: Int)
    /// `pwrite` or `ftruncate` failed; the record was not stored.
    case writeFailed(path: String, errno: Errno)
    /// `pread` failed, or `fstat` while opening.
    case readFailed(path: String, errno: Errno)
    /// `fdatasync`/`fsync` failed: records written before it may not be on stable storage.
    case syncFailed(path: String, errno: Errno)
    /// A compaction step failed; the journal in use is unchanged (`step` names the step).
    case compactionFailed(path: String, step: String, errno: Errno)
    /// The interval fsync thread could not be started.
    case cannotStartSyncThread(path: String, errno: Errno)
    /// `append` was given a MsgSeqNum below the next sender sequence number: reusing a number
    /// would make two different messages share it.
    case sequenceNumberTooLow(seqNum: Int, nextSenderSeqNum: Int)
    /// Sequence numbers start at 1.
    case invalidSequenceNumber(Int)
    /// The message is larger than the store's configured maximum.
    case messageTooLarge(bytes: Int, limit: Int)
    /// The store was closed.
    case closed(path: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let e):
            return "cannot open session journal \(path): \(e); check that the directory exists and is writable"
        case .locked(let path):
            return "session journal \(path) is locked by another open store (another process or session with the same "
                + "SenderCompID/TargetCompID is running); stop it or give this session its own journal directory"
        case .notAJournal(let path):
            return "\(path) is not a session journal (wrong magic); it was left untouched: move it away or choose another path"
        case .unsupportedVersion(let path, let version):
            return "session journal \(path) has format version \(version), this build reads version \(JournalFormat.version); "
                + "it was left untouched: use a matching build, or move it away and log on with ResetSeqNumFlag=Y"
        case .corruptFileHeader(let path):
            return "session journal \(path) has a damaged file header (checksum mismatch); it was left untouched: "
                + "restore it from a backup, or move it away and log on with ResetSeqNumFlag=Y"
        case .corruptRecord(let path, let offset):
            return "session journal \(path) is damaged at byte \(offset) (checksum mismatch on a stored message); "
                + "the message cannot be resent: gap-fill it, and check the disk"
        case .writeFailed(let path, let e):
            return "writing session journal \(path) failed: \(e); the record was not stored (check free space and the disk)"
        case .readFailed(let path, let e):
            return "reading session journal \(path) failed: \(e); check the disk"
        case .syncFailed(let path, let e):
            return "fsync of session journal \(path) failed: \(e); recent records may not survive a power loss (check the disk)"
        case .compactionFailed(let path, let step, let e):
            return "compacting session journal \(path) failed while \(step): \(e); the journal in use is unchanged "
                + "(check free space in its directory)"
        case .cannotStartSyncThread(let path, let e):
            return "cannot start the fsync thread of session journal \(path): \(e); use another fsync policy or raise thread limits"
        case .sequenceNumberTooLow(let seq, let next):
            return "outbound MsgSeqNum \(seq) is below the next sender sequence number \(next); a sequence number is never reused"
        case .invalidSequenceNumber(let seq):
            return "sequence number \(seq) is invalid; FIX sequence numbers start at 1"
        case .messageTooLarge(let bytes, let limit):
            return "outbound message of \(bytes) bytes exceeds the store's limit of \(limit) bytes (raise maxMessageSize)"
        case .closed(let path):
            return "session store \(path) is closed"
        }
    }
}

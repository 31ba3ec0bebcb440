import FixCodec
import FixTransport

/// A ``SessionStore`` backed by one append-only journal file per session: survives process
/// restarts (a KalshiRT session continues its sequence numbers) and crashes (recovery keeps
/// every complete record).
///
/// ### The journal
/// Records (outbound messages and sequence-number changes, each with a CRC-32C; the byte
/// layout is documented in `JournalFormat.swift`) are only ever added at the end. On open the file is scanned, every
/// record's checksum verified, and the first torn or damaged record and everything after it
/// cut off (``RecoveryReport`` says what was dropped). An in-memory index (MsgSeqNum → offset)
/// is rebuilt from the scan, so a resend `pread`s exactly the records it needs.
///
/// A file that is not a journal of ours (wrong magic, unknown version, damaged file header) is
/// refused with a typed error and never modified.
///
/// ### Hot path
/// ``append(outbound:seqNum:at:)`` builds the record in a buffer allocated at open, and
/// writes it with one `pwrite` at the journal's end: no Foundation, no allocation (the index is
/// reserved for ``Configuration/expectedMessages``). ``setNextTargetSeqNum(_:)`` writes a
/// 28-byte record. What happens next depends on the ``FsyncPolicy``.
///
/// ### Retention and compaction
/// Messages older than ``Configuration/retention`` are not resent (a resend gap-fills them)
/// once a compaction has run: compaction writes the retained messages and the current sequence
/// numbers to `<path>.compacting`, syncs it, and renames it over the journal (a crash leaves
/// either the old journal or the new one, never a mix). Open compacts when messages have
/// expired or ``needsCompaction``; otherwise call ``compact(now:)`` at a quiet moment (after
/// logon, or on a timer between trading hours): it costs O(retained bytes) and must not run
/// on the order path.
///
/// Why no size-triggered compaction inside `append`: the file grows by every message and
/// every inbound sequence-number update (28 bytes each), so it does need bounding, but a
/// compaction in the middle of an `append` would stall the I/O thread for as long as it takes
/// to copy the retained messages. The store reports ``needsCompaction`` instead, and the
/// owner schedules it.
///
/// ### Ownership and threads
/// One store per journal: an exclusive `flock` makes a second opener (another process, or
/// another store in this one) fail with ``SessionStoreError/locked(path:)``; the kernel drops
/// the lock if the process dies. Confined to one thread at a time; the `.interval` fsync
/// policy adds one internal background thread that only calls `fdatasync`.
public final class FileSessionStore: SessionStore {
    /// The journal file.
    public let path: String
    public let configuration: Configuration
    /// What opening the journal found and did.
    public private(set) var recoveryReport: RecoveryReport

    var state: JournalState
    var fd: Int32
    /// Where the next record goes: the end of the last complete record (and the file size).
    var end: Int
    /// Creation time from the file header (kept across compactions).
    let createdAt: Int64
    /// Holds one outbound record (header + message) while it is written; allocated at open.
    var writeBuffer: RawScratchBuffer
    /// Holds one stored record while a resend or compaction reads it back.
    var readBuffer: RawScratchBuffer
    var syncer: JournalSyncer?
    var isClosed = false

    public var nextSenderSeqNum: Int { state.nextSenderSeqNum }
    public var nextTargetSeqNum: Int { state.nextTargetSeqNum }
    public var storedMessageCount: Int { state.index.count }
    /// The journal's size in bytes.
    public var fileSize: Int { end }
    /// Bytes a compaction would reclaim without retention: superseded sequence-number records
    /// and discarded messages.
    public var reclaimableBytes: Int { end - JournalFormat.fileHeaderSize - state.liveBytes }
    /// Whether ``reclaimableBytes`` exceeds ``Configuration/compactionThreshold``: the owner
    /// should call ``compact(now:)`` at its next quiet moment.
    public var needsCompaction: Bool { reclaimableBytes >= configuration.compactionThreshold }

    /// Opens (or creates) the journal at `path`, locks it, recovers it, and compacts it if
    /// configured to and worthwhile.
    ///
    /// - Parameters:
    ///   - path: the journal file; its directory must exist. See
    ///     ``journalPath(directory:senderCompID:targetCompID:)``.
    ///   - now: the time retention is measured against (the current time, or a test's clock).
    /// - Throws: ``SessionStoreError/locked(path:)`` when another store has it open;
    ///   ``SessionStoreError/notAJournal(path:)``, ``SessionStoreError/unsupportedVersion(path:version:)``,
    ///   ``SessionStoreError/corruptFileHeader(path:)`` for files that are not ours (untouched);
    ///   ``SessionStoreError/cannotOpen(path:errno:)`` and other storage errors.
    /// - Complexity: O(file size). Allocates; call it before the session starts, not on the
    ///   I/O thread's order path.
    public init(path: String, configuration: Configuration = Configuration(), now: FixTimestamp = .now()) throws(SessionStoreError) {
        precondition(configuration.maxMessageSize > 0 && configuration.maxMessageSize <= JournalFormat.maxPayloadLength,
                     "maxMessageSize must be in 1...\(JournalFormat.maxPayloadLength)")
        if case .interval(let d) = configuration.fsyncPolicy {
            precondition(d > .zero, "the fsync interval must be positive")
        }
        let recovered = try Self.recover(path: path, configuration: configuration, now: now)
        self.path = path
        self.configuration = configuration
        self.fd = recovered.fd
        self.state = recovered.state
        self.end = recovered.end
        self.createdAt = recovered.createdAt
        self.recoveryReport = recovered.report
        let recordCapacity = JournalFormat.recordHeaderSize + configuration.maxMessageSize
        self.writeBuffer = RawScratchBuffer(capacity: recordCapacity)
        self.readBuffer = RawScratchBuffer(capacity: recordCapacity)
        // From here on, a throw runs deinit, which closes the descriptor.
        try startSyncer()

        if configuration.compactsOnOpen {
            let cutoff = retentionCutoff(now: now)
            if needsCompaction || state.index.contains(where: { $0.timestamp < cutoff }) {
                recoveryReport.expiredMessages = try compact(now: now)
                recoveryReport.compacted = true
            }
        }
        recoveryReport.storedMessages = state.index.count
        recoveryReport.nextSenderSeqNum = state.nextSenderSeqNum
        recoveryReport.nextTargetSeqNum = state.nextTargetSeqNum
    }

    deinit {
        if !isClosed {
            // Not closed by the owner: release the descriptor and the lock. Records already
            // written are in the page cache; no extra sync beyond what the policy promised.
            syncer?.stop()
            JournalIO.closeFile(fd)
        }
        writeBuffer.deallocate()
        readBuffer.deallocate()
    }

    // MARK: Writing

    public func append(outbound bytes: UnsafeRawBufferPointer, seqNum: Int, at time: FixTimestamp) throws(SessionStoreError) {
        try checkUsable()
        guard seqNum >= state.nextSenderSeqNum else {
            throw .sequenceNumberTooLow(seqNum: seqNum, nextSenderSeqNum: state.nextSenderSeqNum)
        }
        let length = bytes.count
        guard length <= configuration.maxMessageSize else {
            throw .messageTooLarge(bytes: length, limit: configuration.maxMessageSize)
        }
        let record = writeBuffer.base
        JournalFormat.writeRecordHeader(to: record, kind: .outbound, payloadLength: length,
                                        seqNum: seqNum, timestamp: time.nanosecondsSinceEpoch)
        if length > 0 {
            (record + JournalFormat.recordHeaderSize).copyMemory(from: bytes.baseAddress!, byteCount: length)
        }
        let total = JournalFormat.recordHeaderSize + length
        JournalFormat.seal(record, count: total)
        try writeRecord(count: total)
        state.recordOutbound(seqNum: seqNum, offset: end, length: length, timestamp: time.nanosecondsSinceEpoch)
        end += total
        try applyFsyncPolicy()
    }

    public func setNextTargetSeqNum(_ seqNum: Int) throws(SessionStoreError) {
        try checkUsable()
        guard seqNum >= 1 else { throw .invalidSequenceNumber(seqNum) }
        guard seqNum != state.nextTargetSeqNum else { return }
        try writeControlRecord(.nextTargetSeqNum, seqNum: seqNum)
        state.nextTargetSeqNum = seqNum
        try applyFsyncPolicy()
    }

    public func setNextSenderSeqNum(_ seqNum: Int) throws(SessionStoreError) {
        try checkUsable()
        guard seqNum >= 1 else { throw .invalidSequenceNumber(seqNum) }
        guard seqNum != state.nextSenderSeqNum else { return }
        try writeControlRecord(.nextSenderSeqNum, seqNum: seqNum)
        state.setNextSender(seqNum)
        try applyFsyncPolicy()
    }

    /// Truncates the journal to its file header, then writes a reset record (kept as the
    /// journal's first record, so it shows when the reset happened).
    ///
    /// Why truncate rather than append a marker: an empty journal *is* the reset state (both
    /// numbers 1, nothing stored), so a crash at any point leaves either the old journal or a
    /// reset one, and the space of the voided messages comes back at once.
    public func reset() throws(SessionStoreError) {
        try checkUsable()
        if let e = JournalIO.truncate(fd, to: JournalFormat.fileHeaderSize) {
            throw .writeFailed(path: path, errno: e)
        }
        end = JournalFormat.fileHeaderSize
        state.reset()
        try writeControlRecord(.reset, seqNum: 1)
        try applyFsyncPolicy()
    }

    public func flush() throws(SessionStoreError) {
        try checkUsable()
        if let e = JournalIO.syncData(fd) { throw .syncFailed(path: path, errno: e) }
    }

    /// Stops the fsync thread, syncs the journal (whatever the policy: a clean shutdown loses
    /// nothing), closes it and releases its lock.
    public func close() throws(SessionStoreError) {
        guard !isClosed else { return }
        isClosed = true
        syncer?.stop()
        let background = syncer?.takeFailure()
        syncer = nil
        let lastSync = JournalIO.syncData(fd)
        JournalIO.closeFile(fd)
        if let e = background ?? lastSync { throw .syncFailed(path: path, errno: e) }
    }

    // MARK: Reading

    public func forEachOutbound(from first: Int, through last: Int?,
                                _ body: (_ seqNum: Int, _ bytes: UnsafeRawBufferPointer) throws -> Void) throws {
        try checkUsable()
        let upper = last ?? Int.max
        var position = state.firstPosition(atOrAfter: max(first, 1))
        while position < state.index.count {
            let entry = state.index[position]
            if entry.seqNum > upper { break }
            let payload = try readStoredRecord(entry)
            try body(entry.seqNum, UnsafeRawBufferPointer(start: payload, count: entry.length))
            position += 1
        }
    }

    // MARK: Internals

    /// Throws when closed, or when the background fsync thread reported a failure since the
    /// last call (reported once).
    @inline(__always)
    func checkUsable() throws(SessionStoreError) {
        if isClosed { throw .closed(path: path) }
        if let syncer, let e = syncer.takeFailure() { throw .syncFailed(path: path, errno: e) }
    }

    /// Writes the `count` bytes of `writeBuffer` at the journal's end. On failure, cuts off
    /// whatever part reached the file, so the journal still ends with a complete record.
    @inline(__always)
    func writeRecord(count: Int) throws(SessionStoreError) {
        if let e = JournalIO.writeAll(fd, writeBuffer.base, count: count, at: end) {
            _ = JournalIO.truncate(fd, to: end)
            throw .writeFailed(path: path, errno: e)
        }
    }

    /// Writes a payload-less record. Its timestamp is informational (the clock read is a vDSO
    /// call, ~20 ns).
    @inline(__always)
    func writeControlRecord(_ kind: JournalRecordKind, seqNum: Int) throws(SessionStoreError) {
        let record = writeBuffer.base
        JournalFormat.writeRecordHeader(to: record, kind: kind, payloadLength: 0, seqNum: seqNum,
                                        timestamp: FixTimestamp.now().nanosecondsSinceEpoch)
        JournalFormat.seal(record, count: JournalFormat.recordHeaderSize)
        try writeRecord(count: JournalFormat.recordHeaderSize)
        end += JournalFormat.recordHeaderSize
    }

    /// Called after a record is written and applied: with `.everyWrite` the record is stored
    /// even if this throws (only its durability is in doubt).
    @inline(__always)
    func applyFsyncPolicy() throws(SessionStoreError) {
        switch configuration.fsyncPolicy {
        case .never:
            break
        case .interval:
            syncer?.markDirty()
        case .everyWrite:
            if let e = JournalIO.syncData(fd) { throw .syncFailed(path: path, errno: e) }
        }
    }

    /// Reads the record of `entry` into `readBuffer` and checks it is the message the index
    /// says, intact. - Returns: the message bytes (valid until the next read).
    func readStoredRecord(_ entry: JournalIndexEntry) throws(SessionStoreError) -> UnsafeMutableRawPointer {
        let total = JournalFormat.recordHeaderSize + entry.length
        readBuffer.ensureCapacity(total)
        let record = readBuffer.base
        switch JournalIO.readFully(fd, record, count: total, at: entry.offset) {
        case .failure(let e):
            throw .readFailed(path: path, errno: e)
        case .success(let n):
            guard n == total else { throw .corruptRecord(path: path, offset: entry.offset) }
        }
        guard let header = JournalRecordHeader(record), header.kind == .outbound,
              header.seqNum == entry.seqNum, header.payloadLength == entry.length,
              JournalFormat.isIntact(record, count: total)
        else { throw .corruptRecord(path: path, offset: entry.offset) }
        return record + JournalFormat.recordHeaderSize
    }

    /// Messages stamped before this are expired (`Int64.min` without retention).
    func retentionCutoff(now: FixTimestamp) -> Int64 {
        guard let retention = configuration.retention else { return .min }
        return now.nanosecondsSinceEpoch &- retention.saturatedNanoseconds
    }

    /// Starts the background fsync thread for the current descriptor, if the policy wants one.
    func startSyncer() throws(SessionStoreError) {
        guard case .interval(let interval) = configuration.fsyncPolicy else { return }
        switch JournalSyncer.start(fd: fd, intervalNanoseconds: interval.saturatedNanoseconds) {
        case .success(let s): syncer = s
        case .failure(let e): throw .cannotStartSyncThread(path: path, errno: e)
        }
    }
}

import FixCodec
import FixTransport

extension FileSessionStore {
    /// Rewrites the journal with only the messages still inside the retention period and the
    /// current sequence numbers, then swaps it in.
    ///
    /// Crash safety: the new journal is written to `<path>.compacting` (locked before it gets
    /// the journal's name), `fsync`ed, renamed over `path` (atomic), and the directory is
    /// `fsync`ed. A crash before the rename leaves the old journal (open deletes the temporary
    /// file); after it, the new one. Sequence numbers survive even when every message expired.
    ///
    /// Every record copied is checked against its CRC on the way.
    ///
    /// - Returns: how many messages retention discarded.
    /// - Throws: ``SessionStoreError/compactionFailed(path:step:errno:)`` (the journal in use is
    ///   unchanged), ``SessionStoreError/corruptRecord(path:offset:)``.
    /// - Complexity: O(retained bytes) of I/O; allocates. Never call it on the order path.
    @discardableResult
    public func compact(now: FixTimestamp) throws(SessionStoreError) -> Int {
        try checkUsable()
        let cutoff = retentionCutoff(now: now)
        let temp = path + Self.compactionSuffix
        let newFD: Int32
        switch JournalIO.openReadWrite(temp, truncate: true) {
        case .success(let d): newFD = d
        case .failure(let e): throw .compactionFailed(path: path, step: "creating \(temp)", errno: e)
        }
        var swapped = false
        defer {
            if !swapped {
                JournalIO.closeFile(newFD)
                _ = JournalIO.removeIfPresent(temp)
            }
        }
        // Locked before the rename, so the file named `path` is never unlocked while we own it.
        if let e = JournalIO.lockExclusive(newFD) {
            throw .compactionFailed(path: path, step: "locking \(temp)", errno: e)
        }

        // Records are gathered in 1 MiB batches and written with one pwrite per batch.
        var batch = RawScratchBuffer(capacity: 1 << 20)
        defer { batch.deallocate() }
        var batchCount = 0
        var written = 0
        func writeBatch() throws(SessionStoreError) {
            if let e = JournalIO.writeAll(newFD, batch.base, count: batchCount, at: written) {
                throw .compactionFailed(path: path, step: "writing \(temp)", errno: e)
            }
            written += batchCount
            batchCount = 0
        }
        func reserve(_ count: Int) throws(SessionStoreError) {
            if batchCount + count > batch.capacity {
                try writeBatch()
                batch.ensureCapacity(count)
            }
        }

        JournalFormat.writeFileHeader(to: batch.base, createdAt: createdAt)
        batchCount = JournalFormat.fileHeaderSize

        var kept = JournalState(reservingCapacity: max(configuration.expectedMessages, state.index.count),
                                recordOverhead: JournalFormat.recordHeaderSize)
        var expired = 0
        for entry in state.index {
            if entry.timestamp < cutoff {
                expired += 1
                continue
            }
            _ = try readStoredRecord(entry)  // into readBuffer, CRC checked
            let total = JournalFormat.recordHeaderSize + entry.length
            try reserve(total)
            (batch.base + batchCount).copyMemory(from: readBuffer.base, byteCount: total)
            kept.recordOutbound(seqNum: entry.seqNum, offset: written + batchCount, length: entry.length, timestamp: entry.timestamp)
            batchCount += total
        }
        // The sequence numbers, after the messages (a sender record voids messages at or above
        // it, and these are all below).
        let stamp = now.nanosecondsSinceEpoch
        try reserve(2 * JournalFormat.recordHeaderSize)
        for (kind, seq) in [(JournalRecordKind.nextSenderSeqNum, state.nextSenderSeqNum),
                            (.nextTargetSeqNum, state.nextTargetSeqNum)] {
            let record = batch.base + batchCount
            JournalFormat.writeRecordHeader(to: record, kind: kind, payloadLength: 0, seqNum: seq, timestamp: stamp)
            JournalFormat.seal(record, count: JournalFormat.recordHeaderSize)
            batchCount += JournalFormat.recordHeaderSize
        }
        kept.setNextSender(state.nextSenderSeqNum)
        kept.nextTargetSeqNum = state.nextTargetSeqNum
        try writeBatch()

        if let e = JournalIO.syncAll(newFD) {
            throw .compactionFailed(path: path, step: "syncing \(temp)", errno: e)
        }
        if let e = JournalIO.rename(temp, to: path) {
            throw .compactionFailed(path: path, step: "renaming \(temp) over the journal", errno: e)
        }

        // The new file is the journal now: switch to it (the syncer belongs to the old one).
        swapped = true
        syncer?.stop()
        syncer = nil
        JournalIO.closeFile(fd)
        fd = newFD
        end = written
        state = kept
        try startSyncer()
        if let e = JournalIO.syncDirectory(containing: path) { throw .syncFailed(path: path, errno: e) }
        return expired
    }
}

#if canImport(Glibc)
import Glibc
#endif
import FixCodec
import FixTransport

extension FileSessionStore {
    /// An opened, locked and recovered journal, before the store wraps it.
    struct RecoveredJournal {
        var fd: Int32
        var state: JournalState
        var end: Int
        var createdAt: Int64
        var report: RecoveryReport
    }

    /// Opens and locks `path`, then rebuilds the state from its records, cutting off a torn
    /// or damaged tail.
    static func recover(path: String, configuration: Configuration, now: FixTimestamp) throws(SessionStoreError) -> RecoveredJournal {
        let fd = try openLocked(path)
        var handedOver = false
        defer { if !handedOver { JournalIO.closeFile(fd) } }

        // A compaction that died before its rename leaves its temporary file: it was never
        // the journal, so it goes. Only the lock holder may do this.
        _ = JournalIO.removeIfPresent(path + compactionSuffix)

        let size: Int
        switch JournalIO.fileSize(fd) {
        case .success(let s): size = s
        case .failure(let e): throw .readFailed(path: path, errno: e)
        }
        var report = RecoveryReport(path: path, createdNewJournal: false, recordsRecovered: 0, damage: nil,
                                    truncatedAt: nil, droppedBytes: 0, expiredMessages: 0, compacted: false,
                                    storedMessages: 0, nextSenderSeqNum: 1, nextTargetSeqNum: 1)
        var state = JournalState(reservingCapacity: configuration.expectedMessages,
                                 recordOverhead: JournalFormat.recordHeaderSize)

        if size < JournalFormat.fileHeaderSize {
            try checkShortFileIsOurs(fd, size: size, path: path)
            if size > 0 {
                report.damage = .incompleteFileHeader
                report.truncatedAt = 0
                report.droppedBytes = size
            }
            let createdAt = try createJournal(fd, path: path, now: now)
            report.createdNewJournal = true
            handedOver = true
            return RecoveredJournal(fd: fd, state: state, end: JournalFormat.fileHeaderSize, createdAt: createdAt, report: report)
        }

        let createdAt: Int64
        do {
            createdAt = try readFileHeader(fd, path: path)
        } catch .corruptFileHeader where size == JournalFormat.fileHeaderSize {
            // Our magic, a header failing its CRC, and not one record after it: the crash hit
            // while the journal was being created. Nothing can be lost by starting afresh.
            // (Any other header error, or a damaged header with records after it, is thrown.)
            report.damage = .incompleteFileHeader
            report.truncatedAt = 0
            report.droppedBytes = size
            report.createdNewJournal = true
            let createdAt = try createJournal(fd, path: path, now: now)
            handedOver = true
            return RecoveredJournal(fd: fd, state: state, end: JournalFormat.fileHeaderSize, createdAt: createdAt, report: report)
        }
        let scan = try scanRecords(fd, size: size, path: path, into: &state)
        report.recordsRecovered = scan.records
        if let damage = scan.damage {
            // Recovery to the last complete record: everything from the first bad byte on goes,
            // so the next append starts on a record boundary.
            if let e = JournalIO.truncate(fd, to: scan.end) { throw .writeFailed(path: path, errno: e) }
            if let e = JournalIO.syncData(fd) { throw .syncFailed(path: path, errno: e) }
            report.damage = damage
            report.truncatedAt = scan.end
            report.droppedBytes = size - scan.end
        }
        handedOver = true
        return RecoveredJournal(fd: fd, state: state, end: scan.end, createdAt: createdAt, report: report)
    }

    static let compactionSuffix = ".compacting"

    /// Opens `path` (creating it) and takes its exclusive lock. Retries when a compaction by
    /// the previous owner renamed a new file over `path` between our open and our lock: the
    /// lock must be on the file that has the name.
    static func openLocked(_ path: String) throws(SessionStoreError) -> Int32 {
        for _ in 0..<8 {
            let fd: Int32
            switch JournalIO.openReadWrite(path) {
            case .success(let d): fd = d
            case .failure(let e): throw .cannotOpen(path: path, errno: e)
            }
            if let e = JournalIO.lockExclusive(fd) {
                JournalIO.closeFile(fd)
                if e.rawValue == EWOULDBLOCK { throw .locked(path: path) }
                throw .cannotOpen(path: path, errno: e)
            }
            if JournalIO.isSameFile(fd, path) { return fd }
            JournalIO.closeFile(fd)
        }
        throw .locked(path: path)
    }

    /// A file shorter than a file header is ours only if it is empty or starts like our magic
    /// (a crash while the journal was being created); anything else is refused untouched.
    static func checkShortFileIsOurs(_ fd: Int32, size: Int, path: String) throws(SessionStoreError) {
        guard size > 0 else { return }
        var bytes = [UInt8](repeating: 0, count: size)
        let read = bytes.withUnsafeMutableBytes { JournalIO.readFully(fd, $0.baseAddress!, count: size, at: 0) }
        if case .failure(let e) = read { throw .readFailed(path: path, errno: e) }
        let prefix = min(size, JournalFormat.magic.count)
        guard bytes[0..<prefix].elementsEqual(JournalFormat.magic[0..<prefix]) else { throw .notAJournal(path: path) }
    }

    /// Writes a fresh file header to an empty (or truncated) file and makes it and its
    /// directory entry durable. - Returns: the creation time recorded.
    static func createJournal(_ fd: Int32, path: String, now: FixTimestamp) throws(SessionStoreError) -> Int64 {
        if let e = JournalIO.truncate(fd, to: 0) { throw .writeFailed(path: path, errno: e) }
        var header = [UInt8](repeating: 0, count: JournalFormat.fileHeaderSize)
        let createdAt = now.nanosecondsSinceEpoch
        let failed = header.withUnsafeMutableBytes { raw -> Errno? in
            JournalFormat.writeFileHeader(to: raw.baseAddress!, createdAt: createdAt)
            return JournalIO.writeAll(fd, raw.baseAddress!, count: raw.count, at: 0)
        }
        if let e = failed { throw .writeFailed(path: path, errno: e) }
        if let e = JournalIO.syncData(fd) { throw .syncFailed(path: path, errno: e) }
        if let e = JournalIO.syncDirectory(containing: path) { throw .syncFailed(path: path, errno: e) }
        return createdAt
    }

    /// Reads and checks the file header. - Returns: the journal's creation time.
    static func readFileHeader(_ fd: Int32, path: String) throws(SessionStoreError) -> Int64 {
        var header = [UInt8](repeating: 0, count: JournalFormat.fileHeaderSize)
        let read = header.withUnsafeMutableBytes { JournalIO.readFully(fd, $0.baseAddress!, count: $0.count, at: 0) }
        if case .failure(let e) = read { throw .readFailed(path: path, errno: e) }
        let check = header.withUnsafeBytes { JournalFormat.checkFileHeader($0.baseAddress!) }
        switch check {
        case .valid(let createdAt): return createdAt
        case .foreign: throw .notAJournal(path: path)
        case .unsupportedVersion(let v): throw .unsupportedVersion(path: path, version: v)
        case .damaged: throw .corruptFileHeader(path: path)
        }
    }

    /// Replays every complete, intact record after the file header into `state`, reading the
    /// file in 1 MiB chunks. - Returns: where the intact records end, how many there were, and
    /// why the scan stopped early (nil: it reached the end of the file).
    static func scanRecords(_ fd: Int32, size: Int, path: String, into state: inout JournalState)
        throws(SessionStoreError) -> (end: Int, records: Int, damage: RecoveryReport.DamageKind?) {
        var chunk = RawScratchBuffer(capacity: 1 << 20)
        defer { chunk.deallocate() }
        var chunkStart = 0
        var chunkCount = 0

        // Makes file bytes offset..<offset+count available in `chunk`.
        // Returns how many of them exist (fewer only at the end of the file).
        func load(_ offset: Int, _ count: Int) throws(SessionStoreError) -> Int {
            if offset >= chunkStart && offset + count <= chunkStart + chunkCount { return count }
            chunk.ensureCapacity(count)
            chunkStart = offset
            switch JournalIO.readFully(fd, chunk.base, count: min(chunk.capacity, size - offset), at: offset) {
            case .success(let n): chunkCount = n
            case .failure(let e): throw .readFailed(path: path, errno: e)
            }
            return min(chunkCount, count)
        }

        var offset = JournalFormat.fileHeaderSize
        var records = 0
        while offset < size {
            let available = try load(offset, JournalFormat.recordHeaderSize)
            if available < JournalFormat.recordHeaderSize {
                return (offset, records, .incompleteRecord(needed: JournalFormat.recordHeaderSize, available: available))
            }
            guard let header = JournalRecordHeader(chunk.base + (offset - chunkStart)) else {
                return (offset, records, .malformedHeader)
            }
            let total = header.recordLength
            let got = try load(offset, total)
            if got < total { return (offset, records, .incompleteRecord(needed: total, available: got)) }
            guard JournalFormat.isIntact(chunk.base + (offset - chunkStart), count: total) else {
                return (offset, records, .checksumMismatch)
            }
            switch header.kind {
            case .outbound:
                state.recordOutbound(seqNum: header.seqNum, offset: offset, length: header.payloadLength, timestamp: header.timestamp)
            case .nextTargetSeqNum:
                state.nextTargetSeqNum = header.seqNum
            case .nextSenderSeqNum:
                state.setNextSender(header.seqNum)
            case .reset:
                state.reset()
            }
            records += 1
            offset += total
        }
        return (offset, records, nil)
    }
}

import FixCodec
@testable import FixSession
import FixTransport
import Foundation
import TestSupport
import Testing

/// The file store's own promises: restart continuity, locking, refusing foreign files,
/// retention across reopen, compaction, fsync policies, path naming.
@Suite("File session store")
struct FileSessionStoreTests {
    static let quiet = FileSessionStore.Configuration(fsyncPolicy: .never, retention: nil)

    static func open(_ path: String, _ configuration: FileSessionStore.Configuration = quiet,
                     now: FixTimestamp = StoreSamples.time(0)) throws -> FileSessionStore {
        try FileSessionStore(path: path, configuration: configuration, now: now)
    }

    @Test("a restart continues both sequence numbers and can resend what was stored")
    func restartContinues() throws {
        let dir = try StoreTestDirectory()
        defer { dir.remove() }
        let path = dir.journal()
        do {
            let s = try Self.open(path)
            #expect(s.recoveryReport.createdNewJournal)
            for seq in 1...5 { try s.appendMessage(StoreSamples.message(seq: seq), seqNum: seq) }
            try s.setNextTargetSeqNum(4)
            try s.close()
        }
        let s = try Self.open(path)
        let r = s.recoveryReport
        #expect(!r.createdNewJournal && r.damage == nil && r.droppedBytes == 0)
        #expect(r.recordsRecovered == 6, "5 messages and 1 target update")
        #expect(r.storedMessages == 5 && r.nextSenderSeqNum == 6 && r.nextTargetSeqNum == 4)
        #expect(s.nextSenderSeqNum == 6 && s.nextTargetSeqNum == 4)
        #expect(try s.outbound(from: 1, through: nil).map(\.bytes) == (1...5).map { StoreSamples.message(seq: $0) })
        try s.appendMessage(StoreSamples.message(seq: 6), seqNum: 6)
        try s.close()
        #expect(try Self.open(path).nextSenderSeqNum == 7)
    }

    @Test("a process that dies without close loses nothing it wrote (page cache survives the process)")
    func restartWithoutClose() throws {
        let dir = try StoreTestDirectory()
        defer { dir.remove() }
        do {
            let s = try Self.open(dir.journal())
            for seq in 1...3 { try s.appendMessage(StoreSamples.message(seq: seq), seqNum: seq) }
            try s.setNextTargetSeqNum(9)
            // No close: deinit only releases the descriptor and the lock, like process exit.
        }
        let s = try Self.open(dir.journal())
        #expect(s.nextSenderSeqNum == 4 && s.nextTargetSeqNum == 9 && s.storedMessageCount == 3)
    }

    @Test("the file holds exactly the records written: 32-byte header, 28-byte record headers, payloads")
    func fileLayout() throws {
        let dir = try StoreTestDirectory()
        defer { dir.remove() }
        let s = try Self.open(dir.journal())
        var expected = JournalFormat.fileHeaderSize
        for seq in 1...4 {
            let m = StoreSamples.message(seq: seq)
            try s.appendMessage(m, seqNum: seq)
            expected += 28 + m.count
        }
        try s.setNextTargetSeqNum(2)
        expected += 28
        #expect(s.fileSize == expected)
        #expect(StoreFiles.bytes(dir.journal()).count == expected)
        #expect(Array(StoreFiles.bytes(dir.journal()).prefix(8)) == Array("KXFIXJNL".utf8))
    }

    @Test("reset survives a restart and empties the journal")
    func resetPersists() throws {
        let dir = try StoreTestDirectory()
        defer { dir.remove() }
        do {
            let s = try Self.open(dir.journal())
            for seq in 1...20 { try s.appendMessage(StoreSamples.message(seq: seq), seqNum: seq) }
            try s.setNextTargetSeqNum(30)
            try s.reset()
            #expect(s.fileSize == 32 + 28, "only the file header and the reset record remain")
            try s.appendMessage(StoreSamples.message(seq: 1, type: "A"), seqNum: 1)
            try s.close()
        }
        let s = try Self.open(dir.journal())
        #expect(s.nextSenderSeqNum == 2 && s.nextTargetSeqNum == 1)
        #expect(try s.outbound(from: 1, through: nil).map(\.bytes) == [StoreSamples.message(seq: 1, type: "A")])
    }

    @Test("moving the sender number back survives a restart")
    func senderBackPersists() throws {
        let dir = try StoreTestDirectory()
        defer { dir.remove() }
        let replacement = StoreSamples.message(seq: 3, variant: "second")
        do {
            let s = try Self.open(dir.journal())
            for seq in 1...5 { try s.appendMessage(StoreSamples.message(seq: seq), seqNum: seq) }
            try s.setNextSenderSeqNum(3)
            try s.appendMessage(replacement, seqNum: 3)
            try s.close()
        }
        let s = try Self.open(dir.journal())
        #expect(s.nextSenderSeqNum == 4)
        #expect(try s.outbound(from: 1, through: nil).map(\.bytes)
            == [StoreSamples.message(seq: 1), StoreSamples.message(seq: 2), replacement])
    }

    @Test("a second opener of the same journal fails with a lock error until the first closes")
    func secondOpenerIsLocked() throws {
        let dir = try StoreTestDirectory()
        defer { dir.remove() }
        let first = try Self.open(dir.journal())
        try first.appendMessage(StoreSamples.message(seq: 1), seqNum: 1)
        let error = storeError { _ = try Self.open(dir.journal()) }
        #expect(error == .locked(path: dir.journal()))
        #expect(error?.description.contains(dir.journal()) == true && error?.description.contains("locked") == true,
                "the message names the journal: \(String(describing: error))")
        try first.close()
        let second = try Self.open(dir.journal())
        #expect(second.nextSenderSeqNum == 2)
    }

    @Test("a store dropped without close releases its lock")
    func deinitReleasesLock() throws {
        let dir = try StoreTestDirectory()
        defer { dir.remove() }
        do { _ = try Self.open(dir.journal()) }
        _ = try Self.open(dir.journal())
    }

    @Test("a file that is not a journal is refused with a typed error and left untouched",
          arguments: ["This is not a session journal; it is a shopping list: eggs, milk, bread.\n", "hello"])
    func foreignFile(content: String) throws {
        let dir = try StoreTestDirectory()
        defer { dir.remove() }
        let path = dir.journal()
        let original = Array(content.utf8)
        try StoreFiles.write(original, to: path)
        let error = storeError { _ = try Self.open(path) }
        #expect(error == .notAJournal(path: path))
        #expect(error?.description.contains("not a session journal") == true)
        #expect(StoreFiles.bytes(path) == original, "a foreign file must not be modified")
        #expect(!StoreFiles.exists(path + ".compacting"))
    }

    @Test("a journal of another format version is refused and left untouched")
    func unsupportedVersion() throws {
        let dir = try StoreTestDirectory()
        defer { dir.remove() }
        let path = dir.journal()
        do {
            let s = try Self.open(path)
            try s.appendMessage(StoreSamples.message(seq: 1), seqNum: 1)
            try s.close()
        }
        var bytes = StoreFiles.bytes(path)
        bytes[8] = 2  // version 2, with a valid header CRC: a well-formed journal from the future
        let crc = bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<28])) }
        withUnsafeBytes(of: crc.littleEndian) { for i in 0..<4 { bytes[28 + i] = $0[i] } }
        try StoreFiles.write(bytes, to: path)
        #expect(storeError { _ = try Self.open(path) } == .unsupportedVersion(path: path, version: 2))
        #expect(StoreFiles.bytes(path) == bytes)
    }

    @Test("a damaged file header is refused rather than guessed at, and left untouched")
    func damagedFileHeader() throws {
        let dir = try StoreTestDirectory()
        defer { dir.remove() }
        let path = dir.journal()
        do {
            let s = try Self.open(path)
            try s.appendMessage(StoreSamples.message(seq: 1), seqNum: 1)
            try s.close()
        }
        var bytes = StoreFiles.bytes(path)
        bytes[20] ^= 0x40  // inside the creation time, covered by the header CRC
        try StoreFiles.write(bytes, to: path)
        let error = storeError { _ = try Self.open(path) }
        #expect(error == .corruptFileHeader(path: path))
        #expect(StoreFiles.bytes(path) == bytes)
    }

    @Test("an empty file, or one cut inside its file header, starts a new journal")
    func incompleteFileHeader() throws {
        let dir = try StoreTestDirectory()
        defer { dir.remove() }
        let path = dir.journal()
        try StoreFiles.write([], to: path)
        do {
            let s = try Self.open(path)
            #expect(s.recoveryReport.createdNewJournal && s.recoveryReport.damage == nil)
            try s.close()
        }
        let header = Array(StoreFiles.bytes(path).prefix(32))
        for cut in [1, 5, 8, 20, 31, 32] {
            var damaged = Array(header.prefix(cut))
            if cut == 32 { damaged[30] ^= 1 }  // complete length, bad CRC, no records
            try StoreFiles.write(damaged, to: path)
            let s = try Self.open(path)
            #expect(s.recoveryReport.createdNewJournal, "cut at \(cut)")
            #expect(s.recoveryReport.damage == .incompleteFileHeader && s.recoveryReport.droppedBytes == cut, "cut at \(cut)")
            #expect(s.nextSenderSeqNum == 1)
            try s.close()
        }
    }

    @Test("retention applies at open: expired messages are gone, numbers kept, and the compaction survives reopen")
    func retentionAcrossReopen() throws {
        let dir = try StoreTestDirectory()
        defer { dir.remove() }
        let path = dir.journal()
        var configuration = Self.quiet
        configuration.retention = .seconds(3600)
        do {
            let s = try Self.open(path, configuration, now: StoreSamples.time(0))
            try s.appendMessage(StoreSamples.message(seq: 1), seqNum: 1, at: StoreSamples.time(0))
            try s.appendMessage(StoreSamples.message(seq: 2), seqNum: 2, at: StoreSamples.time(600))
            try s.appendMessage(StoreSamples.message(seq: 3), seqNum: 3, at: StoreSamples.time(7200))
            try s.setNextTargetSeqNum(9)
            try s.close()
        }
        let later = StoreSamples.time(9000)  // cutoff 5400 s: messages 1 and 2 expired
        do {
            let s = try Self.open(path, configuration, now: later)
            let r = s.recoveryReport
            #expect(r.compacted && r.expiredMessages == 2, "report: \(r)")
            #expect(r.storedMessages == 1 && r.nextSenderSeqNum == 4 && r.nextTargetSeqNum == 9)
            #expect(try s.outbound(from: 1, through: nil).map(\.bytes) == [StoreSamples.message(seq: 3)])
            #expect(!StoreFiles.exists(path + ".compacting"))
            try s.close()
        }
        let s = try Self.open(path, configuration, now: later)
        #expect(!s.recoveryReport.compacted, "nothing left to compact")
        #expect(s.recoveryReport.recordsRecovered == 3, "message 3 plus the two sequence-number records")
        #expect(try s.storedSeqNums() == [3])
        #expect(s.nextSenderSeqNum == 4 && s.nextTargetSeqNum == 9)
    }

    @Test("when every message has expired the sequence numbers still continue")
    func everythingExpired() throws {
        let dir = try StoreTestDirectory()
        defer { dir.remove() }
        var configuration = Self.quiet
        configuration.retention = .seconds(60)
        do {
            let s = try Self.open(dir.journal(), configuration)
            for seq in 1...10 { try s.appendMessage(StoreSamples.message(seq: seq), seqNum: seq, at: StoreSamples.time(0)) }
            try s.setNextTargetSeqNum(17)
            try s.close()
        }
        let s = try Self.open(dir.journal(), configuration, now: StoreSamples.time(86_400))
        #expect(s.recoveryReport.expiredMessages == 10)
        #expect(s.storedMessageCount == 0 && s.nextSenderSeqNum == 11 && s.nextTargetSeqNum == 17)
        #expect(s.fileSize == 32 + 2 * 28)
    }

    @Test("explicit compaction reclaims superseded records; appends and reopen continue")
    func explicitCompaction() throws {
        let dir = try StoreTestDirectory()
        defer { dir.remove() }
        let s = try Self.open(dir.journal())
        for seq in 1...3 { try s.appendMessage(StoreSamples.message(seq: seq), seqNum: seq) }
        for n in 2...1001 { try s.setNextTargetSeqNum(n) }  // one record per inbound message
        #expect(s.reclaimableBytes >= 999 * 28)
        let before = s.fileSize
        #expect(try s.compact(now: StoreSamples.time(0)) == 0)
        #expect(s.reclaimableBytes == 2 * 28, "only the two sequence-number records remain beside the messages")
        #expect(s.fileSize == before - 1000 * 28 + 2 * 28, "1000 target records become one, plus one sender record")
        #expect(StoreFiles.bytes(dir.journal()).count == s.fileSize)
        try s.appendMessage(StoreSamples.message(seq: 4), seqNum: 4)
        try s.setNextTargetSeqNum(1002)
        try s.close()
        let again = try Self.open(dir.journal())
        #expect(again.nextSenderSeqNum == 5 && again.nextTargetSeqNum == 1002)
        #expect(try again.outbound(from: 1, through: nil).map(\.bytes) == (1...4).map { StoreSamples.message(seq: $0) })
    }

    @Test("needsCompaction turns true past the threshold, and open then compacts")
    func compactionThreshold() throws {
        let dir = try StoreTestDirectory()
        defer { dir.remove() }
        var configuration = Self.quiet
        configuration.compactionThreshold = 1000
        do {
            let s = try Self.open(dir.journal(), configuration)
            try s.appendMessage(StoreSamples.message(seq: 1), seqNum: 1)
            for n in 2...30 { try s.setNextTargetSeqNum(n) }
            #expect(!s.needsCompaction)
            for n in 31...40 { try s.setNextTargetSeqNum(n) }
            #expect(s.needsCompaction, "\(s.reclaimableBytes) reclaimable bytes")
            try s.close()
        }
        let s = try Self.open(dir.journal(), configuration)
        #expect(s.recoveryReport.compacted && s.recoveryReport.expiredMessages == 0)
        #expect(!s.needsCompaction && s.nextTargetSeqNum == 40 && s.storedMessageCount == 1)
    }

    @Test("a compaction's leftover temporary file is ignored and removed at open")
    func staleCompactionFile() throws {
        let dir = try StoreTestDirectory()
        defer { dir.remove() }
        do {
            let s = try Self.open(dir.journal())
            try s.appendMessage(StoreSamples.message(seq: 1), seqNum: 1)
            try s.close()
        }
        try StoreFiles.write(Array("half a compaction".utf8), to: dir.journal() + ".compacting")
        let s = try Self.open(dir.journal())
        #expect(s.nextSenderSeqNum == 2)
        #expect(!StoreFiles.exists(dir.journal() + ".compacting"))
    }

    @Test("every fsync policy stores, compacts, flushes and recovers the same",
          arguments: [FileSessionStore.FsyncPolicy.never, .everyWrite, .interval(.milliseconds(5))])
    func fsyncPolicies(policy: FileSessionStore.FsyncPolicy) throws {
        let dir = try StoreTestDirectory()
        defer { dir.remove() }
        let configuration = FileSessionStore.Configuration(fsyncPolicy: policy, retention: nil)
        do {
            let s = try Self.open(dir.journal(), configuration)
            for seq in 1...20 { try s.appendMessage(StoreSamples.message(seq: seq), seqNum: seq) }
            try s.setNextTargetSeqNum(3)
            try s.flush()
            try s.compact(now: StoreSamples.time(0))  // swaps the descriptor (and the sync thread)
            for seq in 21...25 { try s.appendMessage(StoreSamples.message(seq: seq), seqNum: seq) }
            usleep(20_000)  // let an interval sync run
            try s.setNextTargetSeqNum(4)
            try s.close()
        }
        let s = try Self.open(dir.journal(), configuration)
        #expect(s.nextSenderSeqNum == 26 && s.nextTargetSeqNum == 4 && s.storedMessageCount == 25)
    }

    @Test("a message damaged on disk after it was stored is reported, not resent; compaction refuses to copy it")
    func damageAfterOpen() throws {
        let dir = try StoreTestDirectory()
        defer { dir.remove() }
        let path = dir.journal()
        let s = try Self.open(path)
        try s.appendMessage(StoreSamples.message(seq: 1), seqNum: 1)
        let second = s.fileSize
        try s.appendMessage(StoreSamples.message(seq: 2), seqNum: 2)
        // Flip a payload byte behind the store's back (in place, same inode).
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: UInt64(second + 28 + 10))
        let byte = try #require(try handle.read(upToCount: 1)).first!
        try handle.seek(toOffset: UInt64(second + 28 + 10))
        try handle.write(contentsOf: [byte ^ 0x01])
        try handle.close()

        #expect(try s.outbound(from: 1, through: 1).count == 1, "the intact message still reads")
        #expect(storeError { _ = try s.outbound(from: 2, through: 2) } == .corruptRecord(path: path, offset: second))
        let before = StoreFiles.bytes(path)
        #expect(storeError { try s.compact(now: StoreSamples.time(0)) } == .corruptRecord(path: path, offset: second))
        #expect(StoreFiles.bytes(path) == before, "a failed compaction leaves the journal as it was")
        #expect(!StoreFiles.exists(path + ".compacting"))
        try s.appendMessage(StoreSamples.message(seq: 3), seqNum: 3)  // and the store keeps working
    }

    @Test("opening in a missing directory names the path and the errno")
    func cannotOpen() throws {
        let path = "/nonexistent-kfx-dir/session.fixjournal"
        let error = storeError { _ = try Self.open(path) }
        #expect(error == .cannotOpen(path: path, errno: Errno(ENOENT)))
        #expect(error?.description.contains("ENOENT") == true && error?.description.contains(path) == true,
                "\(String(describing: error))")
    }

    @Test("journal paths are per session, inside the directory, and distinct for distinct IDs")
    func journalPath() {
        #expect(FileSessionStore.journalPath(directory: "/var/lib/kfx", senderCompID: "key-1", targetCompID: "KalshiRT")
            == "/var/lib/kfx/key-1_KalshiRT.fixjournal")
        #expect(FileSessionStore.journalPath(directory: "/d/", senderCompID: "a/b", targetCompID: "c_d")
            == "/d/a%2Fb_c%5Fd.fixjournal")
        #expect(FileSessionStore.journalPath(directory: "", senderCompID: "k", targetCompID: "KalshiPT") == "./k_KalshiPT.fixjournal")
        #expect(FileSessionStore.journalPath(directory: "/", senderCompID: "k", targetCompID: "T") == "/k_T.fixjournal")
        #expect(FileSessionStore.journalPath(directory: "/d", senderCompID: "a_b", targetCompID: "c")
            != FileSessionStore.journalPath(directory: "/d", senderCompID: "a", targetCompID: "b_c"))
    }

    @Test("random operations: the file store after every reopen equals the memory store")
    func matchesMemoryModel() throws {
        let dir = try StoreTestDirectory()
        defer { dir.remove() }
        var rng = SplitMix64(seed: 0x5EED_F1C5)
        let model = InMemorySessionStore()
        var file = try Self.open(dir.journal())
        for step in 1...400 {
            let roll = Int.random(in: 0..<100, using: &rng)
            switch roll {
            case 0..<60:
                let seq = model.nextSenderSeqNum + (Int.random(in: 0..<10, using: &rng) == 0 ? 2 : 0)
                let m = StoreSamples.message(seq: seq, variant: "s\(step)")
                try model.appendMessage(m, seqNum: seq)
                try file.appendMessage(m, seqNum: seq)
            case 60..<85:
                let n = max(1, model.nextTargetSeqNum + Int.random(in: -1...3, using: &rng))
                try model.setNextTargetSeqNum(n)
                try file.setNextTargetSeqNum(n)
            case 85..<97:
                let n = max(1, model.nextSenderSeqNum + Int.random(in: -4...3, using: &rng))
                try model.setNextSenderSeqNum(n)
                try file.setNextSenderSeqNum(n)
            default:
                try model.reset()
                try file.reset()
            }
            if step % 25 == 0 {
                try file.close()
                file = try Self.open(dir.journal())
                #expect(file.recoveryReport.damage == nil)
            }
            #expect(file.nextSenderSeqNum == model.nextSenderSeqNum && file.nextTargetSeqNum == model.nextTargetSeqNum,
                    "step \(step)")
            if step % 25 == 0 {
                let a = try file.outbound(from: 1, through: nil)
                let b = try model.outbound(from: 1, through: nil)
                #expect(a.map(\.seqNum) == b.map(\.seqNum) && a.map(\.bytes) == b.map(\.bytes), "step \(step)")
            }
        }
        try file.close()
    }
}

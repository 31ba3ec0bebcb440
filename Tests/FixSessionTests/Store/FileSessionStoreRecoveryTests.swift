import FixCodec
@testable import FixSession
import Foundation
import Testing

/// Crash recovery: a journal cut at any byte, or with any byte flipped, reopens with every
/// complete record before the damage, is truncated there, and says what it dropped.
@Suite("File session store crash recovery")
struct FileSessionStoreRecoveryTests {
    static let configuration = FileSessionStore.Configuration(fsyncPolicy: .never, retention: nil)

    /// A journal of `count` messages (seq 1...count), closed; its bytes and record start
    /// offsets (`starts[i]` = offset of message i+1; `starts[count]` = end of file).
    struct Journal {
        let directory: StoreTestDirectory
        let path: String
        let bytes: [UInt8]
        let starts: [Int]
        let messages: [[UInt8]]

        init(count: Int, trailingTargetUpdate: Bool = false) throws {
            directory = try StoreTestDirectory()
            path = directory.journal()
            let s = try FileSessionStore(path: path, configuration: FileSessionStoreRecoveryTests.configuration,
                                         now: StoreSamples.time(0))
            var starts: [Int] = []
            var messages: [[UInt8]] = []
            for seq in 1...count {
                starts.append(s.fileSize)
                let m = StoreSamples.message(seq: seq)
                messages.append(m)
                try s.appendMessage(m, seqNum: seq, at: StoreSamples.time(Int64(seq)))
            }
            if trailingTargetUpdate {
                try s.setNextTargetSeqNum(5)
                starts.append(s.fileSize)
                try s.setNextTargetSeqNum(6)
            }
            starts.append(s.fileSize)
            try s.close()
            bytes = StoreFiles.bytes(path)
            self.starts = starts
            self.messages = messages
            precondition(bytes.count == starts.last!)
        }

        /// Replaces the journal with `damaged`, reopens it and checks that exactly the first
        /// `survivors` messages remain, truncated at `starts[survivors]`.
        func reopen(_ damaged: [UInt8], expectSurvivors survivors: Int, what: String,
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> FileSessionStore.RecoveryReport {
            try StoreFiles.write(damaged, to: path)
            let s = try FileSessionStore(path: path, configuration: FileSessionStoreRecoveryTests.configuration,
                                         now: StoreSamples.time(0))
            defer { try? s.close() }
            let report = s.recoveryReport
            let cut = starts[survivors]
            #expect(s.storedMessageCount == survivors, "\(what): \(report)", sourceLocation: sourceLocation)
            #expect(try s.outbound(from: 1, through: nil).map(\.bytes) == Array(messages.prefix(survivors)),
                    "\(what): the surviving messages must be intact", sourceLocation: sourceLocation)
            #expect(s.nextSenderSeqNum == survivors + 1, "\(what)", sourceLocation: sourceLocation)
            #expect(s.fileSize == cut && StoreFiles.bytes(path).count == cut,
                    "\(what): the file must be truncated at the last complete record (\(cut))", sourceLocation: sourceLocation)
            if damaged.count > cut {
                #expect(report.truncatedAt == cut && report.droppedBytes == damaged.count - cut && report.damage != nil,
                        "\(what): the report must say what was dropped: \(report)", sourceLocation: sourceLocation)
            } else {
                #expect(report.damage == nil && report.droppedBytes == 0, "\(what): \(report)", sourceLocation: sourceLocation)
            }
            return report
        }
    }

    @Test("cut at every byte of the last record: the records before it survive")
    func truncateLastRecordEverywhere() throws {
        let j = try Journal(count: 5)
        defer { j.directory.remove() }
        let start = j.starts[4]
        for cut in start..<j.bytes.count {
            let report = try j.reopen(Array(j.bytes[0..<cut]), expectSurvivors: 4, what: "cut at \(cut)")
            let available = cut - start
            if available == 0 { continue }
            let expected: FileSessionStore.RecoveryReport.DamageKind = available < 28
                ? .incompleteRecord(needed: 28, available: available)
                : .incompleteRecord(needed: j.bytes.count - start, available: available)
            #expect(report.damage == expected, "cut at \(cut): \(report)")
        }
    }

    @Test("cut at every byte of the first three records: only the whole records before the cut survive")
    func truncateEarlierRecordsEverywhere() throws {
        let j = try Journal(count: 5)
        defer { j.directory.remove() }
        for record in 0..<3 {
            for cut in j.starts[record]..<j.starts[record + 1] {
                _ = try j.reopen(Array(j.bytes[0..<cut]), expectSurvivors: record, what: "record \(record + 1), cut at \(cut)")
            }
        }
    }

    @Test("a torn trailing sequence-number update falls back to the previous value")
    func tornTargetUpdate() throws {
        let j = try Journal(count: 3, trailingTargetUpdate: true)
        defer { j.directory.remove() }
        let last = j.starts[j.starts.count - 2]
        for cut in last..<j.bytes.count {
            try StoreFiles.write(Array(j.bytes[0..<cut]), to: j.path)
            let s = try FileSessionStore(path: j.path, configuration: Self.configuration)
            #expect(s.nextTargetSeqNum == 5 && s.nextSenderSeqNum == 4 && s.fileSize == last, "cut at \(cut)")
            try s.close()
        }
    }

    @Test("a flipped byte anywhere in a record's payload fails its CRC: the journal is truncated there", arguments: [0, 2, 4])
    func flippedPayloadByte(record: Int) throws {
        let j = try Journal(count: 5)
        defer { j.directory.remove() }
        for position in (j.starts[record] + 28)..<j.starts[record + 1] {
            var damaged = j.bytes
            damaged[position] ^= 0x20
            let report = try j.reopen(damaged, expectSurvivors: record, what: "flip at \(position) (message \(record + 1))")
            #expect(report.damage == .checksumMismatch, "flip at \(position): \(report)")
        }
    }

    @Test("a flipped bit anywhere in a record header stops recovery at that record")
    func flippedHeaderBit() throws {
        let j = try Journal(count: 4)
        defer { j.directory.remove() }
        let record = 2
        for position in j.starts[record]..<(j.starts[record] + 28) {
            for bit in [0, 7] {
                var damaged = j.bytes
                damaged[position] ^= UInt8(1 << bit)
                // Depending on the field: CRC mismatch, malformed header, or a length reaching
                // past the end of the file; never a replayed record.
                _ = try j.reopen(damaged, expectSurvivors: record, what: "bit \(bit) of byte \(position)")
            }
        }
    }

    @Test("after recovery the journal continues cleanly: the next append lands on the record boundary")
    func appendAfterRecovery() throws {
        let j = try Journal(count: 5)
        defer { j.directory.remove() }
        try StoreFiles.write(Array(j.bytes[0..<(j.starts[4] + 40)]), to: j.path)
        do {
            let s = try FileSessionStore(path: j.path, configuration: Self.configuration)
            #expect(s.recoveryReport.droppedBytes == 40)
            #expect(s.nextSenderSeqNum == 5, "message 5 was torn, so its number is free again")
            try s.appendMessage(StoreSamples.message(seq: 5, variant: "resent"), seqNum: 5)
            try s.close()
        }
        let s = try FileSessionStore(path: j.path, configuration: Self.configuration)
        #expect(s.recoveryReport.damage == nil && s.recoveryReport.recordsRecovered == 5)
        #expect(try s.outbound(from: 5, through: 5).map(\.bytes) == [StoreSamples.message(seq: 5, variant: "resent")])
    }

    @Test("garbage appended after the last record is cut off")
    func trailingGarbage() throws {
        let j = try Journal(count: 3)
        defer { j.directory.remove() }
        let report = try j.reopen(j.bytes + Array(repeating: 0, count: 100), expectSurvivors: 3, what: "100 zero bytes")
        #expect(report.damage == .malformedHeader, "zero bytes are kind 0: \(report)")
        let report2 = try j.reopen(j.bytes + Array(repeating: 0xFF, count: 7), expectSurvivors: 3, what: "7 bytes")
        #expect(report2.damage == .incompleteRecord(needed: 28, available: 7))
    }
}

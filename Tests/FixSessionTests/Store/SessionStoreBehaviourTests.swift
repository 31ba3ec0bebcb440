import FixCodec
@testable import FixSession
import Testing

/// What every ``SessionStore`` must do, run against the memory and the file store alike.
@Suite("Session store behaviour (memory and file)")
struct SessionStoreBehaviourTests {
    @Test("a fresh store starts at 1/1 with nothing stored", arguments: StoreKind.allCases)
    func fresh(kind: StoreKind) throws {
        let fixture = try StoreUnderTest(kind)
        defer { withExtendedLifetime(fixture) {} }
        let s = fixture.store
        #expect(s.nextSenderSeqNum == 1 && s.nextTargetSeqNum == 1)
        #expect(s.storedMessageCount == 0)
        #expect(try s.storedSeqNums() == [])
    }

    @Test("appended messages come back byte for byte, for closed and open-ended ranges", arguments: StoreKind.allCases)
    func appendAndReadBack(kind: StoreKind) throws {
        let fixture = try StoreUnderTest(kind)
        defer { withExtendedLifetime(fixture) {} }
        let s = fixture.store
        let messages = (1...6).map { StoreSamples.message(seq: $0) }
        for (i, m) in messages.enumerated() { try s.appendMessage(m, seqNum: i + 1, at: StoreSamples.time(Int64(i))) }
        #expect(s.nextSenderSeqNum == 7, "append advances the next sender sequence number")
        #expect(s.storedMessageCount == 6)

        // (BeginSeqNo, EndSeqNo) -> expected sequence numbers; nil = EndSeqNo 0 (infinity).
        let cases: [(Int, Int?, [Int])] = [
            (1, 6, [1, 2, 3, 4, 5, 6]), (1, nil, [1, 2, 3, 4, 5, 6]), (2, nil, [2, 3, 4, 5, 6]),
            (3, 3, [3]), (2, 4, [2, 3, 4]), (0, 2, [1, 2]), (-5, 1, [1]), (6, nil, [6]),
            (7, nil, []), (5, 100, [5, 6]), (4, 2, []),
        ]
        for (first, last, expected) in cases {
            let got = try s.outbound(from: first, through: last)
            #expect(got.map(\.seqNum) == expected, "range \(first)...\(last.map(String.init) ?? "∞")")
            for (seq, bytes) in got {
                #expect(bytes == messages[seq - 1], "message \(seq) must come back unchanged")
            }
        }
    }

    @Test("numbers never stored are absent, so the session can gap-fill them", arguments: StoreKind.allCases)
    func gapsAreAbsent(kind: StoreKind) throws {
        let fixture = try StoreUnderTest(kind)
        defer { withExtendedLifetime(fixture) {} }
        let s = fixture.store
        for seq in [1, 2, 5, 9] { try s.appendMessage(StoreSamples.message(seq: seq), seqNum: seq) }
        #expect(s.nextSenderSeqNum == 10)
        #expect(try s.storedSeqNums() == [1, 2, 5, 9])
        #expect(try s.outbound(from: 3, through: 4).isEmpty)
        #expect(try s.outbound(from: 3, through: 8).map(\.seqNum) == [5])
    }

    @Test("a sequence number below the next one is refused and changes nothing", arguments: StoreKind.allCases)
    func refusesReusedSeqNum(kind: StoreKind) throws {
        let fixture = try StoreUnderTest(kind)
        defer { withExtendedLifetime(fixture) {} }
        let s = fixture.store
        try s.appendMessage(StoreSamples.message(seq: 1), seqNum: 1)
        try s.appendMessage(StoreSamples.message(seq: 2), seqNum: 2)
        for seq in [2, 1] {
            let error = storeError { try s.appendMessage(StoreSamples.message(seq: seq, variant: "dup"), seqNum: seq) }
            #expect(error == .sequenceNumberTooLow(seqNum: seq, nextSenderSeqNum: 3))
        }
        #expect(s.nextSenderSeqNum == 3 && s.storedMessageCount == 2)
        #expect(try s.outbound(from: 2, through: 2).first?.bytes == StoreSamples.message(seq: 2))
    }

    @Test("sequence numbers below 1 are refused", arguments: StoreKind.allCases)
    func invalidSeqNums(kind: StoreKind) throws {
        let fixture = try StoreUnderTest(kind)
        defer { withExtendedLifetime(fixture) {} }
        let s = fixture.store
        #expect(storeError { try s.setNextTargetSeqNum(0) } == .invalidSequenceNumber(0))
        #expect(storeError { try s.setNextSenderSeqNum(-1) } == .invalidSequenceNumber(-1))
        #expect(s.nextSenderSeqNum == 1 && s.nextTargetSeqNum == 1)
    }

    @Test("the next target sequence number follows inbound messages and SequenceReset", arguments: StoreKind.allCases)
    func targetSeqNum(kind: StoreKind) throws {
        let fixture = try StoreUnderTest(kind)
        defer { withExtendedLifetime(fixture) {} }
        let s = fixture.store
        for n in [2, 3, 4, 4, 40] { try s.setNextTargetSeqNum(n) }
        #expect(s.nextTargetSeqNum == 40)
        try s.setNextTargetSeqNum(7)  // an operator's correction may go back
        #expect(s.nextTargetSeqNum == 7)
        #expect(s.nextSenderSeqNum == 1, "the sender number is independent")
    }

    @Test("moving the sender number forward keeps messages; moving it back discards those at or above it",
          arguments: StoreKind.allCases)
    func senderSeqNum(kind: StoreKind) throws {
        let fixture = try StoreUnderTest(kind)
        defer { withExtendedLifetime(fixture) {} }
        let s = fixture.store
        for seq in 1...5 { try s.appendMessage(StoreSamples.message(seq: seq), seqNum: seq) }
        try s.setNextSenderSeqNum(8)  // SequenceReset-Reset forward
        #expect(s.nextSenderSeqNum == 8 && s.storedMessageCount == 5)
        try s.appendMessage(StoreSamples.message(seq: 8), seqNum: 8)
        #expect(try s.storedSeqNums() == [1, 2, 3, 4, 5, 8])

        try s.setNextSenderSeqNum(3)
        #expect(s.nextSenderSeqNum == 3)
        #expect(try s.storedSeqNums() == [1, 2], "messages 3 and up can no longer be resent under their numbers")
        let replacement = StoreSamples.message(seq: 3, variant: "replacement")
        try s.appendMessage(replacement, seqNum: 3)
        #expect(try s.outbound(from: 3, through: nil).map(\.bytes) == [replacement])
        #expect(try s.outbound(from: 1, through: 1).map(\.bytes) == [StoreSamples.message(seq: 1)])
    }

    @Test("reset (141=Y) returns both numbers to 1 and discards every message", arguments: StoreKind.allCases)
    func reset(kind: StoreKind) throws {
        let fixture = try StoreUnderTest(kind)
        defer { withExtendedLifetime(fixture) {} }
        let s = fixture.store
        for seq in 1...3 { try s.appendMessage(StoreSamples.message(seq: seq), seqNum: seq) }
        try s.setNextTargetSeqNum(5)
        try s.reset()
        #expect(s.nextSenderSeqNum == 1 && s.nextTargetSeqNum == 1 && s.storedMessageCount == 0)
        #expect(try s.storedSeqNums() == [])
        let fresh = StoreSamples.message(seq: 1, type: "A")
        try s.appendMessage(fresh, seqNum: 1)
        #expect(try s.outbound(from: 1, through: nil).map(\.bytes) == [fresh])
    }

    @Test("compaction discards messages older than the retention period and keeps the numbers", arguments: StoreKind.allCases)
    func retention(kind: StoreKind) throws {
        let fixture = try StoreUnderTest(kind, retention: .seconds(3600))
        defer { withExtendedLifetime(fixture) {} }
        let s = fixture.store
        try s.appendMessage(StoreSamples.message(seq: 1), seqNum: 1, at: StoreSamples.time(0))
        try s.appendMessage(StoreSamples.message(seq: 2), seqNum: 2, at: StoreSamples.time(1800))
        try s.appendMessage(StoreSamples.message(seq: 3), seqNum: 3, at: StoreSamples.time(7200))
        try s.setNextTargetSeqNum(12)
        #expect(try s.compact(now: StoreSamples.time(1801)) == 0, "nothing is an hour old yet")
        // Cutoff = now − 1 h = 3601 s: messages 1 (0 s) and 2 (1800 s) are older.
        #expect(try s.compact(now: StoreSamples.time(7201)) == 2)
        #expect(try s.storedSeqNums() == [3])
        #expect(try s.outbound(from: 1, through: nil).map(\.bytes) == [StoreSamples.message(seq: 3)])
        #expect(s.nextSenderSeqNum == 4 && s.nextTargetSeqNum == 12)
        #expect(try s.compact(now: StoreSamples.time(7201)) == 0)
        try s.appendMessage(StoreSamples.message(seq: 4), seqNum: 4, at: StoreSamples.time(7300))
        #expect(try s.storedSeqNums() == [3, 4], "appends continue after a compaction")
    }

    @Test("without a retention period compaction discards nothing", arguments: StoreKind.allCases)
    func noRetention(kind: StoreKind) throws {
        let fixture = try StoreUnderTest(kind, retention: nil)
        defer { withExtendedLifetime(fixture) {} }
        let s = fixture.store
        try s.appendMessage(StoreSamples.message(seq: 1), seqNum: 1, at: StoreSamples.time(0))
        #expect(try s.compact(now: StoreSamples.time(10 * 365 * 86_400)) == 0)
        #expect(try s.storedSeqNums() == [1])
    }

    @Test("a message over the size limit is refused", arguments: StoreKind.allCases)
    func messageTooLarge(kind: StoreKind) throws {
        let fixture = try StoreUnderTest(kind, maxMessageSize: 100)
        defer { withExtendedLifetime(fixture) {} }
        let s = fixture.store
        #expect(storeError { try s.appendMessage([UInt8](repeating: 65, count: 101), seqNum: 1) }
            == .messageTooLarge(bytes: 101, limit: 100))
        #expect(s.nextSenderSeqNum == 1)
        try s.appendMessage([UInt8](repeating: 65, count: 100), seqNum: 1)
        #expect(try s.outbound(from: 1, through: 1).first?.bytes.count == 100)
    }

    @Test("a closed store refuses work but still tells its sequence numbers", arguments: StoreKind.allCases)
    func closed(kind: StoreKind) throws {
        let fixture = try StoreUnderTest(kind)
        defer { withExtendedLifetime(fixture) {} }
        let s = fixture.store
        try s.appendMessage(StoreSamples.message(seq: 1), seqNum: 1)
        try s.close()
        try s.close()  // twice is fine
        let error = storeError { try s.appendMessage(StoreSamples.message(seq: 2), seqNum: 2) }
        guard case .closed = error else {
            Issue.record("append after close must throw .closed, got \(String(describing: error))")
            return
        }
        #expect(storeError { _ = try s.storedSeqNums() } != nil)
        #expect(s.nextSenderSeqNum == 2)
    }

    @Test("an error thrown by the resend body stops the iteration and comes out unchanged", arguments: StoreKind.allCases)
    func bodyErrorPropagates(kind: StoreKind) throws {
        struct SocketGone: Error {}
        let fixture = try StoreUnderTest(kind)
        defer { withExtendedLifetime(fixture) {} }
        let s = fixture.store
        for seq in 1...3 { try s.appendMessage(StoreSamples.message(seq: seq), seqNum: seq) }
        var delivered: [Int] = []
        do {
            try s.forEachOutbound(from: 1, through: nil) { seq, _ in
                delivered.append(seq)
                if seq == 2 { throw SocketGone() }
            }
            Issue.record("the body's error must propagate")
        } catch is SocketGone {
            #expect(delivered == [1, 2])
        }
    }
}

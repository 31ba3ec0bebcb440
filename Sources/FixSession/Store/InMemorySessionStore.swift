import FixCodec

/// A ``SessionStore`` that keeps everything in memory: for tests, and for sessions that never
/// retransmit (KalshiNR, KalshiDC, KalshiMD, KalshiRFQ always log on with 141=Y, so nothing of
/// theirs needs to outlive the process).
///
/// With `keepsMessages: false` it only counts sequence numbers: appends copy nothing, and a
/// resend finds nothing (the session gap-fills everything), which is exactly what a
/// non-retransmission session needs.
///
/// Message bytes live in one contiguous reserved byte array; ``compact(now:)`` discards
/// messages older than ``retention`` and frees their space. Otherwise the storage only grows,
/// so a long-lived session that keeps messages should compact now and then.
///
/// - Important: confined to one thread at a time, like every ``SessionStore``.
public final class InMemorySessionStore: SessionStore {
    /// How long stored messages stay resendable (nil: until ``reset()``). Applied by
    /// ``compact(now:)``.
    public let retention: Duration?
    /// The largest message ``append(outbound:seqNum:at:)`` accepts, in bytes.
    public let maxMessageSize: Int
    /// Whether message bytes are kept for resending (false: sequence numbers only).
    public let keepsMessages: Bool

    private var state: JournalState
    private var storage: [UInt8] = []
    private var isClosed = false

    public var nextSenderSeqNum: Int { state.nextSenderSeqNum }
    public var nextTargetSeqNum: Int { state.nextTargetSeqNum }
    public var storedMessageCount: Int { state.index.count }

    /// - Parameters:
    ///   - keepsMessages: false to store sequence numbers only (nothing to resend).
    ///   - retention: how long messages stay resendable; nil keeps them until reset.
    ///   - maxMessageSize: the largest message accepted, in bytes.
    ///   - expectedMessages / expectedBytes: capacity reserved up front, so appends do not
    ///     allocate until they are exceeded.
    public init(keepsMessages: Bool = true, retention: Duration? = nil, maxMessageSize: Int = 64 * 1024,
                expectedMessages: Int = 1024, expectedBytes: Int = 1 << 20) {
        precondition(maxMessageSize > 0, "maxMessageSize must be positive")
        self.keepsMessages = keepsMessages
        self.retention = retention
        self.maxMessageSize = maxMessageSize
        state = JournalState(reservingCapacity: keepsMessages ? expectedMessages : 0, recordOverhead: 0)
        if keepsMessages { storage.reserveCapacity(expectedBytes) }
    }

    public func append(outbound bytes: UnsafeRawBufferPointer, seqNum: Int, at time: FixTimestamp) throws(SessionStoreError) {
        try checkOpen()
        guard seqNum >= state.nextSenderSeqNum else {
            throw .sequenceNumberTooLow(seqNum: seqNum, nextSenderSeqNum: state.nextSenderSeqNum)
        }
        guard bytes.count <= maxMessageSize else { throw .messageTooLarge(bytes: bytes.count, limit: maxMessageSize) }
        guard keepsMessages else {
            state.nextSenderSeqNum = seqNum + 1
            return
        }
        let offset = storage.count
        storage.append(contentsOf: bytes)
        state.recordOutbound(seqNum: seqNum, offset: offset, length: bytes.count, timestamp: time.nanosecondsSinceEpoch)
    }

    public func setNextTargetSeqNum(_ seqNum: Int) throws(SessionStoreError) {
        try checkOpen()
        guard seqNum >= 1 else { throw .invalidSequenceNumber(seqNum) }
        state.nextTargetSeqNum = seqNum
    }

    public func setNextSenderSeqNum(_ seqNum: Int) throws(SessionStoreError) {
        try checkOpen()
        guard seqNum >= 1 else { throw .invalidSequenceNumber(seqNum) }
        state.setNextSender(seqNum)
        // The discarded messages were the newest, so their bytes are the storage's tail.
        let end = state.index.last.map { $0.offset + $0.length } ?? 0
        if storage.count > end { storage.removeLast(storage.count - end) }
    }

    public func forEachOutbound(from first: Int, through last: Int?,
                                _ body: (_ seqNum: Int, _ bytes: UnsafeRawBufferPointer) throws -> Void) throws {
        try checkOpen()
        let upper = last ?? Int.max
        var position = state.firstPosition(atOrAfter: max(first, 1))
        try storage.withUnsafeBytes { all in
            while position < state.index.count {
                let entry = state.index[position]
                if entry.seqNum > upper { break }
                try body(entry.seqNum, UnsafeRawBufferPointer(rebasing: all[entry.offset..<(entry.offset + entry.length)]))
                position += 1
            }
        }
    }

    public func reset() throws(SessionStoreError) {
        try checkOpen()
        state.reset()
        storage.removeAll(keepingCapacity: true)
    }

    @discardableResult
    public func compact(now: FixTimestamp) throws(SessionStoreError) -> Int {
        try checkOpen()
        guard let retention else { return 0 }
        let cutoff = now.nanosecondsSinceEpoch &- retention.saturatedNanoseconds
        let expired = state.index.reduce(0) { $0 + ($1.timestamp < cutoff ? 1 : 0) }
        guard expired > 0 else { return 0 }
        // Rebuild the storage without the expired messages (allocates: not a hot-path call).
        var kept: [UInt8] = []
        kept.reserveCapacity(storage.capacity)
        var survivors = state
        survivors.index.removeAll(keepingCapacity: true)
        survivors.liveBytes = 0
        for entry in state.index where entry.timestamp >= cutoff {
            let offset = kept.count
            kept.append(contentsOf: storage[entry.offset..<(entry.offset + entry.length)])
            survivors.index.append(JournalIndexEntry(seqNum: entry.seqNum, offset: offset, length: entry.length, timestamp: entry.timestamp))
            survivors.liveBytes += entry.length
        }
        storage = kept
        state = survivors
        return expired
    }

    /// Nothing to flush: memory is all there is.
    public func flush() throws(SessionStoreError) {
        try checkOpen()
    }

    public func close() throws(SessionStoreError) {
        isClosed = true
    }

    @inline(__always)
    private func checkOpen() throws(SessionStoreError) {
        if isClosed { throw .closed(path: "(memory)") }
    }
}

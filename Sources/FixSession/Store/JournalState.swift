/// Sequence numbers and the index of stored outbound messages, with the rules that change
/// them. Both the live write path and crash recovery apply records through these methods, so a
/// reopened journal reaches exactly the state the writer had.
///
/// The index is sorted by sequence number (appends must not go backwards) and reserved up
/// front: appending an entry does not allocate until the reservation is exceeded, after which
/// the array doubles (rare, amortised).
struct JournalState {
    var nextSenderSeqNum = 1
    var nextTargetSeqNum = 1
    var index: [JournalIndexEntry]
    /// Bytes the indexed messages occupy in the backing storage, including record headers for
    /// the file store (the record overhead passed to `init`).
    var liveBytes = 0
    let recordOverhead: Int

    init(reservingCapacity capacity: Int, recordOverhead: Int) {
        index = []
        index.reserveCapacity(max(capacity, 16))
        self.recordOverhead = recordOverhead
    }

    /// An outbound message `seqNum` was stored. Anything stored at or above `seqNum` is void
    /// (only possible on replay of a journal written by a caller that moved the sender number
    /// back; the live path refuses such appends).
    @inline(__always)
    mutating func recordOutbound(seqNum: Int, offset: Int, length: Int, timestamp: Int64) {
        // Indexing rather than `index.last`: the generic `last` allocates per call in debug
        // builds (unspecialised), and tests run debug builds.
        let count = index.count
        if count > 0 && index[count &- 1].seqNum >= seqNum { discardMessages(from: seqNum) }
        index.append(JournalIndexEntry(seqNum: seqNum, offset: offset, length: length, timestamp: timestamp))
        liveBytes &+= recordOverhead &+ length
        nextSenderSeqNum = seqNum &+ 1
    }

    /// The next sender sequence number is now `seqNum`; stored messages numbered `seqNum` or
    /// higher can never be resent under that number and are dropped.
    mutating func setNextSender(_ seqNum: Int) {
        discardMessages(from: seqNum)
        nextSenderSeqNum = seqNum
    }

    mutating func reset() {
        index.removeAll(keepingCapacity: true)
        liveBytes = 0
        nextSenderSeqNum = 1
        nextTargetSeqNum = 1
    }

    /// Drops indexed messages numbered `seqNum` or higher (a suffix: the index is sorted).
    mutating func discardMessages(from seqNum: Int) {
        while !index.isEmpty && index[index.count &- 1].seqNum >= seqNum {
            liveBytes &-= recordOverhead &+ index.removeLast().length
        }
    }

    /// Position of the first indexed message numbered `seqNum` or higher (`index.count` if none).
    /// - Complexity: O(log n).
    func firstPosition(atOrAfter seqNum: Int) -> Int {
        var low = 0
        var high = index.count
        while low < high {
            let mid = (low &+ high) >> 1
            if index[mid].seqNum < seqNum { low = mid &+ 1 } else { high = mid }
        }
        return low
    }
}

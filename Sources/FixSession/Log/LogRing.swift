import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A fixed-size single-producer/single-consumer byte ring of variable-length records.
///
/// ```
///   storage (capacity bytes, a power of two; positions are running byte counts, taken mod capacity)
///   ┌──────────────────────────────────────────────────────────┐
///   │ free │ record │ record │ record │          free          │
///   └──────────────────────────────────────────────────────────┘
///          ^ tail (consumer)          ^ head (producer)
/// ```
///
/// A record is a ``LogRecordHeader`` and the frame bytes, padded to 8 bytes; it may wrap around
/// the end of the storage (both sides copy in two pieces), so no space is lost to padding records.
/// The producer publishes with a releasing store of `head`, the consumer frees with a releasing
/// store of `tail`; each side caches the other's index and reloads it only when it looks short.
///
/// - Important: exactly one producer thread and one consumer thread.
final class LogRing: @unchecked Sendable {
    let capacity: Int
    private let mask: Int
    private let storage: UnsafeMutableRawPointer

    // The two indices on separate cache lines: the producer writes one, the consumer the other.
    private let head = Atomic<Int>(0)
    private let _pad0: (Int, Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0, 0)
    private let tail = Atomic<Int>(0)
    private let _pad1: (Int, Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0, 0)
    // Producer-only.
    private var producerHead = 0
    private var cachedTail = 0
    private let _pad2: (Int, Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0, 0)
    // Consumer-only.
    private var consumerTail = 0

    /// - Parameter capacity: bytes, rounded up to a power of two (at least 4 KiB).
    init(capacity: Int) {
        var size = 4096
        while size < capacity { size <<= 1 }
        self.capacity = size
        mask = size - 1
        storage = .allocate(byteCount: size, alignment: 64)
        // Touch every page now, so the first records do not page-fault on the I/O thread.
        storage.initializeMemory(as: UInt8.self, repeating: 0, count: size)
    }

    deinit { storage.deallocate() }

    static func recordSize(frameLength: Int) -> Int {
        (MemoryLayout<LogRecordHeader>.size + frameLength + 7) & ~7
    }

    // MARK: Producer

    /// Appends one record, or returns false when it does not fit (nothing is written).
    /// - Complexity: O(frame bytes); no allocation, no lock, no syscall.
    @inline(__always)
    func tryWrite(_ header: LogRecordHeader, _ frame: UnsafeRawBufferPointer) -> Bool {
        let size = Self.recordSize(frameLength: frame.count)
        let h = producerHead
        if size > capacity - (h - cachedTail) {
            cachedTail = tail.load(ordering: .acquiring)
            if size > capacity - (h - cachedTail) { return false }
        }
        withUnsafeBytes(of: header) { copyIn($0, at: h) }
        copyIn(frame, at: h + MemoryLayout<LogRecordHeader>.size)
        producerHead = h + size
        head.store(h + size, ordering: .releasing)
        return true
    }

    @inline(__always)
    private func copyIn(_ bytes: UnsafeRawBufferPointer, at position: Int) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        let offset = position & mask
        let first = min(bytes.count, capacity - offset)
        (storage + offset).copyMemory(from: source, byteCount: first)
        if first < bytes.count {
            storage.copyMemory(from: source + first, byteCount: bytes.count - first)
        }
    }

    // MARK: Consumer

    /// True when the producer has published records not yet read.
    func hasRecords() -> Bool {
        head.load(ordering: .acquiring) != consumerTail
    }

    /// Reads the oldest record: copies its frame into `scratch` (which must hold
    /// `capacity` bytes), frees its space, and returns its header and frame length; nil when empty.
    func read(into scratch: UnsafeMutableRawPointer) -> (header: LogRecordHeader, frameLength: Int)? {
        let t = consumerTail
        guard head.load(ordering: .acquiring) != t else { return nil }
        var header = LogRecordHeader()
        withUnsafeMutableBytes(of: &header) { copyOut(into: $0.baseAddress!, count: $0.count, at: t) }
        let length = Int(header.frameLength)
        copyOut(into: scratch, count: length, at: t + MemoryLayout<LogRecordHeader>.size)
        consumerTail = t + Self.recordSize(frameLength: length)
        tail.store(consumerTail, ordering: .releasing)
        return (header, length)
    }

    private func copyOut(into destination: UnsafeMutableRawPointer, count: Int, at position: Int) {
        guard count > 0 else { return }
        let offset = position & mask
        let first = min(count, capacity - offset)
        destination.copyMemory(from: storage + offset, byteCount: first)
        if first < count {
            (destination + first).copyMemory(from: storage, byteCount: count - first)
        }
    }
}

/// What precedes each frame in the ring (24 bytes).
struct LogRecordHeader {
    /// Nanoseconds since the Unix epoch (UTC).
    var timestamp: Int64 = 0
    /// Records dropped (ring full) before this one, since the log started: the consumer reports
    /// the difference to the last count it saw.
    var droppedBefore: UInt64 = 0
    var frameLength: UInt32 = 0
    var source: UInt16 = 0
    var direction: UInt8 = 0
    var reserved: UInt8 = 0
}

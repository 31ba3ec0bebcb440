/// A reusable, manually managed byte buffer: allocated once, grown only when a larger record
/// appears (never on the steady-state path), freed explicitly by its owner.
///
/// Why not `[UInt8]`: a raw pointer that stays put lets `pwrite`/`pread` and the CRC work on it
/// without `withUnsafe…` closures or uniqueness checks on every message.
struct RawScratchBuffer {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = .allocate(byteCount: self.capacity, alignment: 16)
    }

    /// Makes room for at least `count` bytes; the contents are not preserved.
    @inline(__always)
    mutating func ensureCapacity(_ count: Int) {
        if count > capacity { grow(to: count) }
    }

    @inline(never)
    private mutating func grow(to count: Int) {
        base.deallocate()
        capacity = max(count, capacity * 2)
        base = .allocate(byteCount: capacity, alignment: 16)
    }

    /// Frees the memory; the buffer must not be used afterwards.
    func deallocate() { base.deallocate() }
}

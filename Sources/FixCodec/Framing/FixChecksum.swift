/// The FIX CheckSum: the sum of every byte before `10=`, modulo 256.
public enum FixChecksum {
    /// Sums `bytes` modulo 256.
    /// - Complexity: O(n).
    @inlinable
    public static func compute(_ bytes: UnsafeRawBufferPointer) -> Int {
        var sum: UInt32 = 0
        for b in bytes { sum &+= UInt32(b) }
        return Int(sum & 0xFF)
    }
}

/// CRC-32C (Castagnoli, reflected polynomial `0x82F63B78`), the checksum of every journal
/// record.
///
/// Why CRC-32C rather than zlib's CRC-32: for the record sizes we write (tens of bytes to a few
/// KB) it detects more error patterns at the same width (Hamming distance 6 up to ~5 KB per
/// Castagnoli's paper), it is what ext4, iSCSI, LevelDB and RocksDB use for the same job, and
/// x86 (SSE 4.2) and ARMv8 compute it in hardware should this ever move into a C shim. Written
/// here, table-driven, so the store needs no dependency.
///
/// Slicing-by-8: eight 256-entry tables (8 KB, built once) let the loop consume 8 bytes per
/// step, ≈ 4× the classic byte-at-a-time loop; a 300-byte FIX message costs ≈ 0.1 µs.
///
/// Check value: `CRC32C("123456789") == 0xE3069283`.
enum CRC32C {
    /// The checksum of `bytes`.
    /// - Complexity: O(n); no allocation.
    @inline(__always)
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        update(0, bytes)
    }

    /// Continues the checksum `crc` (a previous result, or 0 to start) over `bytes`, so that
    /// `update(checksum(a), b) == checksum(a + b)`.
    /// - Complexity: O(n); no allocation.
    static func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard var p = bytes.baseAddress, bytes.count > 0 else { return crc }
        var remaining = bytes.count
        var c = ~crc
        return table.withUnsafeBufferPointer { t -> UInt32 in
            let t = t.baseAddress.unsafelyUnwrapped
            while remaining >= 8 {
                let lo = UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)) ^ c
                let hi = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
                c = t[7 &* 256 &+ Int(lo & 0xFF)]
                    ^ t[6 &* 256 &+ Int((lo >> 8) & 0xFF)]
                    ^ t[5 &* 256 &+ Int((lo >> 16) & 0xFF)]
                    ^ t[4 &* 256 &+ Int(lo >> 24)]
                    ^ t[3 &* 256 &+ Int(hi & 0xFF)]
                    ^ t[2 &* 256 &+ Int((hi >> 8) & 0xFF)]
                    ^ t[1 &* 256 &+ Int((hi >> 16) & 0xFF)]
                    ^ t[Int(hi >> 24)]
                p += 8
                remaining &-= 8
            }
            while remaining > 0 {
                c = t[Int((c ^ UInt32(p.load(as: UInt8.self))) & 0xFF)] ^ (c >> 8)
                p += 1
                remaining &-= 1
            }
            return ~c
        }
    }

    /// Table `k` (entries `k*256 ..< (k+1)*256`) is the CRC of a byte followed by `k` zero bytes.
    // An immutable array is Sendable and, read through `withUnsafeBufferPointer`, costs no
    // bounds checks or retain in the loop.
    static let table: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
            t[i] = c
        }
        for k in 1..<8 {
            for i in 0..<256 {
                let previous = t[(k - 1) * 256 + i]
                t[k * 256 + i] = (previous >> 8) ^ t[Int(previous & 0xFF)]
            }
        }
        return t
    }()
}

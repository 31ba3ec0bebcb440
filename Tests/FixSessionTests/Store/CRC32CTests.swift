@testable import FixSession
import TestSupport
import Testing

@Suite("CRC-32C")
struct CRC32CTests {
    static func crc(_ bytes: [UInt8]) -> UInt32 { bytes.withUnsafeBytes { CRC32C.checksum($0) } }

    /// Bit-at-a-time reference, independent of the tables.
    static func reference(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
        }
        return ~c
    }

    @Test("published check values (the CRC catalogue and RFC 3720 B.4)")
    func vectors() {
        #expect(Self.crc(Array("123456789".utf8)) == 0xE306_9283)
        #expect(Self.crc([]) == 0)
        #expect(Self.crc([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(Self.crc([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(Self.crc((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(Self.crc((0..<32).map { UInt8(31 - $0) }) == 0x113F_DB5C)
    }

    @Test("slicing-by-8 agrees with the bitwise reference for every length 0…300, and chaining equals one pass")
    func agreesWithReference() {
        var rng = SplitMix64(seed: 42)
        let data = (0..<300).map { _ in UInt8.random(in: 0...255, using: &rng) }
        for n in 0...300 {
            let slice = Array(data[0..<n])
            #expect(Self.crc(slice) == Self.reference(slice), "length \(n)")
        }
        for split in [0, 1, 7, 8, 9, 150, 300] {
            let chained = data.withUnsafeBytes { all in
                CRC32C.update(CRC32C.checksum(UnsafeRawBufferPointer(rebasing: all[0..<split])),
                              UnsafeRawBufferPointer(rebasing: all[split...]))
            }
            #expect(chained == Self.crc(data), "split at \(split)")
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// The on-disk layout of a session journal (format version 1). Every integer is little-endian,
/// whatever the machine, so a journal can be inspected or moved between hosts.
///
/// ```
/// file header, 32 bytes, written once when the journal is created
///   0   8  magic "KXFIXJNL"
///   8   2  format version (1)
///  10   2  file header size (32)
///  12   4  reserved, zero
///  16   8  creation time, ns since the Unix epoch
///  24   4  reserved, zero
///  28   4  CRC-32C of bytes 0..<28
///
/// then records, back to back, each a 28-byte header and a payload
///   0   4  CRC-32C of record bytes 4..<28 followed by the payload
///   4   1  kind (JournalRecordKind)
///   5   3  reserved, zero
///   8   4  payload length n (0 for everything but outbound messages)
///  12   8  sequence number (MsgSeqNum, or the new next sequence number)
///  20   8  timestamp, ns since the Unix epoch
///  28   n  payload (the exact wire bytes of an outbound message)
/// ```
///
/// Why this shape:
/// - The CRC comes first and covers everything after it, so one pass over a contiguous buffer
///   checks the whole record, and a record torn anywhere (header or payload) fails the check.
/// - The length is in the header, so a scan can skip from record to record and knows exactly
///   where a torn tail starts; it is bounded by ``maxPayloadLength`` so that a garbage length
///   is rejected before anything is read.
/// - Reserved bytes must be zero: a future version can use them, and a reader that finds them
///   non-zero treats the record as damaged instead of guessing.
/// - Sequence-number changes are records of their own (28 bytes each), so the journal alone
///   rebuilds both numbers after a restart: no second file to keep consistent.
enum JournalFormat {
    /// `KXFIXJNL`: "Kalshi FIX journal". A file that does not start with it is not ours and is
    /// never modified.
    static let magic: [UInt8] = Array("KXFIXJNL".utf8)
    static let version: UInt16 = 1
    static let fileHeaderSize = 32
    static let recordHeaderSize = 28
    /// The largest payload the format admits (16 MiB). A header announcing more is damage, not
    /// a record; real limits are far lower (``FileSessionStore/Configuration/maxMessageSize``).
    static let maxPayloadLength = 16 << 20

    // MARK: File header

    /// Writes a complete file header (with its CRC) to `p`, which must hold 32 bytes.
    static func writeFileHeader(to p: UnsafeMutableRawPointer, createdAt: Int64) {
        p.initializeMemory(as: UInt8.self, repeating: 0, count: fileHeaderSize)
        magic.withUnsafeBytes { p.copyMemory(from: $0.baseAddress!, byteCount: 8) }
        p.storeBytes(of: version.littleEndian, toByteOffset: 8, as: UInt16.self)
        p.storeBytes(of: UInt16(fileHeaderSize).littleEndian, toByteOffset: 10, as: UInt16.self)
        p.storeBytes(of: createdAt.littleEndian, toByteOffset: 16, as: Int64.self)
        let crc = CRC32C.checksum(UnsafeRawBufferPointer(start: p, count: 28))
        p.storeBytes(of: crc.littleEndian, toByteOffset: 28, as: UInt32.self)
    }

    /// What a file header says about the file.
    enum FileHeaderCheck: Equatable {
        case valid(createdAt: Int64)
        case foreign
        case unsupportedVersion(Int)
        case damaged
    }

    /// Checks the 32 bytes at `p`: magic first (a foreign file must be reported as such, even
    /// if it happens to be damaged), then version, then the CRC.
    static func checkFileHeader(_ p: UnsafeRawPointer) -> FileHeaderCheck {
        let magicMatches = magic.withUnsafeBytes { memcmp(p, $0.baseAddress!, 8) == 0 }
        guard magicMatches else { return .foreign }
        let version = UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt16.self))
        guard version == Self.version else { return .unsupportedVersion(Int(version)) }
        let stored = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 28, as: UInt32.self))
        guard stored == CRC32C.checksum(UnsafeRawBufferPointer(start: p, count: 28)),
              UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 10, as: UInt16.self)) == UInt16(fileHeaderSize)
        else { return .damaged }
        return .valid(createdAt: Int64(littleEndian: p.loadUnaligned(fromByteOffset: 16, as: Int64.self)))
    }

    // MARK: Records

    /// Writes a record header at `p` with a zero CRC; ``seal(_:count:)`` fills the CRC once the
    /// payload is in place.
    @inline(__always)
    static func writeRecordHeader(to p: UnsafeMutableRawPointer, kind: JournalRecordKind,
                                  payloadLength: Int, seqNum: Int, timestamp: Int64) {
        p.storeBytes(of: 0, toByteOffset: 0, as: UInt32.self)
        p.storeBytes(of: kind.rawValue, toByteOffset: 4, as: UInt8.self)
        p.storeBytes(of: 0, toByteOffset: 5, as: UInt8.self)
        p.storeBytes(of: 0, toByteOffset: 6, as: UInt16.self)
        p.storeBytes(of: UInt32(truncatingIfNeeded: payloadLength).littleEndian, toByteOffset: 8, as: UInt32.self)
        p.storeBytes(of: Int64(seqNum).littleEndian, toByteOffset: 12, as: Int64.self)
        p.storeBytes(of: timestamp.littleEndian, toByteOffset: 20, as: Int64.self)
    }

    /// Computes and stores the CRC of the complete record of `count` bytes at `p`.
    @inline(__always)
    static func seal(_ p: UnsafeMutableRawPointer, count: Int) {
        let crc = CRC32C.checksum(UnsafeRawBufferPointer(start: p + 4, count: count - 4))
        p.storeBytes(of: crc.littleEndian, toByteOffset: 0, as: UInt32.self)
    }

    /// Whether the CRC of the complete record of `count` bytes at `p` matches.
    @inline(__always)
    static func isIntact(_ p: UnsafeRawPointer, count: Int) -> Bool {
        let stored = UInt32(littleEndian: p.loadUnaligned(as: UInt32.self))
        return stored == CRC32C.checksum(UnsafeRawBufferPointer(start: p + 4, count: count - 4))
    }
}

import TestSupport
import Testing
@testable import FixCodec

// MARK: Helpers

private func timestamp(_ text: String) throws(FixValueError) -> FixTimestamp {
    let bytes = Array(text.utf8)
    return try bytes.withUnsafeBytes { raw in
        Result { () throws(FixValueError) -> FixTimestamp in try FixTimestamp(parsing: raw) }
    }.get()
}

private func date(_ text: String) throws(FixValueError) -> FixLocalMktDate {
    let bytes = Array(text.utf8)
    return try bytes.withUnsafeBytes { raw in
        Result { () throws(FixValueError) -> FixLocalMktDate in try FixLocalMktDate(parsing: raw) }
    }.get()
}

/// Runs a writer on a buffer larger than its output and checks it wrote exactly what it returned.
private func written(_ write: (UnsafeMutableRawPointer) -> Int) -> String {
    var buffer = [UInt8](repeating: 0xFF, count: 64)
    let n = buffer.withUnsafeMutableBytes { write($0.baseAddress!) }
    #expect(buffer[n...].allSatisfy { $0 == 0xFF }, "writer wrote past the length it returned")
    return String(decoding: buffer[..<n], as: UTF8.self)
}

// MARK: FixTimestamp

@Suite("FixTimestamp")
struct FixTimestampTests {
    // Expected values computed independently (Python `calendar.timegm`).
    @Test("parses to the known nanoseconds since the epoch", arguments: [
        ("20261125-14:30:00.123", 1_795_617_000_123_000_000),
        ("20261125-14:30:00", 1_795_617_000_000_000_000),
        ("20261125-14:30:00.123456", 1_795_617_000_123_456_000),
        ("20261125-14:30:00.123456789", 1_795_617_000_123_456_789),
        ("20261125-14:30:00.5", 1_795_617_000_500_000_000),
        ("19700101-00:00:00", 0),
        ("19700101-00:00:00.000000001", 1),
        ("19691231-23:59:59.999", -1_000_000),
        ("20240229-12:00:00", 1_709_208_000_000_000_000),
        ("20000229-00:00:00", 951_782_400_000_000_000),
        ("19991231-23:59:59.999", 946_684_799_999_000_000),
        ("22620411-23:47:16.854775807", .max),
        ("16770921-00:12:43.145224192", .min),
        ("20161231-23:59:60", 1_483_228_800_000_000_000),   // leap second = next midnight
    ] as [(String, Int64)])
    func parse(text: String, nanoseconds: Int64) throws {
        #expect(try timestamp(text).nanosecondsSinceEpoch == nanoseconds, "\(text)")
        #expect(FixTimestamp(text)?.nanosecondsSinceEpoch == nanoseconds, "FixTimestamp(String) of \(text)")
    }

    @Test("malformed or impossible timestamps throw the right error", arguments: [
        ("", FixValueError.empty),
        ("20261125 14:30:00", .invalidCharacter(offset: 8)),
        ("20261125-14-30:00", .invalidCharacter(offset: 11)),
        ("20261125-14:30.00", .invalidCharacter(offset: 14)),
        ("2026112a-14:30:00", .invalidCharacter(offset: 7)),
        ("20261125-1x:30:00", .invalidCharacter(offset: 10)),
        ("-2026112-14:30:00", .invalidCharacter(offset: 0)),
        ("20261125-14:30", .invalidCharacter(offset: 13)),
        ("20261125", .invalidCharacter(offset: 7)),
        ("2", .invalidCharacter(offset: 0)),
        ("20261125-14:30:00.", .invalidCharacter(offset: 17)),
        ("20261125-14:30:00,123", .invalidCharacter(offset: 17)),
        ("20261125-14:30:00Z", .invalidCharacter(offset: 17)),
        ("20261125-14:30:00.12a", .invalidCharacter(offset: 20)),
        ("20261125-14:30:00.1 ", .invalidCharacter(offset: 19)),
        ("20261125-14:30:00.1234567890", .overflow),
        ("20230229-00:00:00", .outOfRange),
        ("21000229-00:00:00", .outOfRange),
        ("20261325-00:00:00", .outOfRange),
        ("20260025-00:00:00", .outOfRange),
        ("20260400-00:00:00", .outOfRange),
        ("20260431-00:00:00", .outOfRange),
        ("20261125-24:00:00", .outOfRange),
        ("20261125-23:60:00", .outOfRange),
        ("20261125-23:59:61", .outOfRange),
        ("16000101-00:00:00", .outOfRange),   // before Int64 nanoseconds reach
        ("99991231-23:59:59", .outOfRange),   // after
        ("13301325-99:99:99", .outOfRange),   // syntax fine: ranges reported, no trap
    ] as [(String, FixValueError)])
    func malformed(text: String, expected: FixValueError) {
        #expect(throws: expected, "parsing \(text.debugDescription)") { try timestamp(text) }
        #expect(FixTimestamp(text) == nil, "FixTimestamp(String) of \(text.debugDescription)")
    }

    @Test("leap years follow the Gregorian rule", arguments: [
        ("20240229", true), ("20230229", false), ("20000229", true), ("21000229", false), ("19000229", false),
    ])
    func leapYears(day: String, valid: Bool) {
        let text = day + "-00:00:00"
        if valid {
            #expect((try? timestamp(text)) != nil, "\(text) should parse")
        } else {
            #expect(throws: FixValueError.outOfRange, "\(text)") { try timestamp(text) }
        }
        #expect((FixLocalMktDate(year: Int(day.prefix(4))!, month: 2, day: 29) != nil) == valid, "LocalMktDate \(day)")
    }

    @Test("writeMilliseconds floors, never rounds", arguments: [
        (1_795_617_000_123_999_999, "20261125-14:30:00.123"),
        (1_795_617_000_123_000_000, "20261125-14:30:00.123"),
        (1_795_617_000_999_999_999, "20261125-14:30:00.999"),
        (0, "19700101-00:00:00.000"),
        (-1, "19691231-23:59:59.999"),
        (946_684_799_999_999_999, "19991231-23:59:59.999"),
        (.max, "22620411-23:47:16.854"),
        (.min, "16770921-00:12:43.145"),
    ] as [(Int64, String)])
    func writeFloors(nanoseconds: Int64, expected: String) {
        let t = FixTimestamp(nanosecondsSinceEpoch: nanoseconds)
        #expect(written { t.writeMilliseconds(to: $0) } == expected, "\(nanoseconds) ns")
        #expect(t.description == expected)
    }

    @Test("components are the UTC calendar fields")
    func components() throws {
        let t = try timestamp("20261125-14:30:07.123456789")
        #expect(t.year == 2026 && t.month == 11 && t.day == 25)
        #expect(t.hour == 14 && t.minute == 30 && t.second == 7 && t.nanosecond == 123_456_789)
        let before = FixTimestamp(nanosecondsSinceEpoch: -1)
        #expect(before.year == 1969 && before.second == 59 && before.nanosecond == 999_999_999)
        #expect(FixTimestamp(secondsSinceEpoch: 1_795_617_007, nanoseconds: 123_000_000) == t.flooredToMilliseconds)
    }

    @Test("format → parse round-trips at millisecond precision (5,000 seeded random times, 1970–2099)")
    func randomRoundTrip() throws {
        var rng = SplitMix64(state: 0x7157_A3B1)
        let end: UInt64 = 4_102_444_800_000   // 2100-01-01 in ms
        for _ in 0..<5_000 {
            let ms = Int64(rng.next() % end)
            let t = FixTimestamp(nanosecondsSinceEpoch: ms * 1_000_000 + Int64(rng.next() % 1_000_000))
            let text = written { t.writeMilliseconds(to: $0) }
            #expect(text.utf8.count == FixTimestamp.encodedLengthMilliseconds)
            #expect(try timestamp(text).nanosecondsSinceEpoch == ms * 1_000_000, "\(t.nanosecondsSinceEpoch) → \(text)")
        }
    }

    @Test("days-from-civil and civil-from-days agree with day-by-day counting, 1970–2262")
    func calendarWalk() {
        var (y, m, d) = (1970, 1, 1)
        for days in 0...106_751 {   // through 2262-04-11, the last day Int64 nanoseconds reach
            // One #expect per day would be 200k expectations; record only the first mismatch.
            let civil = FixCalendar.civilFromDays(days)
            guard FixCalendar.daysFromCivil(year: y, month: m, day: d) == days,
                  civil.year == y, civil.month == m, civil.day == d
            else {
                Issue.record("\(y)-\(m)-\(d) is day \(days), got \(FixCalendar.daysFromCivil(year: y, month: m, day: d)) and \(civil)")
                return
            }
            d += 1
            if d > FixCalendar.daysInMonth(year: y, month: m) { d = 1; m += 1 }
            if m > 12 { m = 1; y += 1 }
        }
        #expect((y, m, d) == (2262, 4, 12))
    }

    @Test("random bytes never trap")
    func fuzz() {
        var rng = SplitMix64(state: 99)
        let template = Array("20261125-14:30:00.123456789".utf8)
        let noise = Array("0123456789-:.9 x".utf8) + [0, 0xFF]
        for _ in 0..<20_000 {
            var bytes = Array(template.prefix(Int(rng.next() % 30)))
            for _ in 0..<Int(rng.next() % 3) where !bytes.isEmpty {
                bytes[Int(rng.next() % UInt64(bytes.count))] = noise[Int(rng.next() % UInt64(noise.count))]
            }
            let parsed = bytes.withUnsafeBytes { raw in Result { () throws(FixValueError) in try FixTimestamp(parsing: raw) } }
            if case .failure(.invalidCharacter(let offset)) = parsed {
                #expect(offset >= 0 && offset < bytes.count, "offset \(offset) outside \(bytes)")
            }
        }
    }

    @Test("now() is a plausible current time")
    func now() {
        let t = FixTimestamp.now()
        #expect(t.year >= 2025 && t.year < 2100, "\(t)")
        #expect(FixTimestamp.now() >= t)
    }
}

private extension FixTimestamp {
    var flooredToMilliseconds: FixTimestamp {
        FixTimestamp(nanosecondsSinceEpoch: FixCalendar.floorDivide(nanosecondsSinceEpoch, 1_000_000) * 1_000_000)
    }
}

// MARK: FixLocalMktDate

@Suite("FixLocalMktDate")
struct FixLocalMktDateTests {
    @Test("parses and formats YYYYMMDD", arguments: ["20261125", "20240229", "00010101", "99991231", "19700101"])
    func roundTrip(text: String) throws {
        let d = try date(text)
        #expect(d.description == text)
        #expect(written { d.write(to: $0) } == text)
        #expect(FixLocalMktDate(text) == d)
        #expect(Int(d.year) == Int(text.prefix(4))! && Int(d.month) == Int(text.dropFirst(4).prefix(2))!)
    }

    @Test("malformed or impossible dates throw the right error", arguments: [
        ("", FixValueError.empty),
        ("2026112", .invalidCharacter(offset: 6)),
        ("202611250", .invalidCharacter(offset: 8)),
        ("2026-11-25", .invalidCharacter(offset: 4)),
        ("2026112x", .invalidCharacter(offset: 7)),
        ("20261131", .outOfRange),
        ("20230229", .outOfRange),
        ("20261301", .outOfRange),
        ("20260100", .outOfRange),
    ] as [(String, FixValueError)])
    func malformed(text: String, expected: FixValueError) {
        #expect(throws: expected, "parsing \(text.debugDescription)") { try date(text) }
        #expect(FixLocalMktDate(text) == nil, "FixLocalMktDate(String) of \(text.debugDescription)")
    }

    @Test("init(year:month:day:) validates")
    func validation() {
        #expect(FixLocalMktDate(year: 2026, month: 11, day: 25)?.description == "20261125")
        #expect(FixLocalMktDate(year: 2026, month: 13, day: 1) == nil)
        #expect(FixLocalMktDate(year: 2026, month: 4, day: 31) == nil)
        #expect(FixLocalMktDate(year: 10_000, month: 1, day: 1) == nil)
        #expect(FixLocalMktDate(year: -1, month: 1, day: 1) == nil)
        #expect(FixLocalMktDate(year: 2026, month: 0, day: 1) == nil)
    }

    @Test("orders by calendar")
    func ordering() throws {
        let dates = try ["20251231", "20260101", "20260102", "20260201", "20270101"].map(date)
        #expect(dates == dates.sorted())
        #expect(try date("20260101") == date("20260101"))
        #expect(try Set(["20260101", "20260101", "20260102"].map(date)).count == 2)
    }
}

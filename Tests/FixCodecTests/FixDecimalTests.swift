import TestSupport
import Testing
@testable import FixCodec

// MARK: Helpers

/// Parses `text` through the byte-level hot path.
private func decimal(_ text: String) throws(FixValueError) -> FixDecimal {
    let bytes = Array(text.utf8)
    return try bytes.withUnsafeBytes { raw in
        Result { () throws(FixValueError) -> FixDecimal in try FixDecimal(parsing: raw) }
    }.get()
}

/// Formats through `write(to:minimumScale:)` into a buffer larger than any output.
private func written(_ value: FixDecimal, minimumScale: UInt8 = 0) -> String {
    var buffer = [UInt8](repeating: 0xFF, count: 64)
    let n = buffer.withUnsafeMutableBytes { value.write(to: $0.baseAddress!, minimumScale: minimumScale) }
    #expect(buffer[n...].allSatisfy { $0 == 0xFF }, "write(to:) wrote past the length it returned")
    return String(decoding: buffer[..<n], as: UTF8.self)
}

/// Reference ordering through 128-bit integers at a common scale of 18.
private func reference(_ d: FixDecimal) -> Int128 {
    var v = Int128(d.mantissa)
    for _ in Int(d.scale)..<18 { v *= 10 }
    return v
}

// MARK: Tests

@Suite("FixDecimal")
struct FixDecimalTests {
    @Test("parses to the exact mantissa and scale, and formats back", arguments: [
        ("0", 0, 0, "0"),
        ("-0", 0, 0, "0"),
        ("75", 75, 0, "75"),
        ("0.7500", 7500, 4, "0.7500"),
        ("100.00", 10000, 2, "100.00"),
        ("-1.5", -15, 1, "-1.5"),
        ("007.50", 750, 2, "7.50"),
        (".5", 5, 1, "0.5"),
        ("1.", 1, 0, "1"),
        ("0.05", 5, 2, "0.05"),
        ("-0.00", 0, 2, "0.00"),
        ("9223372036854775807", .max, 0, "9223372036854775807"),
        ("-9223372036854775808", .min, 0, "-9223372036854775808"),
        ("9.223372036854775807", .max, 18, "9.223372036854775807"),
        ("-9.223372036854775808", .min, 18, "-9.223372036854775808"),
        ("0.123456789012345678", 123_456_789_012_345_678, 18, "0.123456789012345678"),
        ("-0.000000000000000001", -1, 18, "-0.000000000000000001"),
        // Trailing zeros past 18 fraction digits, or past what the mantissa holds, are dropped.
        ("1.000000000000000000000", 1_000_000_000_000_000_000, 18, "1.000000000000000000"),
        ("0.1000000000000000000000000", 100_000_000_000_000_000, 18, "0.100000000000000000"),
        ("9223372036854775807.0", .max, 0, "9223372036854775807"),
        ("922337203685477580.70", 9_223_372_036_854_775_807, 1, "922337203685477580.7"),
    ] as [(String, Int64, UInt8, String)])
    func parseAndFormat(text: String, mantissa: Int64, scale: UInt8, formatted: String) throws {
        let value = try decimal(text)
        #expect(value.mantissa == mantissa, "mantissa of \(text)")
        #expect(value.scale == scale, "scale of \(text)")
        #expect(written(value) == formatted, "write(to:) of \(text)")
        #expect(value.description == formatted, "description of \(text)")
        #expect(FixDecimal(text) == value, "LosslessStringConvertible init of \(text)")
    }

    @Test("malformed or unrepresentable input throws the right error", arguments: [
        ("", FixValueError.empty),
        ("-", .invalidCharacter(offset: 0)),
        (".", .invalidCharacter(offset: 0)),
        ("-.", .invalidCharacter(offset: 1)),
        ("1.2.3", .invalidCharacter(offset: 3)),
        ("1e5", .invalidCharacter(offset: 1)),
        ("+1", .invalidCharacter(offset: 0)),
        (" 1", .invalidCharacter(offset: 0)),
        ("1 ", .invalidCharacter(offset: 1)),
        ("0x10", .invalidCharacter(offset: 1)),
        ("1,5", .invalidCharacter(offset: 1)),
        ("--1", .invalidCharacter(offset: 1)),
        ("\u{FF11}", .invalidCharacter(offset: 0)),   // fullwidth digit one, 3 UTF-8 bytes
        ("9223372036854775808", .overflow),
        ("-9223372036854775809", .overflow),
        ("99999999999999999999", .overflow),
        ("0.1234567890123456789", .overflow),          // 19 significant fraction digits
        ("0.0000000000000000001", .overflow),
        ("1.0000000000000000001", .overflow),
        ("92233720368547758.080", .overflow),
    ] as [(String, FixValueError)])
    func malformed(text: String, expected: FixValueError) {
        #expect(throws: expected, "parsing \(text.debugDescription)") { try decimal(text) }
        #expect(FixDecimal(text) == nil, "FixDecimal(String) of \(text.debugDescription)")
    }

    @Test("equal values at different scales are == and hash alike", arguments: [
        ("1.50", "1.5"), ("0", "0.000"), ("-2", "-2.00"), ("100", "100.0000000000000000"),
        ("0.7500", "0.75"), ("-0.000000000000000010", "-0.00000000000000001"),
    ])
    func equalAcrossScales(a: String, b: String) throws {
        let x = try decimal(a), y = try decimal(b)
        #expect(x == y, "\(a) == \(b)")
        #expect(!(x < y) && !(y < x), "\(a) and \(b) must not be ordered")
        #expect(x.hashValue == y.hashValue, "hash of \(a) vs \(b)")
        #expect(Set([x, y]).count == 1, "Set of \(a), \(b)")
        #expect(x.normalized.mantissa == y.normalized.mantissa && x.normalized.scale == y.normalized.scale)
    }

    @Test("ordering is exact across scales, signs and extreme mantissas")
    func orderingAcrossScales() throws {
        let ascending = try [
            "-9223372036854775808", "-922337203685477580.7", "-9.223372036854775808", "-1.5", "-1.49",
            "-0.000000000000000001", "0", "0.000000000000000001", "1.4999", "1.5", "9.223372036854775806",
            "9.223372036854775807", "922337203.6854775807", "9223372036854775806", "9223372036854775807",
        ].map(decimal)
        for i in ascending.indices {
            for j in ascending.indices where i < j {
                #expect(ascending[i] < ascending[j], "\(ascending[i]) < \(ascending[j])")
                #expect(!(ascending[j] < ascending[i]), "!(\(ascending[j]) < \(ascending[i]))")
                #expect(ascending[i] != ascending[j], "\(ascending[i]) != \(ascending[j])")
            }
        }
    }

    @Test("rescaled(to:) is exact or throws")
    func rescaling() throws {
        let x = try decimal("1.5")
        #expect(written(try x.rescaled(to: 3)) == "1.500")
        #expect(written(try decimal("1.500").rescaled(to: 1)) == "1.5")
        #expect(written(try decimal("-2.00").rescaled(to: 0)) == "-2")
        #expect(try x.rescaled(to: 1).mantissa == 15)
        #expect(throws: FixValueError.outOfRange) { try decimal("1.55").rescaled(to: 1) }
        #expect(throws: FixValueError.overflow) { try decimal("9223372036854775807").rescaled(to: 1) }
        #expect(throws: FixValueError.overflow) { try x.rescaled(to: 19) }
        #expect(try decimal("1").rescaled(to: 18).mantissa == 1_000_000_000_000_000_000)
    }

    @Test("truncated(toScale:) cuts toward zero", arguments: [
        ("1.23456", 4, "1.2345"), ("-1.23456", 4, "-1.2345"), ("1.5", 0, "1"), ("-1.5", 0, "-1"),
        ("0.99999", 2, "0.99"), ("1.5", 3, "1.5"), ("-9.223372036854775808", 0, "-9"),
    ] as [(String, UInt8, String)])
    func truncation(text: String, scale: UInt8, expected: String) throws {
        #expect(written(try decimal(text).truncated(toScale: scale)) == expected, "\(text) truncated to \(scale)")
    }

    @Test("add, subtract, multiply, negate are exact")
    func arithmetic() throws {
        #expect(written(try decimal("1.5").adding(decimal("0.25"))) == "1.75")
        #expect(written(try decimal("1").subtracting(decimal("0.75"))) == "0.25")
        #expect(written(try decimal("-1.5").adding(decimal("1.50"))) == "0.00")
        #expect(written(try decimal("1.5").multiplied(by: decimal("2.25"))) == "3.375")
        #expect(written(try decimal("-0.75").multiplied(by: decimal("100"))) == "-75.00")
        #expect(written(try decimal("1.5").negated()) == "-1.5")
        // Alignment overflows at the larger scale, but the exact result fits with fewer digits.
        #expect(written(try decimal("1000000000000000000").adding(decimal("1.0"))) == "1000000000000000001")
        #expect(written(try decimal("1000000000000000000").subtracting(decimal("1.0"))) == "999999999999999999")
        // Scale 19 product whose last digit is a zero: reduced to 18.
        #expect(written(try decimal("0.0000000010").multiplied(by: decimal("0.000000001"))) == "0.000000000000000001")
        // Scale 10 product whose mantissa (10^24) overflows: trailing zeros dropped down to scale 4.
        #expect(written(try decimal("10000000.00000").multiplied(by: decimal("10000000.00000")))
            == "100000000000000.0000")
    }

    @Test("arithmetic overflow throws instead of trapping")
    func arithmeticOverflow() throws {
        let max = try decimal("9223372036854775807"), min = try decimal("-9223372036854775808")
        #expect(throws: FixValueError.overflow) { try max.adding(decimal("1")) }
        #expect(throws: FixValueError.overflow) { try max.adding(decimal("0.5")) }
        #expect(throws: FixValueError.overflow) { try min.subtracting(decimal("1")) }
        #expect(throws: FixValueError.overflow) { try max.multiplied(by: decimal("2")) }
        #expect(throws: FixValueError.overflow) { try min.multiplied(by: decimal("-1")) }
        #expect(throws: FixValueError.overflow) { try min.negated() }
        #expect(throws: FixValueError.overflow) {
            try decimal("0.0000000001").multiplied(by: decimal("0.000000001"))   // 10^-19
        }
        #expect(try max.subtracting(max) == .zero)
        #expect(try min.adding(max) == -1)
    }

    @Test("cents to dollars", arguments: [
        ("75", "0.75"), ("1.23", "0.0123"), ("99", "0.99"), ("72.5", "0.725"), ("1", "0.01"), ("-3", "-0.03"),
    ])
    func centsToDollars(cents: String, dollars: String) throws {
        #expect(written(try decimal(cents).centsToDollars()) == dollars, "\(cents)¢ in dollars")
    }

    @Test("dollars to cents", arguments: [
        ("0.7500", "75.00"), ("0.75", "75"), ("0.5", "50"), ("1", "100"), ("0.0123", "1.23"), ("0.99", "99"),
    ])
    func dollarsToCents(dollars: String, cents: String) throws {
        #expect(written(try decimal(dollars).dollarsToCents()) == cents, "$\(dollars) in cents")
    }

    @Test("unit conversions that do not fit throw")
    func conversionOverflow() throws {
        #expect(throws: FixValueError.overflow) { try decimal("0.00000000000000001").centsToDollars() }
        #expect(throws: FixValueError.overflow) { try decimal("92233720368547759").dollarsToCents() }
        #expect(written(try decimal("0.0000000000000001").centsToDollars()) == "0.000000000000000001")
    }

    @Test("write pads to minimumScale and never drops digits", arguments: [
        ("10", 2, "10.00"), ("1.234", 2, "1.234"), ("0", 2, "0.00"), ("-0.5", 3, "-0.500"), ("75", 0, "75"),
        ("-9223372036854775808", 18, "-9223372036854775808.000000000000000000"),
        ("1", 200, "1.000000000000000000"),   // capped at 18
    ] as [(String, UInt8, String)])
    func minimumScale(text: String, minimumScale: UInt8, expected: String) throws {
        let out = written(try decimal(text), minimumScale: minimumScale)
        #expect(out == expected, "\(text) with minimumScale \(minimumScale)")
        #expect(out.utf8.count <= FixDecimal.maxEncodedLength + Int(min(minimumScale, 18)))
    }

    @Test("literals, zero and sign helpers")
    func basics() {
        let seventyFive: FixDecimal = 75
        #expect(seventyFive == FixDecimal(mantissa: 7500, scale: 2))
        #expect(FixDecimal.zero.isZero && !FixDecimal.zero.isNegative)
        #expect(FixDecimal(mantissa: -1, scale: 18).isNegative)
        #expect(FixDecimal(mantissa: 0, scale: 5).isZero)
        #expect(FixDecimal("abc") == nil)
        #expect(FixDecimal.maxScale == 18)
    }

    @Test("format → parse round-trips the exact mantissa and scale (5,000 seeded random values)")
    func randomRoundTrip() throws {
        var rng = SplitMix64(state: 0x5EED_F1C5)
        for _ in 0..<5_000 {
            // Shift by a random amount so that small and large magnitudes are both common.
            let mantissa = Int64(bitPattern: rng.next()) >> Int64(rng.next() % 64)
            let scale = UInt8(rng.next() % 19)
            let value = FixDecimal(mantissa: mantissa, scale: scale)
            let text = written(value)
            #expect(text.utf8.count <= FixDecimal.maxEncodedLength, "\(text) longer than maxEncodedLength")
            let back = try decimal(text)
            #expect(back.mantissa == mantissa && back.scale == scale,
                    "\(mantissa)e-\(scale) formatted as \(text) parsed back as \(back.mantissa)e-\(back.scale)")
        }
    }

    @Test("comparison and hashing agree with a 128-bit reference (5,000 seeded random pairs)")
    func randomOrdering() {
        var rng = SplitMix64(state: 42)
        for _ in 0..<5_000 {
            let a = FixDecimal(mantissa: Int64(bitPattern: rng.next()) >> Int64(rng.next() % 64), scale: UInt8(rng.next() % 19))
            // Half the time, b is a rescaled copy of a (equal value, different spelling).
            let b = rng.next() % 2 == 0
                ? ((try? a.rescaled(to: UInt8(rng.next() % 19))) ?? a)
                : FixDecimal(mantissa: Int64(bitPattern: rng.next()) >> Int64(rng.next() % 64), scale: UInt8(rng.next() % 19))
            #expect((a < b) == (reference(a) < reference(b)), "\(a) < \(b)")
            #expect((a == b) == (reference(a) == reference(b)), "\(a) == \(b)")
            if a == b { #expect(a.hashValue == b.hashValue, "hash of \(a) vs \(b)") }
        }
    }

    @Test("random bytes either parse or throw, and what parses formats back to an equal value")
    func fuzz() {
        var rng = SplitMix64(state: 7)
        let alphabet = Array("0123456789.-+e 0.0-9".utf8) + [0, 0xFF, 0x80]
        for _ in 0..<20_000 {
            let bytes = (0..<Int(rng.next() % 26)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            let parsed = bytes.withUnsafeBytes { raw in Result { () throws(FixValueError) in try FixDecimal(parsing: raw) } }
            if case .success(let value) = parsed {
                let again = try? decimal(written(value))
                #expect(again == value && again?.scale == value.scale, "\(bytes) → \(value)")
            }
        }
    }
}

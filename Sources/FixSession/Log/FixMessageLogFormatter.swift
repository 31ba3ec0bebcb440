import FixCodec

/// Turns one logged frame into one readable line (writer thread only; allocation is fine here):
///
///     2026-12-04T02:55:01.123456789Z KalshiRT OUT 8=FIXT.1.1|9=…|35=D|…|10=123|
///
/// SOH is shown as `|`; other bytes outside printable ASCII as `\xNN`, so a line is always one
/// line. Every DATA field the dictionary defines (RawData 96, Signature 89) is shown as
/// `<redacted n bytes>`; its length field (95, 93) is kept.
///
/// Redaction does not trust the frame: it walks every `SOH`-delimited segment (so it holds for
/// invalid and garbled frames too), reads the tag numerically (`0096=` is 96), and redacts from
/// the `=` through the declared length when a length field came earlier, extended to the next
/// SOH (or the end of the bytes) when the declared length does not end on one. It may redact
/// more than the value, never less.
struct FixMessageLogFormatter {
    /// `35(MsgType)=D` instead of `35=D`.
    var verbose = false
    /// (length tag, data tag) pairs to redact: the dictionary's DATA fields, and RawData always.
    let dataFields: [(length: Int, data: Int)]

    init(verbose: Bool = false) {
        self.verbose = verbose
        var pairs = FixDictionaryInfo.dataFields
        if !pairs.contains(where: { $0.data == 96 }) { pairs.append((95, 96)) }
        dataFields = pairs
    }

    private static let soh: UInt8 = 0x01
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `<time> <source> <direction> <frame>\n`.
    func appendLine(to out: inout [UInt8], timestamp: Int64, source: String, direction: FixMessageLog.Direction,
                    frame: UnsafeRawBufferPointer) {
        appendPrefix(to: &out, timestamp: timestamp, source: source, label: direction.label)
        appendFrame(frame, to: &out)
        out.append(UInt8(ascii: "\n"))
    }

    /// Appends `<time> <source> DROPPED <count> records (log ring full)\n`.
    func appendDropLine(to out: inout [UInt8], timestamp: Int64, source: String, count: UInt64) {
        appendPrefix(to: &out, timestamp: timestamp, source: source, label: "DROPPED")
        out.append(contentsOf: String(count).utf8)
        out.append(contentsOf: (count == 1 ? " record (log ring full)\n" : " records (log ring full)\n").utf8)
    }

    private func appendPrefix(to out: inout [UInt8], timestamp: Int64, source: String, label: String) {
        Self.appendTimestamp(timestamp, to: &out)
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: source.utf8)
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: label.utf8)
        out.append(UInt8(ascii: " "))
    }

    /// `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ` (UTC, nanoseconds).
    static func appendTimestamp(_ nanoseconds: Int64, to out: inout [UInt8]) {
        let t = FixTimestamp(nanosecondsSinceEpoch: nanoseconds)
        appendDigits(t.year, 4, to: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(t.month, 2, to: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(t.day, 2, to: &out)
        out.append(UInt8(ascii: "T"))
        appendDigits(t.hour, 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(t.minute, 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(t.second, 2, to: &out)
        out.append(UInt8(ascii: "."))
        appendDigits(t.nanosecond, 9, to: &out)
        out.append(UInt8(ascii: "Z"))
    }

    private static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        var width = 1
        var v = value
        while v >= 10 { v /= 10; width += 1 }
        appendDigits(value, width, to: &out)
    }

    private static func appendDigits(_ value: Int, _ width: Int, to out: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var v = value
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(v / divisor % 10))
            v %= divisor
            divisor /= 10
        }
    }

    /// The frame with `|` for SOH, data fields redacted and, in verbose mode, tag names.
    func appendFrame(_ frame: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        // Declared lengths per data field (-1: none yet), on the stack.
        withUnsafeTemporaryAllocation(of: Int.self, capacity: dataFields.count) { declared in
            declared.initialize(repeating: -1)
            appendFrame(frame, declared: declared, to: &out)
        }
    }

    private func appendFrame(_ frame: UnsafeRawBufferPointer, declared: UnsafeMutableBufferPointer<Int>,
                             to out: inout [UInt8]) {
        let n = frame.count
        var i = 0
        while i < n {
            // A field starts here (offset 0 or after an SOH): `digits=`?
            var j = i
            var tag = 0
            while j < n, j - i < 9, frame[j] >= UInt8(ascii: "0"), frame[j] <= UInt8(ascii: "9") {
                tag = tag * 10 + Int(frame[j] - UInt8(ascii: "0"))
                j += 1
            }
            guard j > i, j < n, frame[j] == UInt8(ascii: "=") else {
                i = appendSegment(frame, from: i, to: &out)
                continue
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: frame[i..<j]))
            if verbose, let name = FixDictionaryInfo.fieldName(tag) {
                out.append(UInt8(ascii: "("))
                out.append(contentsOf: name.utf8)
                out.append(UInt8(ascii: ")"))
            }
            out.append(UInt8(ascii: "="))
            let start = j + 1
            if let k = dataFields.firstIndex(where: { $0.data == tag }) {
                var end = start
                if declared[k] >= 0 { end = start + min(declared[k], n - start) }
                while end < n, frame[end] != Self.soh { end += 1 }
                out.append(contentsOf: "<redacted ".utf8)
                Self.appendDecimal(end - start, to: &out)
                out.append(contentsOf: " bytes>".utf8)
                i = end
                if i < n { out.append(UInt8(ascii: "|")); i += 1 }
                continue
            }
            if let k = dataFields.firstIndex(where: { $0.length == tag }) {
                declared[k] = Self.parseLength(frame, from: start) ?? -1
            }
            i = appendSegment(frame, from: start, to: &out)
        }
    }

    /// Appends bytes from `start` through the next SOH (shown as `|`), escaped; returns the
    /// position after it.
    private func appendSegment(_ frame: UnsafeRawBufferPointer, from start: Int, to out: inout [UInt8]) -> Int {
        var i = start
        while i < frame.count {
            let byte = frame[i]
            i += 1
            if byte == Self.soh {
                out.append(UInt8(ascii: "|"))
                return i
            }
            if byte >= 0x20, byte < 0x7F {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "\\"))
                out.append(UInt8(ascii: "x"))
                out.append(Self.hexDigits[Int(byte >> 4)])
                out.append(Self.hexDigits[Int(byte & 15)])
            }
        }
        return i
    }

    /// A non-negative decimal (at most 9 digits) ending at SOH or the end of the bytes; else nil.
    private static func parseLength(_ frame: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var i = start
        var value = 0
        while i < frame.count, frame[i] != soh {
            let byte = frame[i]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), i - start < 9 else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            i += 1
        }
        return i > start ? value : nil
    }
}

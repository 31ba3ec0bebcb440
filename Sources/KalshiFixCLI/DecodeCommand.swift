import ArgumentParser
import FixCodec
import Foundation

/// `kalshi-fix decode`: FIX messages from a file or stdin, pretty-printed with dictionary names.
struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Pretty-print FIX messages with tag names and enum descriptions from Kalshi's dictionary.",
        discussion: """
        Reads FILE (or stdin when FILE is omitted or `-`). The field delimiter is SOH or `|` \
        (a line without SOH is read with `|` as the delimiter); messages may be one per line or \
        concatenated, and text before `8=FIXT.1.1` on a line (a log prefix) is ignored, as are \
        lines without `8=`. Each message is checked by the codec's strict decoder: a wrong \
        CheckSum or BodyLength, a missing required field, an undefined tag or an unknown enum \
        value is reported with the reason, and decoding goes on with the next message. \
        RawData (96), Signature (89) and Password (554) are shown redacted. Values are printed as \
        sent: prices in cents or dollars as the session used them (44=45 is 45¢, 44=0.4500 is \
        $0.45), quantities in contracts.

        Exit status: 0 when every message decoded, 1 when any was invalid or none was found.

        Examples:
          kalshi-fix decode messages.log
          echo '8=FIXT.1.1|9=63|35=0|49=your-api-key|56=KalshiNR|34=7|52=20230809-12:35:00.000|10=196|' | kalshi-fix decode --compact
        """
    )

    @Argument(help: ArgumentHelp("File with FIX messages; stdin when omitted or `-`.", valueName: "file"))
    var file: String?

    @Flag(help: "One line per message (`MsgType(35)=D NewOrderSingle | …`) instead of one field per line.")
    var compact = false

    func validate() throws {
        if let file, file != "-", !FileManager.default.isReadableFile(atPath: file) {
            throw ValidationError("cannot read \(file)")
        }
    }

    func run() throws {
        let input: Data
        if let file, file != "-" {
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            input = data
        } else {
            input = FileHandle.standardInput.readDataToEndOfFile()
        }
        var printer = DecodePrinter(compact: compact)
        for line in MessageInput.lines(of: [UInt8](input)) { printer.decode(line) }
        if printer.decoded == 0 && printer.failed == 0 {
            FileHandle.standardError.write(Data("kalshi-fix decode: no FIX message found (lines must contain 8=FIXT.1.1)\n".utf8))
            throw ExitCode.failure
        }
        if printer.failed > 0 { throw ExitCode.failure }
    }
}

/// Splitting input text into candidate message bytes.
enum MessageInput {
    static let soh: UInt8 = 1
    static let beginString = Array("8=FIXT.1.1".utf8)

    /// The lines that may hold messages, with `|` turned into SOH where the line has no SOH
    /// and anything before the first `8=FIXT.1.1` (a log line's timestamp and direction) dropped.
    static func lines(of input: [UInt8]) -> [[UInt8]] {
        input.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).compactMap { slice -> [UInt8]? in
            var line = Array(slice)
            while let last = line.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
                line.removeLast()
            }
            guard let start = firstIndex(of: beginString, in: line) ?? firstIndex(of: Array("8=".utf8), in: line) else {
                return nil
            }
            line.removeFirst(start)
            if !line.contains(soh) {
                line = line.map { $0 == UInt8(ascii: "|") ? soh : $0 }
            }
            return line
        }
    }

    static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
        }
        return nil
    }
}

/// Decodes message bytes strictly and prints each message or the reason it is not one.
struct DecodePrinter {
    let compact: Bool
    /// Messages printed (valid).
    private(set) var decoded = 0
    /// Messages reported invalid or garbled.
    private(set) var failed = 0
    private var number = 0

    init(compact: Bool) { self.compact = compact }

    /// Decodes every message in `bytes` (one line: one message, or several concatenated).
    mutating func decode(_ bytes: [UInt8]) {
        // One decoder per line: a BodyLength that runs past the line reports a truncated
        // message instead of swallowing the next line's message.
        var decoder = KalshiFixDecoder(mode: .strict)
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                while offset < buffer.count, buffer[offset] == UInt8(ascii: " ") || buffer[offset] == UInt8(ascii: "\t") { offset += 1 }
                guard offset < buffer.count else { break }
                let rest = UnsafeRawBufferPointer(rebasing: buffer[offset...])
                number += 1
                switch decoder.decode(rest) {
                case .message(let message, let consumed):
                    decoded += 1
                    show(message, error: nil)
                    offset += consumed
                case .invalid(let message, let consumed, let error):
                    failed += 1
                    show(message, error: error)
                    offset += consumed
                case .garbled(let skip, let error):
                    failed += 1
                    report(Self.explain(error), bytes: Array(rest.prefix(skip)))
                    offset += skip
                case .needMoreBytes:
                    failed += 1
                    report("truncated: the line ends before the message does (BodyLength (9) too large, or CheckSum (10) missing)",
                           bytes: Array(rest))
                    offset = buffer.count
                }
            }
        }
    }

    private func show(_ message: FixMessage, error: FixDecodeError?) {
        let fields = FixText.fields(message)
        let type = message.msgType.string
        let name = FixDictionaryInfo.messageName(msgType: type) ?? "unknown message type"
        if compact {
            print((error.map { "error: \(Self.explain($0)): " } ?? "") + FixText.compact(fields))
        } else {
            print("message \(number): \(name) (35=\(type)), \(message.bytes.count) bytes" + (error.map { " — \(Self.explain($0))" } ?? ""))
            print(FixText.multiline(fields))
            print("")
        }
    }

    private func report(_ reason: String, bytes: [UInt8]) {
        if compact {
            print("error: \(reason): \(FixText.printable(bytes))")
        } else {
            print("message \(number): \(reason)")
            print("  " + FixText.printable(bytes))
            print("")
        }
    }

    /// The decoder's reason, with the field name of the tag it is about.
    static func explain(_ error: FixDecodeError) -> String {
        guard let tag = error.tag, let name = FixDictionaryInfo.fieldName(tag) else { return "\(error)" }
        return "\(error) (\(tag) = \(name))"
    }
}

import Foundation
import TestSupport
import Testing

/// `kalshi-fix decode` on stdin, as a person pastes messages into it.
@Suite("kalshi-fix decode")
struct DecodeCommandTests {
    /// EXAMPLES.md Part B (B1–B4): complete frames with correct BodyLength and CheckSum, `|` for SOH.
    static let b1 = "8=FIXT.1.1|9=148|35=D|34=5|52=20230809-12:34:56.789|49=your-api-key|56=KalshiNR|11=550e8400-e29b-41d4-a716-446655440000|38=10|40=2|54=1|55=HIGHNY-23DEC31|44=75|59=1|10=181|"
    static let b2 = "8=FIXT.1.1|9=106|35=V|49=your-api-key|56=KalshiMD|34=2|52=20260528-14:00:00.000|263=1|146=1|55=KXNBAGAME-26MAY25NYKCLE-NYK|10=017|"
    static let b3 = "8=FIXT.1.1|9=63|35=0|49=your-api-key|56=KalshiNR|34=7|52=20230809-12:35:00.000|10=196|"
    static let b4 = "8=FIXT.1.1|9=84|35=UOG|34=5|52=20230809-12:34:56.789|49=your-api-key|56=KalshiNR|20131=1|20132=5000|10=003|"

    /// Frames `body` (from 35= on, `|` for SOH) with a correct BodyLength and CheckSum.
    static func frame(_ body: String) -> String {
        let bodyLength = body.utf8.count
        let head = "8=FIXT.1.1|9=\(bodyLength)|"
        let sum = (head + body).utf8.reduce(0) { $0 + Int($1 == UInt8(ascii: "|") ? 1 : $1) } % 256
        return head + body + "10=" + String(format: "%03d", sum) + "|"
    }

    /// Runs `kalshi-fix decode` with `input` on stdin; exit code and output lines.
    static func decode(_ input: [String], arguments: [String] = []) throws -> (status: Int32?, lines: [String]) {
        let executable = try #require(CLITests.executable, "kalshi-fix is not built")
        let process = try ChildProcess(executable: executable, arguments: ["decode"] + arguments)
        defer { process.kill() }
        for line in input { process.write(line: line) }
        process.closeInput()
        let status = try #require(process.waitExit(seconds: 20), "decode did not finish:\n\(process.transcript)")
        usleep(200_000)  // let the reader thread take the last lines from the pipe
        return (ChildProcess.exitCode(status), process.lines)
    }

    @Test("EXAMPLES.md B1–B4 from stdin with |: field names, message names and enum descriptions, exit 0")
    func examples() throws {
        let (status, lines) = try Self.decode([Self.b1, Self.b2, Self.b3, Self.b4])
        let text = lines.joined(separator: "\n")
        #expect(status == 0, "\(text)")
        #expect(lines.contains("message 1: NewOrderSingle (35=D), 172 bytes"), "\(text)")
        for expected in ["MsgType(35)", "= D  NewOrderSingle", "ClOrdID(11)", "= 550e8400-e29b-41d4-a716-446655440000",
                         "Side(54)", "= 1  BUY_YES", "OrdType(40)", "= 2  LIMIT", "TimeInForce(59)", "= 1  GTC",
                         "SubscriptionRequestType(263)", "= 1  SNAPSHOT_PLUS_UPDATES", "Heartbeat (35=0)",
                         "OrderGroupAction(20131)", "= 1  CREATE", "CheckSum(10)"] {
            #expect(text.contains(expected), "missing \(expected):\n\(text)")
        }
    }

    @Test("--compact: one line per message, MsgType first with its name")
    func compact() throws {
        let (status, lines) = try Self.decode([Self.b1 + Self.b3], arguments: ["--compact"])  // two messages concatenated on one line
        #expect(status == 0)
        #expect(lines.count == 2, "\(lines)")
        #expect(lines.first?.hasPrefix("MsgType(35)=D NewOrderSingle | MsgSeqNum(34)=5 |") == true, "\(lines)")
        #expect(lines.first?.contains("| Side(54)=1 BUY_YES |") == true, "\(lines)")
        #expect(lines.last?.hasPrefix("MsgType(35)=0 Heartbeat") == true, "\(lines)")
    }

    @Test("a bad CheckSum is reported and the next message still decodes; exit 1")
    func badChecksum() throws {
        let broken = Self.b1.replacingOccurrences(of: "10=181|", with: "10=182|")
        let (status, lines) = try Self.decode([broken, Self.b3])
        let text = lines.joined(separator: "\n")
        #expect(status == 1, "\(text)")
        #expect(lines.contains { $0.hasPrefix("message 1:") && $0.contains("CheckSum (10)") && $0.contains("says 182, bytes sum to 181") }, "\(text)")
        #expect(lines.contains("message 2: Heartbeat (35=0), 86 bytes"), "\(text)")
    }

    @Test("a missing required field is named, with the strict decoder's reason")
    func missingField() throws {
        let noClOrdID = Self.frame("35=D|49=k|56=KalshiNR|34=2|52=20230809-12:34:56.789|38=10|40=2|54=1|55=X|44=75|")
        let (status, lines) = try Self.decode([noClOrdID, Self.b3])
        #expect(status == 1)
        #expect(lines.contains { $0.contains("invalid: required tag 11 is missing (11 = ClOrdID)") }, "\(lines)")
        #expect(lines.contains { $0.contains("Heartbeat (35=0)") }, "\(lines)")
    }

    @Test("RawData (96) is redacted, in decoded and in garbled messages")
    func rawDataRedacted() throws {
        let signature = "c2lnbmF0dXJlLW5vdC10by1iZS1zaG93bg=="
        let logon = Self.frame("35=A|49=k|56=KalshiNR|34=1|52=20230809-12:34:56.789|98=0|108=30|95=\(signature.utf8.count)|96=\(signature)|1137=9|")
        let garbled = logon.replacingOccurrences(of: "|10=", with: "|10=9")  // a 4-digit CheckSum: not a frame
        let (_, lines) = try Self.decode([logon, garbled])
        let text = lines.joined(separator: "\n")
        #expect(text.contains("RawData(96)"), "\(text)")
        #expect(text.contains("<redacted, \(signature.utf8.count) bytes>"), "\(text)")
        #expect(text.contains("96=<redacted>"), "the garbled copy is not shown:\n\(text)")
        #expect(!text.contains(signature), "the signature was printed:\n\(text)")
    }
}

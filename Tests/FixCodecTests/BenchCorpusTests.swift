import BenchCorpus
import FixCodec
import Foundation
import Testing

/// The fixed benchmark corpus (shared/bench-messages): decoded field by field, and the
/// NewOrderSingle re-encoded byte for byte by the generated encoder.
@Suite("Benchmark corpus")
struct BenchCorpusTests {
    static let executionReport = "8=FIXT.1.1|9=334|35=8|49=KalshiNR|56=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0|34=123456|52=20261125-14:30:00.123|37=9f8e7d6c-1234-4abc-9def-0123456789ab|11=mm-000000012345|17=98765432|150=F|39=1|54=1|55=KXBTCD-26NOV2517-T100249.99|151=90|14=10|6=55|38=100|31=55|32=10|44=55|60=20261125-14:30:00.123|136=1|137=0.0700|138=USD|139=4|891=0|880=5501234|1057=N|10=215|"
    static let newOrderSingle = "8=FIXT.1.1|9=191|35=D|49=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0|56=KalshiNR|34=1235|52=20261125-14:30:00.123|11=mm-000000012346|18=6|38=100|40=2|44=55|54=1|55=KXBTCD-26NOV2517-T100249.99|59=1|2964=2|20130=og-7|10=210|"

    @Test("ExecutionReport: every field through the view")
    func executionReport() throws {
        try TestMessages.withMessage(Self.executionReport) { m in
            let er = try #require(ExecutionReportView(m))
            #expect(try er.header.msgSeqNum == 123456)
            #expect(try er.header.sendingTime == FixTimestamp(secondsSinceEpoch: 1_795_617_000, nanoseconds: 123_000_000))
            #expect(try er.orderID.equals("9f8e7d6c-1234-4abc-9def-0123456789ab"))
            #expect(try er.clOrdID.equals("mm-000000012345"))
            #expect(try er.execID.equals("98765432"))
            #expect(try er.execType == .trade)
            #expect(try er.ordStatus == .partiallyFilled)
            #expect(try er.side == .buyYes)
            #expect(try er.symbol.equals("KXBTCD-26NOV2517-T100249.99"))
            #expect(try er.leavesQty == 90)
            #expect(try er.cumQty == 10)
            #expect(try er.avgPx == 55)
            #expect(try er.orderQty == 100)
            #expect(try er.lastPx == 55)
            #expect(try er.lastQty == 10)
            #expect(try er.price == 55)
            let fee = try #require(try er.miscFees[0])
            #expect(try fee.miscFeeAmt == FixDecimal(mantissa: 700, scale: 4))
            #expect(try fee.miscFeeCurr.equals("USD"))
            #expect(er.trdMatchID?.equals("5501234") == true)
            #expect(try er.aggressorIndicator == false)
        }
    }

    @Test("NewOrderSingle: the generated encoder reproduces the corpus bytes exactly")
    func newOrderSingleEncodesExactly() throws {
        let header = StandardHeader(senderCompID: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", targetCompID: "KalshiNR",
                                    msgSeqNum: 1235, sendingTime: try #require(FixTimestamp("20261125-14:30:00.123")))
        let nos = NewOrderSingle(clOrdID: "mm-000000012346", execInst: "6", orderQty: 100, ordType: .limit, price: 55,
                                 side: .buyYes, symbol: "KXBTCD-26NOV2517-T100249.99", timeInForce: .gtc,
                                 selfTradePreventionType: .maker, orderGroupID: "og-7")
        #expect(try TestMessages.encode(nos, header: header) == Self.newOrderSingle)
        // And the corpus decodes back to the same struct.
        let decoded = try TestMessages.withMessage(Self.newOrderSingle) { try #require(NewOrderSingleView($0)).copy() }
        #expect(decoded == nos)
    }

    @Test("EXAMPLES.md B2 and B3 are reproduced byte for byte")
    func examplesEncodeExactly() throws {
        let md = StandardHeader(senderCompID: "your-api-key", targetCompID: "KalshiMD", msgSeqNum: 2,
                                sendingTime: try #require(FixTimestamp("20260528-14:00:00.000")))
        let request = MarketDataRequest(subscriptionRequestType: .snapshotPlusUpdates,
                                        relatedSym: [.init(symbol: "KXNBAGAME-26MAY25NYKCLE-NYK")])
        #expect(try TestMessages.encode(request, header: md) == "8=FIXT.1.1|9=106|35=V|49=your-api-key|56=KalshiMD|34=2|52=20260528-14:00:00.000|263=1|146=1|55=KXNBAGAME-26MAY25NYKCLE-NYK|10=017|")
        let nr = StandardHeader(senderCompID: "your-api-key", targetCompID: "KalshiNR", msgSeqNum: 7,
                                sendingTime: try #require(FixTimestamp("20230809-12:35:00.000")))
        #expect(try TestMessages.encode(Heartbeat(), header: nr) == "8=FIXT.1.1|9=63|35=0|49=your-api-key|56=KalshiNR|34=7|52=20230809-12:35:00.000|10=196|")
    }

    @Test("Bench's corpus and these tests use exactly the bytes of shared/bench-messages",
          .enabled(if: FileManager.default.fileExists(atPath: Self.sharedCorpus.path)))
    func corpusMatchesShared() throws {
        for (name, bytes) in BenchCorpus.files {
            let onDisk = try Data(contentsOf: Self.sharedCorpus.appendingPathComponent("\(name).fix"))
            #expect(Array(onDisk) == bytes, "Bench's copy of \(name).fix differs from shared/bench-messages")
        }
        #expect(BenchCorpus.executionReport == TestMessages.bytes(Self.executionReport))
        #expect(BenchCorpus.newOrderSingle == TestMessages.bytes(Self.newOrderSingle))
    }

    static let sharedCorpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/bench-messages")
}

/// The fixed benchmark corpus, byte-identical to shared/bench-messages/*.fix (a test checks),
/// carried here so Bench runs on any machine. Every codec figure we publish is measured on
/// exactly these bytes.
public enum BenchCorpus {
    /// A partial fill on an order-entry session with the exchange-fee group (358 bytes).
    public static let executionReport = frame("8=FIXT.1.1|9=334|35=8|49=KalshiNR|56=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0|34=123456|52=20261125-14:30:00.123|37=9f8e7d6c-1234-4abc-9def-0123456789ab|11=mm-000000012345|17=98765432|150=F|39=1|54=1|55=KXBTCD-26NOV2517-T100249.99|151=90|14=10|6=55|38=100|31=55|32=10|44=55|60=20261125-14:30:00.123|136=1|137=0.0700|138=USD|139=4|891=0|880=5501234|1057=N|10=215|")
    /// A resting GTC post-only limit order in an order group (215 bytes).
    public static let newOrderSingle = frame("8=FIXT.1.1|9=191|35=D|49=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0|56=KalshiNR|34=1235|52=20261125-14:30:00.123|11=mm-000000012346|18=6|38=100|40=2|44=55|54=1|55=KXBTCD-26NOV2517-T100249.99|59=1|2964=2|20130=og-7|10=210|")
    /// Ten level changes in one market on the market-data session (774 bytes).
    public static let marketDataIncremental10 = frame("8=FIXT.1.1|9=750|35=X|49=KalshiMD|56=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0|34=123457|52=20261125-14:30:00.123|268=10|279=2|55=KXBTCD-26NOV2517-T100249.99|269=0|270=0.4000|271=100.00|279=1|55=KXBTCD-26NOV2517-T100249.99|269=1|270=0.4100|271=200.00|279=1|55=KXBTCD-26NOV2517-T100249.99|269=0|270=0.4200|271=300.00|279=2|55=KXBTCD-26NOV2517-T100249.99|269=1|270=0.4300|271=400.00|279=1|55=KXBTCD-26NOV2517-T100249.99|269=0|270=0.4400|271=500.00|279=1|55=KXBTCD-26NOV2517-T100249.99|269=1|270=0.4500|271=600.00|279=2|55=KXBTCD-26NOV2517-T100249.99|269=0|270=0.4600|271=700.00|279=1|55=KXBTCD-26NOV2517-T100249.99|269=1|270=0.4700|271=800.00|279=1|55=KXBTCD-26NOV2517-T100249.99|269=0|270=0.4800|271=900.00|279=2|55=KXBTCD-26NOV2517-T100249.99|269=1|270=0.4900|271=1000.00|10=226|")

    /// The corpus by file name (as in shared/bench-messages).
    public static let files: [(name: String, bytes: [UInt8])] = [
        ("execution_report", executionReport),
        ("new_order_single", newOrderSingle),
        ("md_incremental_10", marketDataIncremental10),
    ]

    static func frame(_ pipeDelimited: String) -> [UInt8] {
        pipeDelimited.utf8.map { $0 == UInt8(ascii: "|") ? 0x01 : $0 }
    }
}

import FixCodec
import FixSession
import Foundation
import KalshiSim
import Synchronization
import Testing

/// The simulator's scripted traders: they move the book market-data subscribers see, trade with
/// clients like any counterparty, and repeat exactly for a seed.
@Suite("KalshiSim bots", .serialized)
struct SimBotsTests {
    static let market = SimOrderEntryTests.market

    /// Collects bot orders from the simulator's I/O thread.
    final class OrderLog: Sendable {
        let orders = Mutex<[SimBotOrder]>([])
        var sink: @Sendable (SimBotOrder) -> Void { { order in self.orders.withLock { $0.append(order) } } }
        var count: Int { orders.withLock { $0.count } }

        /// Waits until at least `n` orders were seen (polling); false on timeout.
        func wait(for n: Int, seconds: Double = 10) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while count < n && Date() < deadline { usleep(5_000) }
            return count >= n
        }
    }

    @Test("with bots on, an MD subscriber sees quotes on both sides, a moving book and trade prints; a client trades with them")
    func botsMoveTheBook() throws {
        let harness = try SimHarness(sessionTypes: [.kalshiNR, .kalshiMD], bots: SimBotConfiguration(interval: .milliseconds(20), seed: 7))
        let md = harness.connect(try harness.configuration(.kalshiMD))
        let trader = harness.connect(try harness.configuration(.kalshiNR))
        #expect(md.wait { $0.isActive } && trader.wait { $0.isActive }, "logons: \(harness.log.all)")

        harness.send(SimMarketDataTests.request(.snapshotPlusUpdates, [Self.market]), on: md)
        #expect(md.wait { $0.messages(ofType: "W").count == 1 && $0.messages(ofType: "X").count >= 30 },
                "bots produced no incremental refreshes: \(md.messages.count) messages")
        var book = TestBook()
        var bestBids: Set<String> = []
        for message in md.messages where ["W", "X"].contains(field(35, in: message)) {
            book.apply(message)
            if let best = book.levels("0").first { bestBids.insert(best.split(separator: "x")[0].description) }
        }
        let bids = book.levels("0"), offers = book.levels("1")
        #expect(!bids.isEmpty && !offers.isEmpty, "maker quotes both sides: bids \(bids), offers \(offers)")
        if let bid = bids.first?.split(separator: "x").first, let offer = offers.first?.split(separator: "x").first {
            #expect(Decimal(string: String(bid))! < Decimal(string: String(offer))!, "crossed book \(bids) / \(offers)")
        }
        #expect(bestBids.count > 1, "the best bid never moved: \(bestBids)")
        let prints = md.messages(ofType: "X").flatMap { entries($0, delimiter: 279) }.filter { $0[269] == "2" }
        #expect(!prints.isEmpty, "the taker never traded")

        // A client lifting the maker's offer gets its Trade report like against any counterparty.
        let order = NewOrderSingle(clOrdID: "lift-1", orderQty: FixDecimal(mantissa: 1, scale: 0), ordType: .limit,
                                   price: FixDecimal(mantissa: 99, scale: 0), side: .buyYes, symbol: Self.market,
                                   timeInForce: .ioc)
        harness.send(order, on: trader)
        let trade = try #require(trader.waitForReport(execType: "F", clOrdID: "lift-1"), "no fill against the bots: \(trader.messages)")
        #expect(field(32, in: trade) == "1.00" && field(1057, in: trade) == "Y")
        #expect(Int(field(31, in: trade) ?? "") ?? 100 < 99, "filled at the maker's offer, not the limit: \(trade)")
    }

    @Test("the same seed gives the same first 120 bot orders; another seed does not")
    func sameSeedSameOrders() throws {
        func run(seed: UInt64) throws -> [SimBotOrder] {
            let log = OrderLog()
            let sim = try KalshiSimServer(configuration: SimConfiguration(
                useTLS: false, sessionTypes: [], bots: SimBotConfiguration(interval: .milliseconds(5), seed: seed, onOrder: log.sink)))
            try sim.start()
            defer { sim.stop() }
            #expect(log.wait(for: 120), "bots sent only \(log.count) orders")
            return Array(log.orders.withLock { $0 }.prefix(120))
        }
        let first = try run(seed: 2024), second = try run(seed: 2024), other = try run(seed: 2025)
        #expect(first.count == 120)
        for (index, (a, b)) in zip(first, second).enumerated() where a != b {
            Issue.record("bot order \(index) differs with the same seed: \(a) vs \(b)")
            break
        }
        #expect(Set(first.map(\.market)).count == 2, "two markets by default: \(Set(first.map(\.market)))")
        #expect(first.contains { $0.bot == .taker }, "no taker order in 120")
        #expect(first != other, "seeds 2024 and 2025 gave the same orders")
    }
}

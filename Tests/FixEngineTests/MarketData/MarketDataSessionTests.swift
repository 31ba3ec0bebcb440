import FixCodec
import FixEngine
import FixSession
import FixTransport
import Foundation
import KalshiSim
import Synchronization
import Testing

/// KalshiMD and KalshiPT through the engine against KalshiSim: books that follow the
/// simulator's book (and rebuild after a disconnect), and reassembled settlements.
@Suite("Market data and settlement sessions", .serialized)
struct MarketDataSessionTests {
    typealias Setup = OrderEntrySessionTests.Setup
    static let market = OrderEntrySessionTests.market

    final class BookWatcher: MarketDataDelegate, SettlementDelegate, @unchecked Sendable {
        let best = Mutex<(bid: String?, offer: String?)>((nil, nil))
        let clears = Mutex(0)
        let active = Mutex(0)
        let settlements = Mutex<[MarketSettlement]>([])

        func marketData(_ session: MarketDataSession, bookChanged book: FixOrderBook) {
            best.withLock { $0 = (book.bestBid?.description, book.bestOffer?.description) }
        }
        func marketData(_ session: MarketDataSession, cleared report: BookClearReport) { clears.withLock { $0 += 1 } }
        func marketData(_ session: MarketDataSession, stateChanged state: SessionState) {
            if state == .active { active.withLock { $0 += 1 } }
        }
        func settlement(_ session: SettlementSession, settled: MarketSettlement) { settlements.withLock { $0.append(settled) } }

        func wait(_ condition: () -> Bool) -> Bool {
            let deadline = Date().addingTimeInterval(5)
            while Date() < deadline { if condition() { return true }; usleep(2_000) }
            return condition()
        }
    }

    @Test("subscribe: the book follows orders and trades; a dropped connection clears it and the resubscription rebuilds it")
    func marketData() throws {
        let setup = try Setup()
        var configuration = try Setup.configuration("taker-key", OrderEntrySessionTests.takerKey, setup.sim.port(for: .kalshiMD)!,
                                                    setup.sim.clientSecurity, type: .kalshiMD)
        configuration.reconnect = ReconnectPolicy(initialDelay: 0.05, maximumDelay: 0.1, maximumAttempts: 5)
        let md = try setup.client.openMarketData(configuration, reconnectPolicy: configuration.reconnect)
        let watcher = BookWatcher()
        nonisolated(unsafe) let session = md
        setup.client.execute {
            session.delegate = watcher
            session.subscribe([Self.market])
            session.start()
        }
        let maker = setup.maker
        _ = try setup.onClient { () throws(OrderEntryError) in
            try maker.newOrder(symbol: Self.market, side: .buyYes, quantity: 10, price: .cents(45))
        }.get()
        _ = try setup.onClient { () throws(OrderEntryError) in
            try maker.newOrder(symbol: Self.market, side: .sellNo, quantity: 7, price: .cents(55))
        }.get()
        #expect(watcher.wait { watcher.best.withLock { $0.bid == "10.00@0.4500" && $0.offer == "7.00@0.5500" } },
                "book: \(watcher.best.withLock { $0 })")
        let taker = setup.taker
        _ = try setup.onClient { () throws(OrderEntryError) in
            try taker.newOrder(symbol: Self.market, side: .sellNo, quantity: 4, price: .cents(45))
        }.get()
        #expect(watcher.wait { watcher.best.withLock { $0.bid == "6.00@0.4500" } }, "after the trade: \(watcher.best.withLock { $0 })")
        let lastTrade = setup.onClient { () throws(OrderEntryError) in session.books.book(for: Self.market)?.lastTrade?.price }
        #expect(try lastTrade.get() == .cents(45))

        // Lose the connection: books are cleared, the reconnect resubscribes, the snapshot rebuilds.
        setup.client.execute { session.driver.dropConnection() }
        #expect(watcher.wait { watcher.clears.withLock { $0 } == 1 && watcher.active.withLock { $0 } == 2 })
        _ = try setup.onClient { () throws(OrderEntryError) in
            try maker.newOrder(symbol: Self.market, side: .buyYes, quantity: 1, price: .cents(44))
        }.get()
        #expect(watcher.wait {
            (try? setup.onClient { () throws(OrderEntryError) in session.books.book(for: Self.market)?.levels(.bid, depth: 2).map(\.description) }
                .map { $0 == ["6.00@0.4500", "1.00@0.4400"] }.get()) == true
        }, "the book was not rebuilt after the reconnect")
    }

    @Test("settlement: fragments on KalshiPT reassemble into one settlement with our payout")
    func settlement() throws {
        let setup = try Setup()
        let configuration = try Setup.configuration("maker-key", OrderEntrySessionTests.makerKey, setup.sim.port(for: .kalshiPT)!,
                                                    setup.sim.clientSecurity, type: .kalshiPT)
        let pt = try setup.client.openSettlement(configuration, reconnectPolicy: nil)
        let watcher = BookWatcher()
        let active = Mutex(false)
        nonisolated(unsafe) let session = pt
        setup.client.execute {
            session.delegate = watcher
            session.onStateChange = { if $0 == .active { active.withLock { $0 = true } } }
            session.start()
        }
        #expect(watcher.wait { active.withLock { $0 } })
        let (maker, taker) = (setup.maker, setup.taker)
        _ = try setup.onClient { () throws(OrderEntryError) in
            try maker.newOrder(symbol: Self.market, side: .buyYes, quantity: 10, price: .cents(30))
        }.get()
        _ = try setup.onClient { () throws(OrderEntryError) in
            try taker.newOrder(symbol: Self.market, side: .sellNo, quantity: 10, price: .cents(30))
        }.get()
        #expect(setup.makerEvents.wait { $0.fills.count == 1 })
        try setup.sim.settle(market: Self.market, result: .yes)
        #expect(watcher.wait { !watcher.settlements.withLock { $0 }.isEmpty }, "no settlement reassembled")
        let settled = try #require(watcher.settlements.withLock { $0 }.first)
        #expect(settled.symbol == Self.market && settled.fragmentsAgree)
        let party = try #require(settled.parties.first, "no party in \(settled)")
        #expect(party.longQuantity == FixDecimal(mantissa: 10, scale: 0), "long \(String(describing: party.longQuantity))")
        // A YES result pays 1 dollar per YES contract: 10 dollars, before fees.
        let gross = try party.grossPayout()
        #expect(gross == FixDecimal(mantissa: 10, scale: 0), "gross \(String(describing: gross))")
    }
}

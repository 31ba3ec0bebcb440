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

/// The engine's book against the simulator's own book after a few thousand random orders,
/// cancels and trades from two accounts.
@Suite("Book correctness against KalshiSim", .serialized)
struct BookCorrectnessTests {
    @Test("after 2,000 random orders and cancels the MarketDataSession book equals the simulator's book, level by level")
    func randomFlow() throws {
        let setup = try OrderEntrySessionTests.Setup()
        let market = OrderEntrySessionTests.market
        let configuration = try OrderEntrySessionTests.Setup.configuration(
            "taker-key", OrderEntrySessionTests.takerKey, setup.sim.port(for: .kalshiMD)!, setup.sim.clientSecurity, type: .kalshiMD)
        let md = try setup.client.openMarketData(configuration, reconnectPolicy: nil)
        let watcher = MarketDataSessionTests.BookWatcher()
        nonisolated(unsafe) let session = md
        setup.client.execute {
            session.delegate = watcher
            session.subscribe([market])
            session.start()
        }
        #expect(watcher.wait { watcher.active.withLock { $0 } == 1 })
        let (maker, taker) = (setup.maker, setup.taker)
        // A deterministic generator: the same orders every run.
        var state: UInt64 = 0x5EED_0001
        func next(_ n: UInt64) -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return (state >> 33) % n
        }
        var live: [(OrderEntrySession, String)] = []
        for _ in 0..<2_000 {
            let session = next(2) == 0 ? maker : taker
            if next(4) == 0, !live.isEmpty {
                let (owner, id) = live.remove(at: Int(next(UInt64(live.count))))
                _ = try? setup.onClient { () throws(OrderEntryError) in try owner.cancel(clOrdID: id) }.get()
            } else {
                let side: Side = next(2) == 0 ? .buyYes : .sellNo
                let cents = Int64(side == .buyYes ? 30 + next(25) : 45 + next(25))  // overlapping: some orders trade
                let qty = Contracts(Int64(1 + next(9)))
                nonisolated(unsafe) let s = session
                if let id = try? setup.onClient({ () throws(OrderEntryError) in
                    try s.newOrder(symbol: market, side: side, quantity: qty, price: .cents(cents))
                }).get() {
                    live.append((session, id))
                }
            }
        }
        // A barrier: once this order shows on the book, everything before it has been applied.
        _ = try setup.onClient { () throws(OrderEntryError) in
            try maker.newOrder(symbol: market, side: .buyYes, quantity: 1, price: .cents(2))
        }.get()
        func engineLevels(_ side: BookSide) -> [String] {
            (try? setup.onClient { () throws(OrderEntryError) in
                session.books.book(for: market)?.levels(side, depth: 1_000).map { "\($0.size)@\($0.price)" } ?? []
            }.get()) ?? []
        }
        func simLevels(_ side: SimSide) -> [String] {
            setup.sim.depth(market: market, side: side).map { "\($0.quantity)@\($0.price)" }
        }
        #expect(watcher.wait { engineLevels(.bid).last == "1.00@0.0200" }, "the barrier order never reached the book")
        let bids = engineLevels(.bid), offers = engineLevels(.offer)
        #expect(bids == simLevels(.buy), "bids differ:\n engine \(bids)\n sim    \(simLevels(.buy))")
        #expect(offers == simLevels(.sell), "offers differ:\n engine \(offers)\n sim    \(simLevels(.sell))")
        let trades = (try? setup.onClient { () throws(OrderEntryError) in session.books.book(for: market)?.tradeCount ?? 0 }.get()) ?? 0
        #expect(trades > 50, "the random flow should have traded; \(trades) trade prints")
    }
}

import Testing
@testable import KalshiSim

extension MatchingEngineTests {
    @Suite("Queries, market-data feed, value types")
    struct MarketDataTests {
        @Test("depth aggregates per level best first; best bid/ask; open orders per owner")
        func depthAndQueries() {
            var engine = makeEngine()
            engine.submitResting(request(alice, "b1", .buy, cents: 45, qty(2)))
            engine.submitResting(request(bob, "b2", .buy, cents: 45, SimQuantity(hundredths: 150)))
            engine.submitResting(request(alice, "b3", .buy, cents: 47, qty(1)))
            engine.submitResting(request(bob, "a1", .sell, cents: 52, qty(4)))
            engine.submitResting(request(alice, "a2", .sell, cents: 99, qty(1)))
            #expect(engine.levels(market, .buy) == ["0.4700x1.00/1", "0.4500x3.50/2"])
            #expect(engine.levels(market, .sell) == ["0.5200x4.00/1", "0.9900x1.00/1"])
            #expect(engine.depth(market: market, side: .buy, maxLevels: 1).count == 1)
            #expect(engine.bestBid(market: market) == .cents(47) && engine.bestAsk(market: market) == .cents(52))
            #expect(engine.bestBid(market: "NOPE") == nil && engine.depth(market: "NOPE", side: .buy).isEmpty)
            #expect(engine.openOrders(owner: alice).map(\.clientOrderID) == ["b1", "b3", "a2"])
            #expect(engine.lastTradePrice(market: market) == nil)
            #expect(engine.marketConfig(marginMarket) == .margin)
            let listedAgain = engine.addMarket(market)
            #expect(!listedAgain, "a ticker is listed once")
        }

        @Test("best price moves across an empty stretch of the grid when the best level empties")
        func bestPriceAcrossGrid() {
            var engine = makeEngine()
            var r = request(alice, "low", .buy, cents: 0, qty(1), in: marginMarket)
            r.price = SimPrice(units: 1)  // word 0 of the bitmap
            engine.submitResting(r)
            r.clientOrderID = "high"
            r.price = SimPrice(units: 9_999)  // the last tick
            let high = engine.submitResting(r)
            #expect(engine.bestBid(market: marginMarket) == SimPrice(units: 9_999))
            _ = engine.cancelCollecting(high, owner: alice)
            #expect(engine.bestBid(market: marginMarket) == SimPrice(units: 1))
            var a = request(bob, "ask", .sell, cents: 0, qty(1), in: marginMarket)
            a.price = SimPrice(units: 9_999)
            engine.submitResting(a)
            #expect(engine.bestAsk(market: marginMarket) == SimPrice(units: 9_999))
            engine.expectConsistent()
        }

        @Test("the change feed gives trades in order, then each changed level once with its current aggregate")
        func changeFeed() {
            var engine = makeEngine()
            var changes: [SimMarketDataChange] = []
            engine.submitResting(request(alice, "a1", .sell, cents: 50, qty(1)))
            engine.submitResting(request(alice, "a2", .sell, cents: 51, qty(2)))
            engine.drainMarketData(into: &changes)
            #expect(changes.count == 2)
            changes.removeAll()

            let (_, events) = engine.submitCollecting(request(bob, "b", .buy, cents: 51, qty(2)), now: 77)
            engine.drainMarketData(into: &changes)
            let trades = changes.compactMap { if case .trade(let t) = $0 { return t } else { return nil } }
            #expect(trades.map(\.price) == [.cents(50), .cents(51)])
            #expect(trades.map(\.tradeID) == fills(events).map(\.tradeID))
            #expect(trades.allSatisfy { $0.aggressorSide == .buy && $0.time == 77 && $0.market == market })
            let levels = changes.compactMap { change -> String? in
                if case .level(let m, let side, let level) = change { return "\(m) \(side) \(level.price)x\(level.quantity)/\(level.orderCount)" }
                return nil
            }
            #expect(levels == ["\(market) sell 0.5000x0.00/0", "\(market) sell 0.5100x1.00/1"], "\(changes)")
            #expect(changes.prefix(2).allSatisfy { if case .trade = $0 { true } else { false } }, "trades come first")

            changes.removeAll()
            engine.drainMarketData(into: &changes)
            #expect(changes.isEmpty, "a drain empties the feed")
        }

        @Test("with the feed turned off nothing accumulates")
        func feedOff() {
            var engine = makeEngine()
            engine.recordsMarketData = false
            var changes: [SimMarketDataChange] = []
            engine.submitResting(request(alice, "a", .sell, cents: 50, qty(1)))
            engine.submitCollecting(request(bob, "b", .buy, cents: 50, qty(2)))
            engine.drainMarketData(into: &changes)
            #expect(changes.isEmpty, "\(changes)")
            #expect(engine.lastTradePrice(market: market) == .cents(50), "last trade is kept regardless")
        }

        @Test("fixed-point descriptions")
        func descriptions() {
            #expect(SimPrice.cents(55).description == "0.5500")
            #expect(SimPrice(units: 1).description == "0.0001")
            #expect(SimPrice.cents(30).complement == .cents(70))
            #expect(SimQuantity(hundredths: 1005).description == "10.05")
            #expect(SimQuantity.contracts(3).description == "3.00")
            #expect(SimMoney(micros: 1_250_000).description == "1.250000")
            #expect(SimMoney(micros: -5).description == "-0.000005")
            #expect(SimMoney.cost(of: SimQuantity(hundredths: 150), at: .cents(33)) == SimMoney(micros: 495_000))
            #expect(SimOrderID(42).description == "42")
            #expect(SimCancelRejectReason.orderClosed.cxlRejReason(for: .cancel) == 0)
            #expect(SimCancelRejectReason.orderClosed.cxlRejReason(for: .replace) == 2)
        }
    }
}

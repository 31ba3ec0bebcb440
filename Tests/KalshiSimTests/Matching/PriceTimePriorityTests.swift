import Testing
@testable import KalshiSim

extension MatchingEngineTests {
    @Suite("Price-time priority and fills")
    struct PriceTimePriorityTests {
        @Test("a bid sweeps asks best price first, then first come first served within a level")
        func priorityAcrossAndWithinLevels() {
            var engine = makeEngine()
            let a55 = engine.submitResting(request(alice, "a55", .sell, cents: 55, qty(5)))
            let b54first = engine.submitResting(request(bob, "b54-1", .sell, cents: 54, qty(3)))
            let c54second = engine.submitResting(request(carol, "c54-2", .sell, cents: 54, qty(4)))
            let a53 = engine.submitResting(request(alice, "a53", .sell, cents: 53, qty(2)))
            #expect(engine.bestAsk(market: market) == .cents(53))

            let (taker, events) = engine.submitCollecting(request(SimOwnerID(9), "t", .buy, cents: 55, qty(11)))
            #expect(kinds(events) == ["accepted", "fill", "fill", "fill", "fill"], "\(events)")
            let f = fills(events)
            #expect(f.map(\.maker.orderID) == [a53, b54first, c54second, a55], "makers out of price-time order")
            #expect(f.map(\.price) == [.cents(53), .cents(54), .cents(54), .cents(55)], "trade price must be the maker's")
            #expect(f.map(\.quantity) == [qty(2), qty(3), qty(4), qty(2)])
            #expect(f.allSatisfy { $0.taker.orderID == taker && $0.aggressorSide == .buy })
            #expect(f.map(\.taker.leavesQuantity) == [qty(9), qty(6), qty(2), qty(0)])
            #expect(f.last?.taker.status == .filled)
            #expect(f.last?.maker.status == .partiallyFilled && f.last?.maker.leavesQuantity == qty(3))
            #expect(engine.levels(market, .sell) == ["0.5500x3.00/1"])
            #expect(engine.order(taker!) == nil, "a filled order is no longer open")
            engine.expectConsistent()
        }

        @Test("an ask sweeps bids highest first and trades at each bid's price, not its own")
        func askTradesAtBidPrices() {
            var engine = makeEngine()
            engine.submitResting(request(alice, "b40", .buy, cents: 40, qty(1)))
            engine.submitResting(request(alice, "b42", .buy, cents: 42, qty(1)))
            engine.submitResting(request(alice, "b41", .buy, cents: 41, qty(1)))
            let (_, events) = engine.submitCollecting(request(bob, "s", .sell, cents: 41, qty(5)))
            let f = fills(events)
            #expect(f.map(\.price) == [.cents(42), .cents(41)], "an ask crosses bids >= its price, best first")
            #expect(f.allSatisfy { $0.aggressorSide == .sell })
            #expect(engine.levels(market, .sell) == ["0.4100x3.00/1"], "the remainder rests at its own price")
            #expect(engine.levels(market, .buy) == ["0.4000x1.00/1"])
            #expect(engine.lastTradePrice(market: market) == .cents(41))
        }

        @Test("partial fills on both sides: maker keeps its queue place, taker rests its remainder")
        func partialFillsBothSides() {
            var engine = makeEngine()
            let maker = engine.submitResting(request(alice, "m", .sell, cents: 60, qty(10)))
            let behind = engine.submitResting(request(carol, "m2", .sell, cents: 60, qty(1)))
            let (_, first) = engine.submitCollecting(request(bob, "t1", .buy, cents: 60, qty(4)))
            #expect(fills(first).map(\.maker.orderID) == [maker])
            #expect(fills(first).first?.maker.cumQuantity == qty(4))
            #expect(fills(first).first?.maker.leavesQuantity == qty(6))

            // A bigger bid takes the rest of the first maker, then the second, then rests.
            let (t2, second) = engine.submitCollecting(request(bob, "t2", .buy, cents: 60, qty(9)))
            #expect(fills(second).map(\.maker.orderID) == [maker, behind], "the partly filled maker must still be first")
            #expect(fills(second).map(\.quantity) == [qty(6), qty(1)])
            #expect(kinds(second) == ["accepted", "fill", "fill"], "a resting remainder emits nothing more")
            let rest = engine.order(t2!)
            #expect(rest?.cumQuantity == qty(7) && rest?.leavesQuantity == qty(2) && rest?.status == .partiallyFilled)
            #expect(engine.bestBid(market: market) == .cents(60) && engine.bestAsk(market: market) == nil)
            engine.expectConsistent()
        }

        @Test("average price is exact: notional kept in 1/1,000,000 dollar, average rounded half up to 0.0001")
        func averagePriceWithFractionalQuantities() {
            var engine = makeEngine()
            engine.submitResting(request(alice, "a1", .sell, cents: 33, SimQuantity(hundredths: 150)))  // 1.50 @ 0.33
            engine.submitResting(request(alice, "a2", .sell, cents: 34, SimQuantity(hundredths: 25)))   // 0.25 @ 0.34
            engine.submitResting(request(alice, "a3", .sell, cents: 37, SimQuantity(hundredths: 1)))    // 0.01 @ 0.37
            let (_, events) = engine.submitCollecting(request(bob, "t", .buy, cents: 40, SimQuantity(hundredths: 176)))
            guard let last = fills(events).last else { Issue.record("no fills: \(events)"); return }
            // 1.50 × 0.33 + 0.25 × 0.34 + 0.01 × 0.37 = 0.495 + 0.085 + 0.0037 = 0.5837 dollar.
            #expect(last.taker.notional == SimMoney(micros: 583_700))
            #expect(last.taker.cumQuantity == SimQuantity(hundredths: 176))
            // 0.5837 / 1.76 = 0.331647… → 0.3316.
            #expect(last.taker.averagePrice == SimPrice(units: 3316))
            #expect(fills(events)[0].taker.averagePrice == .cents(33))

            // Half rounds up: 0.01 @ 0.01 + 0.01 @ 0.02 = 0.0003 / 0.02 = 0.015 exactly.
            let half = SimOrderView(
                orderID: SimOrderID(1), owner: alice, market: market, clientOrderID: "x", originalClientOrderID: "x",
                group: nil, side: .buy, price: .cents(2), originalQuantity: SimQuantity(hundredths: 2),
                orderQuantity: SimQuantity(hundredths: 2), cumQuantity: SimQuantity(hundredths: 2), leavesQuantity: .zero,
                notional: SimMoney(micros: 300), timeInForce: .goodTillCancel, postOnly: false, cancelOnPause: false,
                selfTradePrevention: .takerAtCross, status: .filled)
            #expect(half.averagePrice == SimPrice(units: 150))
            var unfilled = half
            unfilled.cumQuantity = .zero
            #expect(unfilled.averagePrice == nil, "no average before the first fill")
        }

        @Test("trade and match ids are unique and increasing; fills carry both owners")
        func tradeIDs() {
            var engine = makeEngine()
            engine.submitResting(request(alice, "a", .sell, cents: 50, qty(1)))
            engine.submitResting(request(carol, "c", .sell, cents: 50, qty(1)))
            let (_, events) = engine.submitCollecting(request(bob, "b", .buy, cents: 50, qty(2)))
            let f = fills(events)
            #expect(f.map(\.tradeID.rawValue) == [1, 2])
            #expect(f.map(\.maker.owner) == [alice, carol] && f.allSatisfy { $0.taker.owner == bob })
            #expect(f.allSatisfy { $0.market == market })
        }

        @Test("margin market: 0.0001-dollar tick and whole contracts")
        func marginMarketGrid() {
            var engine = makeEngine()
            var r = request(alice, "m1", .sell, cents: 0, qty(2), in: marginMarket)
            r.price = SimPrice(units: 5_001)
            let maker = engine.submitResting(r)
            var t = request(bob, "m2", .buy, cents: 0, qty(1), in: marginMarket)
            t.price = SimPrice(units: 5_003)
            let (_, events) = engine.submitCollecting(t)
            #expect(fills(events).map(\.price) == [SimPrice(units: 5_001)])
            #expect(fills(events).first?.maker.orderID == maker)
            #expect(engine.bestAsk(market: marginMarket)?.description == "0.5001")
        }
    }
}

import Testing
@testable import KalshiSim

extension MatchingEngineTests {
    @Suite("Time in force, post-only, self-trade prevention, max execution cost")
    struct OrderInstructionTests {
        static let second: Int64 = 1_000_000_000

        // MARK: Time in force

        @Test("IOC fills what crosses and cancels the rest with IMMEDIATE_OR_CANCELLED")
        func immediateOrCancel() {
            var engine = makeEngine()
            engine.submitResting(request(alice, "a", .sell, cents: 50, qty(3)))
            let (id, events) = engine.submitCollecting(request(bob, "ioc", .buy, cents: 50, qty(5), tif: .immediateOrCancel))
            #expect(kinds(events) == ["accepted", "fill", "canceled"], "\(events)")
            let c = cancels(events)
            #expect(c.first?.id == id && c.first?.reason == .immediateOrCancel && c.first?.leaves == qty(2))
            #expect(SimCancelReason.immediateOrCancel.text == "IMMEDIATE_OR_CANCELLED")
            if case .canceled(let v, _, _) = events.last {
                #expect(v.cumQuantity == qty(3) && v.leavesQuantity == .zero && v.status == .canceled)
            }
            #expect(engine.bestBid(market: market) == nil, "IOC must never rest")
            engine.expectConsistent()
        }

        @Test("IOC that fills completely emits no cancel; IOC with nothing to cross is canceled whole")
        func immediateOrCancelEdges() {
            var engine = makeEngine()
            engine.submitResting(request(alice, "a", .sell, cents: 50, qty(3)))
            let (_, full) = engine.submitCollecting(request(bob, "ioc1", .buy, cents: 50, qty(3), tif: .immediateOrCancel))
            #expect(kinds(full) == ["accepted", "fill"])
            let (_, none) = engine.submitCollecting(request(bob, "ioc2", .buy, cents: 50, qty(3), tif: .immediateOrCancel))
            #expect(kinds(none) == ["accepted", "canceled"])
            #expect(cancels(none).first?.leaves == qty(3))
        }

        @Test("FOK fills all at once, or is canceled with FOK_INSUFFICIENT_VOLUME and no fills")
        func fillOrKill() {
            var engine = makeEngine()
            let m1 = engine.submitResting(request(alice, "a1", .sell, cents: 50, qty(2)))
            engine.submitResting(request(carol, "a2", .sell, cents: 52, qty(2)))
            engine.submitResting(request(carol, "a3", .sell, cents: 60, qty(9)))

            let (_, killed) = engine.submitCollecting(request(bob, "fok1", .buy, cents: 52, qty(5), tif: .fillOrKill))
            #expect(kinds(killed) == ["accepted", "canceled"], "\(killed)")
            #expect(cancels(killed).first?.reason == .fillOrKillInsufficientVolume)
            #expect(SimCancelReason.fillOrKillInsufficientVolume.text == "FOK_INSUFFICIENT_VOLUME")
            #expect(engine.order(m1)?.leavesQuantity == qty(2), "a killed FOK must not touch the book")

            let (_, filled) = engine.submitCollecting(request(bob, "fok2", .buy, cents: 52, qty(4), tif: .fillOrKill))
            #expect(kinds(filled) == ["accepted", "fill", "fill"])
            #expect(engine.levels(market, .sell) == ["0.6000x9.00/1"])
            engine.expectConsistent()
        }

        @Test("FOK counts only liquidity it may take: its owner's orders block it under taker STP")
        func fillOrKillWithOwnOrders() {
            var engine = makeEngine()
            engine.submitResting(request(bob, "own", .sell, cents: 50, qty(5)))
            engine.submitResting(request(alice, "a", .sell, cents: 51, qty(5)))
            let (_, events) = engine.submitCollecting(request(bob, "fok", .buy, cents: 51, qty(5), tif: .fillOrKill))
            #expect(cancels(events).map(\.reason) == [.fillOrKillInsufficientVolume], "\(events)")
            // Under maker STP the own order is skipped in the count; here the rest suffices.
            let (_, maker) = engine.submitCollecting(request(bob, "fok2", .buy, cents: 51, qty(5), tif: .fillOrKill, stp: .maker))
            #expect(kinds(maker) == ["accepted", "canceled", "fill"], "\(maker)")
            #expect(cancels(maker).first?.reason == .makerSelfTradePrevention)
        }

        @Test("GTD rests until its deadline and expires at it; a GTD already past behaves as IOC")
        func goodTillDate() {
            var engine = makeEngine()
            let t0: Int64 = 1_700_000_000 * Self.second
            let gtd = engine.submitResting(request(alice, "gtd", .buy, cents: 40, qty(1), tif: .goodTillDate(expireTime: t0 + 10 * Self.second)), now: t0)
            var events: [SimEvent] = []
            #expect(engine.expire(now: t0 + 9 * Self.second, into: &events) == 0)
            #expect(events.isEmpty)
            #expect(engine.expire(now: t0 + 10 * Self.second, into: &events) == 1)
            guard case .expired(let v, let leaves)? = events.first else { Issue.record("no expiry: \(events)"); return }
            #expect(v.orderID == gtd && leaves == qty(1) && v.status == .expired && v.leavesQuantity == .zero)
            #expect(engine.bestBid(market: market) == nil)

            engine.submitResting(request(carol, "a", .sell, cents: 40, qty(1)), now: t0)
            let (_, past) = engine.submitCollecting(
                request(bob, "past", .buy, cents: 40, qty(3), tif: .goodTillDate(expireTime: t0 - 1)), now: t0)
            #expect(kinds(past) == ["accepted", "fill", "canceled"], "\(past)")
            #expect(cancels(past).first?.reason == .immediateOrCancel)
            engine.expectConsistent()
        }

        @Test("DAY orders expire at the end-of-day deadline the caller gives, before anything else happens")
        func dayOrders() {
            var engine = makeEngine()
            let endOfDay: Int64 = 100 * Self.second
            let day = engine.submitResting(request(alice, "day", .sell, cents: 45, qty(2), tif: .day(endOfDay: endOfDay)), now: 1)
            engine.submitResting(request(carol, "gtc", .sell, cents: 46, qty(2)), now: 1)
            // The next order after the deadline must not trade with the expired DAY order.
            let (_, events) = engine.submitCollecting(request(bob, "b", .buy, cents: 46, qty(1)), now: endOfDay + 1)
            #expect(kinds(events) == ["expired", "accepted", "fill"], "\(events)")
            if case .expired(let v, _)? = events.first { #expect(v.orderID == day) }
            #expect(fills(events).first?.price == .cents(46))
            engine.expectConsistent()
        }

        // MARK: Post-only

        @Test("post-only that would cross is canceled with POST_ONLY_CROSS and nothing trades; otherwise it rests")
        func postOnly() {
            var engine = makeEngine()
            let ask = engine.submitResting(request(alice, "a", .sell, cents: 50, qty(1)))
            let (_, crossed) = engine.submitCollecting(request(bob, "po", .buy, cents: 50, qty(1), postOnly: true))
            #expect(kinds(crossed) == ["accepted", "canceled"])
            #expect(cancels(crossed).first?.reason == .postOnlyCross)
            #expect(SimCancelReason.postOnlyCross.text == "POST_ONLY_CROSS")
            #expect(engine.order(ask)?.leavesQuantity == qty(1))
            engine.submitResting(request(bob, "po2", .buy, cents: 49, qty(1), postOnly: true))
            #expect(engine.bestBid(market: market) == .cents(49))
            engine.expectConsistent()
        }

        // MARK: Self-trade prevention

        @Test("taker-at-cross STP: fills before the own order stay, the incoming remainder is canceled")
        func takerSelfTradePrevention() {
            var engine = makeEngine()
            engine.submitResting(request(alice, "a1", .sell, cents: 50, qty(2)))
            let own = engine.submitResting(request(bob, "own", .sell, cents: 50, qty(2)))
            engine.submitResting(request(alice, "a2", .sell, cents: 50, qty(2)))
            let (taker, events) = engine.submitCollecting(request(bob, "t", .buy, cents: 50, qty(5)))
            #expect(kinds(events) == ["accepted", "fill", "canceled"], "\(events)")
            #expect(cancels(events).first?.id == taker)
            #expect(cancels(events).first?.reason == .takerSelfTradePrevention)
            #expect(cancels(events).first?.leaves == qty(3))
            #expect(engine.order(own)?.leavesQuantity == qty(2), "the resting own order stays")
            #expect(engine.levels(market, .sell) == ["0.5000x4.00/2"])
            engine.expectConsistent()
        }

        @Test("maker STP: the own resting order is canceled and matching continues behind it")
        func makerSelfTradePrevention() {
            var engine = makeEngine()
            let own = engine.submitResting(request(bob, "own", .sell, cents: 49, qty(2)))
            let other = engine.submitResting(request(alice, "a", .sell, cents: 50, qty(2)))
            let (_, events) = engine.submitCollecting(request(bob, "t", .buy, cents: 50, qty(3), stp: .maker))
            #expect(kinds(events) == ["accepted", "canceled", "fill"], "\(events)")
            #expect(cancels(events).first?.id == own && cancels(events).first?.reason == .makerSelfTradePrevention)
            #expect(fills(events).first?.maker.orderID == other)
            #expect(SimCancelReason.makerSelfTradePrevention.text == "MAKER_CANCEL_FOR_SELF_TRADE_PREVENTION")
            #expect(engine.bestBid(market: market) == .cents(50), "the remainder rests")
            engine.expectConsistent()
        }

        // MARK: Max execution cost

        @Test("max execution cost: buy pays the price, sell pays 1 − price; over the cap → canceled with no fills")
        func maxExecutionCost() {
            var engine = makeEngine()
            engine.submitResting(request(alice, "a1", .sell, cents: 40, qty(5)))
            engine.submitResting(request(alice, "a2", .sell, cents: 60, qty(5)))
            // 5 × 0.40 + 5 × 0.60 = 5.00 dollars.
            let (_, over) = engine.submitCollecting(request(bob, "b1", .buy, cents: 60, qty(10), maxCost: SimMoney(micros: 4_999_999)))
            #expect(kinds(over) == ["accepted", "canceled"], "\(over)")
            #expect(cancels(over).first?.reason == .maxExecutionCostExceeded)
            let (_, fits) = engine.submitCollecting(request(bob, "b2", .buy, cents: 60, qty(10), maxCost: .dollars(5)))
            #expect(fills(fits).count == 2)

            // Selling YES at bids of 0.70 costs 0.30 per contract (buying NO).
            engine.submitResting(request(alice, "bid", .buy, cents: 70, qty(10)))
            let (_, sellOver) = engine.submitCollecting(request(bob, "s1", .sell, cents: 70, qty(10), maxCost: SimMoney(micros: 2_999_999)))
            #expect(cancels(sellOver).first?.reason == .maxExecutionCostExceeded, "\(sellOver)")
            let (_, sellFits) = engine.submitCollecting(request(bob, "s2", .sell, cents: 70, qty(10), maxCost: .dollars(3)))
            #expect(fills(sellFits).map(\.quantity) == [qty(10)])
            engine.expectConsistent()
        }

        @Test("max execution cost counts only the immediately executable part; the resting rest is free")
        func maxExecutionCostWithRestingRemainder() {
            var engine = makeEngine()
            engine.submitResting(request(alice, "a", .sell, cents: 50, qty(2)))
            let (id, events) = engine.submitCollecting(request(bob, "b", .buy, cents: 50, qty(100), maxCost: .dollars(1)))
            #expect(kinds(events) == ["accepted", "fill"], "\(events)")
            #expect(engine.order(id!)?.leavesQuantity == qty(98))
        }
    }
}

import Testing
@testable import KalshiSim

extension MatchingEngineTests {
    @Suite("Replace, cancel, mass cancel, pause, rejects")
    struct AmendAndCancelTests {
        // MARK: Replace

        @Test("quantity decrease at the same price keeps queue priority")
        func decreaseKeepsPriority() {
            var engine = makeEngine()
            let first = engine.submitResting(request(alice, "a1", .sell, cents: 50, qty(5)))
            let second = engine.submitResting(request(carol, "c1", .sell, cents: 50, qty(5)))
            let events = engine.replaceCollecting(SimReplaceRequest(owner: alice, orderID: first, clientOrderID: "a2", quantity: qty(3)))
            guard case .replaced(let r)? = events.first, events.count == 1 else { Issue.record("\(events)"); return }
            #expect(r.priorityKept)
            #expect(r.previousClientOrderID == "a1" && r.order.clientOrderID == "a2" && r.order.originalClientOrderID == "a1")
            #expect(r.previousOrderQuantity == qty(5) && r.order.orderQuantity == qty(3) && r.order.leavesQuantity == qty(3))
            #expect(engine.levels(market, .sell) == ["0.5000x8.00/2"])
            let (_, fill) = engine.submitCollecting(request(bob, "b", .buy, cents: 50, qty(1)))
            #expect(fills(fill).first?.maker.orderID == first, "the amended order must still be first")
            #expect(engine.openOrderID(owner: alice, clientOrderID: "a2") == first)
            #expect(engine.openOrderID(owner: alice, clientOrderID: "a1") == nil, "the old ClOrdID is released")
            _ = second
            engine.expectConsistent()
        }

        @Test("quantity increase or price change loses priority", arguments: [
            (Int64(6), Int64?.none), (Int64(5), Int64?.some(51)), (Int64(4), Int64?.some(49)),
        ])
        func losesPriority(newQuantity: Int64, newCents: Int64?) {
            var engine = makeEngine()
            let first = engine.submitResting(request(alice, "a1", .sell, cents: 50, qty(5)))
            engine.submitResting(request(carol, "c1", .sell, cents: 51, qty(5)))
            engine.submitResting(request(carol, "c2", .sell, cents: 50, qty(5)))
            engine.submitResting(request(carol, "c3", .sell, cents: 49, qty(5)))
            let events = engine.replaceCollecting(SimReplaceRequest(
                owner: alice, orderID: first, clientOrderID: "a2", quantity: qty(newQuantity), price: newCents.map { .cents($0) }))
            guard case .replaced(let r)? = events.first else { Issue.record("\(events)"); return }
            #expect(!r.priorityKept, "qty \(newQuantity) price \(String(describing: newCents)) must lose priority")
            let price = SimPrice.cents(newCents ?? 50)
            let (_, sweep) = engine.submitCollecting(request(bob, "b", .buy, cents: 51, qty(100)))
            let atPrice = fills(sweep).filter { $0.price == price }.map(\.maker.orderID)
            #expect(atPrice.count == 2 && atPrice.last == first, "the amended order must queue last at \(price): \(atPrice)")
            engine.expectConsistent()
        }

        @Test("expiry-only change keeps priority; omitted TIF keeps the expiry; IOC/FOK/past deadline are refused")
        func timeInForceOnReplace() {
            var engine = makeEngine()
            let id = engine.submitResting(request(alice, "a1", .buy, cents: 40, qty(2), tif: .goodTillDate(expireTime: 1_000)), now: 0)
            let gtc = engine.replaceCollecting(SimReplaceRequest(owner: alice, orderID: id, clientOrderID: "a2", quantity: qty(2), timeInForce: .goodTillCancel), now: 10)
            if case .replaced(let r)? = gtc.first {
                #expect(r.priorityKept && r.order.timeInForce == .goodTillCancel && r.previousTimeInForce == .goodTillDate(expireTime: 1_000))
            } else { Issue.record("\(gtc)") }
            let keep = engine.replaceCollecting(SimReplaceRequest(owner: alice, orderID: id, clientOrderID: "a3", quantity: qty(1)), now: 10)
            if case .replaced(let r)? = keep.first { #expect(r.order.timeInForce == .goodTillCancel) }
            for bad in [SimTimeInForce.immediateOrCancel, .fillOrKill, .goodTillDate(expireTime: 10), .day(endOfDay: 5)] {
                let events = engine.replaceCollecting(SimReplaceRequest(owner: alice, orderID: id, clientOrderID: "x", quantity: qty(1), timeInForce: bad), now: 10)
                #expect(cancelReject(events)?.reason == .invalidOrder, "replace to \(bad) must be refused: \(events)")
            }
            engine.expectConsistent()
        }

        @Test("new quantity equal to the filled quantity cancels; below it is INVALID_AMEND_QTY_FOR_ORDER")
        func quantityAgainstFilled() {
            var engine = makeEngine()
            let id = engine.submitResting(request(alice, "a", .sell, cents: 50, qty(5)))
            engine.submitCollecting(request(bob, "b", .buy, cents: 50, qty(2)))
            let below = engine.replaceCollecting(SimReplaceRequest(owner: alice, orderID: id, clientOrderID: "a2", quantity: qty(1)))
            let reject = cancelReject(below)
            #expect(reject?.reason == .invalidAmendQuantity && reject?.kind == .replace && reject?.cxlRejReason == 2)
            #expect(reject?.reason.text == "INVALID_AMEND_QTY_FOR_ORDER")
            #expect(reject?.order?.leavesQuantity == qty(3), "the order is unchanged")
            let equal = engine.replaceCollecting(SimReplaceRequest(owner: alice, orderID: id, clientOrderID: "a3", quantity: qty(2)))
            #expect(cancels(equal).map(\.reason) == [.replacedToFilledQuantity], "\(equal)")
            #expect(cancels(equal).first?.leaves == qty(3))
            #expect(engine.order(id) == nil && engine.bestAsk(market: market) == nil)
            engine.expectConsistent()
        }

        @Test("replace of a filled order is CANNOT_UPDATE_FILLED_ORDER; of an unknown order ORDER_NOT_FOUND")
        func replaceClosedOrUnknown() {
            var engine = makeEngine()
            let id = engine.submitResting(request(alice, "a", .sell, cents: 50, qty(1)))
            engine.submitCollecting(request(bob, "b", .buy, cents: 50, qty(1)))
            let filled = cancelReject(engine.replaceCollecting(SimReplaceRequest(owner: alice, orderID: id, clientOrderID: "a2", quantity: qty(2))))
            #expect(filled?.reason == .orderClosed && filled?.reason.text == "CANNOT_UPDATE_FILLED_ORDER" && filled?.cxlRejReason == 2)
            let unknown = cancelReject(engine.replaceCollecting(SimReplaceRequest(owner: alice, orderID: SimOrderID(999), clientOrderID: "x", quantity: qty(1))))
            #expect(unknown?.reason == .unknownOrder && unknown?.cxlRejReason == 1)
        }

        @Test("a replace to a crossing price trades at once at the makers' prices; the rest rests")
        func crossingReplace() {
            var engine = makeEngine()
            engine.submitResting(request(carol, "c", .sell, cents: 55, qty(2)))
            let id = engine.submitResting(request(alice, "a", .buy, cents: 50, qty(5)))
            let events = engine.replaceCollecting(SimReplaceRequest(owner: alice, orderID: id, clientOrderID: "a2", quantity: qty(5), price: .cents(56)))
            #expect(kinds(events) == ["replaced", "fill"], "\(events)")
            let f = fills(events).first
            #expect(f?.price == .cents(55) && f?.taker.orderID == id && f?.aggressorSide == .buy)
            #expect(f?.taker.clientOrderID == "a2")
            #expect(engine.levels(market, .buy) == ["0.5600x3.00/1"])
            engine.expectConsistent()
        }

        @Test("replace refusals: paused market, bad price or quantity, duplicate ClOrdID, post-only crossing")
        func replaceRefusals() {
            var engine = makeEngine()
            var events: [SimEvent] = []
            engine.submitResting(request(alice, "other", .buy, cents: 30, qty(1)))
            engine.submitResting(request(carol, "ask", .sell, cents: 50, qty(1)))
            let id = engine.submitResting(request(alice, "a", .buy, cents: 40, qty(1), postOnly: true))
            func refused(_ r: SimReplaceRequest) -> SimCancelRejectReason? { cancelReject(engine.replaceCollecting(r))?.reason }
            #expect(refused(SimReplaceRequest(owner: alice, orderID: id, clientOrderID: "a2", quantity: qty(1), price: SimPrice(units: 4_050))) == .invalidOrder)
            #expect(refused(SimReplaceRequest(owner: alice, orderID: id, clientOrderID: "a2", quantity: .zero)) == .invalidOrder)
            #expect(refused(SimReplaceRequest(owner: alice, orderID: id, clientOrderID: "other", quantity: qty(1))) == .orderAlreadyExists)
            #expect(refused(SimReplaceRequest(owner: alice, orderID: id, clientOrderID: "a2", quantity: qty(1), price: .cents(50))) == .postOnlyCross)
            #expect(refused(SimReplaceRequest(owner: bob, orderID: id, clientOrderID: "a2", quantity: qty(1))) == .unknownOrder)
            engine.pause(market: market, now: 0, into: &events)
            #expect(refused(SimReplaceRequest(owner: alice, orderID: id, clientOrderID: "a2", quantity: qty(1))) == .tradingPaused)
            #expect(engine.order(id)?.clientOrderID == "a" && engine.order(id)?.price == .cents(40), "refusals change nothing")
            engine.expectConsistent()
        }

        // MARK: Cancel

        @Test("cancel: owner only; unknown id and other owner's order are ORDER_NOT_FOUND; closed is too late")
        func cancel() {
            var engine = makeEngine()
            let id = engine.submitResting(request(alice, "a", .sell, cents: 50, qty(3)))
            let wrongOwner = cancelReject(engine.cancelCollecting(id, owner: bob))
            #expect(wrongOwner?.reason == .unknownOrder && wrongOwner?.kind == .cancel && wrongOwner?.cxlRejReason == 1)
            #expect(cancelReject(engine.cancelCollecting(SimOrderID(77), owner: alice))?.reason == .unknownOrder)
            let ok = engine.cancelCollecting(id, owner: alice)
            #expect(cancels(ok).map(\.reason) == [.requested] && cancels(ok).first?.leaves == qty(3))
            #expect(SimCancelReason.requested.text == nil)
            let again = cancelReject(engine.cancelCollecting(id, owner: alice))
            #expect(again?.reason == .orderClosed && again?.cxlRejReason == 0, "a closed order is too late to cancel")

            let filled = engine.submitResting(request(alice, "f", .sell, cents: 50, qty(1)))
            engine.submitCollecting(request(bob, "b", .buy, cents: 50, qty(1)))
            #expect(cancelReject(engine.cancelCollecting(filled, owner: alice))?.reason == .orderClosed)
            #expect(engine.openOrderID(owner: alice, clientOrderID: "a") == nil)
            engine.expectConsistent()
        }

        @Test("a canceled order's ClOrdID can be used again")
        func clientOrderIDReuse() {
            var engine = makeEngine()
            let id = engine.submitResting(request(alice, "a", .sell, cents: 50, qty(1)))
            #expect(rejectReason(engine.submitCollecting(request(alice, "a", .sell, cents: 51, qty(1))).events) == .orderAlreadyExists)
            #expect(engine.submitCollecting(request(bob, "a", .sell, cents: 51, qty(1))).id != nil, "ClOrdIDs are per owner")
            _ = engine.cancelCollecting(id, owner: alice)
            engine.submitResting(request(alice, "a", .sell, cents: 52, qty(1)))
        }

        @Test("mass cancel: all of an owner's orders, or one market, or one group; others untouched")
        func massCancel() {
            var engine = makeEngine()
            var events: [SimEvent] = []
            let a1 = engine.submitResting(request(alice, "a1", .buy, cents: 10, qty(1), group: SimGroupID(7)))
            let a2 = engine.submitResting(request(alice, "a2", .buy, cents: 11, qty(1)))
            var r = request(alice, "a3", .buy, cents: 0, qty(1), group: SimGroupID(7), in: marginMarket)
            r.price = SimPrice(units: 1_234)
            let a3 = engine.submitResting(r)
            let b1 = engine.submitResting(request(bob, "b1", .buy, cents: 12, qty(1), group: SimGroupID(8)))

            #expect(engine.cancelAll(owner: alice, market: marginMarket, now: 0, into: &events) == 1)
            #expect(cancels(events).map(\.id) == [a3] && cancels(events).allSatisfy { $0.reason == .massCancel })
            events.removeAll()
            #expect(engine.cancelAll(owner: alice, group: SimGroupID(7), now: 0, into: &events) == 1)
            #expect(cancels(events).map(\.id) == [a1])
            events.removeAll()
            #expect(engine.cancelAll(owner: alice, market: "NOPE", now: 0, into: &events) == 0)
            #expect(engine.cancelAll(owner: alice, now: 0, into: &events) == 1)
            #expect(cancels(events).map(\.id) == [a2])
            #expect(engine.openOrders(owner: bob).map(\.orderID) == [b1])
            events.removeAll()
            #expect(engine.cancelGroup(SimGroupID(8), now: 0, into: &events) == 1)
            #expect(cancels(events).map(\.reason) == [.orderGroup] && SimCancelReason.orderGroup.text == "ORDER_GROUP_CANCEL")
            #expect(engine.openOrderCount == 0)
            engine.expectConsistent()
        }

        @Test("mass cancel reports in order-id order")
        func massCancelOrder() {
            var engine = makeEngine()
            var events: [SimEvent] = []
            var ids: [SimOrderID] = []
            for (i, cents) in [30, 20, 40, 10].enumerated() {
                ids.append(engine.submitResting(request(alice, "a\(i)", .buy, cents: Int64(cents), qty(1))))
            }
            _ = engine.cancelCollecting(ids[1], owner: alice)
            ids.append(engine.submitResting(request(alice, "again", .buy, cents: 25, qty(1))))  // reuses a slot
            engine.cancelAll(owner: alice, now: 0, into: &events)
            #expect(cancels(events).map(\.id) == [ids[0], ids[2], ids[3], ids[4]])
        }

        // MARK: Pause

        @Test("pause cancels cancel-on-pause orders, keeps others, rejects new orders with TRADING_PAUSED; cancels still work")
        func pause() {
            var engine = makeEngine()
            var events: [SimEvent] = []
            let keep = engine.submitResting(request(alice, "keep", .buy, cents: 40, qty(1)))
            let drop = engine.submitResting(request(alice, "drop", .buy, cents: 41, qty(1), cancelOnPause: true))
            let other = engine.submitResting(request(alice, "other", .buy, cents: 41, qty(1), cancelOnPause: true, in: marginMarket).withPrice(SimPrice(units: 4_100)))
            let paused = engine.pause(market: market, now: 0, into: &events)
            #expect(paused)
            #expect(cancels(events).map(\.id) == [drop] && cancels(events).first?.reason == .tradingPaused)
            #expect(engine.isPaused(market: market) == true)
            let rejected = engine.submitCollecting(request(bob, "b", .sell, cents: 40, qty(1))).events
            #expect(rejectReason(rejected) == .tradingPaused)
            #expect(SimRejectReason.tradingPaused.ordRejReason == 2, "TRADING_PAUSED maps to exchange closed")
            #expect(engine.order(other) != nil, "another market is not paused")
            #expect(cancels(engine.cancelCollecting(keep, owner: alice)).count == 1, "cancels are allowed during a trading pause")
            let resumed = engine.resume(market: market)
            #expect(resumed)
            engine.submitResting(request(bob, "b", .sell, cents: 50, qty(1)))
            let pausedUnknown = engine.pause(market: "NOPE", now: 0, into: &events)
            #expect(!pausedUnknown)
            engine.expectConsistent()
        }

        // MARK: Rejects

        @Test("rejects: unknown market, price off tick or outside (0, 1), bad quantities, duplicate ClOrdID")
        func rejects() {
            var engine = makeEngine()
            func reason(_ r: SimOrderRequest) -> SimRejectReason? { rejectReason(engine.submitCollecting(r).events) }
            #expect(reason(request(alice, "x", .buy, cents: 50, qty(1), in: "NOPE")) == .marketNotFound)
            #expect(reason(request(alice, "x", .buy, cents: 0, qty(1))) == .invalidPrice)
            #expect(reason(request(alice, "x", .buy, cents: 100, qty(1))) == .invalidPrice)
            #expect(reason(request(alice, "x", .buy, cents: -5, qty(1))) == .invalidPrice)
            #expect(reason(request(alice, "x", .buy, cents: 50, qty(1)).withPrice(SimPrice(units: 5_050))) == .invalidPrice, "half a cent is off the 1-cent grid")
            #expect(reason(request(alice, "x", .buy, cents: 50, .zero)) == .invalidQuantity)
            #expect(reason(request(alice, "x", .buy, cents: 50, SimQuantity(hundredths: -100))) == .invalidQuantity)
            #expect(reason(request(alice, "x", .buy, cents: 50, SimQuantity(hundredths: 150), in: marginMarket)) == .invalidQuantity, "margin takes whole contracts")
            #expect(reason(request(alice, "x", .buy, cents: 50, SimQuantity(hundredths: 1))) == nil, "prediction takes 0.01 steps")
            #expect(reason(request(alice, "x", .buy, cents: 50, qty(1))) == .orderAlreadyExists)
            #expect(engine.openOrderCount == 1, "rejected orders never reach the book")
            let texts = [SimRejectReason.marketNotFound, .tradingPaused, .orderAlreadyExists, .invalidPrice, .invalidQuantity].map { "\($0.text)=\($0.ordRejReason)" }
            #expect(texts == ["MARKET_NOT_FOUND=1", "TRADING_PAUSED=2", "ORDER_ALREADY_EXISTS=6", "INVALID_ORDER=11", "INVALID_ORDER=13"])
            engine.expectConsistent()
        }
    }
}

extension SimOrderRequest {
    /// The same request at another price.
    func withPrice(_ price: SimPrice) -> SimOrderRequest {
        var copy = self
        copy.price = price
        return copy
    }
}

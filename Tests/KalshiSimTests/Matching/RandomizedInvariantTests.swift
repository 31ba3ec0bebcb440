import TestSupport
import Testing
@testable import KalshiSim

extension MatchingEngineTests {
    @Suite("Randomized invariants")
    struct RandomizedInvariantTests {
        /// What the events say about one order.
        struct ModelOrder {
            var owner: SimOwnerID
            var side: SimSide
            var price: SimPrice
            var cum: Int64
            var leaves: Int64
        }

        /// Rebuilds the open orders from the event stream alone and checks each event against it.
        struct Model {
            var open: [SimOrderID: ModelOrder] = [:]
            var closed: Set<SimOrderID> = []
            /// Sum of leaves of open orders, by the events' arithmetic.
            var openLeaves: Int64 = 0
            var filled: Int64 = 0
            var problems: [String] = []

            mutating func apply(_ event: SimEvent, step: Int) {
                func fail(_ text: String) { problems.append("step \(step): \(text) in \(event)") }
                switch event {
                case .accepted(let v):
                    if open[v.orderID] != nil || closed.contains(v.orderID) { fail("order \(v.orderID) accepted twice") }
                    if v.cumQuantity != .zero || v.leavesQuantity != v.orderQuantity { fail("accept with cum/leaves off") }
                    open[v.orderID] = ModelOrder(owner: v.owner, side: v.side, price: v.price, cum: 0, leaves: v.leavesQuantity.hundredths)
                    openLeaves += v.leavesQuantity.hundredths
                case .fill(let f):
                    let q = f.quantity.hundredths
                    guard q > 0, var taker = open[f.taker.orderID], var maker = open[f.maker.orderID] else {
                        return fail("fill of a closed/unknown order or empty quantity")
                    }
                    if taker.owner == maker.owner { fail("self trade") }
                    if maker.side == taker.side { fail("same-side trade") }
                    if f.price != maker.price { fail("trade price \(f.price) is not the maker's \(maker.price)") }
                    if taker.side == .buy ? taker.price < f.price : taker.price > f.price { fail("taker's limit \(taker.price) does not cross \(f.price)") }
                    taker.cum += q; taker.leaves -= q
                    maker.cum += q; maker.leaves -= q
                    for (name, model, view) in [("taker", taker, f.taker), ("maker", maker, f.maker)] {
                        if view.cumQuantity.hundredths != model.cum || view.leavesQuantity.hundredths != model.leaves {
                            fail("\(name) cum/leaves \(view.cumQuantity)/\(view.leavesQuantity), events say \(model.cum)/\(model.leaves)")
                        }
                        if model.leaves < 0 { fail("\(name) overfilled") }
                    }
                    openLeaves -= 2 * q
                    filled += q
                    open[f.taker.orderID] = taker
                    open[f.maker.orderID] = maker
                    for id in [f.taker.orderID, f.maker.orderID] where open[id]!.leaves == 0 {
                        open[id] = nil
                        closed.insert(id)
                    }
                case .canceled(let v, _, let leaves), .expired(let v, let leaves):
                    guard let o = open[v.orderID] else { return fail("close of an order not open") }
                    if o.leaves != leaves.hundredths { fail("closing leaves \(leaves), events say \(o.leaves)") }
                    if v.leavesQuantity != .zero || v.status.isOpen { fail("closed view still open") }
                    openLeaves -= o.leaves
                    open[v.orderID] = nil
                    closed.insert(v.orderID)
                case .replaced(let r):
                    guard var o = open[r.order.orderID] else { return fail("replace of an order not open") }
                    if o.leaves != r.previousLeavesQuantity.hundredths { fail("previous leaves \(r.previousLeavesQuantity), events say \(o.leaves)") }
                    if o.cum != r.order.cumQuantity.hundredths { fail("replace changed cum") }
                    if r.order.cumQuantity.hundredths + r.order.leavesQuantity.hundredths != r.order.orderQuantity.hundredths {
                        fail("replace: cum + leaves != order qty")
                    }
                    openLeaves += r.order.leavesQuantity.hundredths - o.leaves
                    o.leaves = r.order.leavesQuantity.hundredths
                    o.price = r.order.price
                    open[r.order.orderID] = o
                case .rejected, .cancelRejected:
                    break
                }
            }
        }

        static let fine = "FINE-TICK"
        static let owners = (1...4).map { SimOwnerID(UInt64($0)) }

        @Test("thousands of random operations keep the book uncrossed, quantities conserved, indexes exact",
              arguments: [UInt64(0xC0FFEE), 42])
        func randomOperations(seed: UInt64) {
            var rng = SplitMix64(state: seed)
            var engine = makeEngine()
            engine.addMarket(Self.fine, config: SimMarketConfig(tick: SimPrice(units: 10), wholeContractsOnly: true))
            let tickers = [market, Self.fine]
            var model = Model()
            var events: [SimEvent] = []
            var now: Int64 = 1_000_000_000
            var nextClient = 0

            func randomOpen() -> (SimOrderID, ModelOrder)? {
                guard !model.open.isEmpty else { return nil }
                let ids = model.open.keys.sorted()
                let id = ids[Int.random(in: 0..<ids.count, using: &rng)]
                return (id, model.open[id]!)
            }
            func randomPrice(_ ticker: String) -> SimPrice {
                ticker == market ? .cents(Int64.random(in: 40...60, using: &rng))
                    : SimPrice(units: 10 * Int64.random(in: 480...520, using: &rng))
            }
            func randomQuantity(_ ticker: String) -> SimQuantity {
                ticker == market ? SimQuantity(hundredths: Int64.random(in: 1...800, using: &rng))
                    : qty(Int64.random(in: 1...8, using: &rng))
            }
            func randomTimeInForce() -> SimTimeInForce {
                switch Int.random(in: 0..<20, using: &rng) {
                case 0..<9: return .goodTillCancel
                case 9..<12: return .immediateOrCancel
                case 12..<14: return .fillOrKill
                case 14..<18: return .goodTillDate(expireTime: now + Int64.random(in: -1_000...30_000_000_000, using: &rng))
                default: return .day(endOfDay: now + Int64.random(in: 1...60_000_000_000, using: &rng))
                }
            }

            for step in 0..<4_000 {
                events.removeAll(keepingCapacity: true)
                now += Int64.random(in: 0...500_000_000, using: &rng)
                let dice = Int.random(in: 0..<100, using: &rng)
                switch dice {
                case 0..<50:
                    let ticker = dice < 40 ? market : Self.fine
                    let owner = Self.owners[Int.random(in: 0..<4, using: &rng)]
                    var clientOrderID = "c\(nextClient)"
                    nextClient += 1
                    if Int.random(in: 0..<20, using: &rng) == 0, let existing = engine.openOrders(owner: owner).first {
                        clientOrderID = existing.clientOrderID  // a duplicate: must be rejected
                    }
                    var price = randomPrice(ticker)
                    if Int.random(in: 0..<50, using: &rng) == 0 { price = SimPrice(units: price.units + 5) }  // off tick
                    let r = SimOrderRequest(
                        owner: owner, clientOrderID: clientOrderID, market: Int.random(in: 0..<200, using: &rng) == 0 ? "NOPE" : ticker,
                        side: Bool.random(using: &rng) ? .buy : .sell, price: price, quantity: randomQuantity(ticker),
                        timeInForce: randomTimeInForce(), postOnly: Int.random(in: 0..<10, using: &rng) == 0,
                        selfTradePrevention: Int.random(in: 0..<3, using: &rng) == 0 ? .maker : .takerAtCross,
                        cancelOnPause: Int.random(in: 0..<5, using: &rng) == 0,
                        maxExecutionCost: Int.random(in: 0..<10, using: &rng) == 0 ? SimMoney(micros: Int64.random(in: 0...5_000_000, using: &rng)) : nil,
                        group: Int.random(in: 0..<4, using: &rng) == 0 ? SimGroupID(UInt64.random(in: 1...3, using: &rng)) : nil)
                    engine.submit(r, now: now, into: &events)
                case 50..<65:
                    if let (id, o) = randomOpen() {
                        let owner = Int.random(in: 0..<10, using: &rng) == 0 ? Self.owners[Int.random(in: 0..<4, using: &rng)] : o.owner
                        engine.cancel(orderID: id, owner: owner, now: now, into: &events)
                    } else {
                        engine.cancel(orderID: SimOrderID(UInt64.random(in: 0...10_000, using: &rng)), owner: Self.owners[0], now: now, into: &events)
                    }
                case 65..<85:
                    guard let (id, o) = randomOpen(), let view = engine.order(id) else { break }
                    let ticker = view.market
                    let newTotal: Int64
                    switch Int.random(in: 0..<10, using: &rng) {
                    case 0, 1: newTotal = o.cum  // to the filled quantity: cancels
                    case 2: newTotal = o.cum - 1  // below it: refused
                    default: newTotal = o.cum + randomQuantity(ticker).hundredths
                    }
                    let r = SimReplaceRequest(
                        owner: o.owner, orderID: id, clientOrderID: "r\(nextClient)", quantity: SimQuantity(hundredths: newTotal),
                        price: Bool.random(using: &rng) ? randomPrice(ticker) : nil,
                        timeInForce: Int.random(in: 0..<4, using: &rng) == 0 ? randomTimeInForce() : nil)
                    nextClient += 1
                    engine.replace(r, now: now, into: &events)
                case 85..<87:
                    let owner = Self.owners[Int.random(in: 0..<4, using: &rng)]
                    engine.cancelAll(owner: owner, market: Bool.random(using: &rng) ? tickers[Int.random(in: 0..<2, using: &rng)] : nil,
                                     group: Bool.random(using: &rng) ? SimGroupID(UInt64.random(in: 1...3, using: &rng)) : nil,
                                     now: now, into: &events)
                case 87:
                    engine.cancelGroup(SimGroupID(UInt64.random(in: 1...3, using: &rng)), now: now, into: &events)
                case 88:
                    engine.pause(market: tickers[Int.random(in: 0..<2, using: &rng)], now: now, into: &events)
                case 89..<93:
                    // Pauses are short: most steps after one resume it.
                    for ticker in tickers where engine.isPaused(market: ticker) == true { engine.resume(market: ticker) }
                default:
                    engine.expire(now: now, into: &events)
                }

                for event in events { model.apply(event, step: step) }
                if !model.problems.isEmpty {
                    Issue.record("seed \(seed): \(model.problems.joined(separator: "\n"))")
                    return
                }
                let problems = engine.consistencyViolations()
                if !problems.isEmpty {
                    Issue.record("seed \(seed) step \(step): engine inconsistent: \(problems.joined(separator: "; ")) after \(events)")
                    return
                }
                // The engine's open orders are exactly the events' open orders, leaves for leaves.
                var engineOpen: [SimOrderID: Int64] = [:]
                for owner in Self.owners {
                    for v in engine.openOrders(owner: owner) { engineOpen[v.orderID] = v.leavesQuantity.hundredths }
                }
                let modelOpen = model.open.mapValues(\.leaves)
                if engineOpen != modelOpen {
                    let onlyEngine = engineOpen.filter { modelOpen[$0.key] != $0.value }
                    let onlyModel = modelOpen.filter { engineOpen[$0.key] != $0.value }
                    Issue.record("seed \(seed) step \(step): open orders differ; engine \(onlyEngine), events \(onlyModel)")
                    return
                }
                if let both = model.closed.first(where: { engine.order($0) != nil }) {
                    Issue.record("seed \(seed) step \(step): order \(both) is both closed (by its events) and open")
                    return
                }
                // Quantities conserve: the public depth adds up to what the events leave open.
                var depthTotal: Int64 = 0
                for ticker in tickers {
                    for side in [SimSide.buy, .sell] {
                        depthTotal += engine.depth(market: ticker, side: side).reduce(0) { $0 + $1.quantity.hundredths }
                    }
                    if let bid = engine.bestBid(market: ticker), let ask = engine.bestAsk(market: ticker), bid >= ask {
                        Issue.record("seed \(seed) step \(step): \(ticker) crossed, bid \(bid) >= ask \(ask)")
                        return
                    }
                }
                if depthTotal != model.openLeaves {
                    Issue.record("seed \(seed) step \(step): depth holds \(depthTotal) hundredths, events leave \(model.openLeaves) open")
                    return
                }
            }
            // The run must have exercised the interesting paths.
            #expect(model.filled > 0 && model.closed.count > 100, "too little happened: filled \(model.filled), closed \(model.closed.count)")
        }
    }
}

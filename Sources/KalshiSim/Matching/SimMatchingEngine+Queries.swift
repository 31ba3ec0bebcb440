// Read-only queries (best prices, depth, open orders, last trade), the market-data change feed,
// and the internal consistency check the tests run.

extension SimMatchingEngine {
    // MARK: Book

    /// The highest bid price (YES, 1/10,000 dollar), nil when there are no bids or no such market.
    /// - Complexity: O(1).
    public func bestBid(market: String) -> SimPrice? { bestPrice(market: market, side: .buy) }

    /// The lowest ask price (YES, 1/10,000 dollar), nil when there are no asks or no such market.
    /// - Complexity: O(1).
    public func bestAsk(market: String) -> SimPrice? { bestPrice(market: market, side: .sell) }

    func bestPrice(market: String, side: SimSide) -> SimPrice? {
        guard let m = marketIndexByTicker[market] else { return nil }
        let best = markets[Int(m)].sides[sideIndex(side)].best
        return best < 0 ? nil : markets[Int(m)].price(atTick: best)
    }

    /// Appends up to `maxLevels` aggregated levels of one side, best first (bids high to low,
    /// asks low to high). Nothing for an unknown market.
    /// - Complexity: O(levels returned) plus the bitmap words skipped.
    public func depth(market: String, side: SimSide, maxLevels: Int = .max, into levels: inout [SimLevel]) {
        guard let m32 = marketIndexByTicker[market] else { return }
        let m = Int(m32)
        let bookSide = markets[m].sides[sideIndex(side)]
        var tick = bookSide.best
        var n = 0
        while tick >= 0 && n < maxLevels {
            let level = bookSide.levels[tick]
            levels.append(SimLevel(price: markets[m].price(atTick: tick),
                                   quantity: SimQuantity(hundredths: level.quantity), orderCount: Int(level.count)))
            n += 1
            tick = bookSide.nextWorse(than: tick)
        }
    }

    /// The aggregated levels of one side, best first (allocates; see ``depth(market:side:maxLevels:into:)``).
    public func depth(market: String, side: SimSide, maxLevels: Int = .max) -> [SimLevel] {
        var levels: [SimLevel] = []
        depth(market: market, side: side, maxLevels: maxLevels, into: &levels)
        return levels
    }

    /// The price of the market's most recent trade (YES, 1/10,000 dollar).
    public func lastTradePrice(market: String) -> SimPrice? {
        marketIndexByTicker[market].flatMap { markets[Int($0)].lastTradePrice }
    }

    // MARK: Orders

    /// The open orders of `owner`, in order-id order (allocates).
    /// - Complexity: O(open orders of all owners).
    public func openOrders(owner: SimOwnerID) -> [SimOrderView] {
        var slots: [Int32] = []
        for slot in orders.indices where orders[slot].live && orders[slot].owner == owner { slots.append(Int32(slot)) }
        slots.sort { orders[Int($0)].id < orders[Int($1)].id }
        return slots.map { view($0) }
    }

    /// An open order (nil once it is closed).
    /// - Complexity: O(1).
    public func order(_ id: SimOrderID) -> SimOrderView? {
        slotByOrderID[id.rawValue].map { view($0) }
    }

    /// The id of `owner`'s open order whose current ClOrdID is `clientOrderID` (to resolve a
    /// cancel's or replace's OrigClOrdID).
    /// - Complexity: O(1) (hashes the string).
    public func openOrderID(owner: SimOwnerID, clientOrderID: String) -> SimOrderID? {
        orderIDByClient[SimClientKey(owner: owner, clientOrderID: clientOrderID)].map { SimOrderID($0) }
    }

    /// The number of open orders in all markets.
    public var openOrderCount: Int { slotByOrderID.count }

    // MARK: Market-data feed

    /// Moves the market-data changes since the last drain into `changes`: first the trades in
    /// execution order, then, per market in first-change order, the current aggregate of every
    /// level that changed (bids then asks; quantity zero = level now empty). A level that changed
    /// and changed back is still reported, with its current aggregate.
    /// - Complexity: O(trades + changed levels); allocates nothing once `changes` has capacity.
    public mutating func drainMarketData(into changes: inout [SimMarketDataChange]) {
        for trade in pendingTrades { changes.append(.trade(trade)) }
        pendingTrades.removeAll(keepingCapacity: true)
        for m32 in dirtyMarkets {
            let m = Int(m32)
            for s in 0..<2 {
                let side: SimSide = s == 0 ? .buy : .sell
                for tick32 in markets[m].sides[s].dirtyTicks {
                    let tick = Int(tick32)
                    let level = markets[m].sides[s].levels[tick]
                    changes.append(.level(market: markets[m].ticker, side: side, level: SimLevel(
                        price: markets[m].price(atTick: tick), quantity: SimQuantity(hundredths: level.quantity),
                        orderCount: Int(level.count))))
                    markets[m].sides[s].dirty[tick] = false
                }
                markets[m].sides[s].dirtyTicks.removeAll(keepingCapacity: true)
            }
            markets[m].hasDirtyLevels = false
        }
        dirtyMarkets.removeAll(keepingCapacity: true)
    }

    // MARK: Consistency (tests)

    /// Every broken internal invariant, described; empty when the engine is consistent.
    ///
    /// Checks: no book is crossed; each side's best and bitmap match its levels; each level's
    /// FIFO list links back and forth, holds only live resting orders of its market/side/price
    /// with positive leaves, and its quantity/count equal the sum over its orders; the id and
    /// ClOrdID indexes hold exactly the open orders; every open order rests; cum + leaves =
    /// order quantity; no resting deadline is before `earliestDeadline`.
    func consistencyViolations() -> [String] {
        var problems: [String] = []
        var linked = 0
        for (m, market) in markets.enumerated() {
            let bid = market.sides[0].best, ask = market.sides[1].best
            if bid >= 0 && ask >= 0 && bid >= ask {
                problems.append("\(market.ticker): crossed book, best bid tick \(bid) >= best ask tick \(ask)")
            }
            for s in 0..<2 {
                let side = market.sides[s]
                var expectedBest = -1
                for tick in side.levels.indices {
                    let level = side.levels[tick]
                    let bit = side.occupied[tick >> 6] & (1 << UInt64(tick & 63)) != 0
                    var name: String { "\(market.ticker) \(s == 0 ? "bid" : "ask") level \(market.price(atTick: tick))" }
                    if bit != (level.count > 0) { problems.append("\(name): bitmap says \(bit), count \(level.count)") }
                    if level.count > 0 && (expectedBest < 0 || side.isBetter(tick, than: expectedBest)) { expectedBest = tick }
                    var quantity: Int64 = 0, count: Int32 = 0, prev: Int32 = -1
                    var slot = level.head
                    while slot >= 0 {
                        let o = orders[Int(slot)]
                        if !o.live || !o.resting { problems.append("\(name): order \(o.id) linked but live=\(o.live) resting=\(o.resting)") }
                        if Int(o.market) != m || sideIndex(o.side) != s || Int(o.tick) != tick {
                            problems.append("\(name): order \(o.id) belongs to market \(o.market) side \(o.side) tick \(o.tick)")
                        }
                        if o.prev != prev { problems.append("\(name): order \(o.id) prev \(o.prev), expected \(prev)") }
                        if o.leaves <= 0 { problems.append("\(name): order \(o.id) rests with leaves \(o.leaves)") }
                        quantity += o.leaves
                        count += 1
                        prev = slot
                        slot = o.next
                        if count > 1_000_000 { problems.append("\(name): FIFO list loops"); break }
                    }
                    if prev != level.tail { problems.append("\(name): tail \(level.tail), last linked \(prev)") }
                    if quantity != level.quantity { problems.append("\(name): aggregate qty \(level.quantity), orders sum \(quantity)") }
                    if count != level.count { problems.append("\(name): aggregate count \(level.count), orders \(count)") }
                    linked += Int(count)
                }
                if expectedBest != side.best {
                    problems.append("\(market.ticker) \(s == 0 ? "bid" : "ask"): best tick \(side.best), expected \(expectedBest)")
                }
            }
        }
        var live = 0
        for (slot, o) in orders.enumerated() where o.live {
            live += 1
            if !o.resting { problems.append("order \(o.id): open but not resting") }
            if slotByOrderID[o.id] != Int32(slot) { problems.append("order \(o.id): id index says \(String(describing: slotByOrderID[o.id])), slot \(slot)") }
            if orderIDByClient[SimClientKey(owner: o.owner, clientOrderID: o.clientOrderID)] != o.id {
                problems.append("order \(o.id): ClOrdID \(o.clientOrderID) not indexed to it")
            }
            if o.cum + o.leaves != o.orderQuantity {
                problems.append("order \(o.id): cum \(o.cum) + leaves \(o.leaves) != order qty \(o.orderQuantity)")
            }
            if let d = o.timeInForce.deadline, d < earliestDeadline {
                problems.append("order \(o.id): deadline \(d) before earliestDeadline \(earliestDeadline)")
            }
        }
        if live != linked { problems.append("\(live) live orders but \(linked) linked in levels") }
        if slotByOrderID.count != live { problems.append("id index has \(slotByOrderID.count) entries, \(live) live orders") }
        if orderIDByClient.count != live { problems.append("ClOrdID index has \(orderIDByClient.count) entries, \(live) live orders") }
        return problems
    }
}

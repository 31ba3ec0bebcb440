/// The pure price-time matching engine of KalshiSim: many markets, limit orders on the YES price,
/// no I/O, no clocks, no randomness.
///
/// The gateway turns NewOrderSingle, OrderCancelRequest, OrderCancelReplaceRequest, mass cancel
/// and order-group actions into calls here, and the ``SimEvent``s appended to its buffer into
/// ExecutionReports and OrderCancelRejects (FACTS §9). Every price is a YES price in
/// 1/10,000 dollar (``SimPrice``), every quantity in 1/100 contract (``SimQuantity``), money in
/// 1/1,000,000 dollar (``SimMoney``), every time nanoseconds since the Unix epoch passed in by
/// the caller.
///
/// ### Matching
/// A bid (Side 1, buy YES) crosses asks priced at or below it; an ask (Side 2, sell YES = buy NO)
/// crosses bids priced at or above it. Trades execute at the resting (maker) order's price, best
/// price first, first come first served within a level.
///
/// ### Events
/// Every mutating call appends to a caller-owned `[SimEvent]` (clear it with
/// `removeAll(keepingCapacity: true)` and reuse it: appending then allocates nothing). The buffer
/// can hold events of other owners' orders (the makers of a fill, orders whose deadline passed),
/// so the gateway routes each event by its order's owner.
///
/// ### Allocation
/// Steady-state submit/cancel/replace allocate nothing of their own: order records live in a slab
/// whose slots are reused, price levels are preallocated arrays indexed by tick, FIFO queues are
/// intrusive lists through the slab. What can allocate: growth of the slab, of the two id
/// dictionaries and of the caller's event buffer and the market-data feed (amortised, none once
/// they have reached their working size; see `init(expectedOrders:)`); mass cancel, pause,
/// expiry sweeps and snapshots build temporary arrays (rare operations). Client order ids are
/// stored as the caller's `String`s (retained, not copied).
///
/// Not thread-safe: confine an engine to one thread (it is a value type; keep it in one place,
/// copying it copies every book).
public struct SimMatchingEngine {
    var markets: [SimMarketBook] = []
    var marketIndexByTicker: [String: Int32] = [:]
    var orders: [SimOrderRecord] = []
    var freeSlots: [Int32] = []
    /// Open orders only.
    var slotByOrderID: [UInt64: Int32] = [:]
    /// Open orders only: (owner, latest ClOrdID) → order id.
    var orderIDByClient: [SimClientKey: UInt64] = [:]
    var nextOrderID: UInt64 = 1
    var nextTradeID: UInt64 = 1
    /// No resting order has a deadline before this (conservative: may be earlier than the truth).
    var earliestDeadline: Int64 = .max
    /// Trade prints not yet drained.
    var pendingTrades: [SimTradePrint] = []
    /// Markets with dirty levels, each once.
    var dirtyMarkets: [Int32] = []
    /// Scratch list of slots for sweeps (mass cancel, pause, expiry), reused.
    var scratchSlots: [Int32] = []

    /// Whether the engine records the market-data change feed (trade prints and changed levels)
    /// for ``drainMarketData(into:)``. Trade prints accumulate until drained, so a caller that
    /// never drains should turn this off. Default true.
    public var recordsMarketData = true

    /// An engine with no markets, with room for `expectedOrders` open orders before any growth.
    public init(expectedOrders: Int = 1024) {
        orders.reserveCapacity(expectedOrders)
        freeSlots.reserveCapacity(expectedOrders)
        slotByOrderID.reserveCapacity(expectedOrders)
        orderIDByClient.reserveCapacity(expectedOrders)
        pendingTrades.reserveCapacity(256)
    }

    /// Lists a market.
    ///
    /// - Returns: false when `ticker` is already listed (nothing changes).
    @discardableResult
    public mutating func addMarket(_ ticker: String, config: SimMarketConfig = .prediction) -> Bool {
        guard marketIndexByTicker[ticker] == nil else { return false }
        marketIndexByTicker[ticker] = Int32(markets.count)
        markets.append(SimMarketBook(ticker: ticker, config: config))
        return true
    }

    /// The rules of a listed market.
    public func marketConfig(_ ticker: String) -> SimMarketConfig? {
        marketIndexByTicker[ticker].map { markets[Int($0)].config }
    }
}

/// A new limit order (NewOrderSingle, FACTS §9.1).
public struct SimOrderRequest: Hashable, Sendable {
    /// The account placing it (self-trade prevention and cancels compare this).
    public var owner: SimOwnerID
    /// ClOrdID (tag 11): must not equal the ClOrdID of one of the owner's open orders.
    public var clientOrderID: String
    /// Market ticker (tag 55).
    public var market: String
    /// Side 1 buy YES (bid) or 2 sell YES (ask).
    public var side: SimSide
    /// YES limit price, 1/10,000 dollar, on the market's tick grid, strictly inside (0, 1 dollar).
    public var price: SimPrice
    /// Contracts (1/100 contract units), positive; whole contracts on whole-only markets.
    public var quantity: SimQuantity
    /// Time in force (tag 59 / 126).
    public var timeInForce: SimTimeInForce
    /// Post-only (ExecInst `6`): canceled with POST_ONLY_CROSS if it would cross on arrival.
    public var postOnly: Bool
    /// Self-trade prevention when this order takes (tag 2964).
    public var selfTradePrevention: SimSelfTradePrevention
    /// Cancel this order when the market pauses (tag 21006).
    public var cancelOnPause: Bool
    /// Cap on the cost of the immediately executable part (tag 21009), 1/1,000,000 dollar.
    public var maxExecutionCost: SimMoney?
    /// Order group (tag 526), if any.
    public var group: SimGroupID?

    /// A request; the optional settings default to Kalshi's defaults (GTC, not post-only,
    /// taker-at-cross STP, kept through pauses, no cost cap, no group).
    public init(
        owner: SimOwnerID, clientOrderID: String, market: String, side: SimSide,
        price: SimPrice, quantity: SimQuantity, timeInForce: SimTimeInForce = .goodTillCancel,
        postOnly: Bool = false, selfTradePrevention: SimSelfTradePrevention = .takerAtCross,
        cancelOnPause: Bool = false, maxExecutionCost: SimMoney? = nil, group: SimGroupID? = nil
    ) {
        self.owner = owner
        self.clientOrderID = clientOrderID
        self.market = market
        self.side = side
        self.price = price
        self.quantity = quantity
        self.timeInForce = timeInForce
        self.postOnly = postOnly
        self.selfTradePrevention = selfTradePrevention
        self.cancelOnPause = cancelOnPause
        self.maxExecutionCost = maxExecutionCost
        self.group = group
    }
}

// MARK: Submit

extension SimMatchingEngine {
    /// Places a new order: validates it, matches what crosses, rests or cancels the rest.
    ///
    /// Appends `rejected`, or `accepted` followed by fills and at most one `canceled` of the new
    /// order's remainder (see ``SimEvent``). Orders whose deadline is at or before `now` expire
    /// first (their `expired` events come first).
    ///
    /// Max execution cost: only the immediately executable part counts. The engine walks the book
    /// as matching would (same self-trade prevention), prices `min(quantity, executable)` at the
    /// makers' prices (buy: price per contract, sell: 1 dollar − price), and cancels the order with
    /// no fills when that exceeds the cap; a remainder that rests is not counted, since it would
    /// trade at its own limit or better later. (FACTS says only "canceled if OrderQty cannot be
    /// filled within it".)
    ///
    /// - Parameters:
    ///   - request: the order.
    ///   - now: nanoseconds since the Unix epoch; decides whether a GTD/DAY deadline has passed.
    ///   - events: the caller's buffer; events are appended.
    /// - Returns: the new order's id, or nil when it was rejected.
    /// - Complexity: O(1) plus O(1) per fill and per emptied level (a bitmap word scan), plus
    ///   the makers walked twice when FOK or a cost cap asks for a dry run.
    @discardableResult
    public mutating func submit(_ request: SimOrderRequest, now: Int64, into events: inout [SimEvent]) -> SimOrderID? {
        expireDue(now: now, into: &events)
        guard let m32 = marketIndexByTicker[request.market] else {
            events.append(.rejected(reject(request, .marketNotFound)))
            return nil
        }
        let m = Int(m32)
        if markets[m].paused {
            events.append(.rejected(reject(request, .tradingPaused)))
            return nil
        }
        guard let tick = markets[m].tickIndex(of: request.price) else {
            events.append(.rejected(reject(request, .invalidPrice)))
            return nil
        }
        guard isValid(request.quantity, market: m) else {
            events.append(.rejected(reject(request, .invalidQuantity)))
            return nil
        }
        let clientKey = SimClientKey(owner: request.owner, clientOrderID: request.clientOrderID)
        guard orderIDByClient[clientKey] == nil else {
            events.append(.rejected(reject(request, .orderAlreadyExists)))
            return nil
        }

        let id = nextOrderID
        nextOrderID += 1
        let q = request.quantity.hundredths
        let record = SimOrderRecord(
            id: id, owner: request.owner, market: m32, tick: tick, side: request.side, price: request.price,
            clientOrderID: request.clientOrderID, originalClientOrderID: request.clientOrderID, group: request.group,
            originalQuantity: q, orderQuantity: q, cum: 0, leaves: q, notional: 0,
            timeInForce: request.timeInForce, postOnly: request.postOnly, cancelOnPause: request.cancelOnPause,
            selfTradePrevention: request.selfTradePrevention, closedStatus: nil)
        let slot = allocateSlot(record)
        slotByOrderID[id] = slot
        orderIDByClient[clientKey] = id
        events.append(.accepted(view(slot)))

        if request.postOnly && crossesOnArrival(slot) {
            close(slot, as: .canceled, reason: .postOnlyCross, into: &events)
            return SimOrderID(id)
        }
        let fillOrKill = request.timeInForce == .fillOrKill
        if fillOrKill || request.maxExecutionCost != nil {
            let (executable, cost) = dryRun(slot)
            if fillOrKill && executable < q {
                close(slot, as: .canceled, reason: .fillOrKillInsufficientVolume, into: &events)
                return SimOrderID(id)
            }
            if let cap = request.maxExecutionCost, cost > cap.micros {
                close(slot, as: .canceled, reason: .maxExecutionCostExceeded, into: &events)
                return SimOrderID(id)
            }
        }
        if match(slot, now: now, into: &events) == .stoppedBySelfTrade {
            close(slot, as: .canceled, reason: .takerSelfTradePrevention, into: &events)
            return SimOrderID(id)
        }
        if orders[Int(slot)].leaves == 0 {
            close(slot, as: .filled, reason: nil, into: &events)
            return SimOrderID(id)
        }
        // A remainder: IOC and FOK never rest, nor does an order whose deadline has passed.
        switch request.timeInForce {
        case .immediateOrCancel, .fillOrKill:
            close(slot, as: .canceled, reason: .immediateOrCancel, into: &events)
        case .day(let deadline), .goodTillDate(let deadline):
            if deadline <= now {
                close(slot, as: .canceled, reason: .immediateOrCancel, into: &events)
            } else {
                rest(slot)
            }
        case .goodTillCancel:
            rest(slot)
        }
        return SimOrderID(id)
    }

    func reject(_ request: SimOrderRequest, _ reason: SimRejectReason) -> SimOrderReject {
        SimOrderReject(owner: request.owner, clientOrderID: request.clientOrderID, market: request.market, reason: reason)
    }

    func isValid(_ quantity: SimQuantity, market m: Int) -> Bool {
        quantity.hundredths > 0 && (!markets[m].config.wholeContractsOnly || quantity.isWholeContracts)
    }
}

// MARK: Matching internals

extension SimMatchingEngine {
    enum MatchOutcome { case done, stoppedBySelfTrade }

    /// Whether the best opposite price crosses the (not resting) order in `slot`.
    func crossesOnArrival(_ slot: Int32) -> Bool {
        let o = orders[Int(slot)]
        let opposite = markets[Int(o.market)].sides[sideIndex(o.side.opposite)]
        return opposite.best >= 0 && crosses(o.side, limit: Int(o.tick), best: opposite.best)
    }

    @inline(__always) func crosses(_ side: SimSide, limit: Int, best: Int) -> Bool {
        side == .buy ? best <= limit : best >= limit
    }

    /// Walks the makers the order in `slot` would meet, applying its self-trade prevention
    /// without changing anything: the executable quantity (capped at its leaves) and the cost of
    /// taking it (buy: price, sell: 1 dollar − price per contract), in 1/100 contract and
    /// 1/1,000,000 dollar.
    func dryRun(_ slot: Int32) -> (quantity: Int64, cost: Int64) {
        let o = orders[Int(slot)]
        let side = markets[Int(o.market)].sides[sideIndex(o.side.opposite)]
        var remaining = o.leaves
        var cost: Int64 = 0
        var level = side.best
        walk: while level >= 0 && remaining > 0 && crosses(o.side, limit: Int(o.tick), best: level) {
            var s = side.levels[level].head
            while s >= 0 && remaining > 0 {
                let maker = Int(s)
                if orders[maker].owner == o.owner {
                    if o.selfTradePrevention == .takerAtCross { break walk }
                } else {
                    let take = min(remaining, orders[maker].leaves)
                    remaining -= take
                    let price = orders[maker].price.units
                    cost += take * (o.side == .buy ? price : 10_000 - price)
                }
                s = orders[maker].next
            }
            level = side.nextWorse(than: level)
        }
        return (o.leaves - remaining, cost)
    }

    /// Matches the (not resting) order in `slot` against the opposite side until it is filled,
    /// no longer crosses, or meets its owner's order with taker-at-cross STP.
    mutating func match(_ slot: Int32, now: Int64, into events: inout [SimEvent]) -> MatchOutcome {
        let t = Int(slot)
        let m = Int(orders[t].market)
        let takerSide = orders[t].side
        let opposite = sideIndex(takerSide.opposite)
        let limit = Int(orders[t].tick)
        while orders[t].leaves > 0 {
            let level = markets[m].sides[opposite].best
            guard level >= 0, crosses(takerSide, limit: limit, best: level) else { return .done }
            var s = markets[m].sides[opposite].levels[level].head
            while s >= 0 && orders[t].leaves > 0 {
                let makerSlot = Int(s)
                let next = orders[makerSlot].next
                if orders[makerSlot].owner == orders[t].owner {
                    if orders[t].selfTradePrevention == .takerAtCross { return .stoppedBySelfTrade }
                    close(s, as: .canceled, reason: .makerSelfTradePrevention, into: &events)
                    s = next
                    continue
                }
                let quantity = min(orders[t].leaves, orders[makerSlot].leaves)
                let price = orders[makerSlot].price
                execute(quantity, at: price, slot: t)
                execute(quantity, at: price, slot: makerSlot)
                markets[m].sides[opposite].levels[level].quantity -= quantity
                markDirty(market: m, side: opposite, tick: level)
                let tradeID = SimTradeID(nextTradeID)
                nextTradeID += 1
                let q = SimQuantity(hundredths: quantity)
                markets[m].lastTradePrice = price
                if recordsMarketData {
                    pendingTrades.append(SimTradePrint(
                        market: markets[m].ticker, tradeID: tradeID, price: price, quantity: q,
                        aggressorSide: takerSide, time: now))
                }
                let makerFilled = orders[makerSlot].leaves == 0
                events.append(.fill(SimFill(
                    tradeID: tradeID, market: markets[m].ticker, price: price, quantity: q,
                    aggressorSide: takerSide, taker: view(slot), maker: view(s))))
                if makerFilled { close(s, as: .filled, reason: nil, into: &events) }
                s = next
            }
        }
        return .done
    }

    /// Books a fill of `quantity` at `price` on the order's cum/leaves/notional.
    @inline(__always) mutating func execute(_ quantity: Int64, at price: SimPrice, slot: Int) {
        orders[slot].cum += quantity
        orders[slot].leaves -= quantity
        orders[slot].notional += quantity * price.units
    }

    /// Links the order at the tail of its level and records its deadline.
    mutating func rest(_ slot: Int32) {
        let i = Int(slot)
        let m = Int(orders[i].market)
        let side = sideIndex(orders[i].side)
        let level = Int(orders[i].tick)
        let tail = markets[m].sides[side].levels[level].tail
        orders[i].prev = tail
        orders[i].next = -1
        if tail >= 0 {
            orders[Int(tail)].next = slot
        } else {
            markets[m].sides[side].levels[level].head = slot
            markets[m].sides[side].setOccupied(level)
        }
        markets[m].sides[side].levels[level].tail = slot
        markets[m].sides[side].levels[level].quantity += orders[i].leaves
        markets[m].sides[side].levels[level].count += 1
        orders[i].resting = true
        markDirty(market: m, side: side, tick: level)
        if let deadline = orders[i].timeInForce.deadline, deadline < earliestDeadline { earliestDeadline = deadline }
    }

    /// Removes a resting order from its level (its leaves leave the level's aggregate).
    mutating func unlink(_ slot: Int32) {
        let i = Int(slot)
        let m = Int(orders[i].market)
        let side = sideIndex(orders[i].side)
        let level = Int(orders[i].tick)
        let prev = orders[i].prev, next = orders[i].next
        if prev >= 0 { orders[Int(prev)].next = next } else { markets[m].sides[side].levels[level].head = next }
        if next >= 0 { orders[Int(next)].prev = prev } else { markets[m].sides[side].levels[level].tail = prev }
        markets[m].sides[side].levels[level].quantity -= orders[i].leaves
        markets[m].sides[side].levels[level].count -= 1
        if markets[m].sides[side].levels[level].count == 0 { markets[m].sides[side].setEmpty(level) }
        orders[i].prev = -1
        orders[i].next = -1
        orders[i].resting = false
        markDirty(market: m, side: side, tick: level)
    }

    /// Closes an open order: unlinks it, zeroes leaves, appends `canceled` / `expired` (nothing
    /// for `.filled`: its last fill said so), and frees its slot and ids.
    mutating func close(_ slot: Int32, as status: SimOrderStatus, reason: SimCancelReason?, into events: inout [SimEvent]) {
        let i = Int(slot)
        if orders[i].resting { unlink(slot) }
        let leavesBefore = SimQuantity(hundredths: orders[i].leaves)
        orders[i].leaves = 0
        orders[i].closedStatus = status
        switch status {
        case .canceled: events.append(.canceled(view(slot), reason: reason ?? .requested, leavesBeforeCancel: leavesBefore))
        case .expired: events.append(.expired(view(slot), leavesBeforeExpiry: leavesBefore))
        case .filled, .new, .partiallyFilled: break
        }
        slotByOrderID[orders[i].id] = nil
        let key = SimClientKey(owner: orders[i].owner, clientOrderID: orders[i].clientOrderID)
        if orderIDByClient[key] == orders[i].id { orderIDByClient[key] = nil }
        orders[i].live = false
        freeSlots.append(slot)
    }

    mutating func allocateSlot(_ record: SimOrderRecord) -> Int32 {
        if let slot = freeSlots.popLast() {
            orders[Int(slot)] = record
            return slot
        }
        orders.append(record)
        return Int32(orders.count - 1)
    }

    mutating func markDirty(market m: Int, side: Int, tick: Int) {
        guard recordsMarketData else { return }
        markets[m].sides[side].markDirty(tick)
        if !markets[m].hasDirtyLevels {
            markets[m].hasDirtyLevels = true
            dirtyMarkets.append(Int32(m))
        }
    }

    /// A snapshot of the order in `slot`.
    func view(_ slot: Int32) -> SimOrderView {
        let o = orders[Int(slot)]
        return SimOrderView(
            orderID: SimOrderID(o.id), owner: o.owner, market: markets[Int(o.market)].ticker,
            clientOrderID: o.clientOrderID, originalClientOrderID: o.originalClientOrderID, group: o.group,
            side: o.side, price: o.price, originalQuantity: SimQuantity(hundredths: o.originalQuantity),
            orderQuantity: SimQuantity(hundredths: o.orderQuantity), cumQuantity: SimQuantity(hundredths: o.cum),
            leavesQuantity: SimQuantity(hundredths: o.leaves), notional: SimMoney(micros: o.notional),
            timeInForce: o.timeInForce, postOnly: o.postOnly, cancelOnPause: o.cancelOnPause,
            selfTradePrevention: o.selfTradePrevention, status: o.status)
    }
}

// Cancel, replace, mass cancel, order-group cancel, pauses and expiry.

/// A change to an open order (OrderCancelReplaceRequest, FACTS §9.2). Side and market cannot
/// change; the gateway checks that the request's match the order's.
public struct SimReplaceRequest: Hashable, Sendable {
    /// The account sending it: must own the order.
    public var owner: SimOwnerID
    /// The order to change (the gateway resolves OrigClOrdID with ``SimMatchingEngine/openOrderID(owner:clientOrderID:)``).
    public var orderID: SimOrderID
    /// The request's ClOrdID (tag 11); becomes the order's ClOrdID.
    public var clientOrderID: String
    /// New total order quantity (cum + new leaves), contracts in 1/100 units (tag 38).
    public var quantity: SimQuantity
    /// New YES limit price (1/10,000 dollar), or nil to keep the current one.
    public var price: SimPrice?
    /// New time in force: `.day`, `.goodTillCancel` or `.goodTillDate` with a future deadline;
    /// nil keeps the current one and its expiry (Kalshi's convention when 59 and 126 are absent).
    public var timeInForce: SimTimeInForce?

    /// A replace request.
    public init(owner: SimOwnerID, orderID: SimOrderID, clientOrderID: String, quantity: SimQuantity,
                price: SimPrice? = nil, timeInForce: SimTimeInForce? = nil) {
        self.owner = owner
        self.orderID = orderID
        self.clientOrderID = clientOrderID
        self.quantity = quantity
        self.price = price
        self.timeInForce = timeInForce
    }
}

extension SimMatchingEngine {
    // MARK: Cancel

    /// Cancels all remaining quantity of one of `owner`'s open orders (OrderCancelRequest).
    ///
    /// Appends `canceled` (reason `.requested`), or `cancelRejected`: `.unknownOrder` when no open
    /// order with that id belongs to `owner`, `.orderClosed` when the id was issued but the order
    /// is closed (whoever owned it). Cancels are allowed while the market is paused (FACTS §19).
    ///
    /// - Returns: whether the order was canceled.
    /// - Complexity: O(1).
    @discardableResult
    public mutating func cancel(orderID: SimOrderID, owner: SimOwnerID, now: Int64, into events: inout [SimEvent]) -> Bool {
        expireDue(now: now, into: &events)
        guard let slot = openSlot(orderID, owner: owner) else {
            events.append(.cancelRejected(SimCancelReject(
                owner: owner, orderID: orderID, kind: .cancel, reason: missingReason(orderID), order: nil)))
            return false
        }
        close(slot, as: .canceled, reason: .requested, into: &events)
        return true
    }

    // MARK: Replace

    /// Changes quantity, price and/or time in force of one of the owner's open orders (FACTS §9.2).
    ///
    /// - New total quantity equal to the filled quantity: the order is canceled (`canceled`,
    ///   reason `.replacedToFilledQuantity`); below it: `cancelRejected(.invalidAmendQuantity)`.
    /// - Same price and total quantity not raised (including expiry-only changes): the order keeps
    ///   its place in the queue. A price change or a raise moves it to the back of its new level.
    /// - A new price that crosses trades at once as the taker (with the order's own self-trade
    ///   prevention); the rest rests. Max execution cost does not apply (not a 35=G field).
    /// - A post-only order may not be moved to a crossing price: `cancelRejected(.postOnlyCross)`,
    ///   order unchanged (FACTS is silent; Kalshi may cancel instead).
    /// - Rejected while the market is paused (`.tradingPaused`), for an invalid price, quantity or
    ///   time in force (`.invalidOrder`), for a ClOrdID of another open order
    ///   (`.orderAlreadyExists`), for closed/unknown orders as in ``cancel(orderID:owner:now:into:)``.
    ///
    /// Appends `replaced` followed by any fills (and a `canceled` of the order when STP stops it),
    /// or one `canceled`, or one `cancelRejected`.
    ///
    /// - Returns: whether the replace was applied (true also for the cancel-at-filled case).
    @discardableResult
    public mutating func replace(_ request: SimReplaceRequest, now: Int64, into events: inout [SimEvent]) -> Bool {
        expireDue(now: now, into: &events)
        guard let slot = openSlot(request.orderID, owner: request.owner) else {
            events.append(.cancelRejected(SimCancelReject(
                owner: request.owner, orderID: request.orderID, kind: .replace,
                reason: missingReason(request.orderID), order: nil)))
            return false
        }
        let i = Int(slot)
        let m = Int(orders[i].market)
        func refuse(_ reason: SimCancelRejectReason, _ events: inout [SimEvent]) -> Bool {
            events.append(.cancelRejected(SimCancelReject(
                owner: request.owner, orderID: request.orderID, kind: .replace, reason: reason, order: view(slot))))
            return false
        }
        if markets[m].paused { return refuse(.tradingPaused, &events) }
        let newPrice = request.price ?? orders[i].price
        guard let newTick = markets[m].tickIndex(of: newPrice), isValid(request.quantity, market: m) else {
            return refuse(.invalidOrder, &events)
        }
        let newTimeInForce = request.timeInForce ?? orders[i].timeInForce
        if let requested = request.timeInForce {
            switch requested {
            case .immediateOrCancel, .fillOrKill: return refuse(.invalidOrder, &events)
            case .day(let deadline), .goodTillDate(let deadline):
                if deadline <= now { return refuse(.invalidOrder, &events) }
            case .goodTillCancel: break
            }
        }
        let oldKey = SimClientKey(owner: request.owner, clientOrderID: orders[i].clientOrderID)
        let newKey = SimClientKey(owner: request.owner, clientOrderID: request.clientOrderID)
        if let holder = orderIDByClient[newKey], holder != orders[i].id { return refuse(.orderAlreadyExists, &events) }
        let newTotal = request.quantity.hundredths
        let cum = orders[i].cum
        if newTotal < cum { return refuse(.invalidAmendQuantity, &events) }
        let side = orders[i].side
        let opposite = markets[m].sides[sideIndex(side.opposite)].best
        let crossing = opposite >= 0 && crosses(side, limit: Int(newTick), best: opposite)
        if crossing && orders[i].postOnly { return refuse(.postOnlyCross, &events) }
        if newTotal == cum {
            close(slot, as: .canceled, reason: .replacedToFilledQuantity, into: &events)
            return true
        }

        let previous = (clientOrderID: orders[i].clientOrderID, price: orders[i].price,
                        total: orders[i].orderQuantity, leaves: orders[i].leaves, tif: orders[i].timeInForce)
        let newLeaves = newTotal - cum
        let priorityKept = newTick == orders[i].tick && newLeaves <= orders[i].leaves
        if newKey != oldKey {
            orderIDByClient[oldKey] = nil
            orderIDByClient[newKey] = orders[i].id
            orders[i].clientOrderID = request.clientOrderID
        }
        orders[i].timeInForce = newTimeInForce
        orders[i].orderQuantity = newTotal
        if priorityKept {
            let level = Int(newTick), s = sideIndex(side)
            markets[m].sides[s].levels[level].quantity -= orders[i].leaves - newLeaves
            orders[i].leaves = newLeaves
            markDirty(market: m, side: s, tick: level)
            if let deadline = newTimeInForce.deadline, deadline < earliestDeadline { earliestDeadline = deadline }
        } else {
            unlink(slot)
            orders[i].leaves = newLeaves
            orders[i].price = newPrice
            orders[i].tick = newTick
        }
        events.append(.replaced(SimReplace(
            order: view(slot), previousClientOrderID: previous.clientOrderID, previousPrice: previous.price,
            previousOrderQuantity: SimQuantity(hundredths: previous.total),
            previousLeavesQuantity: SimQuantity(hundredths: previous.leaves),
            previousTimeInForce: previous.tif, priorityKept: priorityKept)))
        if !priorityKept {
            if crossing, match(slot, now: now, into: &events) == .stoppedBySelfTrade {
                close(slot, as: .canceled, reason: .takerSelfTradePrevention, into: &events)
            } else if orders[i].leaves == 0 {
                close(slot, as: .filled, reason: nil, into: &events)
            } else {
                rest(slot)
            }
        }
        return true
    }

    // MARK: Mass cancels

    /// Cancels every open order of `owner` (OrderMassCancelRequest), optionally only in one
    /// market and/or one order group, in order-id order; each appends `canceled` (`.massCancel`).
    ///
    /// - Returns: the number of orders canceled (0 for an unknown market).
    /// - Complexity: O(open orders of all owners) plus a sort of the matches.
    @discardableResult
    public mutating func cancelAll(owner: SimOwnerID, market: String? = nil, group: SimGroupID? = nil,
                                   now: Int64, into events: inout [SimEvent]) -> Int {
        expireDue(now: now, into: &events)
        var marketIndex: Int32 = -1
        if let market {
            guard let m = marketIndexByTicker[market] else { return 0 }
            marketIndex = m
        }
        return sweep(into: &events, status: .canceled, reason: .massCancel) { o in
            o.owner == owner && (marketIndex < 0 || o.market == marketIndex) && (group == nil || o.group == group)
        }
    }

    /// Cancels every open order of an order group (group triggered or deleted, FACTS §12); each
    /// appends `canceled` (`.orderGroup`, ORDER_GROUP_CANCEL).
    ///
    /// - Returns: the number of orders canceled.
    /// - Complexity: O(open orders) plus a sort of the matches.
    @discardableResult
    public mutating func cancelGroup(_ group: SimGroupID, now: Int64, into events: inout [SimEvent]) -> Int {
        expireDue(now: now, into: &events)
        return sweep(into: &events, status: .canceled, reason: .orderGroup) { $0.group == group }
    }

    // MARK: Pauses

    /// Starts a trading pause in `market` (FACTS §19): orders flagged cancel-on-pause are canceled
    /// (`.tradingPaused`), the others keep resting; new orders and replaces are refused until
    /// ``resume(market:)``; cancels stay allowed.
    ///
    /// - Returns: false for an unknown market.
    @discardableResult
    public mutating func pause(market: String, now: Int64, into events: inout [SimEvent]) -> Bool {
        guard let m = marketIndexByTicker[market] else { return false }
        expireDue(now: now, into: &events)
        markets[Int(m)].paused = true
        sweep(into: &events, status: .canceled, reason: .tradingPaused) { $0.market == m && $0.cancelOnPause }
        return true
    }

    /// Ends a trading pause.
    ///
    /// - Returns: false for an unknown market.
    @discardableResult
    public mutating func resume(market: String) -> Bool {
        guard let m = marketIndexByTicker[market] else { return false }
        markets[Int(m)].paused = false
        return true
    }

    /// Whether `market` is paused (nil for an unknown market).
    public func isPaused(market: String) -> Bool? {
        marketIndexByTicker[market].map { markets[Int($0)].paused }
    }

    // MARK: Expiry

    /// Expires every resting DAY/GTD order whose deadline is at or before `now` (nanoseconds since
    /// the Unix epoch), in order-id order; each appends `expired`. Every other mutating call does
    /// this first too, so a passed deadline never trades.
    ///
    /// - Returns: the number of orders expired.
    /// - Complexity: O(1) while no deadline is due, else O(open orders).
    @discardableResult
    public mutating func expire(now: Int64, into events: inout [SimEvent]) -> Int {
        expireDue(now: now, into: &events)
    }

    @discardableResult
    mutating func expireDue(now: Int64, into events: inout [SimEvent]) -> Int {
        guard now >= earliestDeadline else { return 0 }
        let count = sweep(into: &events, status: .expired, reason: nil) { o in
            o.timeInForce.deadline.map { $0 <= now } ?? false
        }
        earliestDeadline = .max
        for o in orders where o.live && o.resting {
            if let deadline = o.timeInForce.deadline, deadline < earliestDeadline { earliestDeadline = deadline }
        }
        return count
    }

    // MARK: Helpers

    /// Closes every resting order matching `predicate`, in order-id order.
    @discardableResult
    mutating func sweep(into events: inout [SimEvent], status: SimOrderStatus, reason: SimCancelReason?,
                        where predicate: (SimOrderRecord) -> Bool) -> Int {
        var slots = scratchSlots  // reuse its capacity
        scratchSlots = []
        slots.removeAll(keepingCapacity: true)
        for slot in orders.indices where orders[slot].live && orders[slot].resting && predicate(orders[slot]) {
            slots.append(Int32(slot))
        }
        slots.sort { orders[Int($0)].id < orders[Int($1)].id }
        for slot in slots { close(slot, as: status, reason: reason, into: &events) }
        scratchSlots = slots
        return slots.count
    }

    /// The slot of `id` when it is open and belongs to `owner`.
    func openSlot(_ id: SimOrderID, owner: SimOwnerID) -> Int32? {
        guard let slot = slotByOrderID[id.rawValue], orders[Int(slot)].owner == owner else { return nil }
        return slot
    }

    /// Why a cancel/replace found no open order of the requester: closed when the id was issued.
    func missingReason(_ id: SimOrderID) -> SimCancelRejectReason {
        if slotByOrderID[id.rawValue] == nil && id.rawValue >= 1 && id.rawValue < nextOrderID { return .orderClosed }
        return .unknownOrder
    }
}

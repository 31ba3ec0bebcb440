import FixCodec
import FixSession
import FixTransport

/// Order entry on KalshiNR and KalshiRT (both products): NewOrderSingle, OrderCancelRequest,
/// OrderCancelReplaceRequest and OrderMassCancelRequest go to the matching engine, and its
/// events come back as ExecutionReports / OrderCancelReject exactly as FACTS §9 describes,
/// formatted per recipient session's logon flags (UseDollars, SkipPendingExecReports,
/// PreserveOriginalOrderQty, AlwaysEmitNewBeforeTrade, EnableIocCancelReport,
/// UseExpiredOrdStatus).
///
/// Routing: a report goes to the session logged on with the API key and session type that
/// placed (or last amended) the order, and to every listener session (20126=Y) of the same
/// account. A KalshiRT recipient that is away gets it queued into its sequence, so the
/// ResendRequest after its reconnect recovers it (``SimOfflineQueue``). Every report with a
/// real ExecID is also kept for drop copy (``SimDropCopy``).
///
/// - Important: I/O thread only (the simulator's reactor).
final class SimOrderEntry {
    unowned let exchange: SimExchange
    var engine = SimMatchingEngine()
    let fees = SimFeeSchedule()
    var events: [SimEvent] = []
    /// Where each open order reports to: the key and session type that placed or amended it.
    private var origin: [SimOrderID: SimRoute] = [:]
    /// Net YES position per account and market, hundredths of a contract.
    private var positions: [PositionKey: Int64] = [:]
    /// ExecIDs are `clock;event` (FACTS §9.5): the clock is the simulator's start second.
    let execClock: Int64
    private(set) var execEvent: Int64 = 0
    private var massCancelOperations = 0
    /// Order groups of every account (OrderGroups/).
    var groups: SimOrderGroups
    /// Groups a fill of the current publish triggered; canceled once it is done.
    var triggeredGroups: [SimGroupID] = []

    struct PositionKey: Hashable { var owner: SimOwnerID; var market: String }

    init(exchange: SimExchange, now: Int64) {
        self.exchange = exchange
        execClock = now / 1_000_000_000
        groups = SimOrderGroups(startSecond: execClock)
        events.reserveCapacity(64)
    }

    // MARK: Requests

    func newOrder(_ message: FixMessage, on session: SimSession) {
        let fields = message.body
        if let probe = exchange.server.configuration.probe?.orderReceived {
            probe(fields.value(11)?.string ?? "", fields.value(54)?.equals("1") == true, Reactor.monotonicNanoseconds())
        }
        guard let owner = exchange.owner(of: session) else { return }
        let clOrdID = fields.value(11)?.string ?? ""
        let symbol = fields.value(55)?.string ?? ""
        let now = exchange.now
        let values = SimWireValues(dollars: session.options.useDollars)
        func reject(_ text: String, _ reason: OrdRejReason) {
            let side = fields.value(54).map { Side(rawValue: $0.string) } ?? .buyYes
            let report = ExecutionReport(orderID: "NONE", clOrdID: clOrdID, execID: "-1;-1", execType: .rejected,
                                         ordStatus: .rejected, side: side, symbol: symbol, leavesQty: SimWireValues.wire(.zero),
                                         cumQty: SimWireValues.wire(.zero), avgPx: FixDecimal(mantissa: 0, scale: 0),
                                         orderQty: (try? fields.decimal(38)) ?? nil ?? .zero, ordRejReason: reason,
                                         price: (try? fields.decimal(44)) ?? nil, transactTime: FixTimestamp(nanosecondsSinceEpoch: now),
                                         text: text)
            session.send(report)
        }
        if exchange.settlement.isClosed(symbol) { return reject("MARKET_ALREADY_CLOSED", .exchangeClosed) }
        guard let sideValue = fields.value(54), sideValue.equals("1") || sideValue.equals("2") else {
            return reject("INVALID_ORDER", .unsupportedOrderCharacteristic)
        }
        guard fields.value(40)?.equals("2") == true else { return reject("INVALID_ORDER", .unsupportedOrderCharacteristic) }
        guard let wirePrice = (try? fields.decimal(44)) ?? nil, let price = values.price(wirePrice) else {
            return reject("INVALID_ORDER", .unsupportedOrderCharacteristic)
        }
        guard let wireQty = (try? fields.decimal(38)) ?? nil, let quantity = SimWireValues.quantity(wireQty) else {
            return reject("INVALID_ORDER", .incorrectQuantity)
        }
        guard let timeInForce = timeInForce(fields, now: now) else { return reject("INVALID_ORDER", .unsupportedOrderCharacteristic) }
        let group: SimGroupID?
        switch groupForNewOrder(fields, owner: owner) {
        case .success(let g): group = g
        case .failure(let refusal): return reject(refusal.text, refusal.reason)
        }
        var maxCost: SimMoney?
        if let cap = (try? fields.decimal(21009)) ?? nil {
            guard let money = SimWireValues.money(cap) else { return reject("INVALID_ORDER", .unsupportedOrderCharacteristic) }
            maxCost = money
        }
        let stp: SimSelfTradePrevention = ((try? fields.int(2964)) ?? nil) == 2 ? .maker : .takerAtCross
        let request = SimOrderRequest(owner: owner, clientOrderID: clOrdID, market: symbol,
                                      side: sideValue.equals("1") ? .buy : .sell, price: price, quantity: quantity,
                                      timeInForce: timeInForce, postOnly: fields.value(18)?.string.contains("6") == true,
                                      selfTradePrevention: stp, cancelOnPause: ((try? fields.bool(21006)) ?? nil) == true,
                                      maxExecutionCost: maxCost, group: group)
        events.removeAll(keepingCapacity: true)
        let id = engine.submit(request, now: now, into: &events)
        if let id { origin[id] = SimRoute(session) }
        publish(request: .new, requestClOrdID: clOrdID, requester: session)
    }

    func cancel(_ message: FixMessage, on session: SimSession) {
        let fields = message.body
        guard let owner = exchange.owner(of: session) else { return }
        let clOrdID = fields.value(11)?.string ?? ""
        let origClOrdID = fields.value(41)?.string ?? ""
        guard let id = resolve(fields, owner: owner) else {
            session.send(OrderCancelReject(orderID: fields.value(37)?.string ?? "NONE", clOrdID: clOrdID, origClOrdID: origClOrdID,
                                           ordStatus: .rejected, cxlRejResponseTo: .orderCancelRequest, cxlRejReason: .unknownOrder,
                                           text: "ORDER_NOT_FOUND"))
            return
        }
        origin[id] = SimRoute(session)
        events.removeAll(keepingCapacity: true)
        _ = engine.cancel(orderID: id, owner: owner, now: exchange.now, into: &events)
        publish(request: .cancel, requestClOrdID: clOrdID, requester: session)
    }

    func replace(_ message: FixMessage, on session: SimSession) {
        let fields = message.body
        guard let owner = exchange.owner(of: session) else { return }
        let clOrdID = fields.value(11)?.string ?? ""
        let origClOrdID = fields.value(41)?.string ?? ""
        let values = SimWireValues(dollars: session.options.useDollars)
        func cancelReject(_ text: String, _ reason: CxlRejReason, orderID: String) {
            session.send(OrderCancelReject(orderID: orderID, clOrdID: clOrdID, origClOrdID: origClOrdID, ordStatus: .rejected,
                                           cxlRejResponseTo: .orderCancelReplaceRequest, cxlRejReason: reason, text: text))
        }
        guard let id = resolve(fields, owner: owner) else {
            return cancelReject("ORDER_NOT_FOUND", .unknownOrder, orderID: fields.value(37)?.string ?? "NONE")
        }
        guard let wireQty = (try? fields.decimal(38)) ?? nil, let quantity = SimWireValues.quantity(wireQty) else {
            return cancelReject("INVALID_ORDER", .other, orderID: String(id.rawValue))
        }
        var price: SimPrice?
        if let wirePrice = (try? fields.decimal(44)) ?? nil {
            guard let p = values.price(wirePrice) else { return cancelReject("INVALID_ORDER", .other, orderID: String(id.rawValue)) }
            price = p
        }
        // Kalshi: omitting 59 and 126 keeps the current expiry (FACTS §9.2).
        var tif: SimTimeInForce?
        if fields.value(59) != nil || fields.value(126) != nil {
            guard let t = timeInForce(fields, now: exchange.now) else {
                return cancelReject("INVALID_ORDER", .other, orderID: String(id.rawValue))
            }
            tif = t
        }
        let request = SimReplaceRequest(owner: owner, orderID: id, clientOrderID: clOrdID, quantity: quantity, price: price,
                                        timeInForce: tif)
        origin[id] = SimRoute(session)
        events.removeAll(keepingCapacity: true)
        _ = engine.replace(request, now: exchange.now, into: &events)
        publish(request: .replace, requestClOrdID: clOrdID, requester: session)
    }

    /// OrderMassCancelRequest (q): only KalshiNR, type 6 (FACTS §9.4). The report (r) comes
    /// first, then one ExecutionReport per canceled order.
    func massCancel(_ message: FixMessage, on session: SimSession) {
        let fields = message.body
        guard let owner = exchange.owner(of: session) else { return }
        let clOrdID = fields.value(11)?.string ?? ""
        massCancelOperations += 1
        let operation = "MC-\(execClock)-\(massCancelOperations)"
        guard fields.value(530)?.equals("6") == true else {
            session.send(OrderMassCancelReport(clOrdID: clOrdID, orderID: operation, massCancelResponse: .rejected,
                                               massCancelRejectReason: 99))
            return
        }
        session.send(OrderMassCancelReport(clOrdID: clOrdID, orderID: operation, massCancelResponse: .allOrdersCancelled))
        events.removeAll(keepingCapacity: true)
        _ = engine.cancelAll(owner: owner, now: exchange.now, into: &events)
        publish(request: .massCancel, requestClOrdID: clOrdID, requester: session)
    }

    /// CancelOrdersOnDisconnect (8013): every open order the session placed is canceled when it
    /// goes away, even after a graceful Logout (FACTS §4.2).
    func sessionClosed(_ session: SimSession) {
        let route = SimRoute(session)
        let placed = origin.filter { $0.value == route }.map(\.key)
        guard session.options.cancelOrdersOnDisconnect, let owner = exchange.owner(of: session) else {
            return
        }
        events.removeAll(keepingCapacity: true)
        for order in placed.sorted() { _ = engine.cancel(orderID: order, owner: owner, now: exchange.now, into: &events) }
        publish(request: .massCancel, requestClOrdID: nil)
    }

    /// Closes `market` before it settles: its resting orders get CloseCancel reports (see
    /// ``SimMatchingEngine/close(market:now:into:)``) through the normal report path.
    /// - Returns: the number of orders closed, or nil for an unknown market.
    func closeMarket(_ market: String) -> Int? {
        events.removeAll(keepingCapacity: true)
        let count = engine.close(market: market, now: exchange.now, into: &events)
        publish(request: .none, requestClOrdID: nil)
        return count
    }

    /// Removes and returns every nonzero net YES position in `market` (hundredths of a
    /// contract, negative: NO): settlement pays them out and the contracts cease to exist.
    func removePositions(market: String) -> [(owner: SimOwnerID, hundredths: Int64)] {
        let keys = positions.keys.filter { $0.market == market }
        var result: [(owner: SimOwnerID, hundredths: Int64)] = []
        for key in keys {
            if let held = positions.removeValue(forKey: key), held != 0 { result.append((key.owner, held)) }
        }
        return result
    }

    /// One side of an off-book trade (``executeQuoteTrade``).
    struct QuoteTradeParty {
        var owner: SimOwnerID
        /// ClOrdID (11) of its Trade report.
        var clientOrderID: String
        /// The session its report goes to (besides the account's listeners), if any.
        var session: SimSession?
    }

    /// An accepted and confirmed RFQ quote executes as one trade outside the book (FACTS §14
    /// step 9): each party gets one Trade report (OrdStatus Filled) through the normal report
    /// path, so fees, positions (704/705), TrdMatchID and listener copies work as for book
    /// trades. The creator is the aggressor (taker fee, 1057=Y). Order and trade ids come from
    /// the engine's counters, so they never collide with book orders.
    func executeQuoteTrade(market: String, taker: QuoteTradeParty, takerSide: SimSide, maker: QuoteTradeParty,
                           price: SimPrice, quantity: SimQuantity) {
        func view(_ party: QuoteTradeParty, _ side: SimSide) -> SimOrderView {
            let id = SimOrderID(engine.nextOrderID)
            engine.nextOrderID += 1
            return SimOrderView(orderID: id, owner: party.owner, market: market, clientOrderID: party.clientOrderID,
                                originalClientOrderID: party.clientOrderID, group: nil, side: side, price: price,
                                originalQuantity: quantity, orderQuantity: quantity, cumQuantity: quantity,
                                leavesQuantity: .zero, notional: .cost(of: quantity, at: price), timeInForce: .fillOrKill,
                                postOnly: false, cancelOnPause: false, selfTradePrevention: .takerAtCross, status: .filled)
        }
        let takerView = view(taker, takerSide), makerView = view(maker, takerSide.opposite)
        let tradeID = SimTradeID(engine.nextTradeID)
        engine.nextTradeID += 1
        if let session = taker.session { origin[takerView.orderID] = SimRoute(session) }
        if let session = maker.session { origin[makerView.orderID] = SimRoute(session) }
        events.removeAll(keepingCapacity: true)
        events.append(.fill(SimFill(tradeID: tradeID, market: market, price: price, quantity: quantity,
                                    aggressorSide: takerSide, taker: takerView, maker: makerView)))
        publish(request: .none, requestClOrdID: nil)
    }

    /// Starts a trading pause: orders flagged CancelOrderOnPause (21006) are canceled and
    /// reported (FACTS §19).
    func pause(market: String) {
        events.removeAll(keepingCapacity: true)
        engine.pause(market: market, now: exchange.now, into: &events)
        publish(request: .none, requestClOrdID: nil)
    }

    /// Requests of the simulator's own accounts (bots), which have no session: `body` makes its
    /// engine calls, and their events are published like a FIX request's (counterparties'
    /// ExecutionReports, market data), once for the whole batch.
    func internalRequests(_ body: (inout SimMatchingEngine, _ now: Int64, inout [SimEvent]) -> Void) {
        events.removeAll(keepingCapacity: true)
        body(&engine, exchange.now, &events)
        publish(request: .none, requestClOrdID: nil)
    }

    /// Expires DAY/GTD orders whose deadline passed; called by the exchange's timer.
    func expireDue() {
        events.removeAll(keepingCapacity: true)
        guard engine.expire(now: exchange.now, into: &events) > 0 else { return }
        publish(request: .none, requestClOrdID: nil)
    }

    // MARK: Reports

    enum RequestKind { case new, cancel, replace, massCancel, none }

    /// Turns the engine's events of one request into reports for every recipient. Each event
    /// gets one ExecID, shared by all its copies (origin session and listeners).
    func publish(request: RequestKind, requestClOrdID: String?, requester: SimSession? = nil) {
        let now = exchange.now
        for index in events.indices {
            switch events[index] {
            case .accepted(let order):
                let tradesNow = events[(index + 1)...].contains { event in
                    if case .fill(let f) = event { return f.taker.orderID == order.orderID }
                    return false
                }
                let execID = nextExecID()
                deliver(order) { options in
                    var reports: [ExecutionReport] = []
                    if !options.skipPendingExecReports {
                        reports.append(self.report(order, .pendingNew, .pendingNew, options, now: now, execID: "-1;-1"))
                    }
                    // Without AlwaysEmitNewBeforeTrade the New ack is folded into the first Trade.
                    if !tradesNow || options.alwaysEmitNewBeforeTrade {
                        reports.append(self.report(order, .new, .new, options, now: now, execID: execID))
                    }
                    return reports
                }
            case .fill(let fill):
                record(fill)
                countGroupFill(fill, now: now)
                let takerClosesLater = iocRemainderFollows(fill.taker.orderID, after: index)
                for (view, isTaker) in [(fill.taker, true), (fill.maker, false)] {
                    let fee = fees.fee(quantity: fill.quantity, price: fill.price, maker: !isTaker)
                    let position = positions[PositionKey(owner: view.owner, market: view.market)] ?? 0
                    let execID = nextExecID()
                    let tradeID = "T\(execClock)-\(fill.tradeID.rawValue)"
                    deliver(view) { options in
                        var r = self.report(view, .trade, view.status == .filled ? .filled : .partiallyFilled, options,
                                            now: now, execID: execID)
                        if isTaker, takerClosesLater, !options.enableIocCancelReport {
                            // Decision: without EnableIocCancelReport (21007) Kalshi sends no cancel
                            // report for a partially filled IOC; its last Trade report then says the
                            // order is done (LeavesQty 0, OrdStatus Canceled) so no client is left
                            // with a phantom open order.
                            r.leavesQty = SimWireValues.wire(.zero)
                            r.ordStatus = .canceled
                            if !options.preserveOriginalOrderQty { r.orderQty = SimWireValues.wire(view.cumQuantity) }
                        }
                        r.lastPx = SimWireValues(dollars: options.useDollars).wire(fill.price)
                        r.lastQty = SimWireValues.wire(fill.quantity)
                        r.trdMatchID = tradeID
                        r.aggressorIndicator = isTaker
                        r.miscFees = [MiscFeesEntry(miscFeeAmt: SimWireValues.wireDollars(micros: fee.micros), miscFeeCurr: "USD",
                                                    miscFeeType: .exchangeFees, miscFeeBasis: .absolute)]
                        r.longQty = SimWireValues.wire(SimQuantity(hundredths: max(position, 0)))
                        r.shortQty = SimWireValues.wire(SimQuantity(hundredths: max(-position, 0)))
                        r.clearingBusinessDate = SimEasternTime.date(atUTCNanoseconds: now)
                        return [r]
                    }
                }
            case .canceled(let order, let reason, let leavesBefore):
                let foldedIOC = reason == .immediateOrCancel && order.cumQuantity.hundredths > 0
                let requested = reason == .requested && request == .cancel
                let execID = nextExecID()
                deliver(order) { options in
                    if foldedIOC && !options.enableIocCancelReport { return [] }  // folded into the last Trade
                    var reports: [ExecutionReport] = []
                    if requested && !options.skipPendingExecReports {
                        var pending = self.report(order, .pendingCancel, .pendingCancel, options, now: now, execID: "-1;-1")
                        pending.clOrdID = requestClOrdID ?? order.clientOrderID
                        pending.origClOrdID = order.clientOrderID
                        pending.leavesQty = SimWireValues.wire(leavesBefore)
                        reports.append(pending)
                    }
                    var r = self.report(order, .canceled, .canceled, options, now: now, execID: execID)
                    if requested {
                        r.clOrdID = requestClOrdID ?? order.clientOrderID
                        r.origClOrdID = order.clientOrderID
                    }
                    r.text = reason.text
                    reports.append(r)
                    return reports
                }
            case .replaced(let replace):
                let execID = nextExecID()
                deliver(replace.order) { options in
                    var reports: [ExecutionReport] = []
                    if !options.skipPendingExecReports {
                        var pending = self.report(replace.order, .pendingReplace, .pendingReplace, options, now: now, execID: "-1;-1")
                        pending.origClOrdID = replace.previousClientOrderID
                        reports.append(pending)
                    }
                    var r = self.report(replace.order, .replaced, .replaced, options, now: now, execID: execID)
                    r.origClOrdID = replace.previousClientOrderID
                    // Day orders are stored as explicit deadlines, so they come back as GTD (FACTS §9.5).
                    r.timeInForce = replace.order.timeInForce.deadline == nil ? .gtc : .gtd
                    reports.append(r)
                    return reports
                }
            case .rejected(let reject):
                // Only the requester hears about a rejected new order; it has no order id.
                guard let requester else { continue }
                requester.send(ExecutionReport(
                    orderID: "NONE", clOrdID: reject.clientOrderID, execID: "-1;-1", execType: .rejected, ordStatus: .rejected,
                    side: .buyYes, symbol: reject.market, leavesQty: SimWireValues.wire(.zero), cumQty: SimWireValues.wire(.zero),
                    avgPx: .zero, orderQty: SimWireValues.wire(.zero), ordRejReason: OrdRejReason(rawValue: reject.reason.ordRejReason),
                    transactTime: FixTimestamp(nanosecondsSinceEpoch: now), text: reject.reason.text))
            case .cancelRejected(let reject):
                guard let requester else { continue }
                let kind: CxlRejResponseTo = reject.kind == .cancel ? .orderCancelRequest : .orderCancelReplaceRequest
                let status: OrdStatus = reject.order.map { Self.ordStatus($0.status) } ?? .rejected
                requester.send(OrderCancelReject(orderID: String(reject.orderID.rawValue), clOrdID: requestClOrdID ?? "",
                                                 origClOrdID: reject.order?.clientOrderID, ordStatus: status, cxlRejResponseTo: kind,
                                                 cxlRejReason: CxlRejReason(rawValue: reject.cxlRejReason), text: reject.reason.text))
            case .expired(let order, _):
                let execID = nextExecID()
                deliver(order) { options in
                    // Expired (C) only with UseExpiredOrdStatus (21012); otherwise a Canceled report.
                    let expired = options.useExpiredOrdStatus
                    return [self.report(order, expired ? .expired : .canceled, expired ? .expired : .canceled, options,
                                        now: now, execID: execID)]
                }
            }
        }
        // Closed orders no longer need a route.
        for event in events {
            switch event {
            case .canceled(let o, _, _), .expired(let o, _): origin[o.orderID] = nil
            case .fill(let f):
                if !f.maker.status.isOpen { origin[f.maker.orderID] = nil }
                if !f.taker.status.isOpen { origin[f.taker.orderID] = nil }
            default: break
            }
        }
        exchange.marketDataChanged()
        cancelTriggeredGroups(now: now)
    }

    /// Sends what `build` makes for each recipient of `order`'s reports (the key that placed or
    /// amended it, and the account's listeners; queued for a KalshiRT one that is away), and
    /// keeps the default rendering for drop copy.
    private func deliver(_ order: SimOrderView, _ build: (SimLogonOptions) -> [ExecutionReport]) {
        exchange.dropCopy.record(build(exchange.dropCopyOptions), owner: order.owner, now: exchange.now)
        for recipient in exchange.recipients(owner: order.owner, origin: origin[order.orderID]) {
            switch recipient {
            case .live(let session):
                for report in build(session.options) { session.send(report) }
            case .away(let route, let options):
                for report in build(options) { exchange.server.offline.enqueue(report, for: route) }
            }
        }
    }

    /// The common fields of a report about `order`.
    private func report(_ order: SimOrderView, _ execType: ExecType, _ status: OrdStatus, _ options: SimLogonOptions,
                        now: Int64, execID: String) -> ExecutionReport {
        let values = SimWireValues(dollars: options.useDollars)
        let orderQty = options.preserveOriginalOrderQty
            ? order.originalQuantity : SimQuantity(hundredths: order.cumQuantity.hundredths + order.leavesQuantity.hundredths)
        var r = ExecutionReport(orderID: String(order.orderID.rawValue), clOrdID: order.clientOrderID, execID: execID,
                                execType: execType, ordStatus: status, side: order.side == .buy ? .buyYes : .sellNo,
                                symbol: order.market, leavesQty: SimWireValues.wire(order.leavesQuantity),
                                cumQty: SimWireValues.wire(order.cumQuantity),
                                avgPx: order.averagePrice.map(values.wire) ?? .zero, orderQty: SimWireValues.wire(orderQty),
                                price: values.wire(order.price), transactTime: FixTimestamp(nanosecondsSinceEpoch: now))
        if let deadline = order.timeInForce.deadline { r.expireTime = FixTimestamp(nanosecondsSinceEpoch: deadline) }
        return r
    }

    /// Whether a cancel of `order`'s IOC remainder follows event `index` with no fill of it between.
    private func iocRemainderFollows(_ order: SimOrderID, after index: Int) -> Bool {
        for event in events[(index + 1)...] {
            switch event {
            case .fill(let f) where f.taker.orderID == order: return false
            case .canceled(let o, let reason, _) where o.orderID == order: return reason == .immediateOrCancel
            default: continue
            }
        }
        return false
    }

    private func record(_ fill: SimFill) {
        let signed = fill.quantity.hundredths
        let buyer = fill.aggressorSide == .buy ? fill.taker.owner : fill.maker.owner
        let seller = fill.aggressorSide == .buy ? fill.maker.owner : fill.taker.owner
        positions[PositionKey(owner: buyer, market: fill.market), default: 0] += signed
        positions[PositionKey(owner: seller, market: fill.market), default: 0] -= signed
    }

    /// Net YES position of `owner` in `market`, hundredths of a contract (negative: NO).
    func position(owner: SimOwnerID, market: String) -> Int64 {
        positions[PositionKey(owner: owner, market: market)] ?? 0
    }

    private func nextExecID() -> String {
        execEvent += 1
        return "\(execClock);\(execEvent)"
    }

    static func ordStatus(_ status: SimOrderStatus) -> OrdStatus {
        switch status {
        case .new: return .new
        case .partiallyFilled: return .partiallyFilled
        case .filled: return .filled
        case .canceled: return .canceled
        case .expired: return .expired
        }
    }

    // MARK: Parsing

    /// The open order a cancel/replace names: OrderID (37) when given, else OrigClOrdID (41).
    private func resolve(_ fields: FixFieldRange, owner: SimOwnerID) -> SimOrderID? {
        if let text = fields.value(37)?.string, let raw = UInt64(text) {
            return SimOrderID(raw)
        }
        guard let orig = fields.value(41)?.string else { return nil }
        return engine.openOrderID(owner: owner, clientOrderID: orig)
    }

    /// TimeInForce (59) with ExpireTime (126); nil when unsupported or inconsistent.
    private func timeInForce(_ fields: FixFieldRange, now: Int64) -> SimTimeInForce? {
        let expire = (try? fields.timestamp(126)) ?? nil
        switch fields.value(59)?.string ?? "1" {
        case "0": return expire == nil ? .day(endOfDay: SimEasternTime.endOfDay(atUTCNanoseconds: now)) : nil
        case "1": return expire == nil ? .goodTillCancel : nil
        case "3": return .immediateOrCancel
        case "4": return .fillOrKill
        case "6": return expire.map { .goodTillDate(expireTime: $0.nanosecondsSinceEpoch) }
        default: return nil
        }
    }
}

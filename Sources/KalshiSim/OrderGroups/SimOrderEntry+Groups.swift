import FixCodec
import FixSession

/// A field of a request that is malformed on its own (absent, not a number, out of range):
/// answered with a session-level Reject (35=3), as Kalshi answers a malformed UOG (FACTS §12).
struct SimFieldError: Error {
    var tag: Int
    var reason: SessionRejectReason
    var text: String
}

/// Order groups on KalshiNR/KalshiRT (FACTS §12): OrderGroupRequest (UOG) → OrderGroupResponse
/// (UOH), orders bound to a group, and the trigger when a group's rolling 15-second filled
/// volume exceeds its limit.
///
/// Decisions (FACTS leaves them open):
/// - What a UOG alone shows to be wrong is a session Reject (35=3): a missing 20131, a missing
///   20130 (Reset/Delete/Trigger/Update) or 20132 (Create/Update) gets 373=1; a value that is
///   not an integer or a 20130 that is not UUID-shaped 373=6; an unknown action, a limit
///   outside 1…1,000,000 or a 79 outside 0…63 (OPEN-QUESTIONS Q18) 373=5. What needs the
///   exchange's state is a BusinessMessageReject (35=j): a group this account does not have
///   (never created, deleted, another account's) 380=1 with Text ORDER_GROUP_NOT_FOUND; a
///   group created under another AllocAccount 380=6 (FACTS: only the same 79 may manage it).
/// - A 20130 on Create is ignored: the server assigns the id.
/// - UOH echoes 20130 always, 20132 on Create and Update (v1.0.21), and 79 always (v1.0.24;
///   `0` when the request had none). It is sent before the ExecutionReports of the orders a
///   Delete, Trigger or Update cancels, as the mass-cancel report precedes its cancels.
/// - Trigger on a Triggered group answers UOH again (idempotent); Update of a Triggered group
///   only changes its limit (it stays Triggered until Reset); Reset of an Active group clears
///   its window.
/// - A group is scoped to the account of the key (groups are per account) and the 79 it was
///   created with; an order binds to it with 526 SecondaryClOrdID (the documented tag) or,
///   when 526 is absent, 20130 (what the Kalshi Python SDK sends, OPEN-QUESTIONS Q3). The
///   order's 79 (0 when absent) must be the group's. A replace never changes the group.
/// - An order naming a group it cannot use is rejected (ExecType 8): unknown →
///   ORDER_GROUP_NOT_FOUND with OrdRejReason 11 (FACTS §9.7); Triggered →
///   EXCEEDED_ORDER_GROUP_RISK_LIMIT with OrdRejReason 3 (Order exceeds limit), the one
///   documented text about a group's limit (FACTS §9.7).
/// - The window counts the filled contracts of both sides' orders in the group (maker and
///   taker), fractional contracts exactly; it triggers when the sum strictly exceeds the limit,
///   after the fill that crossed it (fills are never refused for it), and then every open order
///   of the group is canceled with Text ORDER_GROUP_CANCEL.
extension SimOrderEntry {
    func orderGroupRequest(_ message: FixMessage, on session: SimSession) {
        guard let owner = exchange.owner(of: session) else { return }
        let fields = message.body
        do throws(SimFieldError) {
            try handleOrderGroupRequest(fields, owner: owner, on: session, message: message)
        } catch {
            let seq = ((try? fields.int(34)) ?? nil) ?? 0
            session.send(Reject(refSeqNum: seq, refTagID: error.tag, refMsgType: "UOG", sessionRejectReason: error.reason,
                                text: error.text))
        }
    }

    private func handleOrderGroupRequest(_ fields: FixFieldRange, owner: SimOwnerID, on session: SimSession,
                                         message: FixMessage) throws(SimFieldError) {
        guard let rawAction = try Self.int(fields, 20131) else {
            throw SimFieldError(tag: 20131, reason: .requiredTagMissing, text: "OrderGroupAction(20131) is required")
        }
        let allocAccount = try Self.int(fields, 79) ?? 0
        guard (0...63).contains(allocAccount) else {
            throw SimFieldError(tag: 79, reason: .valueIncorrect, text: "AllocAccount(79) must be 0-63")
        }
        let action = OrderGroupAction(rawValue: rawAction)
        if case .unknown = action {
            throw SimFieldError(tag: 20131, reason: .valueIncorrect, text: "OrderGroupAction(20131) must be 1-5")
        }
        func limit() throws(SimFieldError) -> Int64 {
            guard let value = try Self.int(fields, 20132) else {
                throw SimFieldError(tag: 20132, reason: .requiredTagMissing, text: "OrderGroupContractsLimit(20132) is required")
            }
            guard SimOrderGroups.limits.contains(Int64(value)) else {
                throw SimFieldError(tag: 20132, reason: .valueIncorrect, text: "OrderGroupContractsLimit(20132) must be 1-1000000")
            }
            return Int64(value)
        }
        let now = exchange.now
        if action == .create {
            let group = groups.create(owner: owner, allocAccount: allocAccount, limit: try limit())
            session.send(OrderGroupResponse(orderGroupID: group.id, orderGroupContractsLimit: Int(group.limit),
                                            allocAccount: allocAccount))
            return
        }
        guard let id = fields.value(20130)?.string else {
            throw SimFieldError(tag: 20130, reason: .requiredTagMissing, text: "OrderGroupID(20130) is required")
        }
        guard SimOrderGroups.isUUID(id) else {
            throw SimFieldError(tag: 20130, reason: .incorrectDataFormat, text: "OrderGroupID(20130) must be a UUID")
        }
        let newLimit = action == .update ? try limit() : nil
        let group: SimOrderGroups.Group
        switch groups.lookup(id, owner: owner, allocAccount: allocAccount) {
        case .success(let found): group = found
        case .failure(.notFound):
            session.businessReject(message, reason: .unknownId, text: "ORDER_GROUP_NOT_FOUND", refTagID: 20130)
            return
        case .failure(.otherAllocAccount(let other)):
            session.businessReject(message, reason: .notAuthorized,
                                   text: "Order group \(id) belongs to AllocAccount \(other), not \(allocAccount)", refTagID: 79)
            return
        }
        switch action {
        case .reset:
            groups.reset(id)
            session.send(OrderGroupResponse(orderGroupID: id, allocAccount: allocAccount))
        case .delete:
            session.send(OrderGroupResponse(orderGroupID: id, allocAccount: allocAccount))
            groups.delete(id)
            cancelOrders(of: group.number, now: now)
        case .triggerCancel:
            session.send(OrderGroupResponse(orderGroupID: id, allocAccount: allocAccount))
            groups.trigger(id)
            cancelOrders(of: group.number, now: now)
        case .update:
            let limit = newLimit ?? group.limit
            session.send(OrderGroupResponse(orderGroupID: id, orderGroupContractsLimit: Int(limit), allocAccount: allocAccount))
            if groups.update(id, limit: limit, now: now) { cancelOrders(of: group.number, now: now) }
        case .create, .unknown:
            break  // handled above
        }
    }

    /// The group a NewOrderSingle names (526, else 20130), or the reject it deserves.
    /// - Returns: `.success(nil)` when the order names no group.
    func groupForNewOrder(_ fields: FixFieldRange, owner: SimOwnerID) -> Result<SimGroupID?, SimRejectText> {
        guard let named = (fields.value(526) ?? fields.value(20130))?.string else { return .success(nil) }
        let allocAccount = ((try? fields.int(79)) ?? nil) ?? 0
        guard case .success(let group) = groups.lookup(named, owner: owner, allocAccount: allocAccount) else {
            return .failure(SimRejectText(text: "ORDER_GROUP_NOT_FOUND", reason: .unsupportedOrderCharacteristic))
        }
        if group.triggered {
            return .failure(SimRejectText(text: "EXCEEDED_ORDER_GROUP_RISK_LIMIT", reason: .orderExceedsLimit))
        }
        return .success(group.number)
    }

    /// Counts a fill against the groups of its two orders; groups it triggers are canceled by
    /// ``cancelTriggeredGroups(now:)`` once the current events are published.
    func countGroupFill(_ fill: SimFill, now: Int64) {
        for group in [fill.taker.group, fill.maker.group] {
            guard let group, groups.recordFill(group, quantity: fill.quantity, now: now) else { continue }
            triggeredGroups.append(group)
        }
    }

    /// Cancels the open orders of the groups that triggered while publishing.
    func cancelTriggeredGroups(now: Int64) {
        guard !triggeredGroups.isEmpty else { return }
        let triggered = triggeredGroups
        triggeredGroups.removeAll()
        for group in triggered {
            exchange.server?.log("\(group) exceeded its limit: canceling its orders")
            cancelOrders(of: group, now: now)
        }
    }

    /// Cancels every open order of `group` (ORDER_GROUP_CANCEL) and reports it.
    private func cancelOrders(of group: SimGroupID, now: Int64) {
        events.removeAll(keepingCapacity: true)
        guard engine.cancelGroup(group, now: now, into: &events) > 0 else { return }
        publish(request: .none, requestClOrdID: nil)
    }

    /// The Int value of `tag`: nil when absent.
    /// - Throws: ``SimFieldError`` (373=6) when present but not an integer.
    static func int(_ fields: FixFieldRange, _ tag: Int) throws(SimFieldError) -> Int? {
        guard let value = fields.value(tag) else { return nil }
        guard let number = (try? fields.int(tag)) ?? nil else {
            throw SimFieldError(tag: tag, reason: .incorrectDataFormat, text: "Tag \(tag) must be an integer, got \(value.string)")
        }
        return number
    }
}

/// The Text (58) and OrdRejReason (103) of a rejected NewOrderSingle.
struct SimRejectText: Error {
    var text: String
    var reason: OrdRejReason
}

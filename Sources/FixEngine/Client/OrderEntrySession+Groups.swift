import FixCodec
import FixSession

/// An order group's answer (OrderGroupResponse, UOH): the group id (assigned by Kalshi on
/// Create) and the contracts limit echoed on Create and Update (FACTS §12).
public struct OrderGroupReply: Sendable, Hashable {
    public var groupID: String
    /// Contracts filled within a rolling 15 s window before the group triggers.
    public var contractsLimit: Int?
    /// Subaccount (79); 0 is the primary account.
    public var allocAccount: Int?
}

extension OrderEntrySession {
    /// Creates an order group with a rolling 15-second limit of `contractsLimit` filled
    /// contracts (1…1,000,000); the answer (with Kalshi's group id) arrives through
    /// ``OrderEntryDelegate/orderEntry(_:orderGroup:)``. Bind orders with
    /// ``newOrder(symbol:side:quantity:price:timeInForce:expireTime:postOnly:orderGroup:)``.
    public func createOrderGroup(contractsLimit: Int, allocAccount: Int? = nil) throws(OrderEntryError) {
        try sendGroup(OrderGroupRequest(orderGroupAction: .create, orderGroupContractsLimit: contractsLimit, allocAccount: allocAccount))
    }

    /// Re-activates a triggered group and clears its rolling volume.
    public func resetOrderGroup(_ groupID: String) throws(OrderEntryError) {
        try sendGroup(OrderGroupRequest(orderGroupAction: .reset, orderGroupID: groupID))
    }

    /// Cancels the group's resting orders now and blocks new ones until a reset.
    public func triggerOrderGroup(_ groupID: String) throws(OrderEntryError) {
        try sendGroup(OrderGroupRequest(orderGroupAction: .triggerCancel, orderGroupID: groupID))
    }

    /// Deletes the group and cancels its resting orders.
    public func deleteOrderGroup(_ groupID: String) throws(OrderEntryError) {
        try sendGroup(OrderGroupRequest(orderGroupAction: .delete, orderGroupID: groupID))
    }

    /// Changes the contracts limit (a limit below the current rolling volume triggers at once).
    public func updateOrderGroup(_ groupID: String, contractsLimit: Int) throws(OrderEntryError) {
        try sendGroup(OrderGroupRequest(orderGroupAction: .update, orderGroupContractsLimit: contractsLimit, orderGroupID: groupID))
    }

    private func sendGroup(_ request: OrderGroupRequest) throws(OrderEntryError) {
        do throws(SessionError) { try driver.send(request) } catch { throw .session(error) }
    }

    /// Decodes an OrderGroupResponse (UOH); nil for other messages.
    static func orderGroupResponse(_ message: FixMessage) -> OrderGroupReply? {
        guard message.msgType.equals("UOH"), let id = message.body.value(20130)?.string else { return nil }
        return OrderGroupReply(groupID: id, contractsLimit: (try? message.body.int(20132)) ?? nil,
                                  allocAccount: (try? message.body.int(79)) ?? nil)
    }
}

import FixCodec
import FixSession
import Foundation
import KalshiSim
import Testing

/// A UOG with whatever fields a test wants, malformed ones included.
struct RawOrderGroupRequest: FixEncodableMessage {
    static let msgType: StaticString = "UOG"
    var fields: [(Int, String)]
    func encode(into w: inout FixWriter) {
        for (tag, value) in fields { w.write(tag, value) }
    }
}

/// Order groups through the simulator (FACTS §12): UOG actions answered with UOH, orders bound
/// with 526 (or 20130), the rolling 15-second window on an injected exchange clock, and the
/// 35=j / 35=3 errors.
@Suite("KalshiSim order groups", .serialized)
struct SimOrderGroupTests {
    static let market = SimOrderEntryTests.market

    static func order(_ clOrdID: String, _ side: Side, qty: Int64, cents: Int64, group: String? = nil,
                      sdkTag: Bool = false) -> NewOrderSingle {
        var order = SimOrderEntryTests.order(clOrdID, side, qty: qty, cents: cents)
        if sdkTag { order.orderGroupID = group } else { order.secondaryClOrdID = group }
        return order
    }

    /// Two traders on KalshiNR without pending reports.
    func traders(_ harness: SimHarness) throws -> (first: ClientRecorder, second: ClientRecorder) {
        var first = try harness.configuration(.kalshiNR)
        first.logonOptions = KalshiLogonOptions(skipPendingExecReports: true)
        var second = try harness.configuration(.kalshiNR, pair: SimTestKeys.otherPair, keyID: SimOrderEntryTests.otherKeyID)
        second.logonOptions = KalshiLogonOptions(skipPendingExecReports: true)
        let a = harness.connect(first), b = harness.connect(second)
        #expect(a.wait { $0.isActive } && b.wait { $0.isActive }, "logons failed: \(harness.log.all)")
        return (a, b)
    }

    /// Sends a UOG and returns the `index`-th UOH (0-based) once it arrives.
    func request(_ request: OrderGroupRequest, on client: ClientRecorder, _ harness: SimHarness) throws -> String {
        let before = client.messages(ofType: "UOH").count
        harness.send(request, on: client)
        #expect(client.wait { $0.messages(ofType: "UOH").count > before }, "no UOH for \(request): \(client.messages) \(client.errors)")
        return try #require(client.messages(ofType: "UOH").dropFirst(before).first)
    }

    func waitForReject(_ client: ClientRecorder, count: Int) -> String? {
        _ = client.wait { $0.messages(ofType: "j").count >= count }
        return client.messages(ofType: "j").dropFirst(count - 1).first
    }

    func sessionRejects(_ client: ClientRecorder) -> [(tag: Int?, reason: SessionRejectReason?)] {
        client.errors.compactMap {
            if case .rejectReceived(_, let reason, let tag, _) = $0 { return (tag, reason) }
            return nil
        }
    }

    @Test("Create, Reset, Update, Trigger, Delete: each UOH field by field, and what each does to the group's orders")
    func actions() throws {
        let harness = try SimHarness(sessionTypes: [.kalshiNR], extraKeys: [SimOrderEntryTests.otherKey])
        let (trader, _) = try traders(harness)

        let created = try request(OrderGroupRequest(orderGroupAction: .create, orderGroupContractsLimit: 5000), on: trader, harness)
        let id = try #require(field(20130, in: created), "Create answered without 20130: \(created)")
        #expect(id.count == 36 && id.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12], "20130 is not UUID-shaped: \(id)")
        #expect(field(20132, in: created) == "5000", "Create must echo the limit (v1.0.21): \(created)")
        #expect(field(79, in: created) == "0", "Create must echo 79=0 for the primary account (v1.0.24): \(created)")

        let sub = try request(OrderGroupRequest(orderGroupAction: .create, orderGroupContractsLimit: 7, allocAccount: 3),
                              on: trader, harness)
        #expect(field(79, in: sub) == "3" && field(20132, in: sub) == "7" && field(20130, in: sub) != id, "\(sub)")

        let reset = try request(OrderGroupRequest(orderGroupAction: .reset, orderGroupID: id), on: trader, harness)
        #expect(field(20130, in: reset) == id && field(79, in: reset) == "0")
        #expect(field(20132, in: reset) == nil, "20132 is echoed on Create and Update only: \(reset)")

        let update = try request(OrderGroupRequest(orderGroupAction: .update, orderGroupContractsLimit: 2500, orderGroupID: id),
                                 on: trader, harness)
        #expect(field(20130, in: update) == id && field(20132, in: update) == "2500" && field(79, in: update) == "0")

        // An order bound with 526 rests; one bound with 20130 (the SDK's tag) too.
        harness.send(Self.order("g-1", .buyYes, qty: 2, cents: 30, group: id), on: trader)
        harness.send(Self.order("g-2", .buyYes, qty: 2, cents: 31, group: id, sdkTag: true), on: trader)
        _ = try #require(trader.waitForReport(execType: "0", clOrdID: "g-1"), "526-bound order not accepted: \(trader.messages)")
        _ = try #require(trader.waitForReport(execType: "0", clOrdID: "g-2"), "20130-bound order not accepted: \(trader.messages)")

        // Trigger: UOH, then both orders canceled with ORDER_GROUP_CANCEL.
        let trigger = try request(OrderGroupRequest(orderGroupAction: .triggerCancel, orderGroupID: id), on: trader, harness)
        #expect(field(20130, in: trigger) == id && field(20132, in: trigger) == nil && field(79, in: trigger) == "0")
        for clOrdID in ["g-1", "g-2"] {
            let canceled = try #require(trader.waitForReport(execType: "4", clOrdID: clOrdID), "\(clOrdID) not canceled by Trigger")
            #expect(field(58, in: canceled) == "ORDER_GROUP_CANCEL" && field(39, in: canceled) == "4" && field(151, in: canceled) == "0.00")
        }
        let order = trader.messages.map { field(35, in: $0) ?? "" }
        #expect(order.lastIndex(of: "UOH")! < order.lastIndex(of: "8")!, "the UOH must precede the cancels")

        // Triggered: new orders naming it are rejected until Reset.
        harness.send(Self.order("g-3", .buyYes, qty: 1, cents: 20, group: id), on: trader)
        let refused = try #require(trader.waitForReport(execType: "8", clOrdID: "g-3"), "order into a triggered group: \(trader.messages)")
        #expect(field(58, in: refused) == "EXCEEDED_ORDER_GROUP_RISK_LIMIT" && field(103, in: refused) == "3", "\(refused)")
        _ = try request(OrderGroupRequest(orderGroupAction: .reset, orderGroupID: id), on: trader, harness)
        harness.send(Self.order("g-4", .buyYes, qty: 1, cents: 20, group: id), on: trader)
        _ = try #require(trader.waitForReport(execType: "0", clOrdID: "g-4"), "Reset did not reactivate the group: \(trader.messages)")

        // Delete: UOH, the group's order canceled, the group gone.
        let delete = try request(OrderGroupRequest(orderGroupAction: .delete, orderGroupID: id), on: trader, harness)
        #expect(field(20130, in: delete) == id && field(20132, in: delete) == nil && field(79, in: delete) == "0")
        let deleted = try #require(trader.waitForReport(execType: "4", clOrdID: "g-4"), "Delete did not cancel g-4")
        #expect(field(58, in: deleted) == "ORDER_GROUP_CANCEL")
        harness.send(Self.order("g-5", .buyYes, qty: 1, cents: 20, group: id), on: trader)
        let gone = try #require(trader.waitForReport(execType: "8", clOrdID: "g-5"))
        #expect(field(58, in: gone) == "ORDER_GROUP_NOT_FOUND" && field(103, in: gone) == "11", "\(gone)")
    }

    @Test("fills crossing the limit within 15 s trigger the group: its open orders are canceled with ORDER_GROUP_CANCEL")
    func fillsWithinWindowTrigger() throws {
        let clock = SimTestClock()
        let harness = try SimHarness(sessionTypes: [.kalshiNR], extraKeys: [SimOrderEntryTests.otherKey], clock: clock)
        let (maker, taker) = try traders(harness)
        let id = try #require(field(20130, in: try request(OrderGroupRequest(orderGroupAction: .create, orderGroupContractsLimit: 10),
                                                            on: maker, harness)))
        harness.send(Self.order("w-1", .buyYes, qty: 20, cents: 45, group: id), on: maker)
        harness.send(Self.order("w-2", .buyYes, qty: 5, cents: 30, group: id), on: maker)
        _ = try #require(maker.waitForReport(execType: "0", clOrdID: "w-2"))

        harness.send(SimOrderEntryTests.order("t-1", .sellNo, qty: 6, cents: 45), on: taker)
        _ = try #require(maker.waitForReport(execType: "F", clOrdID: "w-1"), "first fill missing: \(maker.messages)")
        clock.advance(seconds: 10)
        harness.send(SimOrderEntryTests.order("t-2", .sellNo, qty: 6, cents: 45), on: taker)
        // 12 contracts within 15 s > 10: both resting orders of the group go.
        let rest = try #require(maker.waitForReport(execType: "4", clOrdID: "w-1"), "w-1 not canceled after 12 > 10: \(maker.messages)")
        #expect(field(58, in: rest) == "ORDER_GROUP_CANCEL" && field(14, in: rest) == "12.00" && field(151, in: rest) == "0.00", "\(rest)")
        let other = try #require(maker.waitForReport(execType: "4", clOrdID: "w-2"), "w-2 not canceled: \(maker.messages)")
        #expect(field(58, in: other) == "ORDER_GROUP_CANCEL")
        // The second fill happened before the trigger.
        #expect(maker.messages(ofType: "8").filter { field(150, in: $0) == "F" && field(11, in: $0) == "w-1" }.count == 2)
        harness.send(Self.order("w-3", .buyYes, qty: 1, cents: 10, group: id), on: maker)
        let refused = try #require(maker.waitForReport(execType: "8", clOrdID: "w-3"))
        #expect(field(58, in: refused) == "EXCEEDED_ORDER_GROUP_RISK_LIMIT")
    }

    @Test("fills spread over more than 15 s do not trigger; an Update below the rolling volume triggers at once")
    func fillsOutsideWindowAndUpdate() throws {
        let clock = SimTestClock()
        let harness = try SimHarness(sessionTypes: [.kalshiNR], extraKeys: [SimOrderEntryTests.otherKey], clock: clock)
        let (maker, taker) = try traders(harness)
        let id = try #require(field(20130, in: try request(OrderGroupRequest(orderGroupAction: .create, orderGroupContractsLimit: 10),
                                                            on: maker, harness)))
        harness.send(Self.order("s-1", .buyYes, qty: 20, cents: 45, group: id), on: maker)
        _ = try #require(maker.waitForReport(execType: "0", clOrdID: "s-1"))
        harness.send(SimOrderEntryTests.order("u-1", .sellNo, qty: 6, cents: 45), on: taker)
        _ = try #require(taker.waitForReport(execType: "F", clOrdID: "u-1"))
        clock.advance(seconds: 15)  // exactly 15 s: the first fill has left the window
        harness.send(SimOrderEntryTests.order("u-2", .sellNo, qty: 6, cents: 45), on: taker)
        _ = try #require(taker.waitForReport(execType: "F", clOrdID: "u-2"))
        // The group is still Active: a new order into it is accepted, s-1 still rests.
        harness.send(Self.order("s-2", .buyYes, qty: 1, cents: 10, group: id), on: maker)
        _ = try #require(maker.waitForReport(execType: "0", clOrdID: "s-2"), "group triggered by fills 15 s apart: \(maker.messages)")
        #expect(maker.messages(ofType: "8").allSatisfy { field(150, in: $0) != "4" }, "something was canceled: \(maker.messages)")

        // Rolling volume is 6: Update to 6 keeps it Active, Update to 5 triggers immediately.
        let same = try request(OrderGroupRequest(orderGroupAction: .update, orderGroupContractsLimit: 6, orderGroupID: id), on: maker, harness)
        #expect(field(20132, in: same) == "6")
        #expect(maker.waitForReport(execType: "4", clOrdID: "s-1", seconds: 0.3) == nil, "Update to a limit equal to the volume triggered")
        let lower = try request(OrderGroupRequest(orderGroupAction: .update, orderGroupContractsLimit: 5, orderGroupID: id), on: maker, harness)
        #expect(field(20132, in: lower) == "5" && field(20130, in: lower) == id)
        for clOrdID in ["s-1", "s-2"] {
            let canceled = try #require(maker.waitForReport(execType: "4", clOrdID: clOrdID), "Update below volume kept \(clOrdID)")
            #expect(field(58, in: canceled) == "ORDER_GROUP_CANCEL")
        }
    }

    @Test("errors: unknown or foreign group and wrong AllocAccount → 35=j; malformed fields → 35=3; unknown group on D → ER 8")
    func errors() throws {
        let harness = try SimHarness(sessionTypes: [.kalshiNR], extraKeys: [SimOrderEntryTests.otherKey])
        let (trader, other) = try traders(harness)
        let unknown = "770e8400-e29b-41d4-a716-446655440002"
        harness.send(OrderGroupRequest(orderGroupAction: .reset, orderGroupID: unknown), on: trader)
        let notFound = try #require(waitForReject(trader, count: 1), "no 35=j for an unknown group: \(trader.messages)")
        #expect(field(380, in: notFound) == "1" && field(58, in: notFound) == "ORDER_GROUP_NOT_FOUND", "\(notFound)")
        #expect(field(372, in: notFound) == "UOG" && field(371, in: notFound) == "20130" && field(45, in: notFound) != nil)

        // Another account's group does not exist for this one; a subaccount's needs its 79.
        let sub = try #require(field(20130, in: try request(OrderGroupRequest(orderGroupAction: .create, orderGroupContractsLimit: 5,
                                                                               allocAccount: 2), on: trader, harness)))
        harness.send(OrderGroupRequest(orderGroupAction: .triggerCancel, orderGroupID: sub), on: other)
        let foreign = try #require(waitForReject(other, count: 1), "no 35=j for another account's group: \(other.messages)")
        #expect(field(380, in: foreign) == "1" && field(58, in: foreign) == "ORDER_GROUP_NOT_FOUND")
        harness.send(OrderGroupRequest(orderGroupAction: .delete, orderGroupID: sub), on: trader)
        let scope = try #require(waitForReject(trader, count: 2), "no 35=j for the wrong AllocAccount: \(trader.messages)")
        #expect(field(380, in: scope) == "6" && field(371, in: scope) == "79", "\(scope)")
        _ = try request(OrderGroupRequest(orderGroupAction: .delete, orderGroupID: sub, allocAccount: 2), on: trader, harness)

        // Malformed: session Rejects naming the tag.
        let malformed: [([(Int, String)], Int, SessionRejectReason)] = [
            ([(20131, "1")], 20132, .requiredTagMissing),                          // Create without a limit
            ([(20131, "1"), (20132, "0")], 20132, .valueIncorrect),                 // limit out of range
            ([(20131, "1"), (20132, "1000001")], 20132, .valueIncorrect),
            ([(20131, "2"), (20130, "not-a-uuid")], 20130, .incorrectDataFormat),  // bad UUID
            ([(20131, "3")], 20130, .requiredTagMissing),                          // Delete without an id
            ([(20131, "5"), (20130, unknown)], 20132, .requiredTagMissing),         // Update without a limit
        ]
        for (index, (fields, tag, reason)) in malformed.enumerated() {
            harness.send(RawOrderGroupRequest(fields: fields), on: trader)
            #expect(trader.wait { self.sessionRejects($0).count > index }, "no 35=3 for \(fields): \(trader.errors)")
            let reject = sessionRejects(trader).dropFirst(index).first
            #expect(reject?.tag == tag && reject?.reason == reason, "for \(fields): got \(String(describing: reject))")
        }
        #expect(trader.messages(ofType: "j").count == 2, "a malformed UOG got a 35=j too: \(trader.messages(ofType: "j"))")

        // An order naming an unknown group: ORDER_GROUP_NOT_FOUND, Unsupported order characteristic.
        harness.send(Self.order("e-1", .buyYes, qty: 1, cents: 20, group: unknown), on: trader)
        let rejected = try #require(trader.waitForReport(execType: "8", clOrdID: "e-1"))
        #expect(field(58, in: rejected) == "ORDER_GROUP_NOT_FOUND" && field(103, in: rejected) == "11" && field(39, in: rejected) == "8")
        #expect(trader.isActive && other.isActive, "an error ended a session: \(trader.errors) \(other.errors)")
    }
}

import FixCodec
import FixEngine
import FixSession
import FixTransport
import Foundation
import KalshiSim
import Synchronization
import Testing

/// Drop copy against KalshiSim: resend by ExecID range, and reconciliation of the result with
/// the order tracker — clean, healing a tracker that lost reports, and the reject path.
@Suite("Drop-copy reconciliation", .serialized)
struct DropCopyReconciliationTests {
    typealias Setup = OrderEntrySessionTests.Setup

    /// Opens the maker account's KalshiDC session and waits for its logon.
    func dropCopy(_ setup: Setup) throws -> DropCopySession {
        let configuration = try Setup.configuration("maker-key", OrderEntrySessionTests.makerKey, setup.sim.port(for: .kalshiDC)!,
                                                    setup.sim.clientSecurity, type: .kalshiDC)
        let session = try setup.client.openDropCopy(configuration, reconnectPolicy: nil)
        let active = Mutex(false)
        nonisolated(unsafe) let dc = session
        setup.client.execute {
            dc.onStateChange = { state in if state == .active { active.withLock { $0 = true } } }
            dc.start()
        }
        let deadline = Date().addingTimeInterval(5)
        while !active.withLock({ $0 }) && Date() < deadline { usleep(2_000) }
        guard active.withLock({ $0 }) else { throw POSIXError(.ETIMEDOUT) }
        return session
    }

    func resend(_ setup: Setup, _ dc: DropCopySession, from begin: String, through end: String? = nil) -> DropCopyResult? {
        let result = Mutex<DropCopyResult?>(nil)
        nonisolated(unsafe) let dc = dc
        setup.client.execute { dc.requestResend(from: begin, through: end) { r in result.withLock { $0 = r } } }
        let deadline = Date().addingTimeInterval(5)
        while result.withLock({ $0 == nil }) && Date() < deadline { usleep(2_000) }
        return result.withLock { $0 }
    }

    /// A bid, a partial fill and a cancel on the maker account; returns the maker's ExecIDs.
    func trade(_ setup: Setup) throws -> [String] {
        let (maker, taker) = (setup.maker, setup.taker)
        let bid = try setup.onClient { () throws(OrderEntryError) in
            try maker.newOrder(symbol: OrderEntrySessionTests.market, side: .buyYes, quantity: 10, price: .cents(45))
        }.get()
        _ = try setup.onClient { () throws(OrderEntryError) in
            try taker.newOrder(symbol: OrderEntrySessionTests.market, side: .sellNo, quantity: 3, price: .cents(45))
        }.get()
        #expect(setup.makerEvents.wait { $0.fills.count == 1 })
        _ = try setup.onClient { () throws(OrderEntryError) in try maker.cancel(clOrdID: bid) }.get()
        #expect(setup.makerEvents.wait { $0.updates.last?.state == .canceled })
        return try setup.onClient { () throws(OrderEntryError) in maker.tracker.appliedExecIDs.map(\.description) }.get()
    }

    @Test("the exchange's history for the range matches the tracker: a clean report")
    func clean() throws {
        let setup = try Setup()
        let execIDs = try trade(setup)
        #expect(execIDs.count == 3, "New, Trade, Canceled: \(execIDs)")
        let dc = try dropCopy(setup)
        guard case .complete(let reports, let announced)? = resend(setup, dc, from: execIDs[0]) else {
            Issue.record("no EventResendComplete")
            return
        }
        #expect(announced == reports.count && reports.count >= 3)
        let maker = setup.maker
        let report = try setup.onClient { () throws(OrderEntryError) in
            maker.tracker.reconcile(with: reports, begin: execIDs[0], end: nil, dollars: false, apply: false)
        }.get()
        #expect(report.isClean, "\(report)")
        #expect(report.remoteCount == 3)
    }

    @Test("a tracker that lost reports is told which, and healed by applying them; ranges and rejects")
    func lossAndHeal() throws {
        let setup = try Setup()
        let execIDs = try trade(setup)
        let dc = try dropCopy(setup)
        guard case .complete(let reports, _)? = resend(setup, dc, from: execIDs[0]) else {
            Issue.record("no EventResendComplete")
            return
        }
        // A reconciliation process whose tracker saw only the New.
        let lossy = OrderTracker()
        _ = reports.first!.withMessage { lossy.apply($0, dollars: false) }
        let before = lossy.reconcile(with: reports, begin: execIDs[0], end: nil, dollars: false, apply: false)
        #expect(before.missingLocally == Array(execIDs.dropFirst()), "\(before)")
        #expect(before.mismatches.count == 1 && before.mismatches.first?.localState == .new && before.mismatches.first?.remoteState == .canceled, "\(before)")
        let healed = lossy.reconcile(with: reports, begin: execIDs[0], end: nil, dollars: false, apply: true)
        #expect(healed.mismatches.isEmpty, "\(healed)")
        let again = lossy.reconcile(with: reports, begin: execIDs[0], end: nil, dollars: false, apply: true)
        #expect(again.isClean, "applying twice must change nothing: \(again)")
        #expect(lossy.position(symbol: OrderEntrySessionTests.market) == 3 && lossy.fills.count == 1)

        // A sub-range: only the Trade.
        guard case .complete(let one, _)? = resend(setup, dc, from: execIDs[1], through: execIDs[1]) else {
            Issue.record("no answer for a one-report range")
            return
        }
        #expect(one.compactMap { $0.string(17) } == [execIDs[1]])
        // Before the 3-hour window: EventResendReject reason 3.
        guard case .rejected(let reason, _)? = resend(setup, dc, from: "0;1") else {
            Issue.record("no EventResendReject for a BeginExecID outside the window")
            return
        }
        #expect(reason == .beginExecidTooSmall)
    }

    @Test("a refused logon fails the queued request instead of leaving its caller waiting")
    func refusedLogonFailsQueuedRequest() throws {
        let setup = try Setup()
        let unknownKey = try KalshiAPIKeyPair.generate()
        let configuration = try Setup.configuration("unknown-key", unknownKey, setup.sim.port(for: .kalshiDC)!,
                                                    setup.sim.clientSecurity, type: .kalshiDC)
        let dc = try setup.client.openDropCopy(configuration, reconnectPolicy: nil)
        let result = Mutex<DropCopyResult?>(nil)
        nonisolated(unsafe) let session = dc
        setup.client.execute {
            session.requestResend(from: "1;1") { r in result.withLock { $0 = r } }  // queued until logon
            session.start()
        }
        #expect(setup.makerEvents.wait { _ in result.withLock { $0 != nil } }, "the queued request never completed")
        guard case .failed(.logonRejected(let text))? = result.withLock({ $0 }) else {
            Issue.record("expected a failed request with the gateway's text, got \(String(describing: result.withLock { $0 }))")
            return
        }
        #expect(text.contains("Invalid API key"), "\(text)")
    }
}

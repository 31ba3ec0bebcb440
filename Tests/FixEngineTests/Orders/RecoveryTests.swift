import FixCodec
import FixEngine
import FixSession
import FixTransport
import Foundation
import KalshiSim
import Synchronization
import Testing

/// What reconciliation processes and market makers rely on: a connection lost in the middle of
/// a burst of fills, recovered by KalshiRT's resend, ends with every ExecutionReport applied
/// exactly once — and drop copy agrees.
@Suite("Recovery", .serialized)
struct RecoveryTests {
    static let market = OrderEntrySessionTests.market

    @Test("a burst of 60 fills with the KalshiRT connection dropped mid-burst: zero ERs lost or double-counted")
    func dropMidBurst() throws {
        let sim = try KalshiSimServer(configuration: SimConfiguration(apiKeys: [
            SimAPIKey(keyID: "maker-key", publicKeyPEM: OrderEntrySessionTests.makerKey.publicKeyPEM),
            SimAPIKey(keyID: "taker-key", publicKeyPEM: OrderEntrySessionTests.takerKey.publicKeyPEM),
        ], sessionTypes: [.kalshiNR, .kalshiRT, .kalshiDC]))
        try sim.start()
        defer { sim.stop() }
        let client = try FixClient()
        client.start()
        defer { client.stop() }
        let security = sim.clientSecurity
        let makerConfiguration = try OrderEntrySessionTests.Setup.configuration(
            "maker-key", OrderEntrySessionTests.makerKey, sim.port(for: .kalshiRT)!, security, type: .kalshiRT)
        let takerConfiguration = try OrderEntrySessionTests.Setup.configuration(
            "taker-key", OrderEntrySessionTests.takerKey, sim.port(for: .kalshiNR)!, security)
        // RT keeps its numbers across the reconnect: the store survives, the gap is resent.
        let store = InMemorySessionStore()
        let maker = try client.openOrderEntry(makerConfiguration, store: store,
                                              reconnectPolicy: ReconnectPolicy(initialDelay: 0.02, maximumDelay: 0.05, maximumAttempts: 20))
        let taker = try client.openOrderEntry(takerConfiguration, reconnectPolicy: nil)
        let makerEvents = OrderEntrySessionTests.Recorder()
        let takerEvents = OrderEntrySessionTests.Recorder()
        nonisolated(unsafe) let sessions = (maker, taker)
        client.execute {
            sessions.0.delegate = makerEvents
            sessions.1.delegate = takerEvents
            sessions.0.start()
            sessions.1.start()
        }
        #expect(makerEvents.wait { $0.states.last == .active } && takerEvents.wait { $0.states.last == .active })

        func onClient<T>(_ body: @escaping () throws(OrderEntryError) -> T) throws -> T {
            nonisolated(unsafe) var result: Result<T, OrderEntryError>?
            let done = DispatchSemaphore(value: 0)
            nonisolated(unsafe) let body = body
            client.execute {
                do throws(OrderEntryError) { result = .success(try body()) } catch { result = .failure(error) }
                done.signal()
            }
            done.wait()
            return try result!.get()
        }

        let bid = try onClient { () throws(OrderEntryError) in
            try maker.newOrder(symbol: Self.market, side: .buyYes, quantity: 100, price: .cents(50))
        }
        #expect(makerEvents.wait { $0.updates.contains { $0.clOrdID == bid && $0.state == .new } })
        // 60 one-contract sells; the maker's connection drops after the 15th is sent.
        for i in 1...60 {
            _ = try onClient { () throws(OrderEntryError) in
                try taker.newOrder(symbol: Self.market, side: .sellNo, quantity: 1, price: .cents(50))
            }
            if i == 15 { client.execute { sessions.0.driver.dropConnection() } }
        }
        #expect(takerEvents.wait(seconds: 10) { $0.fills.count == 60 }, "the taker saw \(takerEvents.fills.count) fills")
        #expect(makerEvents.wait(seconds: 10) { $0.fills.count >= 60 }, "the maker recovered \(makerEvents.fills.count) of 60 fills")
        let states = makerEvents.states
        #expect(states.filter { $0 == .active }.count >= 2, "the maker never reconnected: \(states)")

        let (order, fills, position, duplicates) = try onClient { () throws(OrderEntryError) in
            (maker.tracker.order(clOrdID: bid), maker.tracker.fills, maker.tracker.position(symbol: Self.market),
             maker.tracker.duplicateCount)
        }
        #expect(fills.count == 60, "fills tracked: \(fills.count) (lost or double-counted)")
        #expect(Set(fills.map(\.execID)).count == 60, "a fill was counted twice")
        #expect(order?.cumQty == 60 && order?.leavesQty == 40 && order?.state == .partiallyFilled, "\(String(describing: order))")
        #expect(position == 60)
        _ = duplicates  // resends may or may not overlap what arrived before the drop; either way nothing is double-counted

        // Drop copy agrees with the tracker.
        let dcConfiguration = try OrderEntrySessionTests.Setup.configuration(
            "maker-key", OrderEntrySessionTests.makerKey, sim.port(for: .kalshiDC)!, security, type: .kalshiDC)
        let dc = try client.openDropCopy(dcConfiguration, reconnectPolicy: nil)
        let result = Mutex<DropCopyResult?>(nil)
        let first = try onClient { () throws(OrderEntryError) in maker.tracker.appliedExecIDs.first?.description ?? "" }
        nonisolated(unsafe) let dcSession = dc
        client.execute {
            dcSession.start()
            dcSession.requestResend(from: first) { r in result.withLock { $0 = r } }  // sent once logged on
        }
        #expect(makerEvents.wait { _ in result.withLock { $0 != nil } })
        guard case .complete(let reports, _)? = result.withLock({ $0 }) else {
            Issue.record("drop copy answered \(String(describing: result.withLock { $0 }))")
            return
        }
        let report = try onClient { () throws(OrderEntryError) in
            maker.tracker.reconcile(with: reports, begin: first, end: nil, dollars: false, apply: false)
        }
        #expect(report.isClean, "\(report)")
    }
}

import FixCodec
import FixEngine
import FixSession
import FixTransport
import Foundation
import KalshiSim
import Synchronization
import Testing

/// Order entry through ``FixClient`` against KalshiSim over TLS: typed orders, the tracker,
/// risk limits and the kill switch.
@Suite("OrderEntrySession", .serialized)
struct OrderEntrySessionTests {
    static let market = "KXFEDDECISION-26DEC-H0"
    static let makerKey = try! KalshiAPIKeyPair.generate()
    static let takerKey = try! KalshiAPIKeyPair.generate()

    /// Records delegate callbacks; read from the test thread.
    final class Recorder: OrderEntryDelegate, @unchecked Sendable {
        private let lock = NSLock()
        private var _states: [SessionState] = []
        private var _updates: [TrackedOrder] = []
        private var _fills: [Fill] = []
        private var _cancelRejects: [String] = []
        private var _groups: [OrderGroupReply] = []
        var groups: [OrderGroupReply] { lock.withLock { _groups } }
        func orderEntry(_ session: OrderEntrySession, orderGroup response: OrderGroupReply) { lock.withLock { _groups.append(response) } }
        private var _received: [String] = []  // MsgType of every message as received

        var received: [String] { lock.withLock { _received } }
        var states: [SessionState] { lock.withLock { _states } }
        var updates: [TrackedOrder] { lock.withLock { _updates } }
        var fills: [Fill] { lock.withLock { _fills } }

        func orderEntry(_ session: OrderEntrySession, updated order: TrackedOrder, fill: Fill?) {
            lock.withLock {
                _updates.append(order)
                if let fill { _fills.append(fill) }
            }
        }
        func orderEntry(_ session: OrderEntrySession, stateChanged state: SessionState) { lock.withLock { _states.append(state) } }
        func orderEntry(_ session: OrderEntrySession, received message: FixMessage) {
            let type = message.msgType.string
            lock.withLock { _received.append(type) }
        }
        func orderEntry(_ session: OrderEntrySession, cancelRejected clOrdID: String, reason: String) {
            lock.withLock { _cancelRejects.append(reason) }
        }

        func wait(seconds: Double = 5, _ condition: (Recorder) -> Bool) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if condition(self) { return true }
                usleep(2_000)
            }
            return condition(self)
        }
    }

    /// A simulator, a client, and two logged-on order-entry sessions (two accounts).
    final class Setup: @unchecked Sendable {
        let sim: KalshiSimServer
        let client: FixClient
        let maker: OrderEntrySession
        let taker: OrderEntrySession
        let makerEvents = Recorder()
        let takerEvents = Recorder()

        init(makerLimits: RiskLimits = .none) throws {
            sim = try KalshiSimServer(configuration: SimConfiguration(apiKeys: [
                SimAPIKey(keyID: "maker-key", publicKeyPEM: OrderEntrySessionTests.makerKey.publicKeyPEM),
                SimAPIKey(keyID: "taker-key", publicKeyPEM: OrderEntrySessionTests.takerKey.publicKeyPEM),
            ], sessionTypes: [.kalshiNR, .kalshiDC, .kalshiMD, .kalshiPT]))
            try sim.start()
            client = try FixClient()
            client.start()
            let port = sim.port(for: .kalshiNR)!
            let security = sim.clientSecurity
            maker = try client.openOrderEntry(try Self.configuration("maker-key", OrderEntrySessionTests.makerKey, port, security),
                                              limits: makerLimits, reconnectPolicy: nil)
            taker = try client.openOrderEntry(try Self.configuration("taker-key", OrderEntrySessionTests.takerKey, port, security),
                                              reconnectPolicy: nil)
            let (maker, taker, makerEvents, takerEvents) = (maker, taker, makerEvents, takerEvents)
            nonisolated(unsafe) let sessions = (maker, taker)
            client.execute {
                sessions.0.delegate = makerEvents
                sessions.1.delegate = takerEvents
                sessions.0.start()
                sessions.1.start()
            }
            guard makerEvents.wait({ $0.states.last == .active }), takerEvents.wait({ $0.states.last == .active }) else {
                throw POSIXError(.ETIMEDOUT)
            }
        }

        static func configuration(_ key: String, _ pair: KalshiAPIKeyPair, _ port: Int, _ security: ConnectionSecurity,
                                  type: KalshiSessionType = .kalshiNR) throws -> SessionConfiguration {
            var c = SessionConfiguration(product: .prediction, sessionType: type,
                                         destination: .endpoint(SessionEndpoint(host: "127.0.0.1", port: port)),
                                         credentials: KalshiCredentials(keyID: key, signer: try pair.signer()))
            c.security = security
            if type.isOrderEntry { c.logonOptions.skipPendingExecReports = true }
            return c
        }

        /// Runs `body` on the client's I/O thread and returns its result.
        func onClient<T>(_ body: @escaping () throws(OrderEntryError) -> T) -> Result<T, OrderEntryError> {
            nonisolated(unsafe) var result: Result<T, OrderEntryError>?
            let done = DispatchSemaphore(value: 0)
            nonisolated(unsafe) let body = body
            client.execute {
                do throws(OrderEntryError) { result = .success(try body()) } catch { result = .failure(error) }
                done.signal()
            }
            done.wait()
            return result!
        }

        deinit {
            client.stop()
            sim.stop()
        }
    }

    @Test("new, trade, replace and cancel: the tracker follows each order; positions on both sides")
    func lifecycle() throws {
        let setup = try Setup()
        let (maker, taker) = (setup.maker, setup.taker)
        let bid = try setup.onClient { () throws(OrderEntryError) in
            try maker.newOrder(symbol: Self.market, side: .buyYes, quantity: 10, price: .cents(45))
        }.get()
        #expect(setup.makerEvents.wait { $0.updates.contains { $0.clOrdID == bid && $0.state == .new } }, "\(setup.makerEvents.updates)")
        #expect(setup.makerEvents.received.contains("8"), "the raw ExecutionReport was not passed to the delegate")
        _ = try setup.onClient { () throws(OrderEntryError) in
            try taker.newOrder(symbol: Self.market, side: .sellNo, quantity: 4, price: .cents(40))
        }.get()
        #expect(setup.makerEvents.wait { $0.fills.count == 1 } && setup.takerEvents.wait { $0.fills.count == 1 })
        let makerFill = setup.makerEvents.fills[0]
        #expect(makerFill.price == .cents(45) && makerFill.quantity == 4 && makerFill.aggressor == false)
        #expect(setup.takerEvents.fills[0].tradeID == makerFill.tradeID)

        let replaceID = try setup.onClient { () throws(OrderEntryError) in try maker.replace(clOrdID: bid, price: .cents(46)) }.get()
        #expect(setup.makerEvents.wait { $0.updates.contains { $0.clOrdID == replaceID && $0.price == .cents(46) } })
        _ = try setup.onClient { () throws(OrderEntryError) in try maker.cancel(clOrdID: replaceID) }.get()
        #expect(setup.makerEvents.wait { $0.updates.last?.state == .canceled })

        let state = setup.onClient { () throws(OrderEntryError) in
            (maker.tracker.position(symbol: Self.market), taker.tracker.position(symbol: Self.market),
             maker.tracker.order(clOrdID: bid), maker.tracker.openOrders.count)
        }
        let (makerPosition, takerPosition, order, open) = try state.get()
        #expect(makerPosition == 4 && takerPosition == Contracts(-4))
        #expect(order?.state == .canceled && order?.cumQty == 4 && order?.previousClOrdIDs == [bid] && open == 0)
    }

    @Test("risk limits refuse before sending, with typed reasons; the kill switch cancels and blocks")
    func riskAndKillSwitch() throws {
        let limits = RiskLimits(maxOrderQuantity: 50, maxOpenOrders: 2, maxPositionPerMarket: 60, priceBand: .cents(10),
                                maxMessagesPerSecond: 100)
        let setup = try Setup(makerLimits: limits)
        let maker = setup.maker
        func place(_ qty: Int64, _ cents: Int64) -> Result<String, OrderEntryError> {
            setup.onClient { () throws(OrderEntryError) in
                try maker.newOrder(symbol: Self.market, side: .buyYes, quantity: Contracts(qty), price: .cents(cents))
            }
        }
        guard case .failure(.risk(.orderQuantity(51, limit: 50))) = place(51, 40) else { Issue.record("quantity limit not enforced"); return }
        _ = try place(40, 40).get()
        guard case .failure(.risk(.position(_, let resulting, _))) = place(30, 40) else { Issue.record("position limit not enforced"); return }
        #expect(resulting == 70)
        _ = setup.onClient { () throws(OrderEntryError) in maker.setReferencePrice(.cents(40), symbol: Self.market) }
        guard case .failure(.risk(.priceBand)) = place(1, 55) else { Issue.record("price band not enforced"); return }
        _ = try place(1, 41).get()
        guard case .failure(.risk(.openOrders(3, limit: 2))) = place(1, 42) else { Issue.record("open-order limit not enforced"); return }
        // Nothing refused reached the exchange: exactly two orders were acknowledged.
        #expect(setup.makerEvents.wait { $0.updates.filter { $0.state == .new }.count == 2 })

        _ = setup.onClient { () throws(OrderEntryError) in maker.engageKillSwitch() }
        #expect(setup.makerEvents.wait { $0.updates.filter { $0.state == .canceled }.count == 2 }, "\(setup.makerEvents.updates)")
        guard case .failure(.risk(.killSwitch)) = place(1, 40) else { Issue.record("kill switch did not block"); return }
        _ = setup.onClient { () throws(OrderEntryError) in maker.releaseKillSwitch() }
        _ = try place(1, 40).get()
    }

    @Test("order groups: create, bind orders, fills past the 15 s limit trigger the group and cancel its orders; reset")
    func orderGroups() throws {
        let setup = try Setup()
        let (maker, taker) = (setup.maker, setup.taker)
        _ = try setup.onClient { () throws(OrderEntryError) in try maker.createOrderGroup(contractsLimit: 5) }.get()
        #expect(setup.makerEvents.wait { !$0.groups.isEmpty }, "no OrderGroupReply")
        let group = try #require(setup.makerEvents.groups.first)
        #expect(group.contractsLimit == 5 && !group.groupID.isEmpty)
        let first = try setup.onClient { () throws(OrderEntryError) in
            try maker.newOrder(symbol: Self.market, side: .buyYes, quantity: 4, price: .cents(40), orderGroup: group.groupID)
        }.get()
        let second = try setup.onClient { () throws(OrderEntryError) in
            try maker.newOrder(symbol: Self.market, side: .buyYes, quantity: 10, price: .cents(39), orderGroup: group.groupID)
        }.get()
        #expect(setup.makerEvents.wait { $0.updates.filter { $0.state == .new }.count == 2 })
        // 6 contracts fill within the window: more than the limit of 5, so the group triggers.
        _ = try setup.onClient { () throws(OrderEntryError) in
            try taker.newOrder(symbol: Self.market, side: .sellNo, quantity: 6, price: .cents(39))
        }.get()
        #expect(setup.makerEvents.wait { $0.updates.contains { $0.clOrdID == second && $0.state == .canceled } },
                "the group did not cancel its other order: \(setup.makerEvents.updates)")
        let canceled = setup.makerEvents.updates.last { $0.clOrdID == second }
        #expect(canceled?.text == "ORDER_GROUP_CANCEL" && canceled?.cumQty == 2)
        #expect(setup.makerEvents.updates.contains { $0.clOrdID == first && $0.state == .filled })
        // While triggered, new orders in the group are rejected; after a reset they rest.
        let refused = try setup.onClient { () throws(OrderEntryError) in
            try maker.newOrder(symbol: Self.market, side: .buyYes, quantity: 1, price: .cents(30), orderGroup: group.groupID)
        }.get()
        #expect(setup.makerEvents.wait { $0.updates.contains { $0.clOrdID == refused && $0.state == .rejected } })
        _ = try setup.onClient { () throws(OrderEntryError) in try maker.resetOrderGroup(group.groupID) }.get()
        #expect(setup.makerEvents.wait { $0.groups.count == 2 })
        let accepted = try setup.onClient { () throws(OrderEntryError) in
            try maker.newOrder(symbol: Self.market, side: .buyYes, quantity: 1, price: .cents(30), orderGroup: group.groupID)
        }.get()
        #expect(setup.makerEvents.wait { $0.updates.contains { $0.clOrdID == accepted && $0.state == .new } })
    }
}

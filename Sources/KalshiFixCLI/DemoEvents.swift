import FixCodec
import FixEngine
import FixSession
import FixTransport
import Foundation
import Synchronization

/// Collects what the demo's engine sessions report (on the I/O thread) for the main thread to
/// wait on and print, and runs the order→ack latency loop on the I/O thread.
final class DemoEvents: OrderEntryDelegate, MarketDataDelegate, SettlementDelegate, @unchecked Sendable {
    let name: String
    private let lock = NSLock()
    private var _states: [SessionState] = []
    private var _updates: [TrackedOrder] = []
    private var _fills: [Fill] = []
    private var _errors: [String] = []
    private var _topOfBook: [String] = []
    private var _settlements: [MarketSettlement] = []
    private var _groups: [OrderGroupReply] = []
    private var _rfq: [RFQEvent] = []
    private var latency: DemoLatencyRun?  // I/O thread

    init(name: String) { self.name = name }

    var states: [SessionState] { lock.withLock { _states } }
    var updates: [TrackedOrder] { lock.withLock { _updates } }
    var fills: [Fill] { lock.withLock { _fills } }
    var errors: [String] { lock.withLock { _errors } }
    var topOfBook: [String] { lock.withLock { _topOfBook } }
    var settlements: [MarketSettlement] { lock.withLock { _settlements } }
    var groups: [OrderGroupReply] { lock.withLock { _groups } }
    var rfq: [RFQEvent] { lock.withLock { _rfq } }

    /// Records an RFQ event (creator callbacks, or a maker's RFQSession.onEvent).
    func note(_ event: RFQEvent) { lock.withLock { _rfq.append(event) } }

    func wait(seconds: Double = 10, _ condition: (DemoEvents) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition(self) { return true }
            usleep(1_000)
        }
        return condition(self)
    }

    func waitActive() -> Bool { wait { $0.states.last == .active } }
    func waitDisconnected() -> Bool { wait { $0.states.last == .disconnected } }

    private func noteState(_ state: SessionState) { lock.withLock { _states.append(state) } }

    // MARK: Order entry

    func orderEntry(_ session: OrderEntrySession, updated order: TrackedOrder, fill: Fill?) {
        if let run = latency {
            if run.handle(order, session: session) { if run.isFinished { latency = nil } }
            return
        }
        lock.withLock {
            _updates.append(order)
            if let fill { _fills.append(fill) }
        }
    }

    func orderEntry(_ session: OrderEntrySession, stateChanged state: SessionState) { noteState(state) }
    func orderEntry(_ session: OrderEntrySession, error: OrderEntryError) { lock.withLock { _errors.append("\(error)") } }
    func orderEntry(_ session: OrderEntrySession, orderGroup response: OrderGroupReply) { lock.withLock { _groups.append(response) } }
    func orderEntry(_ session: OrderEntrySession, rfq event: RFQEvent) { note(event) }

    /// Starts the latency loop on the I/O thread (call from there).
    func startLatency(_ run: DemoLatencyRun, on session: OrderEntrySession) {
        latency = run
        run.sendNext(session)
    }

    // MARK: Market data

    func marketData(_ session: MarketDataSession, bookChanged book: FixOrderBook) {
        let bid = book.bestBid.map { "\($0.size) @ \($0.price)" } ?? "—"
        let offer = book.bestOffer.map { "\($0.size) @ \($0.price)" } ?? "—"
        let line = "\(book.symbol): bid \(bid) | offer \(offer)" + (book.lastTrade.map { "  last \($0.size) @ \($0.price)" } ?? "")
        lock.withLock { _topOfBook.append(line) }
    }

    func marketData(_ session: MarketDataSession, stateChanged state: SessionState) { noteState(state) }

    // MARK: Settlement

    func settlement(_ session: SettlementSession, settled: MarketSettlement) { lock.withLock { _settlements.append(settled) } }
}

/// A serial order→ack loop on the I/O thread through the engine: each 1-cent bid is sent when
/// the previous one's New report has been applied to the tracker.
final class DemoLatencyRun: @unchecked Sendable {
    let count: Int
    let market: String
    let done = DispatchSemaphore(value: 0)
    private(set) var samples: [Int64]
    private(set) var completed = 0
    private(set) var failure: OrderEntryError?
    private var inFlight = ""
    private var sentAt: UInt64 = 0

    init(count: Int, market: String) {
        self.count = count
        self.market = market
        samples = [Int64](repeating: 0, count: count)
    }

    var isFinished: Bool { completed == count || failure != nil }

    func sendNext(_ session: OrderEntrySession) {
        sentAt = Reactor.monotonicNanoseconds()
        do throws(OrderEntryError) {
            inFlight = try session.newOrder(symbol: market, side: .buyYes, quantity: 1, price: .cents(1))
        } catch {
            failure = error
            done.signal()
        }
    }

    /// Consumes the ack of the order in flight; false for any other update.
    func handle(_ order: TrackedOrder, session: OrderEntrySession) -> Bool {
        guard order.clOrdID == inFlight, order.state == .new else { return false }
        samples[completed] = Int64(Reactor.monotonicNanoseconds() - sentAt)
        completed += 1
        if completed == count { done.signal() } else { sendNext(session) }
        return true
    }
}

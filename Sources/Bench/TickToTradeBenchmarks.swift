import Dispatch
import FixCodec
import FixEngine
import FixSession
import FixTransport
import Foundation
import KalshiSim
import Synchronization

/// `Bench ticktotrade`: a market-data incremental leaves KalshiSim → the client's book is
/// updated → the strategy's callback sends an order → the order reaches KalshiSim. Both ends are
/// timestamped by the simulator itself (``SimProbe``, CLOCK_MONOTONIC on its I/O thread), so the
/// figure is what an exchange would see: from our X on the wire to our order on the wire.
///
/// Each round: a second account rests a one-contract offer at 60¢; its X reaches the strategy,
/// whose book callback sees the best offer at or below 60¢ and sends a 60¢ IOC buy; the fill
/// starts the next round. One order in flight; the client reactor varies.
enum TickToTradeBenchmarks {
    static let market = "KXFEDDECISION-26DEC-H0"

    struct Row {
        var name: String
        var samples: LatencySamples
    }

    static func run(count: Int, warmup: Int) throws -> [Row] {
        let key = try KalshiAPIKeyPair.generate()
        var rows: [Row] = []
        let variants: [(String, Bool, ReactorConfiguration.BackendPreference, Bool)] = [
            ("ticktotrade.tls.uring", true, .ioUring, false), ("ticktotrade.tls.uring.spin", true, .ioUring, true),
            ("ticktotrade.plain.uring", false, .ioUring, false),
        ]
        for (name, tls, backend, spin) in variants where Measure.filter.map({ name.contains($0) }) ?? true {
            rows.append(try measure(name, tls: tls, backend: backend, busyPoll: spin, key: key, count: count, warmup: warmup))
        }
        return rows
    }

    static func measure(_ name: String, tls: Bool, backend: ReactorConfiguration.BackendPreference, busyPoll: Bool,
                        key: KalshiAPIKeyPair, count: Int, warmup: Int) throws -> Row {
        let probe = SimProbe()
        let samples = LatencySamples(capacity: count)
        let lastX = Atomic<UInt64>(0)  // written and read on the simulator's thread; atomic for Sendable
        let seen = Atomic<Int>(0)
        probe.marketDataSent = { _, ns in lastX.store(ns, ordering: .relaxed) }
        probe.orderReceived = { _, buysYes, ns in
            guard buysYes else { return }  // the strategy buys; the trigger's offers sell
            let n = seen.add(1, ordering: .relaxed).newValue
            if n > warmup && samples.count < samples.capacity { samples.append(Int64(ns &- lastX.load(ordering: .relaxed))) }
        }
        var simConfiguration = SimConfiguration(useTLS: tls, apiKeys: [
            SimAPIKey(keyID: "ttt-strategy", publicKeyPEM: key.publicKeyPEM),
            SimAPIKey(keyID: "ttt-trigger", publicKeyPEM: key.publicKeyPEM),
        ], sessionTypes: [.kalshiNR, .kalshiMD], markets: [SimMarket(ticker: market)])
        simConfiguration.probe = probe
        let sim = try KalshiSimServer(configuration: simConfiguration)
        try sim.start()
        defer { sim.stop() }

        let client = try FixClient(reactorConfiguration: ReactorConfiguration(backend: backend, busyPoll: busyPoll))
        client.start()
        defer { client.stop() }
        func configuration(_ keyID: String, _ type: KalshiSessionType) throws -> SessionConfiguration {
            var c = SessionConfiguration(product: .prediction, sessionType: type,
                                         destination: .endpoint(SessionEndpoint(host: "127.0.0.1", port: sim.port(for: type)!)),
                                         credentials: KalshiCredentials(keyID: keyID, signer: try key.signer()))
            c.security = sim.clientSecurity
            if type.isOrderEntry { c.logonOptions.skipPendingExecReports = true }
            return c
        }
        let strategyOrders = try client.openOrderEntry(try configuration("ttt-strategy", .kalshiNR),
                                                       store: InMemorySessionStore(keepsMessages: false), reconnectPolicy: nil)
        let trigger = try client.openOrderEntry(try configuration("ttt-trigger", .kalshiNR),
                                                store: InMemorySessionStore(keepsMessages: false), reconnectPolicy: nil)
        let md = try client.openMarketData(try configuration("ttt-strategy", .kalshiMD), reconnectPolicy: nil)
        let loop = TickToTradeLoop(rounds: warmup + count, strategy: strategyOrders, trigger: trigger)
        nonisolated(unsafe) let s = (strategyOrders, trigger, md)
        client.execute {
            s.0.delegate = loop
            s.1.delegate = loop
            s.2.delegate = loop
            s.2.subscribe([market])
            s.0.start(); s.1.start(); s.2.start()
        }
        let finished = loop.done.wait(timeout: .now() + .seconds(180)) == .success
        client.execute { s.0.logout(); s.1.logout(); s.2.logout() }
        usleep(50_000)
        guard finished else { throw RoundtripError.timeout(name, acknowledged: loop.rounds) }
        if let failure = loop.failure { throw RoundtripError.failed(name, failure) }
        return Row(name: name, samples: samples)
    }
}

/// The rounds, on the client I/O thread: trigger offer → (X) → strategy buys → fill → next.
final class TickToTradeLoop: OrderEntryDelegate, MarketDataDelegate, @unchecked Sendable {
    let done = DispatchSemaphore(value: 0)
    private(set) var rounds = 0
    private(set) var failure: String?
    private let total: Int
    private unowned let strategy: OrderEntrySession
    private unowned let trigger: OrderEntrySession
    private var active = 0
    private var buying = false
    private var finished = false

    init(rounds: Int, strategy: OrderEntrySession, trigger: OrderEntrySession) {
        total = rounds
        self.strategy = strategy
        self.trigger = trigger
    }

    private func offer() {
        do throws(OrderEntryError) {
            _ = try trigger.newOrder(symbol: TickToTradeBenchmarks.market, side: .sellNo, quantity: 1, price: .cents(60))
        } catch { fail("trigger: \(error)") }
    }

    // The strategy: buy the offer as soon as the book shows it.
    func marketData(_ session: MarketDataSession, bookChanged book: FixOrderBook) {
        guard !buying, !finished, let best = book.bestOffer, best.price <= .cents(60) else { return }
        buying = true
        do throws(OrderEntryError) {
            _ = try strategy.newOrder(symbol: TickToTradeBenchmarks.market, side: .buyYes, quantity: 1, price: .cents(60),
                                      timeInForce: .ioc)
        } catch { fail("strategy: \(error)") }
    }

    func marketData(_ session: MarketDataSession, stateChanged state: SessionState) { noteActive(state) }
    func orderEntry(_ session: OrderEntrySession, stateChanged state: SessionState) { noteActive(state) }

    func orderEntry(_ session: OrderEntrySession, updated order: TrackedOrder, fill: Fill?) {
        guard session === strategy, fill != nil, !order.state.isOpen else { return }
        rounds += 1
        buying = false
        if rounds == total {
            finished = true
            done.signal()
        } else {
            offer()
        }
    }

    func orderEntry(_ session: OrderEntrySession, error: OrderEntryError) { fail("\(error)") }

    private func noteActive(_ state: SessionState) {
        guard state == .active else { return }
        active += 1
        // Three sessions (strategy, trigger, market data) logged on: the first offer. The
        // market-data subscription's snapshot arrives before it (same session, sent at logon).
        if active == 3 { offer() }
    }

    private func fail(_ why: String) {
        guard !finished else { return }
        finished = true
        failure = why
        done.signal()
    }
}

extension Report {
    static func printTickToTrade(_ rows: [TickToTradeBenchmarks.Row], json: Bool, command: String, count: Int, warmup: Int) {
        if json {
            for row in rows {
                let p = row.samples.percentiles()
                Swift.print("{\"bench\":\"\(row.name)\",\"count\":\(row.samples.count),\"p50_us\":\(fmt(p.p50)),\"p90_us\":\(fmt(p.p90)),\"p99_us\":\(fmt(p.p99)),\"p999_us\":\(fmt(p.p999)),\"max_us\":\(fmt(p.max))}")
            }
            return
        }
        Swift.print("| bench | p50 µs | p90 µs | p99 µs | p99.9 µs | max µs |")
        Swift.print("|---|---:|---:|---:|---:|---:|")
        for row in rows {
            let p = row.samples.percentiles()
            Swift.print("| \(row.name) | \(fmt(p.p50)) | \(fmt(p.p90)) | \(fmt(p.p99)) | \(fmt(p.p999)) | \(fmt(p.max)) |")
        }
        Swift.print("\nReproduce: `\(command)` (release build; \(count) rounds per row after \(warmup) warm-up; from the simulator writing the X to the simulator receiving the strategy's NewOrderSingle, both stamped on its I/O thread)")
    }
}

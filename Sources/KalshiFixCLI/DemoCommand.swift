import ArgumentParser
import FixCodec
import FixEngine
import FixSession
import FixTransport
import Foundation
import Synchronization
import KalshiSim

/// `kalshi-fix demo`: the main job. Starts KalshiSim in-process on loopback TLS, connects every
/// session type of both products, trades, and measures order→ack latency.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the end-to-end demo against the embedded simulated Kalshi gateway (loopback TLS).",
        discussion: """
        Steps: start KalshiSim (prediction and margin, TLS with a generated certificate, pinned); \
        log on every prediction session type (NR, RT, DC, PT, RFQ, MD) and every margin one \
        (NR, RT, DC, MD) with RSA-PSS signed logons; rest orders, trade against a second account, \
        amend and cancel, show fills and positions (contracts), mirror them on a listener session; \
        then time --orders order→ack round trips (NewOrderSingle out, ExecutionReport New back, \
        microseconds). Exits 0 when every step succeeded.

        Examples:
          kalshi-fix demo                      # what `make run` runs
          kalshi-fix demo --orders 20000 --busy-poll
        """
    )

    @Option(help: "Order→ack round trips to time.")
    var orders: Int = 5_000

    @Flag(help: "Spin the client's I/O thread instead of sleeping (lowest latency, one core at 100%).")
    var busyPoll = false

    func validate() throws {
        guard (100...1_000_000).contains(orders) else { throw ValidationError("--orders must be 100…1,000,000") }
    }

    func run() throws {
        SignalWaiter.blockTerminationSignals()
        let demo = Demo(orders: orders, busyPoll: busyPoll)
        do {
            try demo.run()
        } catch {
            print("demo failed: \(error)")
            throw ExitCode.failure
        }
    }
}

/// The demo's steps, printed as they run with their durations. Everything trades through the
/// engine (``FixClient``, ``OrderEntrySession``, ``MarketDataSession``, ``DropCopySession``,
/// ``SettlementSession``) against KalshiSim in the same process.
final class Demo {
    let orders: Int
    let busyPoll: Bool
    private let started = Date()

    init(orders: Int, busyPoll: Bool) {
        self.orders = orders
        self.busyPoll = busyPoll
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    private func step<T>(_ title: String, _ body: () throws -> T) throws -> T {
        let start = Date()
        print("▶ \(title)")
        let result = try body()
        print(String(format: "  done in %.0f ms", Date().timeIntervalSince(start) * 1000))
        return result
    }

    /// Runs `body` on the client's I/O thread and waits for it.
    private func onClient<T>(_ client: FixClient, _ body: @escaping () throws(OrderEntryError) -> T) throws -> T {
        nonisolated(unsafe) var result: Result<T, OrderEntryError>?
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) let body = body
        client.execute {
            do throws(OrderEntryError) { result = .success(try body()) } catch { result = .failure(error) }
            done.signal()
        }
        done.wait()
        switch result! {
        case .success(let value): return value
        case .failure(let error): throw Failure("\(error)")
        }
    }

    func run() throws {
        print("kalshi-fix demo — KalshiSim on loopback TLS, traded through FixEngine\n")
        let takerPair = try KalshiAPIKeyPair.generate()
        let listenerPair = try KalshiAPIKeyPair.generate()
        let takerID = "demo-taker-key", listenerID = "demo-listener-key"
        let sims = try step("start KalshiSim (prediction + margin, TLS, generated certificate)") {
            try SimLauncher.start(host: "127.0.0.1", portBase: nil, tls: true, stateDir: nil,
                                  extraKeys: [SimAPIKey(keyID: takerID, publicKeyPEM: takerPair.publicKeyPEM)], log: nil)
        }
        defer { sims.stop() }
        // The listener is a second key of the main account (FACTS §10: listeners need their own key).
        try sims.prediction.register(SimAPIKey(keyID: listenerID, publicKeyPEM: listenerPair.publicKeyPEM, account: sims.keyID))
        print("  certificate pin (SPKI sha256): \(sims.prediction.certificate!.publicKeySHA256.prefix(16))…")

        let client = try FixClient(reactorConfiguration: ReactorConfiguration(busyPoll: busyPoll))
        client.start()
        defer { client.stop() }
        let me = try KalshiCredentials(keyID: sims.keyID, signer: sims.keyPair.signer())

        func configuration(_ product: KalshiProduct, _ type: KalshiSessionType, _ credentials: KalshiCredentials,
                           _ sim: KalshiSimServer) -> SessionConfiguration {
            var c = SessionConfiguration(product: product, sessionType: type,
                                         destination: .endpoint(SessionEndpoint(host: "127.0.0.1", port: sim.port(for: type)!)),
                                         credentials: credentials)
            c.security = sim.clientSecurity
            if type.isOrderEntry { c.logonOptions.skipPendingExecReports = true }
            return c
        }

        // Prediction: NR (maker), RT, DC, PT, RFQ, MD; margin: NR, RT, DC, MD; plus a taker and a listener.
        let makerEvents = DemoEvents(name: "prediction KalshiNR")
        let maker = try client.openOrderEntry(configuration(.prediction, .kalshiNR, me, sims.prediction), reconnectPolicy: nil)
        let rtEvents = DemoEvents(name: "prediction KalshiRT")
        let rt = try client.openOrderEntry(configuration(.prediction, .kalshiRT, me, sims.prediction), reconnectPolicy: nil)
        let dcEvents = DemoEvents(name: "prediction KalshiDC")
        let dc = try client.openDropCopy(configuration(.prediction, .kalshiDC, me, sims.prediction), reconnectPolicy: nil)
        let ptEvents = DemoEvents(name: "prediction KalshiPT")
        let pt = try client.openSettlement(configuration(.prediction, .kalshiPT, me, sims.prediction), reconnectPolicy: nil)
        let mdEvents = DemoEvents(name: "prediction KalshiMD")
        let md = try client.openMarketData(configuration(.prediction, .kalshiMD, me, sims.prediction), reconnectPolicy: nil)
        // The RFQ market maker is the second account: the sim never sends an RFQ to its creator's account.
        let rfqEvents = DemoEvents(name: "prediction KalshiRFQ (market maker, second account)")
        let rfq = try client.openRFQ(configuration(.prediction, .kalshiRFQ, try KalshiCredentials(keyID: takerID, signer: takerPair.signer()),
                                                   sims.prediction), autoConfirm: true, reconnectPolicy: nil)
        let marginNREvents = DemoEvents(name: "margin KalshiNR"), marginRTEvents = DemoEvents(name: "margin KalshiRT")
        let marginNR = try client.openOrderEntry(configuration(.margin, .kalshiNR, me, sims.margin), reconnectPolicy: nil)
        let marginRT = try client.openOrderEntry(configuration(.margin, .kalshiRT, me, sims.margin), reconnectPolicy: nil)
        let marginDCEvents = DemoEvents(name: "margin KalshiDC")
        let marginDC = try client.openDropCopy(configuration(.margin, .kalshiDC, me, sims.margin), reconnectPolicy: nil)
        let marginMDEvents = DemoEvents(name: "margin KalshiMD")
        let marginMD = try client.openMarketData(configuration(.margin, .kalshiMD, me, sims.margin), reconnectPolicy: nil)
        let takerEvents = DemoEvents(name: "taker KalshiNR (second account)")
        let taker = try client.openOrderEntry(
            configuration(.prediction, .kalshiNR, try KalshiCredentials(keyID: takerID, signer: takerPair.signer()), sims.prediction),
            reconnectPolicy: nil)
        var listenerConfiguration = configuration(.prediction, .kalshiRT, try KalshiCredentials(keyID: listenerID, signer: listenerPair.signer()),
                                                  sims.prediction)
        listenerConfiguration.logonOptions = .listener
        let listenerEvents = DemoEvents(name: "listener KalshiRT (read-only copy of the main account)")
        let listener = try client.openOrderEntry(listenerConfiguration, reconnectPolicy: nil)
        let market = sims.prediction.configuration.markets[0].ticker

        let eventful: [DemoEvents] = [makerEvents, rtEvents, dcEvents, ptEvents, rfqEvents, mdEvents, marginNREvents, marginRTEvents,
                                      marginDCEvents, marginMDEvents, takerEvents, listenerEvents]
        try step("log on every session type (signed RSA-PSS logons, TLS 1.3, pinned certificate)") {
            nonisolated(unsafe) let s = (maker, rt, dc, pt, md, marginNR, marginRT, marginDC, marginMD, taker, listener)
            client.execute {
                s.0.delegate = makerEvents; s.1.delegate = rtEvents; s.5.delegate = marginNREvents; s.6.delegate = marginRTEvents
                s.9.delegate = takerEvents; s.10.delegate = listenerEvents
                s.2.onStateChange = { dcEvents.orderEntry(s.0, stateChanged: $0) }
                s.7.onStateChange = { marginDCEvents.orderEntry(s.0, stateChanged: $0) }
                s.3.delegate = ptEvents
                s.3.onStateChange = { ptEvents.orderEntry(s.0, stateChanged: $0) }
                s.4.delegate = mdEvents; s.8.delegate = marginMDEvents
                s.4.subscribe([market])
                s.8.subscribe(["BTC-PERP"])
                s.0.start(); s.1.start(); s.2.start(); s.3.start(); s.4.start(); s.5.start(); s.6.start(); s.7.start()
                s.8.start(); s.9.start(); s.10.start()
            }
            nonisolated(unsafe) let maker = rfq
            client.execute {
                maker.onStateChange = { rfqEvents.orderEntry(s.0, stateChanged: $0) }
                maker.onEvent = { event in
                    rfqEvents.note(event)
                    // Quote every RFQ: YES bid 40¢, NO bid 55¢.
                    if case .request(let request) = event { _ = try? maker.quote(request, yesBid: .cents(40), noBid: .cents(55)) }
                }
                maker.start()
            }
            for events in eventful {
                guard events.waitActive() else { throw Failure("\(events.name) did not log on: \(events.errors)") }
                print("  \(events.name): logged on")
            }
        }

        try step("rest a bid ladder on \(market), watch the book, trade against it from a second account, amend, cancel") {
            var ids: [String] = []
            for cents in [45, 44, 43] as [Int64] {
                let id = try onClient(client) { () throws(OrderEntryError) in
                    try maker.newOrder(symbol: market, side: .buyYes, quantity: 10, price: .cents(cents))
                }
                ids.append(id)
                guard makerEvents.wait({ $0.updates.contains { $0.clOrdID == id && $0.state == .new } }) else { throw Failure("no ack for \(id)") }
                print("  NEW     \(id)  10 @ \(cents)¢")
            }
            _ = mdEvents.wait { $0.topOfBook.last?.contains("bid 30.00") == true || $0.topOfBook.last?.contains("10.00 @ 0.4500") == true }
            print("  BOOK    \(mdEvents.topOfBook.last ?? "(no market data)")")
            _ = try onClient(client) { () throws(OrderEntryError) in
                try taker.newOrder(symbol: market, side: .sellNo, quantity: 15, price: .cents(44))
            }
            guard makerEvents.wait({ $0.fills.count == 2 }) else { throw Failure("the maker saw \(makerEvents.fills.count) fills, expected 2") }
            for fill in makerEvents.fills {
                print("  FILL    \(fill.clOrdID)  \(fill.quantity) @ \(fill.price.wire(dollars: false))¢  fee $\(fill.fee)  trade \(fill.tradeID ?? "")")
            }
            _ = mdEvents.wait { $0.topOfBook.last?.contains("last") == true }
            print("  BOOK    \(mdEvents.topOfBook.last ?? "(no market data)")")
            let amended = try onClient(client) { () throws(OrderEntryError) in try maker.replace(clOrdID: ids[2], quantity: 20, price: .cents(42)) }
            guard makerEvents.wait({ $0.updates.contains { $0.clOrdID == amended } }) else { throw Failure("replace not confirmed") }
            print("  AMEND   \(ids[2]) → \(amended)  20 @ 42¢")
            _ = try onClient(client) { () throws(OrderEntryError) in try maker.cancel(clOrdID: amended) }
            guard makerEvents.wait({ $0.updates.last?.state == .canceled }) else { throw Failure("cancel not confirmed") }
            print("  CANCEL  \(amended)")
            let (position, open) = try onClient(client) { () throws(OrderEntryError) in
                (maker.tracker.position(symbol: market), maker.tracker.openOrders.count)
            }
            print("  POSITION \(market): \(position) YES contracts; \(open) open order(s)")
            guard listenerEvents.wait({ $0.fills.count == 2 }) else { throw Failure("the listener mirrored \(listenerEvents.fills.count) fills") }
            print("  LISTENER mirrored both fills (same ExecIDs: \(listenerEvents.fills.map(\.execID.description).joined(separator: ", ")))")
            _ = try onClient(client) { () throws(OrderEntryError) in try maker.cancelAll() }
        }

        try step("drop-copy reconciliation: resend the main account's reports on KalshiDC and compare with the tracker") {
            let first = try onClient(client) { () throws(OrderEntryError) in maker.tracker.appliedExecIDs.first?.description ?? "" }
            let result = Mutex<DropCopyResult?>(nil)
            nonisolated(unsafe) let session = dc
            client.execute { session.requestResend(from: first) { r in result.withLock { $0 = r } } }
            guard makerEvents.wait({ _ in result.withLock { $0 != nil } }), case .complete(let reports, _)? = result.withLock({ $0 }) else {
                throw Failure("drop copy answered \(String(describing: result.withLock { $0 }))")
            }
            let report = try onClient(client) { () throws(OrderEntryError) in
                maker.tracker.reconcile(with: reports, begin: first, end: nil, dollars: false, apply: true)
            }
            for line in report.description.split(separator: "\n") { print("  \(line)") }
            guard report.missingLocally.isEmpty, report.mismatches.isEmpty else { throw Failure("reconciliation found differences") }
        }

        let groupMarket = sims.prediction.configuration.markets[2].ticker
        try step("order group on \(groupMarket): a 5-contract rolling limit, filled past it, cancels the group's orders") {
            _ = try onClient(client) { () throws(OrderEntryError) in try maker.createOrderGroup(contractsLimit: 5) }
            guard makerEvents.wait({ !$0.groups.isEmpty }), let group = makerEvents.groups.first else { throw Failure("no OrderGroupResponse") }
            print("  GROUP   \(group.groupID)  limit \(group.contractsLimit ?? 0) contracts / 15 s")
            var bound: [String] = []
            for (qty, cents) in [(4, 40), (10, 39)] as [(Int64, Int64)] {
                bound.append(try onClient(client) { () throws(OrderEntryError) in
                    try maker.newOrder(symbol: groupMarket, side: .buyYes, quantity: Contracts(qty), price: .cents(cents), orderGroup: group.groupID)
                })
            }
            _ = try onClient(client) { () throws(OrderEntryError) in
                try taker.newOrder(symbol: groupMarket, side: .sellNo, quantity: 6, price: .cents(39))
            }
            guard makerEvents.wait({ $0.updates.contains { $0.clOrdID == bound[1] && $0.state == .canceled } }),
                  let canceled = makerEvents.updates.last(where: { $0.clOrdID == bound[1] }) else {
                throw Failure("the group did not trigger")
            }
            print("  TRIGGER 6 contracts filled > 5: \(bound[1]) canceled (\(canceled.text ?? "")) after \(canceled.cumQty) filled")
        }

        try step("RFQ round: request on KalshiRT, a maker quotes on KalshiRFQ, accept to buy YES, confirm, fills") {
            let rfqMarket = sims.prediction.configuration.markets[1].ticker
            _ = try onClient(client) { () throws(OrderEntryError) in try rt.requestQuote(symbol: rfqMarket, quantity: 5) }
            var quote: RFQQuote?
            guard rtEvents.wait({ events in
                quote = events.rfq.lazy.compactMap { if case .quote(let q) = $0 { q } else { nil } }.first
                return quote != nil
            }), let quote else { throw Failure("no quote reached the creator: \(rtEvents.rfq)") }
            print("  QUOTE   \(quote.quoteID): YES bid \(quote.yesBid?.description ?? "-"), NO bid \(quote.noBid?.description ?? "-")"
                  + " → buy YES at \(quote.yesPriceToBuy?.description ?? "-")")
            let accepted = quote
            _ = try onClient(client) { () throws(OrderEntryError) in try rt.acceptQuote(accepted, side: .buyYes) }
            guard rtEvents.wait({ !$0.fills.isEmpty }), let fill = rtEvents.fills.first else { throw Failure("no RFQ fill") }
            print("  FILL    \(fill.quantity) YES @ \(fill.price.wire(dollars: false))¢ (maker confirmed; trade \(fill.tradeID ?? ""))")
        }

        let latencies = try step("time \(orders) order→ack round trips through the engine (NewOrderSingle → ExecutionReport New → tracker)") {
            let run = DemoLatencyRun(count: orders, market: sims.prediction.configuration.markets[1].ticker)
            nonisolated(unsafe) let session = maker
            client.execute { makerEvents.startLatency(run, on: session) }
            guard run.done.wait(timeout: .now() + 120) == .success else { throw Failure("latency run timed out at \(run.completed)") }
            if let failure = run.failure { throw Failure("latency run: \(failure)") }
            _ = try onClient(client) { () throws(OrderEntryError) in try maker.cancelAll() }
            return Array(run.samples.prefix(run.completed))
        }
        print(Self.table(latencies))

        try step("settle \(market) YES: MarketSettlementReports on KalshiPT, reassembled") {
            try sims.prediction.settle(market: market, result: .yes)
            guard ptEvents.wait({ !$0.settlements.isEmpty }), let settled = ptEvents.settlements.first else {
                throw Failure("no settlement arrived on KalshiPT")
            }
            for party in settled.parties {
                let payout = (try? party.payout()).flatMap { $0?.description } ?? "?"
                print("  SETTLED \(settled.symbol) \(settled.marketResult): long \(party.longQuantity?.description ?? "0") → payout $\(payout)")
            }
        }

        try step("log out every session") {
            nonisolated(unsafe) let s = (maker, rt, dc, pt, md, marginNR, marginRT, marginDC, marginMD, taker, listener)
            client.execute {
                s.0.logout(); s.1.logout(); s.2.logout(); s.3.logout(); s.4.logout(); s.5.logout(); s.6.logout()
                s.7.logout(); s.8.logout(); s.9.logout(); s.10.logout()
            }
            nonisolated(unsafe) let maker = rfq
            client.execute { maker.logout() }
            for events in eventful where !events.waitDisconnected() { throw Failure("\(events.name) did not log out") }
        }
        print(String(format: "\ndemo finished in %.1f s", Date().timeIntervalSince(started)))
    }

    static func table(_ nanoseconds: [Int64]) -> String {
        let sorted = nanoseconds.sorted()
        func percentile(_ p: Double) -> String {
            let index = min(sorted.count - 1, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1)
            return String(format: "%.1f", Double(sorted[max(0, index)]) / 1000)
        }
        return """
          | order→ack (µs) | p50 | p90 | p99 | p99.9 | max |
          |---|---:|---:|---:|---:|---:|
          | \(sorted.count) orders, TLS loopback, sim on its own thread | \(percentile(50)) | \(percentile(90)) | \(percentile(99)) | \(percentile(99.9)) | \(percentile(100)) |
        """
    }
}

func field(_ tag: Int, _ text: String) -> String? {
    for part in text.split(separator: "|") {
        let kv = part.split(separator: "=", maxSplits: 1)
        if kv.count == 2, kv[0] == String(tag)[...] { return String(kv[1]) }
    }
    return nil
}

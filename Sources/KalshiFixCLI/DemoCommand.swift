import ArgumentParser
import FixCodec
import FixSession
import FixTransport
import Foundation
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

/// The demo's steps, printed as they run with their durations.
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

    func run() throws {
        print("kalshi-fix demo — KalshiSim on loopback TLS\n")
        let taker = try KalshiAPIKeyPair.generate()
        let listenerPair = try KalshiAPIKeyPair.generate()
        let takerID = "demo-taker-key"
        let listenerID = "demo-listener-key"
        let sims = try step("start KalshiSim (prediction + margin, TLS, generated certificate)") {
            // The listener key belongs to the main account, filled in once its id is known below.
            try SimLauncher.start(host: "127.0.0.1", portBase: nil, tls: true, stateDir: nil,
                                  extraKeys: [SimAPIKey(keyID: takerID, publicKeyPEM: taker.publicKeyPEM)], log: nil)
        }
        defer { sims.stop() }
        try sims.prediction.register(SimAPIKey(keyID: listenerID, publicKeyPEM: listenerPair.publicKeyPEM, account: sims.keyID))
        print("  prediction certificate pin: sha256/\(sims.prediction.certificate!.publicKeySHA256.prefix(16))…")

        let client = try Reactor(configuration: ReactorConfiguration(busyPoll: busyPoll))
        client.startThread()
        defer { client.stopAndJoin() }

        let me = try KalshiCredentials(keyID: sims.keyID, signer: sims.keyPair.signer())
        let other = try KalshiCredentials(keyID: takerID, signer: taker.signer())
        let listenerCredentials = try KalshiCredentials(keyID: listenerID, signer: listenerPair.signer())

        var sessions: [DemoSession] = []
        try step("log on every session type (signed RSA-PSS logons, TLS 1.3, pinned certificate)") {
            for type in KalshiProduct.prediction.sessionTypes {
                sessions.append(DemoSession(name: "prediction \(type)", reactor: client,
                                            configuration: configuration(.prediction, type, me, sims.prediction)))
            }
            for type in KalshiProduct.margin.sessionTypes {
                sessions.append(DemoSession(name: "margin \(type)", reactor: client,
                                            configuration: configuration(.margin, type, me, sims.margin)))
            }
            for session in sessions { session.start() }
            for session in sessions {
                guard session.waitActive() else { throw Failure("\(session.name) did not log on: \(session.errors)") }
                print("  \(session.name): logged on")
            }
        }

        var takerConfiguration = configuration(.prediction, .kalshiNR, other, sims.prediction)
        takerConfiguration.logonOptions.skipPendingExecReports = true
        let takerSession = DemoSession(name: "taker NR", reactor: client, configuration: takerConfiguration)
        var listenerConfiguration = configuration(.prediction, .kalshiRT, listenerCredentials, sims.prediction)
        listenerConfiguration.logonOptions = .listener
        let listener = DemoSession(name: "listener RT", reactor: client, configuration: listenerConfiguration)
        let maker = sessions[0]  // prediction KalshiNR
        try step("log on a second account (taker) and a read-only listener of the main account") {
            takerSession.start()
            listener.start()
            guard takerSession.waitActive(), listener.waitActive() else {
                throw Failure("taker/listener logon: \(takerSession.errors) \(listener.errors)")
            }
        }

        let market = sims.prediction.configuration.markets[0].ticker
        try step("rest a bid ladder on \(market), trade against it, amend and cancel") {
            for (i, cents) in [45, 44, 43].enumerated() {
                maker.send(NewOrderSingle(clOrdID: "bid-\(i)", orderQty: FixDecimal(mantissa: 10, scale: 0), ordType: .limit,
                                          price: FixDecimal(mantissa: Int64(cents), scale: 0), side: .buyYes, symbol: market))
                guard let new = maker.waitReport(clOrdID: "bid-\(i)", execType: "0") else { throw Failure("no ack for bid-\(i)") }
                print("  NEW     bid-\(i) \(field(38, new) ?? "") @ \(cents)¢  order \(field(37, new) ?? "")")
            }
            takerSession.send(NewOrderSingle(clOrdID: "sell-1", orderQty: FixDecimal(mantissa: 15, scale: 0), ordType: .limit,
                                             price: FixDecimal(mantissa: 44, scale: 0), side: .sellNo, symbol: market))
            for clOrdID in ["bid-0", "bid-1"] {
                guard let fill = maker.waitReport(clOrdID: clOrdID, execType: "F") else { throw Failure("no fill for \(clOrdID)") }
                print("  FILL    \(clOrdID) \(field(32, fill) ?? "") @ \(field(31, fill) ?? "")¢  cum \(field(14, fill) ?? "") leaves \(field(151, fill) ?? "")  position YES \(field(704, fill) ?? "")  fee $\(field(137, fill) ?? "")")
            }
            maker.send(OrderCancelReplaceRequest(clOrdID: "bid-2b", origClOrdID: "bid-2", orderQty: FixDecimal(mantissa: 20, scale: 0),
                                                 ordType: .limit, price: FixDecimal(mantissa: 42, scale: 0), side: .buyYes, symbol: market))
            guard let replaced = maker.waitReport(clOrdID: "bid-2b", execType: "5") else { throw Failure("replace not confirmed") }
            print("  AMEND   bid-2 → bid-2b \(field(38, replaced) ?? "") @ \(field(44, replaced) ?? "")¢")
            maker.send(OrderCancelRequest(clOrdID: "cxl-1", origClOrdID: "bid-2b", side: .buyYes, symbol: market))
            guard maker.waitReport(clOrdID: "cxl-1", execType: "4") != nil else { throw Failure("cancel not confirmed") }
            print("  CANCEL  bid-2b")
            guard let mirrored = listener.waitReport(clOrdID: "bid-0", execType: "F") else { throw Failure("the listener saw no fill") }
            print("  LISTENER mirrored fill of bid-0 (ExecID \(field(17, mirrored) ?? ""))")
            maker.send(OrderMassCancelRequest(clOrdID: "mass-1", massCancelRequestType: .cancelForSession))
            guard maker.waitMessage(type: "r") != nil else { throw Failure("no mass cancel report") }
            print("  MASS CANCEL done")
        }

        let latencies = try step("time \(orders) order→ack round trips (NewOrderSingle → ExecutionReport New)") {
            try maker.pingPong(count: orders, market: market)
        }
        print(Self.table(latencies))

        try step("log out every session") {
            for session in sessions + [takerSession, listener] { session.logout() }
            for session in sessions + [takerSession, listener] where !session.waitDisconnected() {
                throw Failure("\(session.name) did not log out")
            }
        }
        print(String(format: "\ndemo finished in %.1f s", Date().timeIntervalSince(started)))
    }

    private func configuration(_ product: KalshiProduct, _ type: KalshiSessionType, _ credentials: KalshiCredentials,
                               _ sim: KalshiSimServer) -> SessionConfiguration {
        var configuration = SessionConfiguration(product: product, sessionType: type,
                                                 destination: .endpoint(SessionEndpoint(host: "127.0.0.1", port: sim.port(for: type)!)),
                                                 credentials: credentials)
        configuration.security = sim.clientSecurity
        configuration.heartbeatInterval = 30
        if type.isOrderEntry { configuration.logonOptions.skipPendingExecReports = true }
        return configuration
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

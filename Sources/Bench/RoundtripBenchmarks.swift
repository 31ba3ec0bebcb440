import CBenchPeer
import CMallocCounter
import Dispatch
import FixCodec
import FixEngine
import FixSession
import FixTransport
import Foundation
import KalshiSim
#if canImport(Glibc)
import Glibc
#endif

/// `Bench roundtrip`: order → acknowledgement through the whole stack. `OrderEntrySession.newOrder`
/// (risk checks, tracker, encode) → FixSession → TLS or plaintext over io_uring or epoll →
/// KalshiSim on its own reactor thread → the New ExecutionReport decoded, applied to the
/// tracker and delivered to the delegate, where the next order is sent. One order in flight.
///
/// Variants are the client reactor's (the simulator keeps its default: automatic backend,
/// sleeping): `roundtrip.{tls|plain}.{uring|posix}[.spin]`. Beside them, in the same run, the
/// C ping-pong floor of 256 bytes (`rtt.{tls|plain}.c.256`, a NewOrderSingle is ~250 bytes and
/// its ER ~330) with the same warm-up and count.
///
/// Every `restingLimit` acknowledged orders the loop sends a mass cancel and waits for every
/// Canceled report before the next order, so the simulator's book and the tracker's open orders
/// stay bounded; that pause is not timed and its allocations are not counted. The variant rows
/// rest at most 100; `roundtrip.tls.uring.rest2000` shows the same stack with up to 2000 resting
/// (pre-trade checks are O(1) in resting orders, which that row verifies).
enum RoundtripBenchmarks {
    static let market = "KXFEDDECISION-26DEC-H0"
    static let restingLimit = 100
    static let largeRestingLimit = 2_000

    struct Row {
        var name: String
        var samples: LatencySamples
        /// Time inside `newOrder` (risk checks, tracker, encode, send) per order; nil for floors.
        var sendSamples: LatencySamples?
        /// Allocations on the client I/O thread per timed order round trip; nil for floors.
        var allocationsPerOrder: Double?
        /// The part of ``allocationsPerOrder`` made inside `newOrder`.
        var newOrderAllocationsPerOrder: Double?
        /// Bytes of the acknowledging ExecutionReport as received.
        var ackBytes: Int?
    }

    static func run(count: Int, warmup: Int) throws -> [Row] {
        let key = try KalshiAPIKeyPair.generate()
        let certificate = try BenchCertificate.make()
        var rows: [Row] = []
        for tls in [true, false] {
            let kind = tls ? "tls" : "plain"
            let floorName = "rtt.\(kind).c.256"
            if Measure.filter.map({ floorName.contains($0) || "roundtrip".contains($0) }) ?? true {
                rows.append(Row(name: floorName, samples: try RttBenchmarks.cFloor(
                    certificate: tls ? certificate : nil, payload: 256, warmup: warmup, roundTrips: count)))
            }
            var variants = [ReactorConfiguration.BackendPreference.ioUring, .epoll].flatMap { backend in
                [false, true].map { spin in
                    (name: "roundtrip.\(kind).\(backend == .ioUring ? "uring" : "posix")\(spin ? ".spin" : "")", backend, spin,
                     resting: restingLimit)
                }
            }
            if tls { variants.insert(("roundtrip.tls.uring.rest\(largeRestingLimit)", .ioUring, false, largeRestingLimit), at: 1) }
            variants = variants.filter { v in Measure.filter.map { v.name.contains($0) } ?? true }
            let quickfixName = "roundtrip.quickfix.\(kind)"
            let quickfix = Measure.filter.map { quickfixName.contains($0) } ?? true
            guard !variants.isEmpty || quickfix else { continue }
            // One simulator per security mode, one API key (and so one account) per variant.
            let keyIDs = variants.map { "bench-\($0.name)" }
            let quickfixKeyID = "bench-\(quickfixName)"
            var simConfiguration = SimConfiguration(
                useTLS: tls, apiKeys: (keyIDs + [quickfixKeyID]).map { SimAPIKey(keyID: $0, publicKeyPEM: key.publicKeyPEM) },
                sessionTypes: [.kalshiNR], markets: [SimMarket(ticker: market)])
            // Logons and refusals only (not per message): shown when the QuickFIX row fails.
            let simLog = SimLogLines()
            simConfiguration.log = { line in simLog.append(line) }
            let sim = try KalshiSimServer(configuration: simConfiguration)
            try sim.start()
            defer { sim.stop() }
            for (variant, keyID) in zip(variants, keyIDs) {
                var configuration = SessionConfiguration(
                    product: .prediction, sessionType: .kalshiNR,
                    destination: .endpoint(SessionEndpoint(host: "127.0.0.1", port: sim.port(for: .kalshiNR)!)),
                    credentials: KalshiCredentials(keyID: keyID, signer: try key.signer()))
                configuration.security = sim.clientSecurity
                // The ack is then the New report, not Pending New + New.
                configuration.logonOptions.skipPendingExecReports = true
                rows.append(try measure(variant.name, configuration, backend: variant.1, busyPoll: variant.2,
                                        restingLimit: variant.resting, count: count, warmup: warmup))
            }
            if quickfix {
                rows.append(try QuickFixRoundtrip.measure(quickfixName, sim: sim, keyID: quickfixKeyID, key: key,
                                                          directory: (certificate.certificatePath as NSString).deletingLastPathComponent,
                                                          count: count, warmup: warmup, simLog: simLog))
            }
        }
        return rows
    }

    static func measure(_ name: String, _ configuration: SessionConfiguration, backend: ReactorConfiguration.BackendPreference,
                        busyPoll: Bool, restingLimit: Int, count: Int, warmup: Int) throws -> Row {
        let client = try FixClient(reactorConfiguration: ReactorConfiguration(backend: backend, busyPoll: busyPoll))
        client.start()
        defer { client.stop() }
        // KalshiNR never resends, so the store keeps sequence numbers only (no copy per order).
        let session = try client.openOrderEntry(configuration, store: InMemorySessionStore(keepsMessages: false),
                                                reconnectPolicy: nil)
        let loop = OrderAckLoop(count: count, warmup: warmup, restingLimit: restingLimit)
        nonisolated(unsafe) let s = session
        client.execute {
            s.delegate = loop
            s.start()
        }
        let finished = loop.done.wait(timeout: .now() + .seconds(180)) == .success
        client.execute { s.logout() }
        _ = loop.closed.wait(timeout: .now() + .seconds(2))
        guard finished else { throw RoundtripError.timeout(name, acknowledged: loop.completed) }
        if let failure = loop.failure { throw RoundtripError.failed(name, failure) }
        return Row(name: name, samples: loop.samples, sendSamples: loop.sendSamples,
                   allocationsPerOrder: Double(loop.allocations) / Double(count),
                   newOrderAllocationsPerOrder: Double(loop.newOrderAllocations) / Double(count), ackBytes: loop.ackBytes)
    }
}

enum RoundtripError: Error, CustomStringConvertible {
    case timeout(String, acknowledged: Int)
    case failed(String, String)

    var description: String {
        switch self {
        case .timeout(let name, let n): return "\(name): timed out after \(n) acknowledged orders"
        case .failed(let name, let why): return "\(name): \(why)"
        }
    }
}

/// The serial order → New loop, entirely on the client I/O thread (delegate callbacks).
final class OrderAckLoop: OrderEntryDelegate, @unchecked Sendable {
    let samples: LatencySamples
    let sendSamples: LatencySamples
    let done = DispatchSemaphore(value: 0)
    let closed = DispatchSemaphore(value: 0)
    private(set) var completed = 0
    private(set) var failure: String?
    /// Client I/O-thread allocations over the timed orders.
    private(set) var allocations: UInt64 = 0
    /// The part of ``allocations`` made inside `newOrder`.
    private(set) var newOrderAllocations: UInt64 = 0
    private(set) var ackBytes: Int?
    private let count: Int
    private let warmup: Int
    private let restingLimit: Int
    private var inFlight = ""
    private var sentAt: UInt64 = 0
    private var allocationsAtSend: UInt64 = 0
    private var resting = 0
    private var draining = false
    private var finished = false
    private var started = false

    init(count: Int, warmup: Int, restingLimit: Int) {
        self.count = count
        self.warmup = warmup
        self.restingLimit = restingLimit
        samples = LatencySamples(capacity: count)
        sendSamples = LatencySamples(capacity: count)
    }

    func orderEntry(_ session: OrderEntrySession, stateChanged state: SessionState) {
        if state == .active, !started {
            started = true
            sendNext(session)
        } else if state == .disconnected {
            if !finished { fail("disconnected after \(completed) orders") }
            closed.signal()
        }
    }

    func orderEntry(_ session: OrderEntrySession, updated order: TrackedOrder, fill: Fill?) {
        if draining {
            if order.state == .canceled {
                resting -= 1
                if resting == 0 {
                    draining = false
                    sendNext(session)
                }
            }
            return
        }
        guard order.state == .new, order.clOrdID == inFlight else { return }
        let now = Measure.now()
        let timed = completed >= warmup
        if timed {
            samples.append(Int64(now - sentAt))
            allocations += CMallocCounter_threadAllocations() - allocationsAtSend
        }
        completed += 1
        resting += 1
        if completed == warmup + count {
            finished = true
            done.signal()
        } else {
            sendNext(session)
        }
    }

    func orderEntry(_ session: OrderEntrySession, received message: FixMessage) {
        if ackBytes == nil, message.msgType.equals("8") { ackBytes = message.bytes.count }
    }

    func orderEntry(_ session: OrderEntrySession, error: OrderEntryError) {
        if !finished { fail("\(error)") }
    }

    private func sendNext(_ session: OrderEntrySession) {
        if resting >= restingLimit {
            draining = true
            do throws(OrderEntryError) { try session.cancelAll() } catch { fail("cancel all: \(error)") }
            return
        }
        allocationsAtSend = CMallocCounter_threadAllocations()
        sentAt = Measure.now()
        do throws(OrderEntryError) {
            // A 1-cent bid of one contract rests: the ack is New, never a fill.
            inFlight = try session.newOrder(symbol: RoundtripBenchmarks.market, side: .buyYes, quantity: 1, price: .cents(1))
        } catch {
            fail("newOrder: \(error)")
            return
        }
        if completed >= warmup {
            sendSamples.append(Int64(Measure.now() - sentAt))
            newOrderAllocations += CMallocCounter_threadAllocations() - allocationsAtSend
        }
    }

    private func fail(_ why: String) {
        guard !finished else { return }
        finished = true
        failure = why
        done.signal()
    }
}

extension Report {
    static func printRoundtrip(_ rows: [RoundtripBenchmarks.Row], json: Bool, command: String, count: Int, warmup: Int) {
        let stats = rows.map { ($0, $0.samples.percentiles(), $0.sendSamples?.percentiles()) }
        if json {
            for (row, p, send) in stats {
                var line = "{\"bench\":\"\(row.name)\",\"count\":\(row.samples.count),\"p50_us\":\(fmt(p.p50)),\"p90_us\":\(fmt(p.p90)),\"p99_us\":\(fmt(p.p99)),\"p999_us\":\(fmt(p.p999)),\"max_us\":\(fmt(p.max))"
                if let send { line += ",\"send_p50_us\":\(fmt(send.p50)),\"send_p99_us\":\(fmt(send.p99))" }
                if let a = row.allocationsPerOrder { line += ",\"allocs_per_order\":\(fmt(a))" }
                if let a = row.newOrderAllocationsPerOrder { line += ",\"allocs_in_new_order\":\(fmt(a))" }
                Swift.print(line + "}")
            }
            return
        }
        let floors = Dictionary(stats.filter { $0.0.name.hasPrefix("rtt.") }.map { ($0.0.name.split(separator: ".")[1], $0.1) },
                                uniquingKeysWith: { a, _ in a })
        // QuickFIX's p50 over each row's p50, per security mode: how many times faster than QuickFIX.
        let quickfix = Dictionary(stats.filter { $0.0.name.hasPrefix("roundtrip.quickfix.") }
            .map { ($0.0.name.split(separator: ".")[2], $0.1) }, uniquingKeysWith: { a, _ in a })
        Swift.print("| bench | p50 µs | p90 µs | p99 µs | p99.9 µs | max µs | p50 / C floor | p99 / C floor | newOrder p50 µs | allocs/order (client) | of which in newOrder | ours / QuickFIX (p50 speed-up) |")
        Swift.print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for (row, p, send) in stats {
            let parts = row.name.split(separator: ".")
            let kind = parts[0] == "roundtrip" && parts[1] == "quickfix" ? parts[2] : parts[1]
            let floor = floors[kind]
            let speedup = parts[1] == "quickfix" || parts[0] != "roundtrip" ? "" : quickfix[kind].map { fmt2($0.p50 / p.p50) + "×" } ?? ""
            let r50 = floor.map { fmt2(p.p50 / $0.p50) + "×" } ?? ""
            let r99 = floor.map { fmt2(p.p99 / $0.p99) + "×" } ?? ""
            Swift.print("| \(row.name) | \(fmt(p.p50)) | \(fmt(p.p90)) | \(fmt(p.p99)) | \(fmt(p.p999)) | \(fmt(p.max)) | \(r50) | \(r99) | \(send.map { fmt($0.p50) } ?? "") | \(row.allocationsPerOrder.map(fmt) ?? "") | \(row.newOrderAllocationsPerOrder.map(fmt) ?? "") | \(speedup) |")
        }
        if let tls = floors["tls"], let ours = stats.first(where: { $0.0.name == "roundtrip.tls.uring" })?.1 {
            let r50 = ours.p50 / tls.p50, r99 = ours.p99 / tls.p99
            Swift.print("\nTarget (roundtrip.tls.uring vs rtt.tls.c.256): p50 ≤ 1.2× → \(fmt2(r50))× (\(r50 <= 1.2 ? "met" : "missed")), p99 ≤ 1.5× → \(fmt2(r99))× (\(r99 <= 1.5 ? "met" : "missed")); 0 allocations per order → \(stats.compactMap { $0.0.allocationsPerOrder }.max().map(fmt) ?? "?") at most.")
        }
        if let qf = stats.first(where: { $0.0.name == "roundtrip.quickfix.tls" })?.1 {
            let ours = stats.first(where: { $0.0.name == "roundtrip.tls.uring" })?.1
            let r50 = ours.map { qf.p50 / $0.p50 }, r99 = ours.map { qf.p99 / $0.p99 }
            Swift.print("\nTarget (ours / QuickFIX, roundtrip.tls.uring vs roundtrip.quickfix.tls): ≥ 5× faster at p50 → \(r50.map { fmt2($0) + "× faster (" + ($0 >= 5 ? "met" : "missed") + ")" } ?? "? (no roundtrip.tls.uring row)"); p99 \(r99.map { fmt2($0) + "× faster" } ?? "?"). QuickFIX C++ 1.15.1 (Debian libquickfix) as initiator, SSLSocketInitiator, strict validation with our dictionary, same simulator and market.")
        }
        let ack = rows.compactMap(\.ackBytes).first.map { "; the acknowledging ER is \($0) bytes" } ?? ""
        Swift.print("\nReproduce: `\(command)` (release build; \(count) orders per row after \(warmup) warm-up, one in flight; mass cancel (untimed) whenever \(RoundtripBenchmarks.restingLimit) orders rest, \(RoundtripBenchmarks.largeRestingLimit) in the `.rest\(RoundtripBenchmarks.largeRestingLimit)` row; `rtt.*.c.256` rows are the blocking C ping-pong of 256 bytes, the floor\(ack))")
    }
}

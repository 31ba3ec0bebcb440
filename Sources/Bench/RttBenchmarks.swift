import CBenchPeer
import Dispatch
import Foundation
import FixTransport
#if canImport(Glibc)
import Glibc
#endif

/// Round trips of 64 and 256 bytes over loopback against one C echo peer: our transport in every
/// variant (plain/TLS × io_uring/epoll × sleep/busy-poll) beside the blocking C client on the
/// same peer, the floor.
///
/// Percentiles are exact: every sample is kept in a preallocated array and sorted afterwards
/// (no HdrHistogram dependency; at 100k samples sorting costs nothing and rounds nothing).
enum RttBenchmarks {
    struct Row {
        var name: String
        var samples: LatencySamples
    }

    static func run(roundTrips: Int, warmup: Int) throws -> [Row] {
        let certificate = try BenchCertificate.make()
        var plainPort: Int32 = 0, tlsPort: Int32 = 0
        var error = [CChar](repeating: 0, count: 256)
        guard let plainServer = cbp_server_start(nil, nil, &plainPort, &error, error.count),
              let tlsServer = cbp_server_start(certificate.certificatePath, certificate.keyPath, &tlsPort, &error, error.count) else {
            throw RttError.peer(String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        defer { cbp_server_stop(plainServer); cbp_server_stop(tlsServer) }

        var rows: [Row] = []
        for size in [64, 256] {
            for tls in [false, true] {
                let port = Int(tls ? tlsPort : plainPort)
                let kind = tls ? "tls" : "plain"
                if Measure.filter.map({ "rtt.\(kind).c.\(size)".contains($0) }) ?? true {
                    let samples = LatencySamples(capacity: roundTrips)
                    guard cbp_pingpong(Int32(port), tls ? 1 : 0, size, Int32(warmup), Int32(roundTrips),
                                       samples.base, &error, error.count) == 0 else {
                        throw RttError.peer(String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
                    }
                    samples.count = roundTrips
                    rows.append(Row(name: "rtt.\(kind).c.\(size)", samples: samples))
                }
                for backend in [ReactorConfiguration.BackendPreference.ioUring, .epoll] {
                    for spin in [false, true] {
                        let name = "rtt.\(kind).\(backend == .ioUring ? "uring" : "posix")\(spin ? ".spin" : "").\(size)"
                        if let filter = Measure.filter, !name.contains(filter) { continue }
                        let security: ConnectionSecurity = tls
                            ? .tls(TLSConfiguration(trust: .caFile(certificate.certificatePath), minimumVersion: .tls13))
                            : .plaintext
                        let samples = try pingPong(port: port, security: security, backend: backend, busyPoll: spin,
                                                   payload: size, warmup: warmup, roundTrips: roundTrips)
                        rows.append(Row(name: name, samples: samples))
                    }
                }
            }
        }
        return rows
    }

    /// The floor alone: the blocking C client against a fresh C echo peer (TLS with
    /// `certificate`, plaintext without), for other benchmarks to show beside their rows.
    static func cFloor(certificate: BenchCertificate?, payload: Int, warmup: Int, roundTrips: Int) throws -> LatencySamples {
        var port: Int32 = 0
        var error = [CChar](repeating: 0, count: 256)
        guard let server = cbp_server_start(certificate?.certificatePath, certificate?.keyPath, &port, &error, error.count) else {
            throw RttError.peer(String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        defer { cbp_server_stop(server) }
        let samples = LatencySamples(capacity: roundTrips)
        guard cbp_pingpong(port, certificate == nil ? 0 : 1, payload, Int32(warmup), Int32(roundTrips),
                           samples.base, &error, error.count) == 0 else {
            throw RttError.peer(String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        samples.count = roundTrips
        return samples
    }

    /// One connection on a fresh reactor thread; the whole ping-pong runs inline in the delegate.
    static func pingPong(port: Int, security: ConnectionSecurity, backend: ReactorConfiguration.BackendPreference,
                         busyPoll: Bool, payload: Int, warmup: Int, roundTrips: Int) throws -> LatencySamples {
        let reactor = try Reactor(configuration: ReactorConfiguration(backend: backend, busyPoll: busyPoll))
        reactor.startThread()
        defer { reactor.stopAndJoin() }
        let client = PingPongClient(payload: payload, warmup: warmup, roundTrips: roundTrips)
        reactor.execute {
            do throws(TransportError) {
                _ = try reactor.connect(host: "127.0.0.1", port: port, security: security, timeout: .seconds(5), delegate: client)
            } catch {
                client.finish(error)
            }
        }
        client.done.wait()
        if let error = client.error { throw RttError.transport(error) }
        return client.samples
    }
}

enum RttError: Error, CustomStringConvertible {
    case peer(String)
    case transport(TransportError)
    case certificate(String)

    var description: String {
        switch self {
        case .peer(let m): return "C echo peer: \(m)"
        case .transport(let e): return "transport: \(e)"
        case .certificate(let m): return "cannot make a test certificate: \(m)"
        }
    }
}

/// Latencies in nanoseconds, preallocated so recording never allocates.
final class LatencySamples: @unchecked Sendable {
    let base: UnsafeMutablePointer<Int64>
    let capacity: Int
    var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    func append(_ ns: Int64) {
        guard count < capacity else { return }
        base[count] = ns
        count += 1
    }

    /// Exact percentiles (nearest rank) in microseconds; sorts in place.
    func percentiles() -> (p50: Double, p90: Double, p99: Double, p999: Double, max: Double) {
        var buffer = UnsafeMutableBufferPointer(start: base, count: count)
        buffer.sort()
        func at(_ q: Double) -> Double {
            guard count > 0 else { return 0 }
            let rank = min(count - 1, max(0, Int((q * Double(count)).rounded(.up)) - 1))
            return Double(buffer[rank]) / 1_000
        }
        return (at(0.5), at(0.9), at(0.99), at(0.999), at(1.0))
    }
}

/// Sends `payload` bytes, waits for all of them back, records the time, repeats. I/O thread only.
final class PingPongClient: ConnectionDelegate, @unchecked Sendable {
    let samples: LatencySamples
    let done = DispatchSemaphore(value: 0)
    private(set) var error: TransportError?
    private let message: UnsafeMutableRawBufferPointer
    private let warmup: Int
    private let roundTrips: Int
    private var completed = 0
    private var sentAt: UInt64 = 0
    private var finished = false

    init(payload: Int, warmup: Int, roundTrips: Int) {
        samples = LatencySamples(capacity: roundTrips)
        message = .allocate(byteCount: payload, alignment: 8)
        message.initializeMemory(as: UInt8.self, repeating: UInt8(ascii: "k"))
        self.warmup = warmup
        self.roundTrips = roundTrips
    }

    deinit { message.deallocate() }

    func connectionDidOpen(_ connection: Connection) { sendNext(connection) }

    func connection(_ connection: Connection, didReceive bytes: UnsafeRawBufferPointer) -> Int {
        guard bytes.count >= message.count else { return 0 }
        let now = Measure.now()
        if completed >= warmup { samples.append(Int64(now - sentAt)) }
        completed += 1
        if completed == warmup + roundTrips {
            connection.close()
        } else {
            sendNext(connection)
        }
        return message.count
    }

    func connection(_ connection: Connection, didCloseWith error: TransportError?) { finish(error) }

    func finish(_ error: TransportError?) {
        guard !finished else { return }
        finished = true
        self.error = error
        done.signal()
    }

    private func sendNext(_ connection: Connection) {
        sentAt = Measure.now()
        do throws(TransportError) {
            try connection.send(UnsafeRawBufferPointer(message))
        } catch {
            finish(error)
        }
    }
}

/// A throwaway self-signed certificate for 127.0.0.1, made with the openssl CLI.
struct BenchCertificate {
    var certificatePath: String
    var keyPath: String

    static func make() throws -> BenchCertificate {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kalshi-fix-bench-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let cert = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                             "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw RttError.certificate("openssl req exited \(process.terminationStatus)") }
        return BenchCertificate(certificatePath: cert, keyPath: key)
    }
}

extension Report {
    static func printRtt(_ rows: [RttBenchmarks.Row], json: Bool, command: String, roundTrips: Int) {
        let stats = rows.map { ($0.name, $0.samples.percentiles()) }
        if json {
            for (name, p) in stats {
                Swift.print("{\"bench\":\"\(name)\",\"p50_us\":\(fmt(p.p50)),\"p90_us\":\(fmt(p.p90)),\"p99_us\":\(fmt(p.p99)),\"p999_us\":\(fmt(p.p999)),\"max_us\":\(fmt(p.max))}")
            }
            return
        }
        let floors = Dictionary(stats.filter { $0.0.contains(".c.") }.map { name, p in
            (name.replacingOccurrences(of: ".c", with: ""), p) }, uniquingKeysWith: { a, _ in a })
        Swift.print("| bench | p50 µs | p90 µs | p99 µs | p99.9 µs | max µs | p50 / C floor | p99 / C floor |")
        Swift.print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for (name, p) in stats {
            let parts = name.split(separator: ".")
            let floorKey = "rtt.\(parts[1]).\(parts.last!)"
            let floor = floors[floorKey]
            let r50 = floor.map { fmt2(p.p50 / $0.p50) + "×" } ?? ""
            let r99 = floor.map { fmt2(p.p99 / $0.p99) + "×" } ?? ""
            Swift.print("| \(name) | \(fmt(p.p50)) | \(fmt(p.p90)) | \(fmt(p.p99)) | \(fmt(p.p999)) | \(fmt(p.max)) | \(r50) | \(r99) |")
        }
        Swift.print("\nReproduce: `\(command)` (release build; \(roundTrips) round trips per row after warm-up, one C echo peer for all rows; `.c.` rows are the blocking C client, the floor)")
    }

    static func fmt2(_ v: Double) -> String {
        String(format: "%.2f", v)
    }
}

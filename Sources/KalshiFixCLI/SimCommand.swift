import ArgumentParser
import FixSession
import FixTransport
import Foundation
import KalshiSim

/// `kalshi-fix sim`: KalshiSim standalone until SIGINT/SIGTERM.
struct SimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Run the simulated Kalshi FIX gateway (all prediction and margin session types) until Ctrl-C.",
        discussion: """
        Scripted bots (on by default) quote and trade the first markets of each product so \
        connected clients see a moving book; --no-bots turns them off.

        Prediction sessions listen on --port-base + 0…5 (NR, RT, DC, PT, RFQ, MD), margin sessions \
        on --port-base + 10…13 (NR, RT, DC, MD). The simulator generates an API key pair, registers \
        it, writes the private key (and, with TLS, its self-signed certificate) to --state-dir, \
        prints how to connect, and then exactly one line starting with `READY ` followed by JSON: \
        host, tls, key_id, private_key, ca_file, ports, margin_ports, markets.

        Ports are TCP ports; --seed only changes the bots' orders (prices in cents, sizes in contracts).

        Example:
          kalshi-fix sim --port-base 18228
          kalshi-fix order --host 127.0.0.1 --port 18228 --session NR --key-id <key_id> \\
              --private-key <private_key> --ca-file <ca_file> --symbol <ticker> --side buy-yes --qty 1 --price 45
        """
    )

    @Option(help: "First port: prediction NR/RT/DC/PT/RFQ/MD on N+0…N+5, margin NR/RT/DC/MD on N+10…N+13.")
    var portBase: Int = 18228

    @Option(help: "Address to listen on (plaintext requires a loopback address).")
    var host: String = "127.0.0.1"

    @Flag(help: "Serve plaintext instead of TLS (loopback only).")
    var noTLS = false

    @Flag(inversion: .prefixedNo, help: "Run scripted market makers and takers so books move (deterministic per --seed).")
    var bots = true

    @Option(help: "Seed of the scripted activity: the same seed gives the same bot orders.")
    var seed: UInt64 = 1

    @Option(help: "Where the generated private key and certificate are written (default: a new temporary directory).")
    var stateDir: String?

    func validate() throws {
        guard (1...(65_535 - 13)).contains(portBase) else {
            throw ValidationError("--port-base must leave room for 14 ports below 65536")
        }
    }

    func run() throws {
        SignalWaiter.blockTerminationSignals()  // before any thread starts, so sigwait gets them
        let sims = try SimLauncher.start(host: host, portBase: portBase, tls: !noTLS, stateDir: stateDir,
                                         bots: bots ? SimBotConfiguration(seed: seed) : nil, log: { print("sim: \($0)") })
        defer { sims.stop() }
        print(sims.instructions)
        print("READY " + sims.readyJSON)
        fflush(nil)  // all streams: scripts wait for the READY line through a pipe
        SignalWaiter.waitForTermination()
        print("sim: stopping")
    }
}

/// Both products' simulators with one generated API key, as `sim` and `demo` start them.
final class SimLauncher {
    let prediction: KalshiSimServer
    let margin: KalshiSimServer
    let keyID: String
    let keyPair: KalshiAPIKeyPair
    let privateKeyPath: String
    let certificatePath: String?
    let host: String

    private init(prediction: KalshiSimServer, margin: KalshiSimServer, keyID: String, keyPair: KalshiAPIKeyPair,
                 privateKeyPath: String, certificatePath: String?, host: String) {
        self.prediction = prediction
        self.margin = margin
        self.keyID = keyID
        self.keyPair = keyPair
        self.privateKeyPath = privateKeyPath
        self.certificatePath = certificatePath
        self.host = host
    }

    /// - Parameter portBase: nil picks ephemeral ports.
    /// - Parameter bots: scripted activity on both products' markets (nil: none).
    static func start(host: String, portBase: Int?, tls: Bool, stateDir: String?, extraKeys: [SimAPIKey] = [],
                      bots: SimBotConfiguration? = nil, log: (@Sendable (String) -> Void)?) throws -> SimLauncher {
        let keyPair = try KalshiAPIKeyPair.generate()
        let keyID = "sim-" + UUID().uuidString.lowercased()
        let key = SimAPIKey(keyID: keyID, publicKeyPEM: keyPair.publicKeyPEM)
        func ports(_ product: KalshiProduct) -> SimConfiguration.Ports {
            guard let base = portBase else { return .ephemeral }
            let offset = product == .prediction ? 0 : 10
            let order: [KalshiSessionType] = product == .prediction
                ? [.kalshiNR, .kalshiRT, .kalshiDC, .kalshiPT, .kalshiRFQ, .kalshiMD] : [.kalshiNR, .kalshiRT, .kalshiDC, .kalshiMD]
            return .explicit(Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, base + offset + $0) }))
        }
        let prediction = try KalshiSimServer(configuration: SimConfiguration(
            product: .prediction, host: host, ports: ports(.prediction), useTLS: tls, apiKeys: [key] + extraKeys, bots: bots,
            log: log))
        var marginLog: (@Sendable (String) -> Void)?
        if let log { marginLog = { line in log("margin " + line) } }
        let margin = try KalshiSimServer(configuration: SimConfiguration(
            product: .margin, host: host, ports: ports(.margin), useTLS: tls, apiKeys: [key] + extraKeys, bots: bots,
            log: marginLog))
        try prediction.start()
        do { try margin.start() } catch { prediction.stop(); throw error }

        let directory = stateDir ?? FileManager.default.temporaryDirectory.appendingPathComponent("kalshi-fix-sim-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let privateKeyPath = directory + "/api-key.pem"
        guard FileManager.default.createFile(atPath: privateKeyPath, contents: Data(keyPair.privateKeyPEM.utf8),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw ValidationError("cannot write \(privateKeyPath)")
        }
        var certificatePath: String?
        if let certificate = prediction.certificate {
            // One file trusting both products' certificates.
            let path = directory + "/sim-ca.pem"
            let pem = certificate.certificatePEM + (margin.certificate?.certificatePEM ?? "")
            guard FileManager.default.createFile(atPath: path, contents: Data(pem.utf8)) else {
                throw ValidationError("cannot write \(path)")
            }
            certificatePath = path
        }
        return SimLauncher(prediction: prediction, margin: margin, keyID: keyID, keyPair: keyPair,
                           privateKeyPath: privateKeyPath, certificatePath: certificatePath, host: host)
    }

    func stop() {
        prediction.stop()
        margin.stop()
    }

    private static let shortNames: [KalshiSessionType: String] = [
        .kalshiNR: "NR", .kalshiRT: "RT", .kalshiDC: "DC", .kalshiPT: "PT", .kalshiRFQ: "RFQ", .kalshiMD: "MD",
    ]

    private func portMap(_ server: KalshiSimServer) -> [String: Int] {
        var map: [String: Int] = [:]
        for type in server.configuration.sessionTypes {
            if let port = server.port(for: type), let name = Self.shortNames[type] { map[name] = port }
        }
        return map
    }

    var markets: [String] {
        (prediction.configuration.markets + margin.configuration.markets).map(\.ticker)
    }

    /// The `READY` line's JSON (keys sorted, so scripts and diffs see a stable line).
    var readyJSON: String {
        struct Ready: Encodable {
            var host: String
            var tls: Bool
            var key_id: String
            var private_key: String
            var ca_file: String?
            var ports: [String: Int]
            var margin_ports: [String: Int]
            var markets: [String]
        }
        let ready = Ready(host: host, tls: certificatePath != nil, key_id: keyID, private_key: privateKeyPath,
                          ca_file: certificatePath, ports: portMap(prediction), margin_ports: portMap(margin), markets: markets)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(ready), as: UTF8.self)) ?? "{}"
    }

    var instructions: String {
        let p = portMap(prediction)
        let m = portMap(margin)
        return """
        KalshiSim is running on \(host) (\(certificatePath == nil ? "plaintext" : "TLS, self-signed certificate in \(certificatePath!)")).
          prediction: NR \(p["NR"] ?? 0)  RT \(p["RT"] ?? 0)  DC \(p["DC"] ?? 0)  PT \(p["PT"] ?? 0)  RFQ \(p["RFQ"] ?? 0)  MD \(p["MD"] ?? 0)
          margin:     NR \(m["NR"] ?? 0)  RT \(m["RT"] ?? 0)  DC \(m["DC"] ?? 0)  MD \(m["MD"] ?? 0)
          API key id: \(keyID)   private key: \(privateKeyPath)
          markets:    \(markets.joined(separator: ", "))
        Stop with Ctrl-C.
        """
    }
}

/// Blocks the calling thread until SIGINT or SIGTERM.
enum SignalWaiter {
    /// Blocks SIGINT/SIGTERM in every thread started afterwards; call first thing in `run()`
    /// paths that start threads, so `sigwait` receives the signals.
    static func blockTerminationSignals() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    static func waitForTermination() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &set, nil)
        var signal: Int32 = 0
        sigwait(&set, &signal)
    }
}

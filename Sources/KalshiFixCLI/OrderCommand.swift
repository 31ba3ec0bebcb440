import ArgumentParser
import FixCodec
import FixEngine
import FixSession
import FixTransport
import Foundation

/// `kalshi-fix order`: one order on a real gateway (or KalshiSim), for people and scripts.
struct OrderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "order",
        abstract: "Send one limit order on a KalshiNR or KalshiRT session, print its ExecutionReports, and log out.",
        discussion: """
        Logs on to a prediction order-entry session (RSA-PSS signed logon), sends one limit \
        NewOrderSingle, prints every ExecutionReport as one line (or, with --json, as one JSON \
        object per line: field names to values plus `raw`), optionally replaces and/or cancels \
        the order once it is acknowledged, and logs out. Progress and the final verdict go to \
        stderr; reports go to stdout.

        Units: --price is the YES price in cents, a whole number 1-99 (45 = 45¢ = $0.45). With \
        --dollars it is in dollars with up to 4 decimals (0.45, or subpenny 0.4550) and the \
        session logs on with UseDollars (21005=Y), so reports show dollars too. --qty is a \
        number of contracts (whole, or with up to 2 decimals where the market allows it). \
        buy-yes bids for YES; sell-no sells YES (= buys NO) at the given YES price. \
        --timeout is in seconds and covers logon through the last confirmation.

        --host is used as given: this command allows hosts other than Kalshi's published ones \
        (the library's allowUnknownHost setting), since you name the host explicitly. TLS is \
        always on unless --no-tls, which is refused for anything but a loopback address. The \
        private key is read from --private-key (a passphrase, if any, from the environment \
        variable --passphrase-env names); neither is ever printed.

        Exit status: 0 the order was acknowledged (and the replace/cancel confirmed when \
        asked); 1 the exchange rejected the order, replace or cancel; 2 no usable session \
        (key file, connection, TLS, logon refused, session lost); 3 timed out; 64 usage error.

        Examples:
          kalshi-fix order --host 127.0.0.1 --port 18228 --session NR \\
              --key-id <key_id> --private-key api-key.pem --ca-file sim-ca.pem \\
              --symbol KXFEDDECISION-26DEC-H0 --side buy-yes --qty 10 --price 45
          kalshi-fix order … --side sell-no --qty 2.5 --dollars --price 0.455
          kalshi-fix order … --price 40 --replace-price 41 --cancel-after --json
        """
    )

    @OptionGroup(title: "Connection")
    var connection: ConnectionOptions

    @Option(help: "Order-entry session: NR (TargetCompID KalshiNR) or RT (KalshiRT).")
    var session: SessionName

    @Option(help: "Market ticker, e.g. KXFEDDECISION-26DEC-H0.")
    var symbol: String

    @Option(help: "buy-yes (bid for YES) or sell-no (sell YES, i.e. buy NO).")
    var side: OrderSide

    @Option(help: ArgumentHelp("Contracts, e.g. 10 or 2.5.", valueName: "contracts"))
    var qty: String

    @Option(help: ArgumentHelp("YES limit price: cents 1-99, or dollars with --dollars.", valueName: "price"))
    var price: String

    @Flag(help: "Prices are dollars (up to 4 decimals); logs on with UseDollars=Y.")
    var dollars = false

    @Option(help: "Time in force.")
    var tif: OrderTimeInForce = .gtc

    @Flag(help: "Cancel the order once acknowledged and wait for the cancel to be confirmed.")
    var cancelAfter = false

    @Option(help: ArgumentHelp("Replace the order's price once acknowledged (same unit as --price) and wait for the confirmation.",
                               valueName: "price"))
    var replacePrice: String?

    @Flag(help: "Print each ExecutionReport (and OrderCancelReject) as one JSON line: field names to values, plus raw.")
    var json = false

    @Option(help: ArgumentHelp("Seconds to wait for logon, acknowledgement and confirmations, in all.", valueName: "seconds"))
    var timeout: Double = 10

    /// Parsed, checked values (set in `validate()` terms, recomputed where needed).
    var quantity: Contracts { Self.contracts(qty)! }
    var limitPrice: KalshiPrice { Self.price(price, dollars: dollars)! }
    var newPrice: KalshiPrice? { replacePrice.flatMap { Self.price($0, dollars: dollars) } }

    func validate() throws {
        try connection.validate()
        guard let contracts = Self.contracts(qty), contracts > .zero else {
            throw ValidationError("--qty must be a positive number of contracts with at most 2 decimals (e.g. 10 or 2.5), not '\(qty)'")
        }
        for (flag, value) in [("--price", price), ("--replace-price", replacePrice)] {
            guard let value else { continue }
            guard Self.price(value, dollars: dollars) != nil else {
                throw ValidationError(dollars
                    ? "\(flag) is in dollars with --dollars: 0.0001-0.9999 with at most 4 decimals, not '\(value)'"
                    : "\(flag) is in cents: a whole number 1-99 (use --dollars for dollar or subpenny prices), not '\(value)'")
            }
        }
        guard timeout > 0, timeout.isFinite else { throw ValidationError("--timeout must be a positive number of seconds") }
        if symbol.isEmpty { throw ValidationError("--symbol must not be empty") }
    }

    static func contracts(_ text: String) -> Contracts? {
        FixDecimal(text).flatMap { Contracts(wire: $0) }
    }

    /// A prediction YES price: whole cents 1-99, or dollars strictly between 0 and 1.
    static func price(_ text: String, dollars: Bool) -> KalshiPrice? {
        if dollars {
            guard let decimal = FixDecimal(text), let price = KalshiPrice(dollars: decimal), price.isValidPredictionPrice else { return nil }
            return price
        }
        guard let cents = Int64(text), (1...99).contains(cents) else { return nil }
        return .cents(cents)
    }

    func run() throws {
        try CommandOutput.finish(OrderRun(command: self).run())
    }
}

enum SessionName: String, ExpressibleByArgument, CaseIterable {
    case nr = "NR"
    case rt = "RT"

    init?(argument: String) { self.init(rawValue: argument.uppercased()) }

    var sessionType: KalshiSessionType { self == .nr ? .kalshiNR : .kalshiRT }
}

enum OrderSide: String, ExpressibleByArgument, CaseIterable {
    case buyYes = "buy-yes"
    case sellNo = "sell-no"

    var side: Side { self == .buyYes ? .buyYes : .sellNo }
}

enum OrderTimeInForce: String, ExpressibleByArgument, CaseIterable {
    case day, gtc, ioc, fok

    var timeInForce: TimeInForce {
        switch self {
        case .day: return .day
        case .gtc: return .gtc
        case .ioc: return .ioc
        case .fok: return .fok
        }
    }
}

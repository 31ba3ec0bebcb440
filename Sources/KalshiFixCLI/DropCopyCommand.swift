import ArgumentParser
import FixCodec
import FixEngine
import FixSession
import Foundation

/// `kalshi-fix dropcopy`: the exchange's ExecutionReports for an ExecID range, and a
/// reconciliation against our own reports — what a reconciliation process runs.
struct DropCopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dropcopy",
        abstract: "Ask KalshiDC to resend ExecutionReports by ExecID range, print them, their final order states and positions, and reconcile.",
        discussion: """
        Logs on to the drop-copy session (RSA-PSS signed logon), sends one EventResendRequest \
        for --begin through --end (default: the latest ExecID), prints every resent \
        ExecutionReport as one line (ExecID, OrderID, ClOrdID, symbol, side, ExecType, \
        OrdStatus, LastQty@LastPx, CumQty/LeavesQty; with --json one JSON object per report: \
        field names to values plus `raw`), then a summary built by applying the reports to an \
        order tracker: each order's final state, the position per symbol, ExecIDs resent more \
        than once, and the count received against the count EventResendComplete announced. \
        Drop copy covers the last 3 hours; ExecIDs are `int;int`.

        --local FILE reconciles: FILE holds our own ExecutionReports, one per line, fields \
        separated by SOH or `|` (a FixMessageLog file, `kalshi-fix order --json` lines, or raw \
        messages; text before `8=FIXT.1.1` and other message types are skipped). They are \
        applied to a local tracker first, and the reconciliation report lists the ExecIDs \
        missing locally, those we have in the range that the exchange did not resend (unknown \
        remotely), and orders whose state or filled quantity differ.

        Units: prices as the reports carry them: cents (45¢) on prediction, dollars ($0.4500) \
        on margin or when the reports are in dollars; quantities are contracts. --timeout is \
        in seconds and covers logon through EventResendComplete.

        Exit status: 0 the reports arrived, their count matches, and (with --local) nothing \
        differs; 1 the resend was refused (EventResendReject: rate limited, server error, \
        BeginExecID too small, EndExecID too large), the count does not match, or the \
        reconciliation found differences; 2 no usable session; 3 timed out; 64 usage error \
        (including an unreadable --local file); 130 interrupted.

        Examples:
          kalshi-fix dropcopy --host 127.0.0.1 --port 18230 --key-id <key_id> \\
              --private-key api-key.pem --ca-file sim-ca.pem --begin '1765000000;1'
          kalshi-fix dropcopy … --begin '1765000000;1' --local fix-messages.log
        """
    )

    @OptionGroup(title: "Connection")
    var connection: ConnectionOptions

    @Flag(help: "Connect to the margin (perpetuals) gateway's KalshiDC instead of the prediction one.")
    var margin = false

    @Option(help: ArgumentHelp("First ExecID to resend, inclusive (`int;int`).", valueName: "execid"))
    var begin: String

    @Option(help: ArgumentHelp("Last ExecID to resend, inclusive (default: the latest).", valueName: "execid"))
    var end: String?

    @Option(help: ArgumentHelp("Our own ExecutionReports (one per line, SOH or |) to reconcile against.", valueName: "file"))
    var local: String?

    @Flag(help: "Print each resent ExecutionReport as one JSON line: field names to values, plus raw.")
    var json = false

    @Option(help: ArgumentHelp("Seconds to wait for logon and the whole resend.", valueName: "seconds"))
    var timeout: Double = 10

    func validate() throws {
        try connection.validate()
        for (flag, value) in [("--begin", begin), ("--end", end)] {
            guard let value else { continue }
            guard Self.isExecID(value) else {
                throw ValidationError("\(flag) must be an ExecID of the form int;int (e.g. 1765000000;1), not '\(value)'")
            }
        }
        if let local, !FileManager.default.isReadableFile(atPath: local) { throw ValidationError("cannot read --local \(local)") }
        guard timeout > 0, timeout.isFinite else { throw ValidationError("--timeout must be a positive number of seconds") }
    }

    static func isExecID(_ text: String) -> Bool {
        let parts = text.split(separator: ";", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
    }

    func run() throws {
        var localReports: LocalReports?
        if let local {
            guard let data = FileManager.default.contents(atPath: local) else { throw ValidationError("cannot read --local \(local)") }
            localReports = LocalReports(parsing: [UInt8](data))
        }
        let run = DropCopyRun(command: self, local: localReports)
        TerminationWatcher.start { run.interrupt() }  // before the client's thread starts
        try CommandOutput.finish(run.run())
    }
}

/// ExecutionReports read from a `--local` file.
struct LocalReports {
    var reports: [FixOwnedMessage] = []
    /// Lines that held a FIX message that did not decode.
    var unreadable = 0
    /// Messages of other types (Logons, NewOrderSingles, …), skipped.
    var otherMessages = 0

    /// Reads lines with a message each: raw (`|` or SOH), log lines (a prefix before
    /// `8=FIXT.1.1`), or `order --json` objects (their `raw`).
    init(parsing input: [UInt8]) {
        var text: [UInt8] = []
        for line in input.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            // A JSON line's `raw` is the message; the object's other members repeat it.
            if line.first(where: { $0 != UInt8(ascii: " ") }) == UInt8(ascii: "{"),
               let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
               let raw = object["raw"] as? String {
                text += Array(raw.utf8)
            } else {
                text += line
            }
            text.append(UInt8(ascii: "\n"))
        }
        for bytes in MessageInput.lines(of: text) {
            var decoder = KalshiFixDecoder(mode: .lenient)
            bytes.withUnsafeBytes { buffer in
                switch decoder.decode(buffer) {
                case .message(let message, _):
                    if message.msgType.equals("8") { reports.append(message.copy()) } else { otherMessages += 1 }
                case .invalid, .garbled, .needMoreBytes:
                    unreadable += 1
                }
            }
        }
    }
}

/// One `kalshi-fix dropcopy` run: log on, one resend request, print, reconcile, log out.
///
/// Threading: the drop-copy session's callbacks run on the client's I/O thread and only record
/// (under the waiter's lock); `run()` on the main thread waits, prints and reconciles.
final class DropCopyRun: @unchecked Sendable {
    private let command: DropCopyCommand
    private let local: LocalReports?
    private let waiter: CommandWaiter
    private var condition: NSCondition { waiter.condition }
    // Guarded by `condition`:
    private var state: SessionState = .disconnected
    private var connecting = false
    private var sessionFailure: SessionError?
    /// A session-level Reject (35=3) of our request: no U2/U3 will follow.
    private var gatewayReject: String?
    private var result: DropCopyResult?
    private var interrupted = false
    /// Keeps the error tap alive (the driver holds it weakly). I/O thread.
    private var tap: SessionErrorTap?

    init(command: DropCopyCommand, local: LocalReports?) {
        self.command = command
        self.local = local
        waiter = CommandWaiter(timeout: command.timeout)
    }

    /// Ctrl-C or SIGTERM (the watcher's thread).
    func interrupt() { waiter.update { interrupted = true } }

    func run() -> Result<String, CommandFailure> {
        let connection = command.connection
        let client: FixClient
        let opened: DropCopySession
        let configuration: SessionConfiguration
        do throws(CommandFailure) {
            configuration = try connection.configuration(product: command.margin ? .margin : .prediction, sessionType: .kalshiDC,
                                                         timeout: command.timeout)
            (client, opened) = try connection.open(configuration) { try $0.openDropCopy($1, reconnectPolicy: nil) }
        } catch {
            return .failure(error)
        }
        defer { client.stop() }
        if let local {
            CommandOutput.stderr("read \(local.reports.count) ExecutionReports from \(command.local!)"
                + (local.unreadable > 0 ? "; \(local.unreadable) lines did not decode and were skipped" : ""))
        }
        nonisolated(unsafe) let session = opened
        let (begin, end) = (command.begin, command.end)
        client.execute { [self] in
            tap = SessionErrorTap(session, driver: session.driver) { [self] error in
                waiter.update {
                    if error.isFatal, sessionFailure == nil { sessionFailure = error }
                    if case .rejectReceived = error, gatewayReject == nil { gatewayReject = "the gateway rejected our message: \(error)" }
                }
            }
            session.onStateChange = { [self] state in
                waiter.update {
                    self.state = state
                    if state != .disconnected { connecting = true }
                }
            }
            // Queued until the logon completes, then sent.
            session.requestResend(from: begin, through: end) { [self] result in waiter.update { self.result = result } }
            session.start()
        }

        let outcome: Result<String, CommandFailure>
        do throws(CommandFailure) {
            try waiter.waitFor("the logon answer") { state == .active ? () : nil } failure: { logonFailure() }
            CommandOutput.stderr(connection.loggedOn(configuration) + "; sent EventResendRequest \(begin) through \(end ?? "the latest")")
            let answer = try waiter.waitFor("EventResendComplete") { result } failure: { sessionLost() }
            outcome = .success(try report(answer))
        } catch {
            outcome = .failure(error)
        }
        if condition.withLock({ state == .active }) {
            client.execute { session.logout() }
            waiter.awaitLogout { state == .disconnected }
        }
        return outcome
    }

    // MARK: Main thread

    /// Prints the reports and the summary (and the reconciliation); the verdict.
    private func report(_ answer: DropCopyResult) throws(CommandFailure) -> String {
        let reports: [FixOwnedMessage], announced: Int
        switch answer {
        case .rejected(let reason, let text):
            throw CommandFailure(code: CommandFailure.rejected,
                                 reason: "EventResendReject: \(Self.explain(reason))" + (text.map { ": \($0)" } ?? ""))
        case .failed(let error):
            throw CommandFailure(code: CommandFailure.noSession, reason: "session lost before EventResendComplete: \(error)")
        case .complete(let r, let count):
            (reports, announced) = (r, count)
        }
        let executionReports = reports.filter { $0.msgType == "8" }
        let dollars = command.margin || executionReports.contains(where: Self.hasDollarPrices)
        let unit: PriceUnit = dollars ? .dollars : .cents
        for report in executionReports {
            print(command.json ? report.withMessage(FixText.json) : report.withMessage { Self.line($0, unit: unit) })
        }

        let tracker = OrderTracker()
        for report in executionReports { report.withMessage { _ = tracker.apply($0, dollars: dollars) } }
        var lines: [String] = []
        lines.append("orders (\(tracker.allOrders.count)):")
        for order in tracker.allOrders { lines.append("  " + Self.orderLine(order, unit: unit)) }
        let positions = tracker.positionsBySymbol.filter { $0.value != .zero }.sorted { $0.key < $1.key }
        lines.append("positions (from these reports' fills):" + (positions.isEmpty ? " none" : ""))
        for (symbol, position) in positions {
            lines.append("  \(symbol): " + (position < .zero ? "\(Contracts.zero - position) NO" : "\(position) YES") + " contracts")
        }
        var counts: [String: Int] = [:]
        for report in executionReports { if let id = report.string(17), id != "-1;-1" { counts[id, default: 0] += 1 } }
        let duplicates = counts.filter { $0.value > 1 }.keys.sorted()
        lines.append("duplicates: " + (duplicates.isEmpty ? "none" : duplicates.map { "\($0) ×\(counts[$0]!)" }.joined(separator: ", ")))
        let countsMatch = executionReports.count == announced
        lines.append("count: \(executionReports.count) ExecutionReports received, EventResendComplete announced \(announced)"
                     + (countsMatch ? "" : " — MISMATCH"))

        var differences = false
        if let local {
            let ours = OrderTracker()
            for report in local.reports { report.withMessage { _ = ours.apply($0, dollars: Self.hasDollarPrices(report)) } }
            let reconciliation = ours.reconcile(with: executionReports, begin: command.begin, end: command.end, dollars: dollars, apply: false)
            lines.append(reconciliation.description)
            // Duplicates are the exchange's to explain and harmless by ExecID; the rest means our view is off.
            differences = !reconciliation.missingLocally.isEmpty || !reconciliation.unknownRemotely.isEmpty
                || !reconciliation.mismatches.isEmpty
        }
        print(lines.joined(separator: "\n"))
        fflush(nil)

        guard countsMatch else {
            throw CommandFailure(code: CommandFailure.rejected,
                                 reason: "EventResendComplete announced \(announced) reports but \(executionReports.count) arrived")
        }
        if differences { throw CommandFailure(code: CommandFailure.rejected, reason: "the reconciliation found differences") }
        return "\(executionReports.count) reports resent" + (local == nil ? "" : "; reconciliation clean")
    }

    /// Why Kalshi refused the resend, with what to do about it.
    static func explain(_ reason: EventResendRejectReason) -> String {
        switch reason {
        case .rateLimited: return "rate limited (too many resend requests; wait and retry) (21004=1)"
        case .serverError: return "server error (21004=2)"
        case .beginExecidTooSmall: return "BeginExecID too small: it is outside the 3-hour drop-copy window (21004=3)"
        case .endExecidTooLarge: return "EndExecID too large: it is beyond the latest ExecID (21004=4)"
        case .unknown(let value): return "EventResendRejectReason \(value)"
        }
    }

    /// Whether a report's prices (44, 31, 6) are written in dollars: cents are whole numbers.
    static func hasDollarPrices(_ report: FixOwnedMessage) -> Bool {
        [44, 31].contains { report.string($0)?.contains(".") == true }
    }

    /// `1765;3  OrderID o-1  ClOrdID c-1  KX… BUY_YES  TRADE  FILLED  5.00@45¢  cum 5.00 leaves 0.00`.
    static func line(_ message: FixMessage, unit: PriceUnit) -> String {
        func v(_ tag: Int) -> String? { message.value(tag)?.string }
        func name(_ tag: Int) -> String { v(tag).map { FixDictionaryInfo.valueDescription(tag: tag, value: $0) ?? $0 } ?? "?" }
        var line = "\(v(17) ?? "?")  OrderID \(v(37) ?? "?")  ClOrdID \(v(11) ?? "?")  \(v(55) ?? "?") \(name(54))"
        line += "  \(name(150)) \(name(39))"
        if let lastQty = v(32), let lastPx = v(31) { line += "  \(lastQty)@\(unit.show(wire: lastPx))" } else { line += "  -" }
        line += "  cum \(v(14) ?? "?") leaves \(v(151) ?? "?")"
        if let text = v(58) { line += "  text \"\(text)\"" }
        return line
    }

    /// An order's final state as the reports leave it.
    static func orderLine(_ order: TrackedOrder, unit: PriceUnit) -> String {
        let side = FixDictionaryInfo.valueDescription(tag: 54, value: order.side.rawValue) ?? order.side.rawValue
        var line = "OrderID \(order.orderID ?? "?")  ClOrdID \(order.clOrdID)  \(order.symbol) \(side)  \(order.state)"
        line += "  filled \(order.cumQty) of \(order.orderQty)"
        if let average = order.averagePrice { line += " avg \(unit.show(average))" }
        line += ", leaves \(order.leavesQty)"
        if let price = order.price { line += "  limit \(unit.show(price))" }
        return line
    }

    // Failure checks; called with `condition` held.

    private func logonFailure() -> CommandFailure? {
        if let sessionFailure { return command.connection.logonFailure(sessionFailure) }
        if connecting && state == .disconnected {
            return CommandFailure(code: CommandFailure.noSession, reason: "the gateway closed the connection before answering the logon")
        }
        if interrupted { return CommandFailure(code: CommandFailure.interrupted, reason: "interrupted before the logon answer") }
        return nil
    }

    private func sessionLost() -> CommandFailure? {
        if result != nil { return nil }
        if let gatewayReject { return CommandFailure(code: CommandFailure.rejected, reason: gatewayReject) }
        if let sessionFailure { return CommandFailure(code: CommandFailure.noSession, reason: "session lost before EventResendComplete: \(sessionFailure)") }
        if state == .disconnected { return CommandFailure(code: CommandFailure.noSession, reason: "disconnected before EventResendComplete") }
        if interrupted { return CommandFailure(code: CommandFailure.interrupted, reason: "interrupted before EventResendComplete") }
        return nil
    }
}

import FixCodec
import FixEngine
import FixSession
import FixTransport
import Foundation

/// One `kalshi-fix order` run: log on, send, (replace, cancel), log out.
///
/// Threading: the delegate callbacks run on the client's I/O thread, record what happened
/// under `condition` and print reports; `run()` runs on the main thread and waits on
/// `condition` for each step, all within one deadline.
final class OrderRun: OrderEntryDelegate, @unchecked Sendable {
    typealias Failure = CommandFailure

    private let command: OrderCommand
    private let waiter: CommandWaiter
    private var condition: NSCondition { waiter.condition }
    // Guarded by `condition`:
    private var state: SessionState = .disconnected
    private var sessionFailure: SessionError?
    private var gatewayReject: String?
    private var ourClOrdID: String?
    private var order: TrackedOrder?
    private var pendingRequest: String?
    private var requestRejected: String?

    init(command: OrderCommand) {
        self.command = command
        waiter = CommandWaiter(timeout: command.timeout)
    }

    private var unit: PriceUnit { command.dollars ? .dollars : .cents }

    func run() -> Result<String, Failure> {
        let connection = command.connection
        let client: FixClient
        let opened: OrderEntrySession
        let configuration: SessionConfiguration
        do throws(Failure) {
            var c = try connection.configuration(product: .prediction, sessionType: command.session.sessionType, timeout: command.timeout)
            if command.dollars { c.logonOptions.priceUnit = .dollars }
            configuration = c
            (client, opened) = try connection.open(configuration) { try $0.openOrderEntry($1, reconnectPolicy: nil) }
        } catch {
            return .failure(error)
        }
        nonisolated(unsafe) let session = opened
        defer { client.stop() }
        client.execute { [self] in
            session.delegate = self
            session.start()
        }

        let result = trade(session: session, client: client, configuration: configuration)
        logOut(session: session, client: client)
        return result
    }

    // MARK: Steps (main thread)

    private func trade(session: OrderEntrySession, client: FixClient, configuration: SessionConfiguration) -> Result<String, Failure> {
        do throws(Failure) {
            try waitFor("the logon answer") { state == .active ? () : nil } failure: { logonFailure() }
            CommandOutput.stderr(command.connection.loggedOn(configuration))

            let (symbol, side, quantity, price, tif) = (command.symbol, command.side.side, command.quantity, command.limitPrice, command.tif.timeInForce)
            let clOrdID = try onClient(client) { [self] () throws(OrderEntryError) -> String in
                let id = try session.newOrder(symbol: symbol, side: side, quantity: quantity, price: price, timeInForce: tif)
                condition.withLock { ourClOrdID = id }  // before any report of it can arrive: same thread
                return id
            } failing: { "order not sent: \($0)" }
            CommandOutput.stderr("sent NewOrderSingle \(clOrdID): \(command.side.rawValue) \(quantity) contracts of \(symbol) at \(unit.show(price)) \(command.tif.rawValue.uppercased())")

            var acked = try waitFor("the order's acknowledgement") { () -> TrackedOrder? in
                guard let order, order.state != .sent, order.state != .pendingNew else { return nil }
                return order
            } failure: { sessionLost("before the order was acknowledged") }
            if acked.state == .rejected { throw Failure(code: Failure.rejected, reason: "order rejected: \(Self.rejection(acked))") }
            var summary = "order acknowledged: \(acked.state), OrderID \(acked.orderID ?? "?")"

            if let newPrice = command.newPrice {
                guard acked.state.isOpen else {
                    throw Failure(code: Failure.rejected, reason: "cannot replace: the order is already \(acked.state)")
                }
                let current = acked.clOrdID
                let requestID = try onClient(client) { [self] () throws(OrderEntryError) -> String in
                    let id = try session.replace(clOrdID: current, price: newPrice)
                    condition.withLock { pendingRequest = id }
                    return id
                } failing: { "replace not sent: \($0)" }
                CommandOutput.stderr("sent OrderCancelReplaceRequest \(requestID): price \(unit.show(newPrice))")
                acked = try waitFor("the replace confirmation") { () -> TrackedOrder? in
                    guard let order else { return nil }
                    return order.clOrdID == requestID || !order.state.isOpen ? order : nil
                } failure: { requestFailure("replace") }
                guard acked.clOrdID == requestID else {
                    throw Failure(code: Failure.rejected, reason: "replace not confirmed: the order is \(acked.state)")
                }
                summary += ", replaced at \(unit.show(newPrice))"
            }

            if command.cancelAfter {
                guard acked.state.isOpen else {
                    throw Failure(code: Failure.rejected, reason: "cannot cancel: the order is already \(acked.state)")
                }
                let current = acked.clOrdID
                let requestID = try onClient(client) { [self] () throws(OrderEntryError) -> String in
                    let id = try session.cancel(clOrdID: current)
                    condition.withLock { pendingRequest = id; requestRejected = nil }
                    return id
                } failing: { "cancel not sent: \($0)" }
                CommandOutput.stderr("sent OrderCancelRequest \(requestID)")
                let final = try waitFor("the cancel confirmation") { () -> TrackedOrder? in
                    guard let order, order.state.isTerminal else { return nil }
                    return order
                } failure: { requestFailure("cancel") }
                guard final.state == .canceled else {
                    throw Failure(code: Failure.rejected, reason: "cancel not confirmed: the order is \(final.state)")
                }
                summary += ", canceled"
            }
            return .success(summary)
        } catch {
            return .failure(error)
        }
    }

    private func logOut(session: OrderEntrySession, client: FixClient) {
        let wasUp = condition.withLock { state == .active }
        guard wasUp else { return }
        nonisolated(unsafe) let session = session
        client.execute { session.logout() }
        waiter.awaitLogout { state == .disconnected }
    }

    private func waitFor<T>(_ what: String, _ ready: () -> T?, failure: () -> Failure?) throws(Failure) -> T {
        try waiter.waitFor(what, ready, failure: failure)
    }

    /// Runs `body` on the I/O thread (session objects live there) and returns its result.
    private func onClient<T>(_ client: FixClient, _ body: @escaping () throws(OrderEntryError) -> T,
                             failing reason: (OrderEntryError) -> String) throws(Failure) -> T {
        nonisolated(unsafe) var result: Result<T, OrderEntryError>?
        nonisolated(unsafe) let body = body
        let done = DispatchSemaphore(value: 0)
        client.execute {
            do throws(OrderEntryError) { result = .success(try body()) } catch { result = .failure(error) }
            done.signal()
        }
        done.wait()
        switch result! {
        case .success(let value): return value
        case .failure(let error):
            let code = if case .session = error { Failure.noSession } else { Failure.rejected }
            throw Failure(code: code, reason: reason(error))
        }
    }

    // Failure checks; called with `condition` held.

    private func logonFailure() -> Failure? {
        sessionFailure.map(command.connection.logonFailure)
    }

    private func sessionLost(_ when: String) -> Failure? {
        if let gatewayReject { return Failure(code: Failure.rejected, reason: gatewayReject) }
        if let sessionFailure { return Failure(code: Failure.noSession, reason: "session ended \(when): \(sessionFailure)") }
        if state == .disconnected { return Failure(code: Failure.noSession, reason: "disconnected \(when)") }
        return nil
    }

    private func requestFailure(_ what: String) -> Failure? {
        if let requestRejected { return Failure(code: Failure.rejected, reason: "\(what) rejected: \(requestRejected)") }
        return sessionLost("before the \(what) was confirmed")
    }

    static func rejection(_ order: TrackedOrder) -> String {
        let reason = order.rejectReason.map { "OrdRejReason \(FixText.described(103, String($0)))" } ?? "no OrdRejReason"
        return reason + (order.text.map { ": \($0)" } ?? "")
    }

    // MARK: OrderEntryDelegate (I/O thread)

    func orderEntry(_ session: OrderEntrySession, received message: FixMessage) {
        let type = message.msgType
        guard type.equals("8") || type.equals("9") else { return }
        print(command.json ? FixText.json(message) : ReportLine.text(message, unit: unit))
        fflush(nil)
        if type.equals("9") {
            let clOrdID = message.value(11)?.string
            let reason = ReportLine.cancelRejectReason(message)
            condition.withLock {
                if clOrdID != nil && clOrdID == pendingRequest { requestRejected = reason }
            }
            condition.broadcast()
        }
    }

    func orderEntry(_ session: OrderEntrySession, updated order: TrackedOrder, fill: Fill?) {
        condition.withLock {
            guard let ours = ourClOrdID, order.clOrdID == ours || order.previousClOrdIDs.contains(ours) else { return }
            self.order = order
        }
        condition.broadcast()
    }

    func orderEntry(_ session: OrderEntrySession, stateChanged state: SessionState) {
        condition.withLock { self.state = state }
        condition.broadcast()
    }

    func orderEntry(_ session: OrderEntrySession, error: OrderEntryError) {
        condition.withLock {
            switch error {
            case .session(let e) where e.isFatal:
                if sessionFailure == nil { sessionFailure = e }
            case .session(.rejectReceived):
                if gatewayReject == nil { gatewayReject = "the gateway rejected our message: \(error)" }
            case .businessReject(let text):
                if gatewayReject == nil { gatewayReject = "business reject: \(text)" }
            default:
                break
            }
        }
        condition.broadcast()
    }
}

/// How prices on the session are written: cents (`45¢`) or dollars (`$0.4500`).
enum PriceUnit {
    case cents
    case dollars

    func show(_ price: KalshiPrice) -> String {
        switch self {
        case .cents: return "\(price.wire(dollars: false))¢"
        case .dollars: return "$\(price.wire(dollars: true))"
        }
    }

    /// A wire price as it appears on this session.
    func show(wire text: String) -> String {
        self == .cents ? "\(text)¢" : "$\(text)"
    }
}

/// The one-line human form of ExecutionReports and OrderCancelRejects.
enum ReportLine {
    static func text(_ message: FixMessage, unit: PriceUnit) -> String {
        func v(_ tag: Int) -> String? { message.value(tag)?.string }
        func name(_ tag: Int) -> String { v(tag).map { FixDictionaryInfo.valueDescription(tag: tag, value: $0) ?? $0 } ?? "?" }
        if message.msgType.equals("9") {
            var line = "CANCEL REJECT  ClOrdID \(v(11) ?? "?")  OrigClOrdID \(v(41) ?? "?")  OrdStatus \(name(39))"
            line += "  " + cancelRejectReason(message)
            return line
        }
        var line = "\(name(150).padding(toLength: 15, withPad: " ", startingAt: 0)) \(v(55) ?? "?") \(name(54))"
        line += " \(v(38) ?? "?") @ \(v(44).map(unit.show(wire:)) ?? "-")"
        if let lastQty = v(32), let lastPx = v(31) { line += "  filled \(lastQty) @ \(unit.show(wire: lastPx))" }
        line += "  status \(name(39)) cum \(v(14) ?? "?") leaves \(v(151) ?? "?")"
        line += "  ClOrdID \(v(11) ?? "?")"
        if let orig = v(41) { line += " (was \(orig))" }
        line += "  OrderID \(v(37) ?? "?")"
        if let reason = v(103) { line += "  OrdRejReason \(FixText.described(103, reason))" }
        if let text = v(58) { line += "  text \"\(text)\"" }
        return line
    }

    /// `CxlRejReason UNKNOWN_ORDER (1): ORDER_NOT_FOUND`.
    static func cancelRejectReason(_ message: FixMessage) -> String {
        let reason = message.value(102).map { "CxlRejReason \(FixText.described(102, $0.string))" } ?? "no CxlRejReason"
        return reason + (message.value(58).map { ": \($0.string)" } ?? "")
    }
}

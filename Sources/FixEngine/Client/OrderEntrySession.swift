import FixCodec
import FixSession
import FixTransport
import Synchronization

/// What an order-entry session tells the application, inline on the I/O thread.
public protocol OrderEntryDelegate: AnyObject {
    /// An ExecutionReport was applied to the tracker (duplicates are not reported).
    func orderEntry(_ session: OrderEntrySession, updated order: TrackedOrder, fill: Fill?)
    /// A cancel or replace was refused (35=9): the order is unchanged.
    func orderEntry(_ session: OrderEntrySession, cancelRejected clOrdID: String, reason: String)
    /// The session changed state (e.g. `.active` after logon).
    func orderEntry(_ session: OrderEntrySession, stateChanged state: SessionState)
    /// A session error, or a message the engine could not use (35=j, a Reject).
    func orderEntry(_ session: OrderEntrySession, error: OrderEntryError)
    /// Every application message as received, before the tracker applies it (duplicates
    /// included): for logs and tools that show the wire. The view is valid during the call only.
    func orderEntry(_ session: OrderEntrySession, received message: FixMessage)
    /// An order group answered (UOH): Create carries the new group's id.
    func orderEntry(_ session: OrderEntrySession, orderGroup response: OrderGroupReply)
    /// An RFQ message for the creator (b, S, UC, AG, UB) on KalshiRT.
    func orderEntry(_ session: OrderEntrySession, rfq event: RFQEvent)
}

extension OrderEntryDelegate {
    public func orderEntry(_ session: OrderEntrySession, cancelRejected clOrdID: String, reason: String) {}
    public func orderEntry(_ session: OrderEntrySession, orderGroup response: OrderGroupReply) {}
    public func orderEntry(_ session: OrderEntrySession, rfq event: RFQEvent) {}
    public func orderEntry(_ session: OrderEntrySession, stateChanged state: SessionState) {}
    public func orderEntry(_ session: OrderEntrySession, error: OrderEntryError) {}
    public func orderEntry(_ session: OrderEntrySession, received message: FixMessage) {}
}

/// Why an order-entry call failed, or what went wrong on the session.
public enum OrderEntryError: Error, Sendable, CustomStringConvertible {
    /// A pre-trade limit refused the order; nothing was sent.
    case risk(RiskViolation)
    /// The price cannot be sent (not strictly between 0 and 1 dollar, or not representable in
    /// the session's unit: subpenny prices need UseDollars).
    case invalidPrice(KalshiPrice)
    /// No order answers to this ClOrdID, or it is already filled/canceled.
    case unknownOrder(clOrdID: String)
    /// The session could not send (not logged on, transport failure).
    case session(SessionError)
    /// Kalshi refused a message at the business level (35=j).
    case businessReject(text: String)

    public var description: String {
        switch self {
        case .risk(let v): return "refused before sending: \(v)"
        case .invalidPrice(let p): return "price \(p) cannot be sent on this session"
        case .unknownOrder(let id): return "no open order \(id)"
        case .session(let e): return "\(e)"
        case .businessReject(let t): return "business reject: \(t)"
        }
    }
}

/// Order entry on a KalshiNR or KalshiRT session: typed new / cancel / replace / mass cancel
/// with ClOrdID generation, UseDollars-aware prices, pre-trade risk checks and a kill switch,
/// and an ``OrderTracker`` fed with every ExecutionReport.
///
/// - Important: I/O thread only: call its methods from the delegate callbacks or through
///   ``FixClient/execute(_:)``.
public final class OrderEntrySession: SessionHandler {
    private static let sessionOrdinal = Atomic<UInt64>(0)
    public let configuration: SessionConfiguration
    /// Every order of this session (and, on a listener, of the account).
    public let tracker = OrderTracker()
    public weak var delegate: (any OrderEntryDelegate)?
    /// The underlying session.
    public private(set) var driver: SessionDriver!
    /// Whether prices on this session are dollars (UseDollars, always on margin).
    public let dollars: Bool
    /// New orders are refused while set; see ``engageKillSwitch()``.
    public private(set) var killSwitchEngaged = false

    private var risk: RiskChecker
    private var referencePrices: [String: KalshiPrice] = [:]
    private let clOrdIDPrefix: String
    private var clOrdIDCounter: UInt64 = 0

    init(configuration: SessionConfiguration, endpoint: SessionEndpoint, reactor: Reactor, store: any SessionStore,
         limits: RiskLimits, reconnectPolicy: ReconnectPolicy?, messageLog: FixMessageLog?) {
        self.configuration = configuration
        self.risk = RiskChecker(limits: limits)
        dollars = configuration.product.alwaysUsesDollarPrices || configuration.logonOptions.priceUnit == .dollars
        // Unique across restarts without coordination: start time in base 36, then a counter.
        // Start time plus a process-wide session ordinal: two sessions opened in the same
        // millisecond still never share a ClOrdID.
        clOrdIDPrefix = String(UInt64(FixTimestamp.now().nanosecondsSinceEpoch / 1_000_000), radix: 36)
            + String(Self.sessionOrdinal.add(1, ordering: .relaxed).oldValue % 1296, radix: 36)
        driver = SessionDriver(configuration: configuration, endpoint: endpoint, reactor: reactor, store: store, handler: self,
                               reconnectPolicy: reconnectPolicy, messageLog: messageLog)
    }

    /// Sets the price the band check measures against for `symbol` (otherwise the last fill).
    public func setReferencePrice(_ price: KalshiPrice, symbol: String) { referencePrices[symbol] = price }

    /// The risk limits in force; changes apply to the next order.
    public var limits: RiskLimits {
        get { risk.limits }
        set { risk.limits = newValue }
    }

    // MARK: Orders

    /// Sends a limit order; returns its ClOrdID.
    /// - Parameters:
    ///   - side: `.buyYes` (bid) or `.sellNo` (sell YES = buy NO).
    ///   - price: the YES limit price.
    ///   - quantity: contracts.
    ///   - orderGroup: an order group id (from ``OrderGroupReply``) the order counts toward.
    @discardableResult
    public func newOrder(symbol: String, side: Side, quantity: Contracts, price: KalshiPrice, timeInForce: TimeInForce = .gtc,
                         expireTime: FixTimestamp? = nil, postOnly: Bool = false,
                         orderGroup: String? = nil) throws(OrderEntryError) -> String {
        if killSwitchEngaged { throw .risk(.killSwitch) }
        guard price.isValidPredictionPrice || configuration.product == .margin else { throw .invalidPrice(price) }
        if !dollars && price.units % 100 != 0 { throw .invalidPrice(price) }
        let reference = referencePrices[symbol] ?? tracker.lastFillPrice(symbol: symbol)
        do throws(RiskViolation) {
            try risk.checkNewOrder(symbol: symbol, side: side, price: price, quantity: quantity, openOrders: tracker.openOrderCount,
                                   position: tracker.position(symbol: symbol), openExposure: tracker.openQuantity(symbol: symbol, side: side),
                                   reference: reference)
            try risk.admitMessage(now: Reactor.monotonicNanoseconds())
        } catch {
            throw .risk(error)
        }
        let clOrdID = nextClOrdID()
        let message = NewOrderSingle(clOrdID: clOrdID, execInst: postOnly ? "6" : nil, orderQty: quantity.wire, ordType: .limit,
                                     price: price.wire(dollars: dollars), side: side, symbol: symbol, timeInForce: timeInForce,
                                     expireTime: expireTime, secondaryClOrdID: orderGroup)  // 526 binds the group (FACTS §12)
        tracker.willSend(clOrdID: clOrdID, symbol: symbol, side: side, price: price, quantity: quantity)
        try send(message)
        return clOrdID
    }

    /// Cancels the open order answering to `clOrdID`; returns the cancel request's ClOrdID.
    @discardableResult
    public func cancel(clOrdID: String) throws(OrderEntryError) -> String {
        guard let order = tracker.order(clOrdID: clOrdID), order.state.isOpen else { throw .unknownOrder(clOrdID: clOrdID) }
        do throws(RiskViolation) { try risk.admitMessage(now: Reactor.monotonicNanoseconds()) } catch { throw .risk(error) }
        let requestID = nextClOrdID()
        tracker.willAmend(requestClOrdID: requestID, of: order.clOrdID)
        try send(OrderCancelRequest(clOrdID: requestID, orderID: order.orderID, origClOrdID: order.clOrdID, side: order.side,
                                    symbol: order.symbol))
        return requestID
    }

    /// Replaces the open order answering to `clOrdID` with a new total quantity and/or price;
    /// returns the new ClOrdID (the order answers to it once Kalshi confirms).
    @discardableResult
    public func replace(clOrdID: String, quantity: Contracts? = nil, price: KalshiPrice? = nil) throws(OrderEntryError) -> String {
        guard let order = tracker.order(clOrdID: clOrdID), order.state.isOpen else { throw .unknownOrder(clOrdID: clOrdID) }
        if let price, !dollars && price.units % 100 != 0 { throw .invalidPrice(price) }
        do throws(RiskViolation) { try risk.admitMessage(now: Reactor.monotonicNanoseconds()) } catch { throw .risk(error) }
        let requestID = nextClOrdID()
        tracker.willAmend(requestClOrdID: requestID, of: order.clOrdID)
        try send(OrderCancelReplaceRequest(clOrdID: requestID, orderID: order.orderID, origClOrdID: order.clOrdID,
                                           orderQty: (quantity ?? order.orderQty).wire, ordType: .limit,
                                           price: (price ?? order.price)?.wire(dollars: dollars), side: order.side, symbol: order.symbol))
        return requestID
    }

    /// Cancels every open order of the session: OrderMassCancelRequest on KalshiNR, one
    /// cancel per open order elsewhere (mass cancel is an NR message, FACTS §9.4).
    public func cancelAll() throws(OrderEntryError) {
        if configuration.sessionType == .kalshiNR {
            try send(OrderMassCancelRequest(clOrdID: nextClOrdID(), massCancelRequestType: .cancelForSession))
            return
        }
        for order in tracker.openOrders { _ = try? cancel(clOrdID: order.clOrdID) }
    }

    /// Blocks new orders and cancels every open one. Stays engaged until ``releaseKillSwitch()``.
    public func engageKillSwitch() {
        killSwitchEngaged = true
        try? cancelAll()
    }

    public func releaseKillSwitch() { killSwitchEngaged = false }

    /// Logs out (and does not reconnect).
    public func logout() { driver.logout() }

    private func send(_ message: some FixEncodableMessage) throws(OrderEntryError) {
        do throws(SessionError) { try driver.send(message) } catch { throw .session(error) }
    }

    private func nextClOrdID() -> String {
        "\(clOrdIDPrefix)-\(nextCounterValue())"
    }

    /// The session's id counter (ClOrdIDs, RFQ ids): unique within the session.
    func nextCounterValue() -> UInt64 {
        clOrdIDCounter &+= 1
        return clOrdIDCounter
    }

    // MARK: SessionHandler

    public func session(_ session: SessionDriver, received message: FixMessage) {
        delegate?.orderEntry(self, received: message)
        let type = message.msgType
        if type.equals("8") {
            switch tracker.apply(message, dollars: dollars) {
            case .applied(let order, let fill), .adopted(let order, let fill):
                delegate?.orderEntry(self, updated: order, fill: fill)
            case .duplicate, .ignored:
                break
            }
        } else if type.equals("9") {
            let clOrdID = message.body.value(41)?.string ?? message.body.value(11)?.string ?? ""
            delegate?.orderEntry(self, cancelRejected: clOrdID, reason: message.body.value(58)?.string ?? "")
        } else if type.equals("j") {
            delegate?.orderEntry(self, error: .businessReject(text: message.body.value(58)?.string ?? ""))
        } else if let response = Self.orderGroupResponse(message) {
            delegate?.orderEntry(self, orderGroup: response)
        } else if let event = RFQEvent.decode(message, creatorSide: true, dollars: dollars) {
            delegate?.orderEntry(self, rfq: event)
        }
    }

    public func session(_ session: SessionDriver, stateChanged state: SessionState) {
        delegate?.orderEntry(self, stateChanged: state)
    }

    public func session(_ session: SessionDriver, error: SessionError) {
        delegate?.orderEntry(self, error: .session(error))
    }
}

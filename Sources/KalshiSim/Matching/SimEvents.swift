// What the matching engine reports: order snapshots, fills, cancels, replaces, rejects,
// cancel rejects and expiries, in the order Kalshi would send the ExecutionReports; plus the
// market-data change feed.

// MARK: Orders

/// The life-cycle state of an order as the ExecutionReport's OrdStatus (tag 39) sees it.
public enum SimOrderStatus: UInt8, Hashable, Sendable {
    /// Open, nothing filled (`0`).
    case new
    /// Open with some fills (`1`).
    case partiallyFilled
    /// Closed, fully filled (`2`).
    case filled
    /// Closed by a cancel of any kind; may include fills (`4`).
    case canceled
    /// Closed by its DAY/GTD deadline (`C`; Kalshi shows it as Canceled unless tag 21012=Y).
    case expired

    /// Whether the order can still trade.
    @inlinable public var isOpen: Bool { self == .new || self == .partiallyFilled }
}

/// A snapshot of one order at the moment of an event (all quantities in contracts, prices in
/// 1/10,000 dollar YES prices, money in 1/1,000,000 dollar).
public struct SimOrderView: Hashable, Sendable {
    /// Exchange order id (tag 37).
    public var orderID: SimOrderID
    /// The account that owns the order.
    public var owner: SimOwnerID
    /// Market ticker (tag 55).
    public var market: String
    /// The ClOrdID of the last accepted request that changed the order (new order or replace).
    public var clientOrderID: String
    /// The ClOrdID the order was first submitted with (start of the replace chain).
    public var originalClientOrderID: String
    /// Order group, if the order belongs to one.
    public var group: SimGroupID?
    /// Bid (buy YES) or ask (sell YES).
    public var side: SimSide
    /// Limit price (YES, 1/10,000 dollar).
    public var price: SimPrice
    /// The quantity first submitted.
    public var originalQuantity: SimQuantity
    /// The current total order quantity: cum + leaves while open (after a replace, the replaced
    /// total); after a cancel it stays what it was, while leaves becomes zero.
    public var orderQuantity: SimQuantity
    /// Filled so far (tag 14).
    public var cumQuantity: SimQuantity
    /// Still open (tag 151); zero once closed.
    public var leavesQuantity: SimQuantity
    /// Sum of fill price × fill quantity, exact (1/1,000,000 dollar).
    public var notional: SimMoney
    /// Time in force (DAY carries its end-of-day deadline).
    public var timeInForce: SimTimeInForce
    /// Post-only (ExecInst `6`).
    public var postOnly: Bool
    /// Canceled when the market pauses (tag 21006).
    public var cancelOnPause: Bool
    /// Self-trade prevention when this order is the taker (tag 2964).
    public var selfTradePrevention: SimSelfTradePrevention
    /// Life-cycle state.
    public var status: SimOrderStatus

    /// Average fill price (tag 6): `notional / cumQuantity` rounded to the nearest 1/10,000 dollar,
    /// halves rounded up; nil before the first fill. ``notional`` keeps the exact value.
    public var averagePrice: SimPrice? {
        guard cumQuantity.hundredths > 0 else { return nil }
        let q = cumQuantity.hundredths
        return SimPrice(units: (notional.micros * 2 + q) / (2 * q))
    }
}

// MARK: Fills

/// One execution between a resting (maker) order and an incoming (taker) order.
public struct SimFill: Hashable, Sendable {
    /// Unique trade id (tag 880).
    public var tradeID: SimTradeID
    /// Market ticker.
    public var market: String
    /// Execution price: always the maker's limit price (YES, 1/10,000 dollar; tag 31).
    public var price: SimPrice
    /// Executed quantity (tag 32).
    public var quantity: SimQuantity
    /// The taker's side (the aggressor, tag 1057=Y on the taker's report).
    public var aggressorSide: SimSide
    /// The incoming order after this fill (cum, leaves, notional and status updated).
    public var taker: SimOrderView
    /// The resting order after this fill.
    public var maker: SimOrderView
}

// MARK: Cancels, replaces, rejects

/// Why an order was closed without being filled completely; ``text`` is Kalshi's tag 58 (FACTS §9.7).
public enum SimCancelReason: Hashable, Sendable {
    /// The owner's cancel request (35=F); no Text.
    case requested
    /// A replace to a total quantity equal to the filled quantity (FACTS §9.2); no Text.
    case replacedToFilledQuantity
    /// The owner's mass cancel (35=q); no Text.
    case massCancel
    /// The order's group was triggered or deleted (ORDER_GROUP_CANCEL).
    case orderGroup
    /// IOC remainder, or a GTD/DAY order whose deadline had already passed (IMMEDIATE_OR_CANCELLED).
    case immediateOrCancel
    /// FOK that could not fill completely (FOK_INSUFFICIENT_VOLUME).
    case fillOrKillInsufficientVolume
    /// Post-only order that would have crossed (POST_ONLY_CROSS).
    case postOnlyCross
    /// Incoming order stopped at its own resting order (TAKER_CANCEL_FOR_SELF_TRADE_PREVENTION).
    case takerSelfTradePrevention
    /// Resting order removed because its owner's incoming order reached it (MAKER_CANCEL_FOR_SELF_TRADE_PREVENTION).
    case makerSelfTradePrevention
    /// Filling the order now would cost more than its MaxExecutionCost (tag 21009).
    /// Kalshi's Text for this is not documented; we send MAX_EXECUTION_COST_EXCEEDED.
    case maxExecutionCostExceeded
    /// Canceled because the market paused and the order had CancelOrderOnPause (TRADING_PAUSED).
    case tradingPaused

    /// Kalshi's Text (58), or nil where Kalshi sends none.
    public var text: String? {
        switch self {
        case .requested, .replacedToFilledQuantity, .massCancel: return nil
        case .orderGroup: return "ORDER_GROUP_CANCEL"
        case .immediateOrCancel: return "IMMEDIATE_OR_CANCELLED"
        case .fillOrKillInsufficientVolume: return "FOK_INSUFFICIENT_VOLUME"
        case .postOnlyCross: return "POST_ONLY_CROSS"
        case .takerSelfTradePrevention: return "TAKER_CANCEL_FOR_SELF_TRADE_PREVENTION"
        case .makerSelfTradePrevention: return "MAKER_CANCEL_FOR_SELF_TRADE_PREVENTION"
        case .maxExecutionCostExceeded: return "MAX_EXECUTION_COST_EXCEEDED"
        case .tradingPaused: return "TRADING_PAUSED"
        }
    }
}

/// Why a new order was rejected (ExecType `8`): Text (58) and OrdRejReason (103), FACTS §9.6/9.7.
public enum SimRejectReason: Hashable, Sendable {
    /// Unknown ticker: MARKET_NOT_FOUND, OrdRejReason 1 (unknown symbol).
    case marketNotFound
    /// The market is paused: TRADING_PAUSED, OrdRejReason 2 (exchange closed).
    case tradingPaused
    /// The owner has an open order with this ClOrdID: ORDER_ALREADY_EXISTS, OrdRejReason 6.
    case orderAlreadyExists
    /// Price off the tick grid or not strictly between 0 and 1 dollar: INVALID_ORDER, OrdRejReason 11.
    case invalidPrice
    /// Quantity not positive, or fractional on a whole-contracts market: INVALID_ORDER, OrdRejReason 13.
    case invalidQuantity

    /// Kalshi's Text (58).
    public var text: String {
        switch self {
        case .marketNotFound: return "MARKET_NOT_FOUND"
        case .tradingPaused: return "TRADING_PAUSED"
        case .orderAlreadyExists: return "ORDER_ALREADY_EXISTS"
        case .invalidPrice, .invalidQuantity: return "INVALID_ORDER"
        }
    }

    /// OrdRejReason (103).
    public var ordRejReason: Int {
        switch self {
        case .marketNotFound: return 1
        case .tradingPaused: return 2
        case .orderAlreadyExists: return 6
        case .invalidPrice: return 11
        case .invalidQuantity: return 13
        }
    }
}

/// A rejected new order; no order id was assigned.
public struct SimOrderReject: Hashable, Sendable {
    /// The account that sent it.
    public var owner: SimOwnerID
    /// Its ClOrdID.
    public var clientOrderID: String
    /// The ticker it named.
    public var market: String
    /// Why.
    public var reason: SimRejectReason
}

/// Which request a cancel reject answers (tag 434).
public enum SimCancelRequestKind: UInt8, Hashable, Sendable {
    /// OrderCancelRequest (`1`).
    case cancel = 1
    /// OrderCancelReplaceRequest (`2`).
    case replace = 2
}

/// Why a cancel or replace failed (35=9): Text (58) and CxlRejReason (102), FACTS §9.8.
public enum SimCancelRejectReason: Hashable, Sendable {
    /// No open order with that id belongs to the requester (never existed, or another owner's):
    /// ORDER_NOT_FOUND, CxlRejReason 1. (FACTS lists no Text for this; ours.)
    case unknownOrder
    /// The order is already closed (filled, canceled or expired): CANNOT_UPDATE_FILLED_ORDER,
    /// CxlRejReason 0 (too late to cancel) on a cancel, 2 (broker) on a replace.
    case orderClosed
    /// Replace below the filled quantity: INVALID_AMEND_QTY_FOR_ORDER, CxlRejReason 2.
    case invalidAmendQuantity
    /// Replace while the market is paused: TRADING_PAUSED, CxlRejReason 99.
    case tradingPaused
    /// Replace with an invalid price, quantity or time in force (IOC/FOK, deadline not in the
    /// future): INVALID_ORDER, CxlRejReason 99.
    case invalidOrder
    /// Replace whose new ClOrdID is another open order's: ORDER_ALREADY_EXISTS, CxlRejReason 99.
    case orderAlreadyExists
    /// Replace of a post-only order to a price that would cross: POST_ONLY_CROSS, CxlRejReason 99
    /// (the order stays as it was).
    case postOnlyCross

    /// Kalshi's Text (58).
    public var text: String {
        switch self {
        case .unknownOrder: return "ORDER_NOT_FOUND"
        case .orderClosed: return "CANNOT_UPDATE_FILLED_ORDER"
        case .invalidAmendQuantity: return "INVALID_AMEND_QTY_FOR_ORDER"
        case .tradingPaused: return "TRADING_PAUSED"
        case .invalidOrder: return "INVALID_ORDER"
        case .orderAlreadyExists: return "ORDER_ALREADY_EXISTS"
        case .postOnlyCross: return "POST_ONLY_CROSS"
        }
    }

    /// CxlRejReason (102) for a reject answering `kind`.
    public func cxlRejReason(for kind: SimCancelRequestKind) -> Int {
        switch self {
        case .unknownOrder: return 1
        case .orderClosed: return kind == .cancel ? 0 : 2
        case .invalidAmendQuantity: return 2
        case .tradingPaused, .invalidOrder, .orderAlreadyExists, .postOnlyCross: return 99
        }
    }
}

/// A failed cancel or replace; the order (if it is open and the requester's) is unchanged.
public struct SimCancelReject: Hashable, Sendable {
    /// The account that sent the request.
    public var owner: SimOwnerID
    /// The order id the request named.
    public var orderID: SimOrderID
    /// Cancel or replace.
    public var kind: SimCancelRequestKind
    /// Why.
    public var reason: SimCancelRejectReason
    /// The order's current state when it is open and the requester's (for OrdStatus, tag 39).
    public var order: SimOrderView?

    /// CxlRejReason (102).
    public var cxlRejReason: Int { reason.cxlRejReason(for: kind) }
}

/// An accepted replace (ExecType `5`).
public struct SimReplace: Hashable, Sendable {
    /// The order after the replace, before any fill the new price causes.
    public var order: SimOrderView
    /// The ClOrdID before (OrigClOrdID, tag 41).
    public var previousClientOrderID: String
    /// The limit price before.
    public var previousPrice: SimPrice
    /// The total order quantity before.
    public var previousOrderQuantity: SimQuantity
    /// The leaves quantity before.
    public var previousLeavesQuantity: SimQuantity
    /// The time in force before.
    public var previousTimeInForce: SimTimeInForce
    /// Whether the order kept its place in the FIFO queue (same price, quantity not raised).
    public var priorityKept: Bool
}

// MARK: The event

/// One thing the gateway turns into an ExecutionReport (or 35=9), in Kalshi's order.
///
/// A new order produces `accepted`, then one `fill` per maker it trades with (makers canceled by
/// self-trade prevention appear as `canceled` between them), then at most one `canceled` for its
/// remainder (IOC, FOK, post-only, STP, max execution cost). A replace produces `replaced`, then
/// the fills of a crossing price. Invalid input produces only `rejected` / `cancelRejected`.
public enum SimEvent: Hashable, Sendable {
    /// The order was accepted (ExecType New); `leavesQuantity` is its full quantity.
    case accepted(SimOrderView)
    /// One maker/taker execution.
    case fill(SimFill)
    /// The order was closed; `order.leavesQuantity` is zero, `leavesBeforeCancel` what was open.
    case canceled(SimOrderView, reason: SimCancelReason, leavesBeforeCancel: SimQuantity)
    /// The order was replaced.
    case replaced(SimReplace)
    /// A new order was rejected.
    case rejected(SimOrderReject)
    /// A cancel or replace was rejected.
    case cancelRejected(SimCancelReject)
    /// A resting DAY/GTD order reached its deadline; `leavesBeforeExpiry` is what was open.
    case expired(SimOrderView, leavesBeforeExpiry: SimQuantity)
}

// MARK: Market data

/// One price level: aggregated over its resting orders.
public struct SimLevel: Hashable, Sendable {
    /// Level price (YES, 1/10,000 dollar).
    public var price: SimPrice
    /// Sum of the leaves quantities resting there (contracts).
    public var quantity: SimQuantity
    /// Number of resting orders.
    public var orderCount: Int
}

/// A trade print for market data (one per fill).
public struct SimTradePrint: Hashable, Sendable {
    /// Market ticker.
    public var market: String
    /// Trade id, the same as the fill's.
    public var tradeID: SimTradeID
    /// YES price (1/10,000 dollar).
    public var price: SimPrice
    /// Contracts.
    public var quantity: SimQuantity
    /// The taker's side.
    public var aggressorSide: SimSide
    /// When it happened (nanoseconds since the Unix epoch, as passed to the engine).
    public var time: Int64
}

/// A record of the market-data change feed.
public enum SimMarketDataChange: Hashable, Sendable {
    /// A trade, in execution order.
    case trade(SimTradePrint)
    /// The current aggregate of a level that changed since the last drain; quantity zero means
    /// the level is now empty.
    case level(market: String, side: SimSide, level: SimLevel)
}

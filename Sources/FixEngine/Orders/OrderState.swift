import FixCodec

/// Where an order is in its life, as the tracker knows it from ExecutionReports.
public enum OrderState: Sendable, Hashable, CustomStringConvertible {
    /// Sent; no report yet.
    case sent
    /// Kalshi's Pending New (`A`).
    case pendingNew
    /// Acknowledged, resting, nothing filled.
    case new
    /// Resting with some fills.
    case partiallyFilled
    /// A cancel was requested and Kalshi reported Pending Cancel (`6`).
    case pendingCancel
    /// A replace was requested and Kalshi reported Pending Replace (`E`).
    case pendingReplace
    /// Completely filled. Terminal.
    case filled
    /// Canceled (by request, IOC/FOK remainder, self-trade prevention, mass cancel…). Terminal.
    case canceled
    /// Expired (DAY/GTD deadline; only with UseExpiredOrdStatus). Terminal.
    case expired
    /// Rejected by the exchange. Terminal.
    case rejected

    /// No further reports change it (except a late duplicate, which the tracker ignores).
    public var isTerminal: Bool {
        switch self {
        case .filled, .canceled, .expired, .rejected: return true
        default: return false
        }
    }

    /// Can still trade.
    public var isOpen: Bool { !isTerminal }

    public var description: String {
        switch self {
        case .sent: return "sent"
        case .pendingNew: return "pending new"
        case .new: return "new"
        case .partiallyFilled: return "partially filled"
        case .pendingCancel: return "pending cancel"
        case .pendingReplace: return "pending replace"
        case .filled: return "filled"
        case .canceled: return "canceled"
        case .expired: return "expired"
        case .rejected: return "rejected"
        }
    }

    /// The state an ExecutionReport's OrdStatus (39) says; nil for values Kalshi may add.
    init?(_ status: OrdStatus) {
        switch status {
        case .new: self = .new
        case .partiallyFilled: self = .partiallyFilled
        case .filled: self = .filled
        case .canceled: self = .canceled
        case .replaced: self = .new  // refined by the tracker from CumQty
        case .pendingCancel: self = .pendingCancel
        case .rejected: self = .rejected
        case .pendingNew: self = .pendingNew
        case .expired: self = .expired
        case .pendingReplace: self = .pendingReplace
        case .unknown: return nil
        }
    }
}

/// An order as the tracker knows it. Quantities in contracts, prices are YES prices.
public struct TrackedOrder: Sendable, Hashable {
    /// Kalshi's order id (37), once acknowledged.
    public var orderID: String?
    /// The ClOrdID the order currently answers to (the latest accepted replace's).
    public var clOrdID: String
    /// Earlier ClOrdIDs of the replace chain, oldest first.
    public var previousClOrdIDs: [String]
    public var symbol: String
    public var side: Side
    /// Limit price.
    public var price: KalshiPrice?
    /// Total quantity (CumQty + LeavesQty).
    public var orderQty: Contracts
    /// Filled so far.
    public var cumQty: Contracts
    /// Still open.
    public var leavesQty: Contracts
    /// Average fill price (nil before the first fill).
    public var averagePrice: KalshiPrice?
    public var state: OrderState
    /// Text (58) of the last report that had one (reject or cancel reason).
    public var text: String?
    /// OrdRejReason (103) when rejected.
    public var rejectReason: Int?
    /// ExecID of the last report applied.
    public var lastExecID: ExecID?
}

/// One execution of one of our orders.
public struct Fill: Sendable, Hashable {
    /// ExecID (17) of the Trade report: unique per report, the deduplication key.
    public var execID: ExecID
    public var orderID: String
    public var clOrdID: String
    public var symbol: String
    public var side: Side
    /// YES price of the fill (LastPx, 31).
    public var price: KalshiPrice
    /// LastQty (32).
    public var quantity: Contracts
    /// TrdMatchID (880): the same on both sides of a trade.
    public var tradeID: String?
    /// AggressorIndicator (1057): true when we took liquidity.
    public var aggressor: Bool?
    /// Exchange fees of this fill (sum of 137), dollars.
    public var fee: FixDecimal
    /// TransactTime (60).
    public var time: FixTimestamp?
}

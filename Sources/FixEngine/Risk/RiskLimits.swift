import FixCodec

/// Pre-trade limits, checked before an order leaves the process. `nil` disables a limit.
public struct RiskLimits: Sendable, Hashable {
    /// Largest quantity of one order, contracts.
    public var maxOrderQuantity: Contracts?
    /// Most orders open at once (sent and not yet terminal).
    public var maxOpenOrders: Int?
    /// Largest absolute net position per market after the order would fill completely, contracts.
    public var maxPositionPerMarket: Contracts?
    /// Largest cost of one order (price × quantity for YES, (1 − price) × quantity for NO),
    /// in 1/10,000 dollar × contracts — i.e. a ``KalshiPrice``-scaled dollar amount.
    public var maxOrderNotional: KalshiPrice?
    /// Largest distance of a limit price from the market's reference price (the last fill we
    /// saw, or the one given to ``OrderEntrySession/setReferencePrice(_:symbol:)``).
    public var priceBand: KalshiPrice?
    /// Orders, cancels and replaces per second (Kalshi throttles; stay under it).
    public var maxMessagesPerSecond: Int?

    public init(maxOrderQuantity: Contracts? = nil, maxOpenOrders: Int? = nil, maxPositionPerMarket: Contracts? = nil,
                maxOrderNotional: KalshiPrice? = nil, priceBand: KalshiPrice? = nil, maxMessagesPerSecond: Int? = nil) {
        self.maxOrderQuantity = maxOrderQuantity
        self.maxOpenOrders = maxOpenOrders
        self.maxPositionPerMarket = maxPositionPerMarket
        self.maxOrderNotional = maxOrderNotional
        self.priceBand = priceBand
        self.maxMessagesPerSecond = maxMessagesPerSecond
    }

    /// No limits.
    public static let none = RiskLimits()
}

/// Why an order was refused before it was sent.
public enum RiskViolation: Error, Sendable, Hashable, CustomStringConvertible {
    case orderQuantity(Contracts, limit: Contracts)
    case openOrders(Int, limit: Int)
    case position(symbol: String, resulting: Contracts, limit: Contracts)
    case notional(KalshiPrice, limit: KalshiPrice)
    case priceBand(price: KalshiPrice, reference: KalshiPrice, band: KalshiPrice)
    case throttled(perSecond: Int)
    case killSwitch

    public var description: String {
        switch self {
        case .orderQuantity(let q, let l): return "order quantity \(q) exceeds the limit \(l) contracts"
        case .openOrders(let n, let l): return "\(n) open orders: the limit is \(l)"
        case .position(let s, let r, let l): return "position in \(s) would reach \(r) contracts, beyond ±\(l)"
        case .notional(let n, let l): return "order cost $\(n.wire(dollars: true)) exceeds the limit $\(l.wire(dollars: true))"
        case .priceBand(let p, let r, let b): return "price \(p) is more than \(b) from the reference \(r)"
        case .throttled(let n): return "more than \(n) messages in one second"
        case .killSwitch: return "the kill switch is engaged: no new orders"
        }
    }
}

/// The checks, with the little state they need (throttle window). Not thread-safe.
struct RiskChecker {
    var limits: RiskLimits
    private var windowStart: UInt64 = 0
    private var windowCount = 0

    init(limits: RiskLimits) { self.limits = limits }

    /// Counts one outbound message against the throttle.
    mutating func admitMessage(now: UInt64) throws(RiskViolation) {
        guard let limit = limits.maxMessagesPerSecond else { return }
        if now &- windowStart >= 1_000_000_000 {
            windowStart = now
            windowCount = 0
        }
        guard windowCount < limit else { throw .throttled(perSecond: limit) }
        windowCount += 1
    }

    func checkNewOrder(symbol: String, side: Side, price: KalshiPrice, quantity: Contracts, openOrders: Int,
                       position: Contracts, openExposure: Contracts, reference: KalshiPrice?) throws(RiskViolation) {
        if let limit = limits.maxOrderQuantity, quantity > limit { throw .orderQuantity(quantity, limit: limit) }
        if let limit = limits.maxOpenOrders, openOrders + 1 > limit { throw .openOrders(openOrders + 1, limit: limit) }
        if let limit = limits.maxPositionPerMarket {
            // Worst case: this order and every open order on the same side fill.
            let signed = side == .sellNo ? -quantity.hundredths - openExposure.hundredths : quantity.hundredths + openExposure.hundredths
            let resulting = Contracts(hundredths: position.hundredths + signed)
            if abs(resulting.hundredths) > limit.hundredths { throw .position(symbol: symbol, resulting: resulting, limit: limit) }
        }
        if let limit = limits.maxOrderNotional {
            let perContract = side == .sellNo ? price.complement : price
            // units × hundredths / 100 = 1/10,000 dollar.
            let (product, overflow) = perContract.units.multipliedReportingOverflow(by: quantity.hundredths)
            let cost = KalshiPrice(units: overflow ? .max : product / 100)
            if cost > limit { throw .notional(cost, limit: limit) }
        }
        if let band = limits.priceBand, let reference, abs(price.units - reference.units) > band.units {
            throw .priceBand(price: price, reference: reference, band: band)
        }
    }
}

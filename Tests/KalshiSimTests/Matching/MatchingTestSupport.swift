import Testing
@testable import KalshiSim

/// Parent suite of the matching-engine tests; its static members are the shared fixtures, which the
/// nested suites see unqualified (and which cannot clash with other KalshiSim tests' names).
@Suite("Matching engine")
enum MatchingEngineTests {
    static let alice = SimOwnerID(1)
    static let bob = SimOwnerID(2)
    static let carol = SimOwnerID(3)

    /// A prediction market (1-cent tick, fractional quantities).
    static let market = "KXTEST-26JAN01-T50"
    /// A margin-style market (0.0001-dollar tick, whole contracts only).
    static let marginMarket = "BTC-PERP"

    /// An engine listing `market` and `marginMarket`.
    static func makeEngine() -> SimMatchingEngine {
        var engine = SimMatchingEngine(expectedOrders: 64)
        engine.addMarket(market)
        engine.addMarket(marginMarket, config: .margin)
        return engine
    }

    /// Contracts, possibly fractional through `hundredths`.
    static func qty(_ contracts: Int64) -> SimQuantity { .contracts(contracts) }

    /// An order request with the usual defaults, price in cents.
    static func request(
        _ owner: SimOwnerID, _ clientOrderID: String, _ side: SimSide, cents: Int64, _ quantity: SimQuantity,
        tif: SimTimeInForce = .goodTillCancel, postOnly: Bool = false, stp: SimSelfTradePrevention = .takerAtCross,
        cancelOnPause: Bool = false, maxCost: SimMoney? = nil, group: SimGroupID? = nil, in ticker: String = market
    ) -> SimOrderRequest {
        SimOrderRequest(owner: owner, clientOrderID: clientOrderID, market: ticker, side: side, price: .cents(cents),
                        quantity: quantity, timeInForce: tif, postOnly: postOnly, selfTradePrevention: stp,
                        cancelOnPause: cancelOnPause, maxExecutionCost: maxCost, group: group)
    }

    /// The fills among `events`.
    static func fills(_ events: [SimEvent]) -> [SimFill] {
        events.compactMap { if case .fill(let f) = $0 { return f } else { return nil } }
    }

    /// The cancels among `events`: (order id, reason, leaves before).
    static func cancels(_ events: [SimEvent]) -> [(id: SimOrderID, reason: SimCancelReason, leaves: SimQuantity)] {
        events.compactMap {
            if case .canceled(let v, let reason, let leaves) = $0 { return (v.orderID, reason, leaves) } else { return nil }
        }
    }

    /// A one-word name per event, to compare sequences.
    static func kinds(_ events: [SimEvent]) -> [String] {
        events.map {
            switch $0 {
            case .accepted: return "accepted"
            case .fill: return "fill"
            case .canceled: return "canceled"
            case .replaced: return "replaced"
            case .rejected: return "rejected"
            case .cancelRejected: return "cancelRejected"
            case .expired: return "expired"
            }
        }
    }

    /// The reject reason when `events` is a single `rejected`.
    static func rejectReason(_ events: [SimEvent]) -> SimRejectReason? {
        guard events.count == 1, case .rejected(let r) = events[0] else { return nil }
        return r.reason
    }

    /// The cancel-reject when `events` is a single `cancelRejected`.
    static func cancelReject(_ events: [SimEvent]) -> SimCancelReject? {
        guard events.count == 1, case .cancelRejected(let r) = events[0] else { return nil }
        return r
    }

}

extension SimMatchingEngine {
    /// Submits and returns the id plus the events of this call only.
    @discardableResult
    mutating func submitCollecting(_ r: SimOrderRequest, now: Int64 = 0) -> (id: SimOrderID?, events: [SimEvent]) {
        var events: [SimEvent] = []
        let id = submit(r, now: now, into: &events)
        return (id, events)
    }

    /// Submits an order expected to rest untouched; records an issue otherwise.
    @discardableResult
    mutating func submitResting(_ r: SimOrderRequest, now: Int64 = 0, sourceLocation: SourceLocation = #_sourceLocation) -> SimOrderID {
        let (id, events) = submitCollecting(r, now: now)
        #expect(events.count == 1, "expected only an accept for \(r.clientOrderID), got \(events)", sourceLocation: sourceLocation)
        guard let id, case .accepted = events.first else {
            Issue.record("order \(r.clientOrderID) was not accepted: \(events)", sourceLocation: sourceLocation)
            return SimOrderID(0)
        }
        return id
    }

    /// Cancels and returns the events of this call only.
    mutating func cancelCollecting(_ id: SimOrderID, owner: SimOwnerID, now: Int64 = 0) -> [SimEvent] {
        var events: [SimEvent] = []
        cancel(orderID: id, owner: owner, now: now, into: &events)
        return events
    }

    /// Replaces and returns the events of this call only.
    mutating func replaceCollecting(_ r: SimReplaceRequest, now: Int64 = 0) -> [SimEvent] {
        var events: [SimEvent] = []
        replace(r, now: now, into: &events)
        return events
    }

    /// The levels of one side, best first, as "price x quantity / order count" (e.g. `0.5500x3.00/2`).
    func levels(_ ticker: String, _ side: SimSide) -> [String] {
        depth(market: ticker, side: side).map { "\($0.price)x\($0.quantity)/\($0.orderCount)" }
    }

    /// Fails the test with every broken invariant.
    func expectConsistent(_ context: @autoclosure () -> String = "", sourceLocation: SourceLocation = #_sourceLocation) {
        let problems = consistencyViolations()
        #expect(problems.isEmpty, "engine inconsistent \(context()): \(problems.joined(separator: "; "))",
                sourceLocation: sourceLocation)
    }
}


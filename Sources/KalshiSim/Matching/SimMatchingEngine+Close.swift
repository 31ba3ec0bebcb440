// MARK: Market close

extension SimMatchingEngine {
    /// Closes `market` for good (it is about to settle): every resting order is closed as
    /// `expired` (Kalshi's CloseCancel, an expiry-style system cancel that clients see as
    /// Expired `C` with UseExpiredOrdStatus, otherwise Canceled `4`; FACTS §4.2), in order-id
    /// order, and the market stays paused so nothing can rest or trade in it again.
    ///
    /// - Returns: the number of orders closed, or nil for an unknown market.
    /// - Complexity: O(open orders) plus a sort of the matches.
    @discardableResult
    public mutating func close(market: String, now: Int64, into events: inout [SimEvent]) -> Int? {
        guard let m = marketIndexByTicker[market] else { return nil }
        expireDue(now: now, into: &events)
        markets[Int(m)].paused = true
        return sweep(into: &events, status: .expired, reason: nil) { $0.market == m }
    }
}

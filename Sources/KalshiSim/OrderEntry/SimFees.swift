/// Kalshi's trading fee: `ceil(rate × C × P × (1 − P))` dollars, rounded up to the next cent,
/// where C is contracts and P the fill's YES price in dollars (Kalshi's published fee formula;
/// the simulator charges takers 7% and makers nothing unless configured).
struct SimFeeSchedule: Sendable {
    /// Taker rate in basis points (700 = 7%).
    var takerBasisPoints: Int64 = 700
    /// Maker rate in basis points (0 by default; some Kalshi markets charge 175).
    var makerBasisPoints: Int64 = 0

    /// The fee of one fill, in micro-dollars, rounded up to the cent.
    func fee(quantity: SimQuantity, price: SimPrice, maker: Bool) -> SimMoney {
        let rate = maker ? makerBasisPoints : takerBasisPoints
        guard rate > 0, quantity.hundredths > 0 else { return .zero }
        // rate/10^4 × (hundredths/10^2) × (units/10^4) × ((10^4 − units)/10^4) dollars
        // = rate × hundredths × units × (10^4 − units) / 10^14 dollars
        // = that / 10^8 micro-dollars; the product is taken at double width so no quantity a
        // client can send overflows it.
        let perContract = rate * price.units * (10_000 - price.units)  // ≤ 10^4 × 2.5×10^7
        let wide = quantity.hundredths.multipliedFullWidth(by: perContract)
        let (quotient, remainder) = Int64(100_000_000).dividingFullWidth(wide)
        let micros = quotient + (remainder > 0 ? 1 : 0)  // ceil to the micro
        let cents = (micros + 9_999) / 10_000                   // ceil to the cent
        return SimMoney(micros: cents * 10_000)
    }
}

// Internal storage of the matching engine: order records in one slab, and per market two book
// sides whose price levels are arrays indexed by tick, each level an intrusive FIFO list of
// slab slots. A bitmap of occupied levels finds the next best price in a few word scans.

/// One order in the slab. Open orders are linked into their level (`resting`), except the
/// incoming order while it matches.
struct SimOrderRecord {
    var id: UInt64
    var owner: SimOwnerID
    var market: Int32
    /// Price as an index on the market's tick grid (`price.units / tick.units`).
    var tick: Int32
    var side: SimSide
    var price: SimPrice
    var clientOrderID: String
    var originalClientOrderID: String
    var group: SimGroupID?
    // Quantities in 1/100 contract; notional in 1/1,000,000 dollar.
    var originalQuantity: Int64
    var orderQuantity: Int64
    var cum: Int64
    var leaves: Int64
    var notional: Int64
    var timeInForce: SimTimeInForce
    var postOnly: Bool
    var cancelOnPause: Bool
    var selfTradePrevention: SimSelfTradePrevention
    /// Set when the order closes; open orders derive theirs from cum.
    var closedStatus: SimOrderStatus?
    /// FIFO neighbours in the level (slab slots, -1 = none).
    var prev: Int32 = -1
    var next: Int32 = -1
    var resting = false
    var live = true

    var status: SimOrderStatus {
        if let closedStatus { return closedStatus }
        if leaves == 0 && cum > 0 { return .filled }
        return cum > 0 ? .partiallyFilled : .new
    }
}

/// One price level: FIFO list ends and aggregates.
struct SimBookLevel {
    var head: Int32 = -1
    var tail: Int32 = -1
    /// Sum of leaves, 1/100 contract.
    var quantity: Int64 = 0
    var count: Int32 = 0
}

/// The bids or the asks of one market.
struct SimBookSide {
    let isBid: Bool
    var levels: [SimBookLevel]
    /// Bit i set when `levels[i]` has orders.
    var occupied: [UInt64]
    /// Best tick index, -1 when the side is empty.
    var best: Int = -1
    /// Levels changed since the last market-data drain.
    var dirty: [Bool]
    var dirtyTicks: [Int32] = []

    init(isBid: Bool, tickCount: Int) {
        self.isBid = isBid
        levels = Array(repeating: SimBookLevel(), count: tickCount)
        occupied = Array(repeating: 0, count: (tickCount + 63) / 64)
        dirty = Array(repeating: false, count: tickCount)
    }

    /// Whether an order at tick `i` would be a better price than tick `j` on this side.
    @inline(__always) func isBetter(_ i: Int, than j: Int) -> Bool { isBid ? i > j : i < j }

    mutating func setOccupied(_ i: Int) {
        occupied[i >> 6] |= 1 << UInt64(i & 63)
        if best < 0 || isBetter(i, than: best) { best = i }
    }

    mutating func setEmpty(_ i: Int) {
        occupied[i >> 6] &= ~(1 << UInt64(i & 63))
        if i == best { best = isBid ? highestOccupied(atOrBelow: i - 1) : lowestOccupied(atOrAbove: i + 1) }
    }

    /// The next level after `i` going away from the best price, or -1.
    func nextWorse(than i: Int) -> Int {
        isBid ? highestOccupied(atOrBelow: i - 1) : lowestOccupied(atOrAbove: i + 1)
    }

    func highestOccupied(atOrBelow i: Int) -> Int {
        guard i >= 0 else { return -1 }
        var w = i >> 6
        var word = occupied[w] & (i & 63 == 63 ? ~0 : (1 << UInt64((i & 63) + 1)) - 1)
        while true {
            if word != 0 { return w << 6 + 63 - word.leadingZeroBitCount }
            w -= 1
            if w < 0 { return -1 }
            word = occupied[w]
        }
    }

    func lowestOccupied(atOrAbove i: Int) -> Int {
        guard i < levels.count else { return -1 }
        var w = i >> 6
        var word = occupied[w] & ~((1 << UInt64(i & 63)) - 1)
        while true {
            if word != 0 {
                let found = w << 6 + word.trailingZeroBitCount
                return found < levels.count ? found : -1
            }
            w += 1
            if w >= occupied.count { return -1 }
            word = occupied[w]
        }
    }

    mutating func markDirty(_ i: Int) {
        if !dirty[i] {
            dirty[i] = true
            dirtyTicks.append(Int32(i))
        }
    }
}

/// One market: its rules, both sides, pause state, last trade.
struct SimMarketBook {
    let ticker: String
    let config: SimMarketConfig
    /// Number of tick indices 0..<tickCount; valid order prices use 1..<tickCount.
    let tickCount: Int
    /// [bids, asks]: index with `sideIndex(_:)`.
    var sides: [SimBookSide]
    var paused = false
    var lastTradePrice: SimPrice?
    var hasDirtyLevels = false

    init(ticker: String, config: SimMarketConfig) {
        self.ticker = ticker
        self.config = config
        tickCount = Int(10_000 / config.tick.units)
        sides = [SimBookSide(isBid: true, tickCount: tickCount), SimBookSide(isBid: false, tickCount: tickCount)]
    }

    /// The tick index of a valid price, or nil when off grid or not strictly inside (0, 1 dollar).
    func tickIndex(of price: SimPrice) -> Int32? {
        guard price.units > 0, price.units < 10_000, price.units % config.tick.units == 0 else { return nil }
        return Int32(price.units / config.tick.units)
    }

    func price(atTick i: Int) -> SimPrice { SimPrice(units: Int64(i) * config.tick.units) }
}

@inline(__always) func sideIndex(_ side: SimSide) -> Int { side == .buy ? 0 : 1 }

/// Key of the per-owner ClOrdID index.
struct SimClientKey: Hashable {
    var owner: SimOwnerID
    var clientOrderID: String
}

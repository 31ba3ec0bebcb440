import FixCodec

/// How a container stores prices, chosen by the product its market-data session serves.
public enum KalshiPriceModel: Sendable, Hashable {
    /// Prediction markets (KalshiMD on the prediction gateway): YES prices between $0 and $1
    /// on the $0.0001 grid. Each side is a price-indexed array (10,001 levels, 160 KB per
    /// book, allocated on the symbol's first snapshot): O(1) updates. A price outside
    /// $0...$1 is counted as malformed and ignored.
    case predictionGrid
    /// Margin markets (e.g. `BTC-PERP`): any dollar price. Each side is a sorted array
    /// preallocated for `initialLevels` levels; updates are O(log levels) plus a move of the
    /// levels behind the changed one, and allocate only when a side first grows past its
    /// high-water mark (capacity doubles and is kept).
    case unbounded(initialLevels: Int)

    /// Margin books with room for 256 levels per side before they first grow.
    public static var unbounded: KalshiPriceModel { .unbounded(initialLevels: 256) }
}

/// The aggregated order book of one market (one Symbol, 55), built from market-data
/// snapshots (35=W) and incremental refreshes (35=X) by ``FixOrderBooks``.
///
/// ### Kalshi's representation
/// Kalshi's market data (FACTS §13) has two sides, bids (269=0) and offers (269=1), with
/// prices in dollars (4 decimals) and sizes in contracts (2 decimals), on both products.
/// On a prediction market the book is read the standard FIX way: both sides are the market's
/// **YES** contract, bids are YES bids and offers are YES asks (OPEN-QUESTIONS Q12: Kalshi does
/// not say whether offers could be NO bids in NO prices; confirm on demo before trading on it).
/// The NO side is the mirror image: the best NO bid is `$1 − best YES offer`
/// (``KalshiPrice/complement``) and the best NO ask is `$1 − best YES bid`.
/// On margin markets bids and offers are ordinary buy and sell prices.
///
/// ### Costs
/// ``bestBid`` and ``bestOffer`` are O(1) (cached). Updates allocate nothing (see
/// ``KalshiPriceModel``). Depth views walk levels from the best one on request.
///
/// ### Threads
/// Not thread-safe: the book belongs to the thread that applies market data to it (the I/O
/// thread that delivers the MD session's messages). Read it there, e.g. in the
/// `onChange` callback of ``FixOrderBooks/apply(_:onChange:)``, and copy what other threads
/// need (``levels(_:depth:)``, ``bestBid``…).
public final class FixOrderBook {
    /// The market ticker (Symbol, 55).
    public let symbol: String
    /// The ticker's bytes, compared with the Symbol bytes of incoming entries.
    let symbolBytes: [UInt8]
    // @exclusivity(unchecked): the book is single-threaded by contract and no access to these
    // overlaps another; the runtime checks otherwise cost ~20% of an X's apply (perf).
    @exclusivity(unchecked) var bids: _BookLadder
    @exclusivity(unchecked) var offers: _BookLadder

    /// The latest trade print (269=2) since the book was created, kept apart from the levels:
    /// trades never change the book, and a new snapshot does not forget the last print.
    @exclusivity(unchecked) public internal(set) var lastTrade: BookTrade?
    /// Number of snapshots (W) applied, including the one that created the book.
    @exclusivity(unchecked) public internal(set) var snapshotCount: UInt64 = 0
    /// Number of incremental book entries (X, 269=0/1, New/Change/Delete) applied, whether or
    /// not they changed a level (a delete of an absent level changes nothing).
    @exclusivity(unchecked) public internal(set) var updateCount: UInt64 = 0
    /// Number of trade prints recorded.
    @exclusivity(unchecked) public internal(set) var tradeCount: UInt64 = 0
    /// Bumped once per message that changed this book (levels or last trade): compare two
    /// readings to know whether anything happened in between.
    @exclusivity(unchecked) public internal(set) var version: UInt64 = 0
    /// MsgSeqNum (34) of the last message that changed this book; 0 when it had none.
    @exclusivity(unchecked) public internal(set) var lastMsgSeqNum: Int = 0

    /// Last apply pass that marked this book changed (dedupes the change list).
    @exclusivity(unchecked) var changeStamp: UInt64 = 0

    init(symbol: String, symbolBytes: [UInt8], model: KalshiPriceModel) {
        self.symbol = symbol
        self.symbolBytes = symbolBytes
        switch model {
        case .predictionGrid:
            bids = _BookLadder(descending: true, grid: true, initialCapacity: 0)
            offers = _BookLadder(descending: false, grid: true, initialCapacity: 0)
        case .unbounded(let initialLevels):
            bids = _BookLadder(descending: true, grid: false, initialCapacity: initialLevels)
            offers = _BookLadder(descending: false, grid: false, initialCapacity: initialLevels)
        }
    }

    deinit {
        bids.deallocate()
        offers.deallocate()
    }

    /// The highest bid (YES bid on prediction markets), or nil when there are no bids.
    /// - Complexity: O(1).
    public var bestBid: BookLevel? { bids.best }

    /// The lowest offer (YES ask on prediction markets), or nil when there are no offers.
    /// - Complexity: O(1).
    public var bestOffer: BookLevel? { offers.best }

    /// Number of price levels on `side`. - Complexity: O(1).
    public func levelCount(_ side: BookSide) -> Int {
        side == .bid ? bids.count : offers.count
    }

    /// True when the best bid is at or above the best offer (a transient state a feed can
    /// show between two messages; a persistent cross means the book is wrong).
    public var isCrossed: Bool {
        guard let bid = bids.best, let offer = offers.best else { return false }
        return bid.price >= offer.price
    }

    /// The size resting at `price` on `side`, or nil when there is no level there.
    /// - Complexity: O(1) on the prediction grid, O(log levels) otherwise.
    public func size(_ side: BookSide, at price: KalshiPrice) -> Contracts? {
        let s = side == .bid ? bids.size(at: price.units) : offers.size(at: price.units)
        return s == 0 ? nil : Contracts(hundredths: s)
    }

    /// Up to `depth` levels of `side`, best first (bids descending, offers ascending).
    /// Allocates the array: for the hot path use ``forEachLevel(_:depth:_:)``.
    /// - Complexity: O(depth).
    public func levels(_ side: BookSide, depth: Int = .max) -> [BookLevel] {
        var result: [BookLevel] = []
        result.reserveCapacity(min(depth, levelCount(side)))
        forEachLevel(side, depth: depth) { result.append($0) }
        return result
    }

    /// Calls `body` with up to `depth` levels of `side`, best first, without allocating.
    /// - Complexity: O(depth) (on the prediction grid plus the empty 64-tick words skipped).
    public func forEachLevel(_ side: BookSide, depth: Int = .max, _ body: (BookLevel) throws -> Void) rethrows {
        if side == .bid {
            try bids.forEach(depth: depth) { try body($0); return true }
        } else {
            try offers.forEach(depth: depth) { try body($0); return true }
        }
    }

    /// Removes every level (a snapshot is about to replace them).
    func removeAllLevels() {
        bids.removeAll()
        offers.removeAll()
    }
}

extension FixOrderBook: CustomStringConvertible {
    /// `SYMBOL bid 10.00@0.3500 / offer 5.00@0.6500` (best levels only).
    public var description: String {
        "\(symbol) bid \(bestBid.map(String.init(describing:)) ?? "-") / offer \(bestOffer.map(String.init(describing:)) ?? "-")"
    }
}

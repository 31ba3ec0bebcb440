// One side of one book: the price → size levels, with the best level cached.
//
// Two storages, chosen per container (see ``KalshiPriceModel``):
//
// - Grid (prediction): prices live on the $0.0001 grid between $0 and $1, so a level is an
//   array slot indexed by price (10,001 slots) plus an occupancy bitmap (157 words). Setting
//   or removing a level is O(1); when the best level goes away, the next one is found by
//   scanning bitmap words (at most 157 word reads, usually one). 160 KB per book.
//
// - Sorted (margin: BTC-PERP and friends have unbounded prices): levels in a sorted array,
//   best level last so that changes near the top of the book move few elements; binary
//   search, then a memmove. Books rarely hold more than a few hundred levels, so this beats a
//   hash + heap (no hashing, no lazy deletion, depth views come sorted for free). The arrays
//   are preallocated and only grow (doubling) past their high-water mark.
//
// Sizes are hundredths of a contract and always > 0 inside the ladder; 0 means "no level".

@usableFromInline
struct _BookLadder {
    /// Bids: the best price is the highest. Offers: the lowest.
    @usableFromInline let descending: Bool
    @usableFromInline let isGrid: Bool
    /// Grid: size per tick. Sorted: sizes parallel to `keys`.
    @usableFromInline var sizes: UnsafeMutablePointer<Int64>
    /// Sorted only: `descending ? price : -price`, ascending, so the best level is last.
    @usableFromInline var keys: UnsafeMutablePointer<Int64>
    /// Grid only: bit `t` set when tick `t` holds a level.
    @usableFromInline var words: UnsafeMutablePointer<UInt64>
    @usableFromInline var capacity: Int
    /// Number of levels.
    @usableFromInline var count: Int
    /// Grid only: tick of the best level, -1 when empty.
    @usableFromInline var bestTick: Int

    /// Grid slots: ticks 0...10_000 ($0.0000 to $1.0000).
    @usableFromInline static var gridTicks: Int { 10_001 }
    @usableFromInline static var gridWords: Int { (gridTicks + 63) / 64 }

    init(descending: Bool, grid: Bool, initialCapacity: Int) {
        self.descending = descending
        self.isGrid = grid
        self.count = 0
        self.bestTick = -1
        if grid {
            capacity = Self.gridTicks
            sizes = .allocate(capacity: Self.gridTicks)
            sizes.initialize(repeating: 0, count: Self.gridTicks)
            words = .allocate(capacity: Self.gridWords)
            words.initialize(repeating: 0, count: Self.gridWords)
            keys = .allocate(capacity: 1)
        } else {
            capacity = max(4, initialCapacity)
            sizes = .allocate(capacity: capacity)
            keys = .allocate(capacity: capacity)
            words = .allocate(capacity: 1)
        }
    }

    func deallocate() {
        sizes.deallocate()
        keys.deallocate()
        words.deallocate()
    }

    /// True when `price` can be stored (grid: $0...$1).
    @inlinable @inline(__always)
    func accepts(_ price: Int64) -> Bool {
        isGrid ? (price >= 0 && price < Int64(Self.gridTicks)) : true
    }

    // MARK: Reads

    /// The best level, or nil. - Complexity: O(1).
    @inlinable
    var best: BookLevel? {
        if isGrid {
            guard bestTick >= 0 else { return nil }
            return BookLevel(price: KalshiPrice(units: Int64(bestTick)), size: Contracts(hundredths: sizes[bestTick]))
        }
        guard count > 0 else { return nil }
        return level(atSortedIndex: count &- 1)
    }

    @inlinable
    func level(atSortedIndex i: Int) -> BookLevel {
        BookLevel(price: KalshiPrice(units: descending ? keys[i] : 0 &- keys[i]), size: Contracts(hundredths: sizes[i]))
    }

    /// The size at `price`, 0 when there is no level.
    /// - Complexity: grid O(1); sorted O(log levels).
    func size(at price: Int64) -> Int64 {
        guard accepts(price) else { return 0 }
        if isGrid { return sizes[Int(price)] }
        let (i, found) = search(descending ? price : 0 &- price)
        return found ? sizes[i] : 0
    }

    /// Calls `body` with up to `depth` levels, best first; stop early by returning false.
    /// - Complexity: O(depth) (grid: plus the bitmap words between levels).
    func forEach(depth: Int, _ body: (BookLevel) throws -> Bool) rethrows {
        var remaining = depth
        if isGrid {
            var t = bestTick
            while t >= 0 && remaining > 0 {
                guard try body(BookLevel(price: KalshiPrice(units: Int64(t)), size: Contracts(hundredths: sizes[t]))) else { return }
                remaining -= 1
                t = descending ? highestSet(atOrBelow: t - 1) : lowestSet(atOrAbove: t + 1)
            }
            return
        }
        var i = count - 1
        while i >= 0 && remaining > 0 {
            guard try body(level(atSortedIndex: i)) else { return }
            remaining -= 1
            i -= 1
        }
    }

    // MARK: Writes

    /// Sets the level at `price` to `size` (> 0). - Precondition: `accepts(price)`.
    /// - Returns: true when the book changed.
    @inlinable
    mutating func set(_ price: Int64, _ size: Int64) -> Bool {
        if isGrid {
            let t = Int(price)
            let old = sizes[t]
            if old == size { return false }
            sizes[t] = size
            if old == 0 {
                words[t &>> 6] |= 1 &<< UInt64(t & 63)
                count &+= 1
                if bestTick < 0 || (descending ? t > bestTick : t < bestTick) { bestTick = t }
            }
            return true
        }
        return sortedSet(descending ? price : 0 &- price, size)
    }

    /// Removes the level at `price`, if any. - Returns: true when the book changed.
    @inlinable
    mutating func remove(_ price: Int64) -> Bool {
        guard accepts(price) else { return false }
        if isGrid {
            let t = Int(price)
            guard sizes[t] != 0 else { return false }
            sizes[t] = 0
            words[t &>> 6] &= ~(1 &<< UInt64(t & 63))
            count &-= 1
            if t == bestTick {
                bestTick = descending ? highestSet(atOrBelow: t &- 1) : lowestSet(atOrAbove: t &+ 1)
            }
            return true
        }
        return sortedRemove(descending ? price : 0 &- price)
    }

    /// Removes every level. - Complexity: O(levels) (grid: plus 157 words).
    mutating func removeAll() {
        if isGrid {
            for w in 0..<Self.gridWords {
                var bits = words[w]
                while bits != 0 {
                    sizes[w &* 64 &+ bits.trailingZeroBitCount] = 0
                    bits &= bits &- 1
                }
                words[w] = 0
            }
            bestTick = -1
        }
        count = 0
    }

    // MARK: Grid internals

    /// Highest occupied tick `<= t`, or -1.
    @usableFromInline
    func highestSet(atOrBelow t: Int) -> Int {
        guard t >= 0 else { return -1 }
        var w = t &>> 6
        let shift = UInt64(t & 63)
        var bits = words[w] & (shift == 63 ? ~0 : (1 &<< (shift &+ 1)) &- 1)
        while true {
            if bits != 0 { return w &* 64 &+ 63 &- bits.leadingZeroBitCount }
            w &-= 1
            if w < 0 { return -1 }
            bits = words[w]
        }
    }

    /// Lowest occupied tick `>= t`, or -1.
    @usableFromInline
    func lowestSet(atOrAbove t: Int) -> Int {
        guard t < Self.gridTicks else { return -1 }
        var w = t &>> 6
        var bits = words[w] & (~0 &<< UInt64(t & 63))
        while true {
            if bits != 0 { return w &* 64 &+ bits.trailingZeroBitCount }
            w &+= 1
            if w == Self.gridWords { return -1 }
            bits = words[w]
        }
    }

    // MARK: Sorted internals

    /// Index of `key`, or where it would be inserted. - Complexity: O(log levels).
    @usableFromInline
    func search(_ key: Int64) -> (index: Int, found: Bool) {
        // The top of the book changes most: check the best level first.
        if count > 0 && keys[count &- 1] == key { return (count &- 1, true) }
        var lo = 0
        var hi = count
        while lo < hi {
            let mid = (lo &+ hi) &>> 1
            if keys[mid] < key { lo = mid &+ 1 } else { hi = mid }
        }
        return (lo, lo < count && keys[lo] == key)
    }

    @usableFromInline
    mutating func sortedSet(_ key: Int64, _ size: Int64) -> Bool {
        let (i, found) = search(key)
        if found {
            if sizes[i] == size { return false }
            sizes[i] = size
            return true
        }
        if count == capacity { grow() }
        let tail = count &- i
        if tail > 0 {
            // copyMemory is memmove: the regions overlap.
            UnsafeMutableRawPointer(keys + i + 1).copyMemory(from: keys + i, byteCount: tail &* 8)
            UnsafeMutableRawPointer(sizes + i + 1).copyMemory(from: sizes + i, byteCount: tail &* 8)
        }
        keys[i] = key
        sizes[i] = size
        count &+= 1
        return true
    }

    @usableFromInline
    mutating func sortedRemove(_ key: Int64) -> Bool {
        let (i, found) = search(key)
        guard found else { return false }
        let tail = count &- i &- 1
        if tail > 0 {
            UnsafeMutableRawPointer(keys + i).copyMemory(from: keys + i + 1, byteCount: tail &* 8)
            UnsafeMutableRawPointer(sizes + i).copyMemory(from: sizes + i + 1, byteCount: tail &* 8)
        }
        count &-= 1
        return true
    }

    /// The only allocation after construction: past the high-water mark, double.
    @usableFromInline @inline(never)
    mutating func grow() {
        let newCapacity = capacity * 2
        let newKeys = UnsafeMutablePointer<Int64>.allocate(capacity: newCapacity)
        let newSizes = UnsafeMutablePointer<Int64>.allocate(capacity: newCapacity)
        newKeys.initialize(from: keys, count: count)
        newSizes.initialize(from: sizes, count: count)
        keys.deallocate()
        sizes.deallocate()
        keys = newKeys
        sizes = newSizes
        capacity = newCapacity
    }
}

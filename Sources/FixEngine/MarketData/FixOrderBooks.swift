import FixCodec

/// Every order book of one market-data session (KalshiMD), keyed by Symbol (55), and the
/// rules that build them from MarketDataSnapshotFullRefresh (35=W) and
/// MarketDataIncrementalRefresh (35=X), exactly as FACTS §13.6 states them:
///
/// - A W replaces that symbol's whole book, bids and offers, even with zero entries; it
///   creates the book on the symbol's first snapshot. W entries with a MDEntryType other than
///   bid/offer, a missing price, or a size missing or <= 0 are skipped.
/// - X entries are routed by their own Symbol; an entry for a symbol without a book (no
///   snapshot yet) is dropped and counted.
/// - The action is checked before the size: New (279=0) and Change (279=1) set the level to
///   the entry's size (absolute, not a delta), and a size missing or <= 0 removes the level;
///   Delete (279=2) removes the level at the price. Any other action is counted and ignored,
///   never treated as a delete. (OPEN-QUESTIONS Q11: the SDK drops 279=0; we treat New on a
///   bid/offer like Change, as the docs' newer trade example suggests.)
/// - Trade entries (269=2) are trade prints, not book levels: they become the book's
///   ``FixOrderBook/lastTrade`` and never touch the levels.
/// - Levels are keyed by exact price; a price the book cannot represent is counted as
///   malformed, never rounded.
/// - KalshiMD has no retransmission: on any gap or disconnect call ``clear()``, log on again
///   with 141=Y, resubscribe ``BookClearReport/symbolsToResubscribe`` and let the new
///   snapshots rebuild the books.
///
/// ### Hot path
/// Applying an X allocates nothing: entries are read in one pass over the message's fields,
/// symbols are found by their bytes (no `String`), levels live in preallocated arrays (see
/// ``KalshiPriceModel``). The first snapshot of a new symbol allocates its book.
///
/// ### Ownership and threads
/// Messages are views valid only during the call; nothing of them is kept. The container and
/// its books are not thread-safe: use them on the thread that receives the MD session's
/// messages (the I/O thread, inside the session handler's callback).
public final class FixOrderBooks {
    /// How books store prices: ``KalshiPriceModel/predictionGrid`` for the prediction gateway,
    /// ``KalshiPriceModel/unbounded`` for the margin gateway.
    public let priceModel: KalshiPriceModel
    /// Cumulative counts over every message applied since the container was made.
    @exclusivity(unchecked) public private(set) var totals = BookEntryCounts()
    /// The symbols the market-data session subscribed to (263=1), as noted by whoever sends
    /// the requests; ``clear()`` keeps them so they can be requested again.
    public private(set) var subscribedSymbols: Set<String> = []

    // @exclusivity(unchecked) on the hot-path state: single-threaded by contract, no
    // overlapping access (see FixOrderBook).
    var books: [FixOrderBook] = []
    var table: _SymbolTable
    /// The book the previous entry went to: consecutive entries are usually for one market.
    @exclusivity(unchecked) var lastRouted: FixOrderBook?
    /// Books changed by the message being applied, each once (see ``FixOrderBook/changeStamp``).
    @exclusivity(unchecked) var changed: [FixOrderBook] = []
    @exclusivity(unchecked) var stamp: UInt64 = 0

    /// - Parameters:
    ///   - priceModel: the product's price range (see ``KalshiPriceModel``).
    ///   - expectedSymbols: how many books to make room for without growing the symbol table.
    public init(priceModel: KalshiPriceModel = .predictionGrid, expectedSymbols: Int = 64) {
        self.priceModel = priceModel
        self.table = _SymbolTable(minimumCapacity: expectedSymbols)
        books.reserveCapacity(expectedSymbols)
        changed.reserveCapacity(expectedSymbols)
    }

    // MARK: Reading

    /// Number of books (symbols with a snapshot).
    public var count: Int { books.count }

    /// The symbols that have a book, sorted.
    public var symbols: [String] { books.map(\.symbol).sorted() }

    /// The book of `symbol`, or nil when it has had no snapshot since the last ``clear()``.
    /// - Complexity: O(1) expected; no allocation.
    public func book(for symbol: String) -> FixOrderBook? {
        var s = symbol
        return s.withUTF8 { find(UnsafeRawBufferPointer($0)) }
    }

    /// The book of the symbol whose bytes `symbol` holds (e.g. a Symbol field of a message
    /// being handled), or nil. - Complexity: O(1) expected; no allocation.
    public func book(for symbol: FixValue) -> FixOrderBook? {
        find(symbol.bytes)
    }

    // MARK: Applying messages

    /// Applies a W or X message to the books; other messages are ignored
    /// (``BookApplyResult/Kind/notMarketData``).
    /// - Parameter message: valid only during the call; nothing of it is kept.
    /// - Returns: what was applied and what was not (the counts also add up in ``totals``).
    /// - Complexity: O(entries); allocates only when a W creates a book.
    @discardableResult
    public func apply(_ message: FixMessage) -> BookApplyResult {
        apply(message) { _ in }
    }

    /// Applies a W or X message, then calls `onChange` once for each book it changed (levels
    /// or last trade), after the whole message is applied, so the callback sees every
    /// book in a consistent state.
    /// - Parameters:
    ///   - message: valid only during the call; nothing of it is kept.
    ///   - onChange: called on this thread before `apply` returns. Read the book there; it
    ///     keeps changing with later messages, so copy what you need later
    ///     (``FixOrderBook/levels(_:depth:)``, ``FixOrderBook/bestBid``).
    @discardableResult
    public func apply(_ message: FixMessage, onChange: (FixOrderBook) throws -> Void) rethrows -> BookApplyResult {
        let type = message.msgType
        guard type.count == 1 else { return BookApplyResult(kind: .notMarketData) }
        stamp &+= 1
        changed.removeAll(keepingCapacity: true)
        var result: BookApplyResult
        switch type[0] {
        case UInt8(ascii: "W"): result = applySnapshot(message)
        case UInt8(ascii: "X"): result = applyIncremental(message)
        default: return BookApplyResult(kind: .notMarketData)
        }
        result.changedBooks = changed.count
        totals += result.entries
        // By index: the generic iterator allocates in unoptimized builds.
        var i = 0
        while i < changed.count { try onChange(changed[i]); i += 1 }
        return result
    }

    // MARK: Session events

    /// Drops every book, for a disconnect or a sequence gap on the MD session (FACTS §13.6:
    /// no retransmission, so books are rebuilt from fresh snapshots). Subscriptions are kept.
    /// - Returns: what was dropped and what to resubscribe; log it.
    @discardableResult
    public func clear() -> BookClearReport {
        let report = BookClearReport(
            droppedSymbols: books.map(\.symbol).sorted(),
            droppedLevels: books.reduce(0) { $0 + $1.bids.count + $1.offers.count },
            symbolsToResubscribe: subscribedSymbols.sorted())
        books.removeAll(keepingCapacity: true)
        table.removeAll()
        lastRouted = nil
        return report
    }

    /// Drops the book of `symbol` (e.g. after SecurityStatus 326=101, settled, when Kalshi
    /// drops the subscription). - Returns: true when there was one.
    @discardableResult
    public func removeBook(_ symbol: String) -> Bool {
        guard let book = book(for: symbol), let i = books.firstIndex(where: { $0 === book }) else { return false }
        books.remove(at: i)
        if lastRouted === book { lastRouted = nil }
        rebuildTable()
        return true
    }

    // MARK: Subscription bookkeeping (for whoever sends MarketDataRequest)

    /// Notes that a subscription (263=1) was requested for `symbols`.
    public func noteSubscribed(_ symbols: some Sequence<String>) {
        subscribedSymbols.formUnion(symbols)
    }

    /// Notes that `symbols` were unsubscribed (263=2 with 146); drops their books, which
    /// would otherwise go stale.
    public func noteUnsubscribed(_ symbols: some Sequence<String>) {
        for symbol in symbols {
            subscribedSymbols.remove(symbol)
            removeBook(symbol)
        }
    }

    /// Notes that every subscription was cancelled (263=2 without 146); drops every book.
    public func noteUnsubscribedAll() {
        subscribedSymbols.removeAll()
        clear()
    }

    /// Subscribed symbols that have no book yet (their snapshot has not arrived), sorted.
    public var symbolsAwaitingSnapshot: [String] {
        subscribedSymbols.filter { book(for: $0) == nil }.sorted()
    }
}

// MARK: - Applying W and X

extension FixOrderBooks {
    func applySnapshot(_ message: FixMessage) -> BookApplyResult {
        var result = BookApplyResult(kind: .snapshot)
        let body = message.body
        guard let symbol = body.value(55), !symbol.isEmpty else {
            result.kind = .malformedSnapshot
            return result
        }
        let book = find(symbol.bytes) ?? makeBook(symbol)
        book.removeAllLevels()
        let fields = message.fields
        if let countPosition = body.position(of: 268) {
            let declared = (try? message.value(of: fields[countPosition]).int()) ?? 0
            var entries = 0
            var i = countPosition + 1
            var type = -1, price = -1, size = -1
            // Stray fields between 268 and the first entry cannot be attributed.
            while i < fields.count && fields[i].tag != 269 && fields[i].tag != 10 { i += 1; result.entries.malformed += 1 }
            while i < fields.count && entries < declared {
                let tag = fields[i].tag
                if tag == 269 || tag == 10 {
                    if type >= 0 { applySnapshotEntry(book, message, type, price, size, &result.entries); entries += 1 }
                    if tag == 10 { type = -1; break }
                    type = i; price = -1; size = -1
                } else if tag == 270 { price = i } else if tag == 271 { size = i }
                // Unknown tags inside an entry do not end it (Kalshi adds tags).
                i += 1
            }
            if type >= 0 && entries < declared { applySnapshotEntry(book, message, type, price, size, &result.entries) }
        }
        book.snapshotCount &+= 1
        markChanged(book, message)
        return result
    }

    func applySnapshotEntry(_ book: FixOrderBook, _ message: FixMessage, _ typeAt: Int, _ priceAt: Int, _ sizeAt: Int,
                            _ counts: inout BookEntryCounts) {
        let type = message.value(of: message.fields[typeAt])
        guard type.count == 1, type[0] == UInt8(ascii: "0") || type[0] == UInt8(ascii: "1") else {
            counts.unknownEntryTypes += 1
            return
        }
        guard priceAt >= 0 else { counts.skipped += 1; return }
        guard sizeAt >= 0 else { counts.skipped += 1; return }
        guard let size = try? message.value(of: message.fields[sizeAt]).decimal() else { counts.malformed += 1; return }
        guard size.mantissa > 0 else { counts.skipped += 1; return }
        guard let price = readPrice(message, priceAt), let hundredths = Contracts(contracts: size)?.hundredths else {
            counts.malformed += 1
            return
        }
        if type[0] == UInt8(ascii: "0") { _ = book.bids.set(price, hundredths) } else { _ = book.offers.set(price, hundredths) }
        counts.levelsApplied += 1
    }

    func applyIncremental(_ message: FixMessage) -> BookApplyResult {
        var result = BookApplyResult(kind: .incremental)
        let fields = message.fields
        guard let countPosition = message.body.position(of: 268) else { return result }
        let declared = (try? message.value(of: fields[countPosition]).int()) ?? 0
        var e = _IncrementalEntry()
        var entries = 0
        var i = countPosition + 1
        while i < fields.count && fields[i].tag != 279 && fields[i].tag != 10 { i += 1; result.entries.malformed += 1 }
        // One pass over the fields: an entry runs from its 279 to the next 279 (or 10).
        while i < fields.count && entries < declared {
            switch fields[i].tag {
            case 279, 10:
                if e.action >= 0 { applyIncrementalEntry(e, message, &result.entries); entries += 1 }
                if fields[i].tag == 10 { e.action = -1; i = fields.count; continue }
                e = _IncrementalEntry(action: i)
            case 55: e.symbol = i
            case 269: e.type = i
            case 270: e.price = i
            case 271: e.size = i
            case 2446: e.aggressor = i
            default: break  // unknown tags inside an entry do not end it
            }
            i += 1
        }
        if e.action >= 0 && entries < declared { applyIncrementalEntry(e, message, &result.entries) }
        return result
    }

    func applyIncrementalEntry(_ e: _IncrementalEntry, _ message: FixMessage, _ counts: inout BookEntryCounts) {
        let fields = message.fields
        // 1. Route by the entry's own Symbol; no book (no snapshot) → dropped.
        guard e.symbol >= 0 else { counts.malformed += 1; return }
        guard let book = route(message.value(of: fields[e.symbol]).bytes) else { counts.withoutSnapshot += 1; return }
        // 2. The action before anything else: an unknown action is never a delete.
        let action = message.value(of: fields[e.action])
        guard action.count == 1, action[0] >= UInt8(ascii: "0") && action[0] <= UInt8(ascii: "2") else {
            counts.unknownActions += 1
            return
        }
        guard e.type >= 0 else { counts.malformed += 1; return }
        let type = message.value(of: fields[e.type])
        guard type.count == 1, type[0] >= UInt8(ascii: "0") && type[0] <= UInt8(ascii: "2") else {
            counts.unknownEntryTypes += 1
            return
        }
        guard e.price >= 0, let price = readPrice(message, e.price) else { counts.malformed += 1; return }

        // 3. Trade prints are not levels.
        if type[0] == UInt8(ascii: "2") {
            guard e.size >= 0, let decimal = try? message.value(of: fields[e.size]).decimal(),
                  let size = Contracts(contracts: decimal) else { counts.malformed += 1; return }
            var aggressor: BookAggressor?
            if e.aggressor >= 0 {
                let a = message.value(of: fields[e.aggressor])
                if a.count == 1 { aggressor = a[0] == UInt8(ascii: "1") ? .buy : a[0] == UInt8(ascii: "2") ? .sell : nil }
            }
            book.lastTrade = BookTrade(price: KalshiPrice(units: price), size: size, aggressor: aggressor,
                                       msgSeqNum: msgSeqNum(message))
            book.tradeCount &+= 1
            counts.tradesRecorded += 1
            markChanged(book, message)
            return
        }

        // 4. Levels: New/Change set (size <= 0 or missing removes), Delete removes.
        let bid = type[0] == UInt8(ascii: "0")
        var newSize: Int64 = 0
        if action[0] != UInt8(ascii: "2"), e.size >= 0 {
            guard let decimal = try? message.value(of: fields[e.size]).decimal() else { counts.malformed += 1; return }
            if decimal.mantissa > 0 {
                guard let size = Contracts(contracts: decimal) else { counts.malformed += 1; return }
                newSize = size.hundredths
            }
        }
        let didChange: Bool
        if newSize > 0 {
            didChange = bid ? book.bids.set(price, newSize) : book.offers.set(price, newSize)
        } else {
            didChange = bid ? book.bids.remove(price) : book.offers.remove(price)
        }
        book.updateCount &+= 1
        counts.levelsApplied += 1
        if didChange { markChanged(book, message) }
    }

    /// The entry's price in $0.0001 if this book can hold it; nil otherwise (malformed).
    @inline(__always)
    func readPrice(_ message: FixMessage, _ at: Int) -> Int64? {
        guard let decimal = try? message.value(of: message.fields[at]).decimal(),
              let price = KalshiPrice(dollars: decimal) else { return nil }
        if case .predictionGrid = priceModel, price.units < 0 || price.units > 10_000 { return nil }
        return price.units
    }

    @inline(__always)
    func msgSeqNum(_ message: FixMessage) -> Int {
        guard let v = message.body.value(34) else { return 0 }
        return (try? v.int()) ?? 0
    }

    func markChanged(_ book: FixOrderBook, _ message: FixMessage) {
        guard book.changeStamp != stamp else { return }
        book.changeStamp = stamp
        book.version &+= 1
        book.lastMsgSeqNum = msgSeqNum(message)
        changed.append(book)
    }

    // MARK: Symbol lookup

    /// The book for `symbol`, checking the previous entry's book first.
    @inline(__always)
    func route(_ symbol: UnsafeRawBufferPointer) -> FixOrderBook? {
        if let last = lastRouted, last.symbolBytes.withUnsafeBytes({ _SymbolTable.equal($0, symbol) }) { return last }
        let book = find(symbol)
        if book != nil { lastRouted = book }
        return book
    }

    func find(_ symbol: UnsafeRawBufferPointer) -> FixOrderBook? {
        let hash = _SymbolTable.hash(symbol)
        var slot = Int(truncatingIfNeeded: hash) & table.mask
        while true {
            let entry = table.slots[slot]
            if entry == 0 { return nil }
            if table.hashes[slot] == hash {
                let book = books[Int(entry) - 1]
                if book.symbolBytes.withUnsafeBytes({ _SymbolTable.equal($0, symbol) }) { return book }
            }
            slot = (slot + 1) & table.mask
        }
    }

    /// A new, empty book for `symbol` (allocates: first snapshot of a symbol only).
    @inline(never)
    func makeBook(_ symbol: FixValue) -> FixOrderBook {
        let book = FixOrderBook(symbol: symbol.string, symbolBytes: Array(symbol.bytes), model: priceModel)
        books.append(book)
        if books.count * 2 > table.mask + 1 {
            rebuildTable()
        } else {
            book.symbolBytes.withUnsafeBytes { table.insert(hash: _SymbolTable.hash($0), index: books.count - 1) }
        }
        return book
    }

    func rebuildTable() {
        table = _SymbolTable(minimumCapacity: books.count)
        for (i, book) in books.enumerated() {
            book.symbolBytes.withUnsafeBytes { table.insert(hash: _SymbolTable.hash($0), index: i) }
        }
    }
}

/// Field positions of one incremental entry; -1 when absent.
struct _IncrementalEntry {
    var action = -1
    var symbol = -1
    var type = -1
    var price = -1
    var size = -1
    var aggressor = -1

    init(action: Int = -1) { self.action = action }
}

/// Open-addressing hash table from symbol bytes to an index in ``FixOrderBooks/books``:
/// lookups hash the bytes in place, so routing an entry never builds a `String`.
struct _SymbolTable {
    /// Book index + 1; 0 is an empty slot.
    var slots: [Int32]
    var hashes: [UInt64]
    var mask: Int

    init(minimumCapacity: Int) {
        var capacity = 16
        while capacity < minimumCapacity * 2 { capacity *= 2 }
        slots = Array(repeating: 0, count: capacity)
        hashes = Array(repeating: 0, count: capacity)
        mask = capacity - 1
    }

    mutating func insert(hash: UInt64, index: Int) {
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(index + 1)
        hashes[slot] = hash
    }

    mutating func removeAll() {
        for i in slots.indices { slots[i] = 0 }
    }

    /// FNV-1a, 64-bit.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    @inline(__always)
    static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        guard let pa = a.baseAddress, let pb = b.baseAddress else { return true }
        return memcmp(pa, pb, a.count) == 0
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

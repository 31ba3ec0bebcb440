/// Counts of what happened to the entries of market-data messages: per message in
/// ``BookApplyResult``, cumulative in ``FixOrderBooks/totals``.
///
/// Everything that is not applied is counted here rather than guessed at (FACTS §13.6): an
/// entry is never turned into something else (an unknown action is not a delete).
public struct BookEntryCounts: Sendable, Hashable {
    /// Book levels set or removed: snapshot levels plus incremental New/Change/Delete entries
    /// on bids and offers (a delete of an absent level counts; it changes nothing).
    public var levelsApplied = 0
    /// Trade prints (269=2) recorded as a book's ``FixOrderBook/lastTrade``.
    public var tradesRecorded = 0
    /// Incremental entries for a symbol that has no book (no snapshot yet, or cleared): dropped.
    public var withoutSnapshot = 0
    /// Incremental entries whose MDUpdateAction (279) is not 0, 1 or 2: ignored, the book is
    /// untouched (even when the size is 0).
    public var unknownActions = 0
    /// Entries whose MDEntryType (269) is not 0/1 (snapshot) or 0/1/2 (incremental): ignored.
    public var unknownEntryTypes = 0
    /// Snapshot entries skipped by rule: missing price, or size missing or <= 0.
    public var skipped = 0
    /// Entries that could not be applied: a missing Symbol or price where one is required,
    /// an unparsable value, a price off the $0.0001 grid or (prediction books) outside
    /// $0...$1, a size that is not a whole number of 0.01 contract, fields outside an entry.
    public var malformed = 0

    public init() {}

    /// Entries not applied, for whatever reason.
    public var notApplied: Int { withoutSnapshot + unknownActions + unknownEntryTypes + skipped + malformed }

    static func += (a: inout BookEntryCounts, b: BookEntryCounts) {
        a.levelsApplied += b.levelsApplied
        a.tradesRecorded += b.tradesRecorded
        a.withoutSnapshot += b.withoutSnapshot
        a.unknownActions += b.unknownActions
        a.unknownEntryTypes += b.unknownEntryTypes
        a.skipped += b.skipped
        a.malformed += b.malformed
    }
}

/// What ``FixOrderBooks/apply(_:)`` did with one message.
public struct BookApplyResult: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// A MarketDataSnapshotFullRefresh (W): the symbol's book was replaced (or created).
        case snapshot
        /// A MarketDataIncrementalRefresh (X): its entries were applied.
        case incremental
        /// A snapshot without a Symbol (55): nothing changed.
        case malformedSnapshot
        /// Not W or X: nothing to do.
        case notMarketData
    }

    public var kind: Kind
    /// Number of distinct books the message changed (levels or last trade).
    public var changedBooks = 0
    /// What happened to the message's entries.
    public var entries = BookEntryCounts()

    public init(kind: Kind) {
        self.kind = kind
    }
}

/// What ``FixOrderBooks/clear()`` dropped: log it, then resubscribe
/// ``symbolsToResubscribe`` and rebuild from the new snapshots.
public struct BookClearReport: Sendable, Hashable, CustomStringConvertible {
    /// Symbols whose books were dropped, sorted.
    public var droppedSymbols: [String]
    /// Price levels (bids + offers) dropped with them.
    public var droppedLevels: Int
    /// The subscriptions noted with ``FixOrderBooks/noteSubscribed(_:)``, sorted: what the
    /// market-data session must request again (263=1) after it logs on.
    public var symbolsToResubscribe: [String]

    public var description: String {
        "market data cleared: dropped \(droppedSymbols.count) book(s) (\(droppedLevels) level(s)): "
            + "\(droppedSymbols.joined(separator: ", ")); resubscribe \(symbolsToResubscribe.count) symbol(s)"
    }
}

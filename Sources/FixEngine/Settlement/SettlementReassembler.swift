import FixCodec

/// Reassembles MarketSettlementReport (35=UMS) fragments into one ``MarketSettlement`` per
/// batch (FACTS §15).
///
/// A batch may span several UMS messages. Fragments are grouped by **Symbol (55)**, not by
/// MarketSettlementReportID (20105, which differs per page):
/// - LastFragment (893) = `N`: the page's parties are buffered for the symbol; nothing is
///   emitted (``Event/fragmentBuffered(symbol:fragments:)``).
/// - 893 = `Y` or absent: the buffered parties plus this page's are emitted as one complete
///   settlement (``Event/complete(_:)``) and the buffer is emptied; a standalone report passes
///   straight through.
/// - A fragment whose 20105 was already buffered or emitted is ignored
///   (``Event/duplicateFragment(symbol:reportID:)``): resends after a reconnect do not
///   duplicate parties. The last `rememberedReportIDs` emitted IDs are remembered.
///
/// Like Kalshi's SDK we assume one batch per symbol arrives contiguously and do not check
/// TotNumMarketSettlementReports (20106). Interleaved batches of different symbols are fine.
///
/// - Important: consumers must be idempotent: a complete settlement can be delivered again
///   after a reconnect, or after this object (or the process) was recreated.
///
/// ### Ownership and threads
/// Messages are views valid only during ``apply(_:)``; everything kept is copied out (strings,
/// exact decimals). Use one reassembler per session, on the thread that receives its
/// messages (the I/O thread). Settlement reports are rare, so this is not a hot path: it
/// allocates.
public final class SettlementReassembler {
    /// What ``apply(_:)`` did with a message.
    public enum Event: Sendable, Hashable {
        /// Not a MarketSettlementReport: nothing to do.
        case notSettlement
        /// A non-final fragment (893=N) was buffered; `fragments` are now pending for `symbol`.
        case fragmentBuffered(symbol: String, fragments: Int)
        /// The last (or only) fragment arrived: the whole batch.
        case complete(MarketSettlement)
        /// A fragment already buffered or emitted (same 20105): ignored.
        case duplicateFragment(symbol: String, reportID: String)
    }

    /// How many emitted report IDs are remembered for duplicate suppression.
    public let rememberedReportIDs: Int

    struct Batch {
        var reportIDs: [String] = []
        var parties: [SettlementParty] = []
        var clearingBusinessDate: FixLocalMktDate
        var marketResult: MarketResult
        var settlementPriceCents: FixDecimal
        var totalReports: Int?
        var agree = true
    }

    var pending: [String: Batch] = [:]
    var emitted: Set<String> = []
    var emittedOrder: [String] = []
    var emittedOldest = 0

    public init(rememberedReportIDs: Int = 4096) {
        self.rememberedReportIDs = max(0, rememberedReportIDs)
    }

    /// Symbols with buffered fragments still waiting for their last fragment, sorted.
    public var pendingSymbols: [String] { pending.keys.sorted() }

    /// The 20105 IDs buffered for `symbol`, in arrival order (empty when none).
    public func pendingReportIDs(for symbol: String) -> [String] {
        pending[symbol]?.reportIDs ?? []
    }

    /// Feeds one message.
    /// - Parameter message: valid only during the call; what is kept is copied.
    /// - Throws: ``FixDecodeError`` when a UMS lacks a required field or has a malformed
    ///   value; the pending fragments are then unchanged (the fragment is not buffered).
    public func apply(_ message: FixMessage) throws(FixDecodeError) -> Event {
        guard let report = MarketSettlementReportView(message) else { return .notSettlement }
        // Read everything before changing state, so a bad fragment leaves no trace.
        let reportID = try report.marketSettlementReportID.string
        let symbol = try report.symbol.string
        // 715 per the docs; a third-party capture used 15 (OPEN-QUESTIONS Q28): accept it as a fallback.
        let date: FixLocalMktDate
        if let d = try message.body.localMktDate(715) { date = d } else if let d = try message.body.localMktDate(15) {
            date = d
        } else {
            throw .requiredTagMissing(tag: 715)
        }
        let result = try report.marketResult
        let price = try report.settlementPrice
        let total = try report.totNumMarketSettlementReports
        let last = try report.lastFragment ?? true
        var parties: [SettlementParty] = []
        for entry in try report.marketSettlementPartyIDs { parties.append(try Self.copy(entry)) }

        if emitted.contains(reportID) || pending[symbol]?.reportIDs.contains(reportID) == true {
            return .duplicateFragment(symbol: symbol, reportID: reportID)
        }
        var batch = pending.removeValue(forKey: symbol)
            ?? Batch(clearingBusinessDate: date, marketResult: result, settlementPriceCents: price)
        if batch.clearingBusinessDate != date || batch.marketResult != result || batch.settlementPriceCents != price {
            batch.agree = false
        }
        batch.reportIDs.append(reportID)
        batch.parties.append(contentsOf: parties)
        batch.clearingBusinessDate = date
        batch.marketResult = result
        batch.settlementPriceCents = price
        if let total { batch.totalReports = total }

        guard last else {
            pending[symbol] = batch
            return .fragmentBuffered(symbol: symbol, fragments: batch.reportIDs.count)
        }
        for id in batch.reportIDs { remember(id) }
        return .complete(MarketSettlement(
            symbol: symbol, clearingBusinessDate: batch.clearingBusinessDate, marketResult: batch.marketResult,
            settlementPriceCents: batch.settlementPriceCents, reportIDs: batch.reportIDs, totalReports: batch.totalReports,
            parties: batch.parties, fragmentsAgree: batch.agree))
    }

    /// Drops every incomplete batch, for a reconnect (FACTS §15: buffers are cleared on
    /// reconnect; if Kalshi resends the batch, it is reassembled from scratch). Remembered
    /// emitted IDs are kept, so resends of settlements already emitted stay suppressed.
    /// - Returns: a warning naming what was dropped, or nil when nothing was pending.
    @discardableResult
    public func clear() -> SettlementClearWarning? {
        guard !pending.isEmpty else { return nil }
        let dropped = pending.keys.sorted().map { symbol in
            SettlementClearWarning.DroppedBatch(symbol: symbol, reportIDs: pending[symbol]!.reportIDs,
                                                parties: pending[symbol]!.parties.count)
        }
        pending.removeAll()
        return SettlementClearWarning(dropped: dropped)
    }

    func remember(_ id: String) {
        guard rememberedReportIDs > 0, emitted.insert(id).inserted else { return }
        if emittedOrder.count < rememberedReportIDs {
            emittedOrder.append(id)
        } else {
            // A ring: forget the oldest.
            emitted.remove(emittedOrder[emittedOldest])
            emittedOrder[emittedOldest] = id
            emittedOldest = (emittedOldest + 1) % rememberedReportIDs
        }
    }

    static func copy(_ entry: MarketSettlementPartyIDsEntryView) throws(FixDecodeError) -> SettlementParty {
        var changes: [SettlementCollateralChange] = []
        for c in try entry.collateralAmountChanges {
            changes.append(SettlementCollateralChange(amount: try c.collateralAmountChange, type: try c.collateralAmountType))
        }
        var fees: [SettlementFee] = []
        for f in try entry.miscFees {
            fees.append(SettlementFee(amount: try f.miscFeeAmt, currency: try f.miscFeeCurr.string,
                                      type: try f.miscFeeType, basis: try f.miscFeeBasis))
        }
        return SettlementParty(partyID: try entry.marketSettlementPartyID.string, role: try entry.marketSettlementPartyRole,
                               longQuantity: try entry.longQty, shortQuantity: try entry.shortQty,
                               collateralChanges: changes, fees: fees)
    }
}

/// What ``SettlementReassembler/clear()`` dropped: incomplete batches whose remaining
/// fragments never arrived. Log it; the settlements are complete only if Kalshi resends them.
public struct SettlementClearWarning: Sendable, Hashable, CustomStringConvertible {
    public struct DroppedBatch: Sendable, Hashable {
        /// The market.
        public var symbol: String
        /// MarketSettlementReportID (20105) of each fragment dropped.
        public var reportIDs: [String]
        /// Parties those fragments carried.
        public var parties: Int
    }

    /// One entry per symbol, sorted by symbol.
    public var dropped: [DroppedBatch]

    public var description: String {
        "settlement reassembly cleared on reconnect: dropped \(dropped.count) incomplete batch(es): "
            + dropped.map { "\($0.symbol) (\($0.reportIDs.count) fragment(s) [\($0.reportIDs.joined(separator: ", "))], \($0.parties) part(ies))" }
                .joined(separator: "; ")
            + "; they complete only if Kalshi resends them"
    }
}

import FixCodec

/// One market's settlement for your account(s), reassembled from every MarketSettlementReport
/// (35=UMS) fragment of the batch and copied out of the receive buffer: owned, `Sendable`,
/// safe to keep and hand to other threads.
///
/// Money is exact (``FixDecimal``): ``settlementPriceCents`` is in **cents** (730 is always
/// cents, e.g. `30.60`), every collateral change and fee is in **dollars**, positions are in
/// **contracts**.
///
/// - Important: consumers must be idempotent. After a reconnect Kalshi may deliver a
///   settlement again (a resend, or fragments of a batch whose first delivery was cut off);
///   key your processing on (``symbol``, ``clearingBusinessDate``) and the parties, not on
///   having seen it once. ``SettlementReassembler`` suppresses fragments it has already seen,
///   but only within its own memory.
public struct MarketSettlement: Sendable, Hashable {
    /// The market ticker (Symbol, 55): what the fragments were grouped by.
    public var symbol: String
    /// ClearingBusinessDate (715) of the last fragment.
    public var clearingBusinessDate: FixLocalMktDate
    /// MarketResult (20107) of the last fragment: `yes`, `no` or `scalar`.
    public var marketResult: MarketResult
    /// SettlementPrice (730) of the last fragment: the pre-fee YES settlement price in
    /// **cents**, up to 2 decimals (`100.00`, `30.60`).
    public var settlementPriceCents: FixDecimal
    /// MarketSettlementReportID (20105) of every fragment, in arrival order (one per page).
    public var reportIDs: [String]
    /// TotNumMarketSettlementReports (20106) of the last fragment that carried it; not checked
    /// against the fragments received (Kalshi does not define it precisely; the SDK ignores it).
    public var totalReports: Int?
    /// Every party of every fragment, in arrival order.
    public var parties: [SettlementParty]
    /// False when fragments of the batch disagreed on 715, 20107 or 730 (the values above are
    /// the last fragment's); worth a warning, since one batch should agree on them.
    public var fragmentsAgree: Bool

    public init(symbol: String, clearingBusinessDate: FixLocalMktDate, marketResult: MarketResult,
                settlementPriceCents: FixDecimal, reportIDs: [String], totalReports: Int?,
                parties: [SettlementParty], fragmentsAgree: Bool = true) {
        self.symbol = symbol
        self.clearingBusinessDate = clearingBusinessDate
        self.marketResult = marketResult
        self.settlementPriceCents = settlementPriceCents
        self.reportIDs = reportIDs
        self.totalReports = totalReports
        self.parties = parties
        self.fragmentsAgree = fragmentsAgree
    }

    /// The settlement price in dollars (`100.00` cents → `1.0000`), exactly.
    public var settlementPriceDollars: FixDecimal {
        (try? settlementPriceCents.centsToDollars()) ?? settlementPriceCents
    }
}

/// One account's settlement in a market (one entry of the 20108 party group).
public struct SettlementParty: Sendable, Hashable {
    /// MarketSettlementPartyID (20109): the account.
    public var partyID: String
    /// MarketSettlementPartyRole (20110): `24` customer account.
    public var role: MarketSettlementPartyRole
    /// LongQty (704): YES contracts held, when given.
    public var longQuantity: FixDecimal?
    /// ShortQty (705): NO contracts held, when given.
    public var shortQuantity: FixDecimal?
    /// CollateralAmountChanges (1703 group): normally one PAYOUT, in dollars after the fee.
    public var collateralChanges: [SettlementCollateralChange]
    /// MiscFees (136 group): normally one settlement fee, in dollars, already deducted from
    /// the payout.
    public var fees: [SettlementFee]

    public init(partyID: String, role: MarketSettlementPartyRole, longQuantity: FixDecimal?, shortQuantity: FixDecimal?,
                collateralChanges: [SettlementCollateralChange], fees: [SettlementFee]) {
        self.partyID = partyID
        self.role = role
        self.longQuantity = longQuantity
        self.shortQuantity = shortQuantity
        self.collateralChanges = collateralChanges
        self.fees = fees
    }

    /// The sum of PAYOUT changes in dollars (net of the settlement fee), or nil when there
    /// is none. - Throws: ``FixValueError/overflow`` (not for real amounts).
    public func payout() throws(FixValueError) -> FixDecimal? {
        var total: FixDecimal?
        for change in collateralChanges where change.type == .payout {
            total = try (total ?? .zero).adding(change.amount)
        }
        return total
    }

    /// The sum of fees in dollars (zero when there is none).
    public func totalFees() throws(FixValueError) -> FixDecimal {
        var total = FixDecimal.zero
        for fee in fees { total = try total.adding(fee.amount) }
        return total
    }

    /// Payout before the fee: PAYOUT + fees (FACTS §15: do not subtract the fee again), or nil
    /// when there is no payout.
    public func grossPayout() throws(FixValueError) -> FixDecimal? {
        guard let net = try payout() else { return nil }
        return try net.adding(totalFees())
    }
}

/// One collateral change (1704/1705).
public struct SettlementCollateralChange: Sendable, Hashable {
    /// CollateralAmountChange (1704), dollars.
    public var amount: FixDecimal
    /// CollateralAmountType (1705): `PAYOUT` or `BALANCE`.
    public var type: CollateralAmountType

    public init(amount: FixDecimal, type: CollateralAmountType) {
        self.amount = amount
        self.type = type
    }
}

/// One fee (137/138/139/891).
public struct SettlementFee: Sendable, Hashable {
    /// MiscFeeAmt (137), in ``currency`` (dollars).
    public var amount: FixDecimal
    /// MiscFeeCurr (138): `USD`.
    public var currency: String
    /// MiscFeeType (139): `4` exchange fees.
    public var type: MiscFeeType
    /// MiscFeeBasis (891): `0` absolute.
    public var basis: MiscFeeBasis

    public init(amount: FixDecimal, currency: String, type: MiscFeeType, basis: MiscFeeBasis) {
        self.amount = amount
        self.currency = currency
        self.type = type
        self.basis = basis
    }
}

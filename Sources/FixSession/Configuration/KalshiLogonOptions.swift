/// Kalshi's optional Logon (35=A) flags (FACTS §4.2).
///
/// `nil` means "do not send the tag", so the gateway's default applies; a value is always sent,
/// even when it equals the default. Which flags a session type accepts is checked by
/// ``SessionConfiguration/validate(environment:)`` (see ``KalshiLogonFlag/isAllowed(on:product:)``).
///
/// Not here on purpose: CancelOrderOnPause (21006) is set per order on NewOrderSingle, not on
/// Logon; SenderSubID (50) must never be on a Logon (the gateway rejects it).
// Decision (Q29): UseCapReservation (21032) is not offered: D-oe only refers to it, no page
// documents its Logon tag value or default, and guessing a wire form could fail logons.
public struct KalshiLogonOptions: Sendable, Hashable {
    /// CancelOrdersOnDisconnect (8013). `true`: the gateway cancels every open order when the
    /// connection drops *or* the session logs out gracefully. Order entry only; never on a listener.
    public var cancelOrdersOnDisconnect: Bool?
    /// ListenerSession (20126). `true`: read-only session receiving the account's
    /// ExecutionReports live; needs ``skipPendingExecReports`` = `true`. KalshiNR/KalshiRT only.
    public var listenerSession: Bool?
    /// ReceiveSettlementReports (20127): stream MarketSettlementReports (35=UMS). Prediction
    /// only; default on for KalshiPT (send `false` to opt out), off elsewhere.
    public var receiveSettlementReports: Bool?
    /// MessageRetentionPeriod (20200), in hours: how far back ResendRequests reach. Default 24,
    /// at most 72. Retransmission sessions only (KalshiRT, prediction KalshiPT).
    public var messageRetentionHours: Int?
    /// UseDollars (21005): price format of 44/6/31/132/133 on prediction order entry and RFQ.
    /// Margin prices are always dollars; `.cents` is refused there and `.dollars` is not sent.
    public var priceUnit: KalshiPriceUnit?
    /// EnableIocCancelReport (21007): a partially filled IOC order also gets a cancel report.
    public var enableIocCancelReport: Bool?
    /// PreserveOriginalOrderQty (21008): OrderQty (38) on ExecutionReports stays the original
    /// quantity (default: 38 = CumQty + LeavesQty).
    public var preserveOriginalOrderQty: Bool?
    /// SkipPendingExecReports (21011): no PENDING_NEW / PENDING_REPLACE / PENDING_CANCEL
    /// reports. Required (`true`) on listener sessions.
    // Decision (Q14): only the current tag 21011 is sent, never the legacy 21003, which now
    // means ResendEventCount on drop-copy messages.
    public var skipPendingExecReports: Bool?
    /// UseExpiredOrdStatus (21012): expiry-style system cancels report Expired (`C`) in 150/39
    /// instead of Canceled (`4`).
    public var useExpiredOrdStatus: Bool?
    /// AlwaysEmitNewBeforeTrade (21026): always a standalone New (150=0) report before the
    /// first Trade (150=F) report, even when the order fills in the same matching cycle.
    public var alwaysEmitNewBeforeTrade: Bool?
    /// SplitCollateralReturn (21027): Trade reports carry the 21030/21031 collateral-return
    /// breakdown. Prediction order entry only.
    public var splitCollateralReturn: Bool?

    public init(cancelOrdersOnDisconnect: Bool? = nil, listenerSession: Bool? = nil,
                receiveSettlementReports: Bool? = nil, messageRetentionHours: Int? = nil,
                priceUnit: KalshiPriceUnit? = nil, enableIocCancelReport: Bool? = nil,
                preserveOriginalOrderQty: Bool? = nil, skipPendingExecReports: Bool? = nil,
                useExpiredOrdStatus: Bool? = nil, alwaysEmitNewBeforeTrade: Bool? = nil,
                splitCollateralReturn: Bool? = nil) {
        self.cancelOrdersOnDisconnect = cancelOrdersOnDisconnect
        self.listenerSession = listenerSession
        self.receiveSettlementReports = receiveSettlementReports
        self.messageRetentionHours = messageRetentionHours
        self.priceUnit = priceUnit
        self.enableIocCancelReport = enableIocCancelReport
        self.preserveOriginalOrderQty = preserveOriginalOrderQty
        self.skipPendingExecReports = skipPendingExecReports
        self.useExpiredOrdStatus = useExpiredOrdStatus
        self.alwaysEmitNewBeforeTrade = alwaysEmitNewBeforeTrade
        self.splitCollateralReturn = splitCollateralReturn
    }

    /// The options of a read-only listener (20126=Y, 21011=Y), FACTS §10.
    public static var listener: KalshiLogonOptions {
        KalshiLogonOptions(listenerSession: true, skipPendingExecReports: true)
    }

    /// Whether the session logs on as a listener (20126=Y).
    public var isListener: Bool { listenerSession == true }

    /// The flags that are set (non-nil), in tag order.
    public var setFlags: [KalshiLogonFlag] {
        KalshiLogonFlag.allCases.filter { isSet($0) }
    }

    func isSet(_ flag: KalshiLogonFlag) -> Bool {
        switch flag {
        case .cancelOrdersOnDisconnect: return cancelOrdersOnDisconnect != nil
        case .listenerSession: return listenerSession != nil
        case .receiveSettlementReports: return receiveSettlementReports != nil
        case .messageRetentionPeriod: return messageRetentionHours != nil
        case .useDollars: return priceUnit != nil
        case .enableIocCancelReport: return enableIocCancelReport != nil
        case .preserveOriginalOrderQty: return preserveOriginalOrderQty != nil
        case .skipPendingExecReports: return skipPendingExecReports != nil
        case .useExpiredOrdStatus: return useExpiredOrdStatus != nil
        case .alwaysEmitNewBeforeTrade: return alwaysEmitNewBeforeTrade != nil
        case .splitCollateralReturn: return splitCollateralReturn != nil
        }
    }

    /// The wire value of `flag` (`Y`/`N`, or the hours), nil when not set.
    func wireValue(_ flag: KalshiLogonFlag) -> String? {
        func yn(_ b: Bool?) -> String? { b.map { $0 ? "Y" : "N" } }
        switch flag {
        case .cancelOrdersOnDisconnect: return yn(cancelOrdersOnDisconnect)
        case .listenerSession: return yn(listenerSession)
        case .receiveSettlementReports: return yn(receiveSettlementReports)
        case .messageRetentionPeriod: return messageRetentionHours.map { String($0) }
        case .useDollars: return priceUnit.map { $0 == .dollars ? "Y" : "N" }
        case .enableIocCancelReport: return yn(enableIocCancelReport)
        case .preserveOriginalOrderQty: return yn(preserveOriginalOrderQty)
        case .skipPendingExecReports: return yn(skipPendingExecReports)
        case .useExpiredOrdStatus: return yn(useExpiredOrdStatus)
        case .alwaysEmitNewBeforeTrade: return yn(alwaysEmitNewBeforeTrade)
        case .splitCollateralReturn: return yn(splitCollateralReturn)
        }
    }
}

/// How a prediction session's order prices are written: UseDollars (21005) N or Y (FACTS §16).
public enum KalshiPriceUnit: String, Sendable, Hashable, CaseIterable {
    /// Integer cents 1–99 (`44=75`): the prediction default (21005=N).
    case cents
    /// Dollars with up to 4 decimals (`44=0.7500`), subpenny capable (21005=Y). Margin always.
    case dollars
}

/// One of Kalshi's optional Logon flags: its tag, name and the sessions that accept it
/// (FACTS §4.2). The raw value is the tag number.
public enum KalshiLogonFlag: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case cancelOrdersOnDisconnect = 8013
    case listenerSession = 20126
    case receiveSettlementReports = 20127
    case messageRetentionPeriod = 20200
    case useDollars = 21005
    case enableIocCancelReport = 21007
    case preserveOriginalOrderQty = 21008
    case skipPendingExecReports = 21011
    case useExpiredOrdStatus = 21012
    case alwaysEmitNewBeforeTrade = 21026
    case splitCollateralReturn = 21027

    /// The tag number.
    public var tag: Int { rawValue }

    /// The dictionary's field name, e.g. `CancelOrdersOnDisconnect`.
    public var name: String {
        switch self {
        case .cancelOrdersOnDisconnect: return "CancelOrdersOnDisconnect"
        case .listenerSession: return "ListenerSession"
        case .receiveSettlementReports: return "ReceiveSettlementReports"
        case .messageRetentionPeriod: return "MessageRetentionPeriod"
        case .useDollars: return "UseDollars"
        case .enableIocCancelReport: return "EnableIocCancelReport"
        case .preserveOriginalOrderQty: return "PreserveOriginalOrderQty"
        case .skipPendingExecReports: return "SkipPendingExecReports"
        case .useExpiredOrdStatus: return "UseExpiredOrdStatus"
        case .alwaysEmitNewBeforeTrade: return "AlwaysEmitNewBeforeTrade"
        case .splitCollateralReturn: return "SplitCollateralReturn"
        }
    }

    /// Whether a `product` session of type `sessionType` accepts this flag on its Logon.
    ///
    /// A flag sent where it does not apply is refused by validation rather than sent: the
    /// gateway's reaction to an out-of-scope Logon tag is undocumented and may be a rejected
    /// Logon.
    public func isAllowed(on sessionType: KalshiSessionType, product: KalshiProduct) -> Bool {
        guard sessionType.isAvailable(on: product) else { return false }
        switch self {
        // "Order entry" flags: KalshiNR and KalshiRT on both gateways (FACTS §4.2, M-auth, M-oe).
        // Decision: KalshiRFQ (market maker) is not "order entry" here; no page lists these
        // flags for it, so they are refused there until Kalshi documents them.
        case .cancelOrdersOnDisconnect, .listenerSession, .enableIocCancelReport,
             .preserveOriginalOrderQty, .skipPendingExecReports, .useExpiredOrdStatus,
             .alwaysEmitNewBeforeTrade:
            return sessionType.isOrderEntry
        case .receiveSettlementReports:
            // Decision (Q7): prediction KalshiNR, KalshiRT and KalshiPT. D-auth names RT and PT,
            // the newest market-settlement page also NR; allowing NR costs nothing if the
            // gateway ignores it. Margin has no settlement reports.
            return product == .prediction && (sessionType.isOrderEntry || sessionType == .kalshiPT)
        case .messageRetentionPeriod:
            // Retransmission sessions only: prediction RT and PT, margin RT (M-auth).
            return sessionType.supportsRetransmission
        case .useDollars:
            // "Order entry/RFQ" (D-auth). MD prices are always dollars and PT's 730 always cents,
            // so the flag means nothing there. On margin it is accepted only as `.dollars`, which
            // is not sent (see `SessionConfiguration.logonFields`).
            return sessionType.isOrderEntry || sessionType == .kalshiRFQ
        case .splitCollateralReturn:
            return product == .prediction && sessionType.isOrderEntry
        }
    }

    /// Where the flag applies, for error messages, e.g. "prediction KalshiNR/KalshiRT".
    public var scopeDescription: String {
        KalshiProduct.allCases.compactMap { product -> String? in
            let types = product.sessionTypes.filter { isAllowed(on: $0, product: product) }
            guard !types.isEmpty else { return nil }
            return "\(product) " + types.map(\.targetCompID).joined(separator: "/")
        }.joined(separator: " and ")
    }

    /// `Name (tag)`, e.g. `SkipPendingExecReports (21011)`.
    public var description: String { "\(name) (\(tag))" }
}

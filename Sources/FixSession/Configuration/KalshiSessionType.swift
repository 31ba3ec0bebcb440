/// A Kalshi FIX session type: the port you connect to and the TargetCompID (56) you send.
///
/// Ports and TargetCompIDs are the same on both gateways and in both environments
/// (FACTS §2.3). Prediction offers all six types; margin offers KalshiNR, KalshiRT, KalshiDC and
/// KalshiMD (FACTS §17). Use ``isAvailable(on:)`` before connecting.
///
/// The raw value is the TargetCompID, e.g. `KalshiSessionType(rawValue: "KalshiRT")`.
public enum KalshiSessionType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Order entry without retransmission (port 8228). Supports listener mode.
    case kalshiNR = "KalshiNR"
    /// Drop copy: request/response history of ExecutionReports, 3 h lookback (port 8229).
    case kalshiDC = "KalshiDC"
    /// Order entry with retransmission (port 8230). Supports listener mode; on prediction also
    /// RFQ creation and opt-in settlement reports.
    case kalshiRT = "KalshiRT"
    /// Post trade: read-only settlement-report stream (port 8231). Prediction only.
    case kalshiPT = "KalshiPT"
    /// Market-maker RFQ session: receives RFQs, sends quotes (port 8232). Prediction only.
    case kalshiRFQ = "KalshiRFQ"
    /// Market data (port 8233), served only by the market-data host.
    case kalshiMD = "KalshiMD"

    /// What a session type is for.
    public enum Role: Sendable, Hashable {
        case orderEntry
        case dropCopy
        case postTrade
        case rfq
        case marketData
    }

    /// TargetCompID (56) of outbound messages: the session name.
    public var targetCompID: String { rawValue }

    /// TCP port, identical on every host and environment (FACTS §2.3).
    public var port: Int {
        switch self {
        case .kalshiNR: return 8228
        case .kalshiDC: return 8229
        case .kalshiRT: return 8230
        case .kalshiPT: return 8231
        case .kalshiRFQ: return 8232
        case .kalshiMD: return 8233
        }
    }

    public var role: Role {
        switch self {
        case .kalshiNR, .kalshiRT: return .orderEntry
        case .kalshiDC: return .dropCopy
        case .kalshiPT: return .postTrade
        case .kalshiRFQ: return .rfq
        case .kalshiMD: return .marketData
        }
    }

    /// KalshiNR or KalshiRT (also when logged on as a listener).
    public var isOrderEntry: Bool { role == .orderEntry }
    /// KalshiDC.
    public var isDropCopy: Bool { role == .dropCopy }
    /// KalshiMD.
    public var isMarketData: Bool { role == .marketData }
    /// KalshiRFQ, the market-maker side. RFQ *creation* happens on KalshiRT (FACTS §14).
    public var isRFQ: Bool { role == .rfq }
    /// KalshiPT.
    public var isPostTrade: Bool { role == .postTrade }

    /// Which of a gateway's two hosts serves this session type.
    public var hostRole: KalshiHostRole {
        // Decision (Q30): every non-MD session (NR, RT, DC, PT, RFQ, listeners) uses the
        // order-entry host, because the newest connectivity page lists one host for all of them
        // and says KalshiMD is "available only on market data host". Older pages' single
        // `fix.elections.kalshi.com` stays a known host for explicit overrides.
        isMarketData ? .marketData : .orderEntry
    }

    /// Whether `product`'s gateway offers this session type (FACTS §17).
    public func isAvailable(on product: KalshiProduct) -> Bool {
        switch (self, product) {
        case (_, .prediction): return true
        case (.kalshiNR, .margin), (.kalshiRT, .margin), (.kalshiDC, .margin), (.kalshiMD, .margin): return true
        case (.kalshiPT, .margin), (.kalshiRFQ, .margin): return false
        }
    }

    /// Whether the session supports retransmission: ResendRequest (35=2), SequenceReset (35=4),
    /// MessageRetentionPeriod (20200) and keeping sequence numbers across reconnects.
    // Decision (Q2): KalshiRT and KalshiPT, following the newest auth and common-components
    // pages (and the SDK). Older pages named KalshiRFQ instead of KalshiPT; we follow the newest
    // because it is what the gateway documents today, and a wrong "no" only costs a full reset
    // (141=Y) while a wrong "yes" would send ResendRequests the gateway rejects. Margin offers
    // no KalshiPT, so there RT is the only one, as M-auth says.
    public var supportsRetransmission: Bool {
        switch self {
        case .kalshiRT, .kalshiPT: return true
        case .kalshiNR, .kalshiDC, .kalshiRFQ, .kalshiMD: return false
        }
    }

    /// Whether every Logon must carry ResetSeqNumFlag(141)=Y (the gateway rejects it otherwise):
    /// every session type without retransmission (FACTS §3).
    // Decision (Q8): the same rule applies after the Thursday maintenance window: RT/PT keep
    // their sequence numbers (newest docs: Kalshi does not reset them), all others reset anyway.
    public var requiresResetSeqNumFlag: Bool { !supportsRetransmission }

    /// Whether the session can log on as a read-only listener (20126=Y): KalshiNR and KalshiRT,
    /// on both gateways (FACTS §10).
    public var supportsListenerMode: Bool { isOrderEntry }

    /// SenderCompID (49) values the gateway may put on messages it sends on this session.
    // Decision (Q10): the common-components page says `Kalshi`, the market-data examples show
    // the session name (`KalshiMD`); accept both rather than fail a session on an undocumented
    // detail.
    public var inboundSenderCompIDs: [String] { ["Kalshi", targetCompID] }

    public var description: String { rawValue }
}

/// Which host of a gateway serves a session: each gateway has one host for order entry (and
/// every other non-market-data session) and one for market data (FACTS §2.1, §2.2).
public enum KalshiHostRole: String, Sendable, Hashable, CaseIterable {
    case orderEntry
    case marketData
}

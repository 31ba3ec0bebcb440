import FixCodec
import FixSession

/// Kalshi's Logon rules as the gateway applies them (FACTS §3–§5): what a Logon must carry,
/// and the Logout text a violation gets. The SendingTime window and the sequence numbers are
/// the session core's job.
struct SimLogonCheck {
    let product: KalshiProduct
    let sessionType: KalshiSessionType
    let verifier: LogonSignatureVerifier?

    /// The Logout text refusing `logon`, or nil when it is acceptable.
    func refusal(_ logon: FixMessage) -> String? {
        let fields = logon.body
        guard let verifier else {
            return "Invalid API key: \(fields.value(49)?.string ?? "")"
        }
        if fields.value(50) != nil { return "SenderSubID(50) is not allowed on Logon" }
        guard (try? fields.int(98)) == 0 else { return "EncryptMethod(98) must be 0" }
        guard let defaultApplVerID = fields.value(1137), defaultApplVerID.equals("9") else {
            return "DefaultApplVerID(1137) must be 9 (FIX50SP2)"
        }
        guard let heartbeat = try? fields.int(108) else { return "HeartBtInt(108) is required" }
        if heartbeat < product.minimumHeartbeatInterval {
            return product == .prediction ? "HeartBtInt(108) must be greater than 3 seconds"
                                          : "HeartBtInt(108) must be at least 3 seconds"
        }
        let reset = (try? fields.bool(141)) == true
        if sessionType.requiresResetSeqNumFlag && !reset {
            return "ResetSeqNumFlag(141)=Y is required on \(sessionType)"
        }
        let listener = (try? fields.bool(20126)) == true
        if listener {
            guard sessionType.supportsListenerMode else { return "ListenerSession(20126) is not supported on \(sessionType)" }
            guard (try? fields.bool(21011)) == true else { return "ListenerSession(20126)=Y requires SkipPendingExecReports(21011)=Y" }
            if (try? fields.bool(8013)) == true { return "CancelOrdersOnDisconnect(8013) is not allowed on a listener session" }
        }
        if let hours = try? fields.int(20200), !(1...72).contains(hours) {
            return "MessageRetentionPeriod(20200) must be between 1 and 72 hours"
        }
        guard let signature = fields.value(96), !signature.isEmpty else { return "RawData(96) signature is required" }
        guard verifier.isValid(base64Signature: signature.string, for: Self.preHash(fields)) else {
            return "Invalid signature"
        }
        return nil
    }

    /// `SendingTime␁A␁MsgSeqNum␁SenderCompID␁TargetCompID` from the exact bytes on the wire
    /// (FACTS §5): a client that signs a different rendering of 52 or 34 fails, as on Kalshi.
    static func preHash(_ fields: FixFieldRange) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(96)
        for (index, tag) in [52, 35, 34, 49, 56].enumerated() {
            if index > 0 { bytes.append(0x01) }
            if let value = fields.value(tag) { bytes.append(contentsOf: value.bytes) }
        }
        return bytes
    }
}

/// The Kalshi logon flags of an accepted session that change what the gateway sends
/// (FACTS §4.2).
struct SimLogonOptions: Sendable {
    var useDollars = false
    var skipPendingExecReports = false
    var cancelOrdersOnDisconnect = false
    var listener = false
    var receiveSettlementReports = false
    var preserveOriginalOrderQty = false
    var useExpiredOrdStatus = false
    var alwaysEmitNewBeforeTrade = false
    var enableIocCancelReport = false
    var splitCollateralReturn = false

    init() {}

    init(logon fields: FixFieldRange, product: KalshiProduct, sessionType: KalshiSessionType) {
        func flag(_ tag: Int) -> Bool { (try? fields.bool(tag)) == true }
        useDollars = product.alwaysUsesDollarPrices || flag(21005)
        skipPendingExecReports = flag(21011) || flag(21003)  // 21003: the legacy tag, still accepted (v1.0.17)
        cancelOrdersOnDisconnect = flag(8013)
        listener = flag(20126)
        // KalshiPT streams settlement reports unless opted out; RT only when asked (FACTS §3, §4.2).
        let settlement = try? fields.bool(20127)
        receiveSettlementReports = sessionType == .kalshiPT ? (settlement ?? true) : (settlement ?? false)
        preserveOriginalOrderQty = flag(21008)
        useExpiredOrdStatus = flag(21012)
        alwaysEmitNewBeforeTrade = flag(21026)
        enableIocCancelReport = flag(21007)
        splitCollateralReturn = flag(21027)
    }
}

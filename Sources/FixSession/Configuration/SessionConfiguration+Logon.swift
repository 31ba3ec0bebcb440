import FixCodec

/// One field of a Logon body: tag and its exact wire value.
public struct KalshiLogonField: Sendable, Hashable, CustomStringConvertible {
    public let tag: Int
    public let value: String

    public init(tag: Int, value: String) {
        self.tag = tag
        self.value = value
    }

    /// `tag=value`.
    public var description: String { "\(tag)=\(value)" }
}

extension SessionConfiguration {
    /// The body of our Logon (35=A) without the signature, in the order to write them:
    ///
    /// `98=0` EncryptMethod, `108=<heartbeatInterval>` HeartBtInt, `141=Y` ResetSeqNumFlag
    /// (when required or requested), `1137=9` DefaultApplVerID (FIX50SP2), then each set Kalshi
    /// flag in tag order (8013, 20126, 20127, 20200, 21005, 21007, 21008, 21011, 21012, 21026,
    /// 21027) as `Y`/`N` or hours.
    ///
    /// The order follows Kalshi's listener Logon example (`98, 108, 1137, 20126, 21011, 96`);
    /// FIX does not require an order for these body fields.
    ///
    /// - Parameter resetSeqNum: send 141=Y on a retransmission session (KalshiRT/KalshiPT),
    ///   e.g. on the first logon of the process. Ignored on every other session type, which
    ///   always sends 141=Y. 141=N is never written: it is the default.
    /// - Precondition: ``validate(environment:)`` passed; flags are written as configured.
    public func logonFields(resetSeqNum: Bool) -> [KalshiLogonField] {
        var fields = [
            KalshiLogonField(tag: FixTag.encryptMethod, value: "0"),
            KalshiLogonField(tag: FixTag.heartBtInt, value: String(heartbeatInterval)),
        ]
        if sessionType.requiresResetSeqNumFlag || resetSeqNum {
            fields.append(KalshiLogonField(tag: FixTag.resetSeqNumFlag, value: "Y"))
        }
        fields.append(KalshiLogonField(tag: FixTag.defaultApplVerID, value: "9"))
        for flag in logonOptions.setFlags {
            // Margin is always in dollars: UseDollars is not sent there (validation refuses
            // `.cents`), because the margin gateway's reaction to the tag is undocumented.
            if flag == .useDollars && product.alwaysUsesDollarPrices { continue }
            if let value = logonOptions.wireValue(flag) {
                fields.append(KalshiLogonField(tag: flag.tag, value: value))
            }
        }
        return fields
    }

    /// ``logonFields(resetSeqNum:)`` followed by the signature: RawDataLength (95) and RawData (96).
    ///
    /// Signs `sendingTime <SOH> A <SOH> msgSeqNum <SOH> SenderCompID <SOH> TargetCompID` with
    /// ``credentials``' signer (≈ 1 ms, RSA-PSS).
    ///
    /// - Parameters:
    ///   - sendingTime: the exact text of SendingTime (52) in this Logon's header; it must be
    ///     within 30 s of Kalshi's clock or the Logon is rejected (373=10).
    ///   - msgSeqNum: MsgSeqNum (34) of this Logon.
    ///   - includeRawDataLength: write 95 before 96 (default true).
    // Decision (Q6): 30 s is the tolerance assumed (newest docs; older ones said 120 s), so the
    // clock must be NTP-synced; nothing here can compensate for skew.
    // Decision (Q4): 95 is sent by default because FIX requires a length before a DATA field
    // and the SDK does so successfully; the switch exists because the docs' example omits it.
    public func signedLogonFields(sendingTime: String, msgSeqNum: Int, resetSeqNum: Bool,
                                  includeRawDataLength: Bool = true) throws(LogonSignerError) -> [KalshiLogonField] {
        let signature = try credentials.signer.signature(sendingTime: sendingTime, msgType: "A", msgSeqNum: msgSeqNum,
                                                         senderCompID: senderCompID, targetCompID: targetCompID)
        var fields = logonFields(resetSeqNum: resetSeqNum)
        if includeRawDataLength {
            fields.append(KalshiLogonField(tag: FixTag.rawDataLength, value: String(signature.utf8.count)))
        }
        fields.append(KalshiLogonField(tag: FixTag.rawData, value: signature))
        return fields
    }
}

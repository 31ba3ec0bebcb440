import FixCodec
@testable import FixSession
import Testing

/// Session types, products and Logon flags against the FACTS tables (§2.3, §3, §4.2, §17).
@Suite("Session configuration: session types")
struct SessionConfigSessionTypeTests {
    /// FACTS §2.3 and §3, written out independently of the implementation:
    /// (type, port, retransmission, 141=Y required, listener mode, role, host, prediction, margin).
    static let table: [(KalshiSessionType, Int, Bool, Bool, Bool, KalshiSessionType.Role, KalshiHostRole, Bool, Bool)] = [
        (.kalshiNR, 8228, false, true, true, .orderEntry, .orderEntry, true, true),
        (.kalshiDC, 8229, false, true, false, .dropCopy, .orderEntry, true, true),
        (.kalshiRT, 8230, true, false, true, .orderEntry, .orderEntry, true, true),
        (.kalshiPT, 8231, true, false, false, .postTrade, .orderEntry, true, false),
        (.kalshiRFQ, 8232, false, true, false, .rfq, .orderEntry, true, false),
        (.kalshiMD, 8233, false, true, false, .marketData, .marketData, true, true),
    ]

    @Test("port, TargetCompID, retransmission, reset, listener, role, host and products match FACTS",
          arguments: table.map { $0.0 })
    func sessionType(_ type: KalshiSessionType) {
        let row = Self.table.first { $0.0 == type }!
        #expect(type.port == row.1, "\(type) port")
        #expect(type.targetCompID == type.rawValue && type.targetCompID.hasPrefix("Kalshi"), "\(type) TargetCompID is the session name")
        #expect(KalshiSessionType(rawValue: type.targetCompID) == type)
        #expect(type.supportsRetransmission == row.2, "\(type) retransmission (decision Q2: RT and PT)")
        #expect(type.requiresResetSeqNumFlag == row.3, "\(type) must-send 141=Y")
        #expect(type.supportsListenerMode == row.4, "\(type) listener mode")
        #expect(type.role == row.5, "\(type) role")
        #expect(type.hostRole == row.6, "\(type) host (decision Q30: only MD on the market-data host)")
        #expect(type.isAvailable(on: .prediction) == row.7, "\(type) on prediction")
        #expect(type.isAvailable(on: .margin) == row.8, "\(type) on margin")
        #expect(type.isOrderEntry == (row.5 == .orderEntry) && type.isDropCopy == (row.5 == .dropCopy)
                && type.isMarketData == (row.5 == .marketData) && type.isRFQ == (row.5 == .rfq)
                && type.isPostTrade == (row.5 == .postTrade), "\(type) role booleans agree with role")
        #expect(type.inboundSenderCompIDs == ["Kalshi", type.targetCompID], "decision Q10")
    }

    @Test("products list their session types; heartbeat minimums are 4 s (prediction) and 3 s (margin)")
    func products() {
        #expect(KalshiProduct.prediction.sessionTypes == [.kalshiNR, .kalshiDC, .kalshiRT, .kalshiPT, .kalshiRFQ, .kalshiMD])
        #expect(KalshiProduct.margin.sessionTypes == [.kalshiNR, .kalshiDC, .kalshiRT, .kalshiMD])
        #expect(KalshiProduct.prediction.minimumHeartbeatInterval == 4)
        #expect(KalshiProduct.margin.minimumHeartbeatInterval == 3)
        #expect(KalshiProduct.margin.alwaysUsesDollarPrices && !KalshiProduct.prediction.alwaysUsesDollarPrices)
        #expect(KalshiProduct.prediction.environmentVariablePrefix == "KALSHI_")
        #expect(KalshiProduct.margin.environmentVariablePrefix == "KALSHI_PERPS_")
    }

    @Test("Logon flag tags and names are the dictionary's")
    func flagTags() {
        let expected: [(KalshiLogonFlag, Int)] = [
            (.cancelOrdersOnDisconnect, FixTag.cancelOrdersOnDisconnect), (.listenerSession, FixTag.listenerSession),
            (.receiveSettlementReports, FixTag.receiveSettlementReports), (.messageRetentionPeriod, FixTag.messageRetentionPeriod),
            (.useDollars, FixTag.useDollars), (.enableIocCancelReport, FixTag.enableIocCancelReport),
            (.preserveOriginalOrderQty, FixTag.preserveOriginalOrderQty), (.skipPendingExecReports, FixTag.skipPendingExecReports),
            (.useExpiredOrdStatus, FixTag.useExpiredOrdStatus), (.alwaysEmitNewBeforeTrade, FixTag.alwaysEmitNewBeforeTrade),
            (.splitCollateralReturn, FixTag.splitCollateralReturn),
        ]
        #expect(expected.count == KalshiLogonFlag.allCases.count, "every flag is checked")
        for (flag, tag) in expected {
            #expect(flag.tag == tag, "\(flag.name) tag")
            #expect(FixDictionaryInfo.fieldName(tag) == flag.name, "dictionary name of \(tag)")
        }
        #expect(KalshiLogonFlag.allCases.map(\.tag) == KalshiLogonFlag.allCases.map(\.tag).sorted(), "flags are in tag order")
    }

    /// FACTS §4.2 / §17 applicability, written out: flag -> product -> session types that accept it.
    static let scope: [KalshiLogonFlag: [KalshiProduct: Set<KalshiSessionType>]] = {
        let orderEntry: Set<KalshiSessionType> = [.kalshiNR, .kalshiRT]
        let bothOrderEntry: [KalshiProduct: Set<KalshiSessionType>] = [.prediction: orderEntry, .margin: orderEntry]
        return [
            .cancelOrdersOnDisconnect: bothOrderEntry,
            .listenerSession: bothOrderEntry,
            .receiveSettlementReports: [.prediction: [.kalshiNR, .kalshiRT, .kalshiPT], .margin: []],  // decision Q7
            .messageRetentionPeriod: [.prediction: [.kalshiRT, .kalshiPT], .margin: [.kalshiRT]],
            .useDollars: [.prediction: [.kalshiNR, .kalshiRT, .kalshiRFQ], .margin: orderEntry],
            .enableIocCancelReport: bothOrderEntry,
            .preserveOriginalOrderQty: bothOrderEntry,
            .skipPendingExecReports: bothOrderEntry,
            .useExpiredOrdStatus: bothOrderEntry,
            .alwaysEmitNewBeforeTrade: bothOrderEntry,
            .splitCollateralReturn: [.prediction: orderEntry, .margin: []],
        ]
    }()

    @Test("each Logon flag is accepted exactly on the sessions FACTS §4.2 lists", arguments: KalshiLogonFlag.allCases)
    func flagScope(_ flag: KalshiLogonFlag) {
        for product in KalshiProduct.allCases {
            for type in KalshiSessionType.allCases {
                let expected = Self.scope[flag]![product]!.contains(type)
                #expect(flag.isAllowed(on: type, product: product) == expected,
                        "\(flag) on \(product) \(type): expected \(expected ? "allowed" : "refused")")
            }
        }
        #expect(KalshiLogonFlag.splitCollateralReturn.scopeDescription == "prediction KalshiNR/KalshiRT")
        #expect(KalshiLogonFlag.messageRetentionPeriod.scopeDescription == "prediction KalshiRT/KalshiPT and margin KalshiRT")
    }
}

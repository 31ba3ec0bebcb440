@testable import FixSession
import Foundation
import Testing

/// The Logon body a configuration produces: exact tags, values and order (FACTS §4, EXAMPLES A50).
@Suite("Session configuration: logon fields")
struct SessionConfigLogonFieldsTests {
    typealias Fixture = SessionConfigFixture

    static func wire(_ config: SessionConfiguration, reset: Bool = false) -> String {
        Fixture.wire(config.logonFields(resetSeqNum: reset))
    }

    @Test("non-retransmission sessions always send 141=Y; RT/PT only when asked", arguments: KalshiSessionType.allCases)
    func resetFlag(_ type: KalshiSessionType) {
        let config = Fixture.configuration(.prediction, type)
        let always = "98=0|108=30|141=Y|1137=9"
        if type == .kalshiRT || type == .kalshiPT {
            #expect(Self.wire(config) == "98=0|108=30|1137=9", "\(type) keeps sequence numbers unless asked")
            #expect(Self.wire(config, reset: true) == always, "\(type) resets when asked")
        } else {
            #expect(Self.wire(config) == always, "\(type) must send 141=Y")
            #expect(Self.wire(config, reset: true) == always, "\(type)")
        }
    }

    @Test("margin: NR, DC and MD send 141=Y, RT does not unless asked")
    func marginReset() {
        for type in [KalshiSessionType.kalshiNR, .kalshiDC, .kalshiMD] {
            #expect(Self.wire(Fixture.configuration(.margin, type)) == "98=0|108=30|141=Y|1137=9", "margin \(type)")
        }
        #expect(Self.wire(Fixture.configuration(.margin, .kalshiRT)) == "98=0|108=30|1137=9")
    }

    @Test("the documented listener Logon (EXAMPLES A50) without its signature")
    func listener() {
        var rt = Fixture.configuration(.prediction, .kalshiRT)
        rt.logonOptions = .listener
        #expect(Self.wire(rt) == "98=0|108=30|1137=9|20126=Y|21011=Y", "A50: 98=0|108=30|1137=9|20126=Y|21011=Y|96=…")
        var nr = Fixture.configuration(.margin, .kalshiNR)
        nr.logonOptions = .listener
        #expect(Self.wire(nr) == "98=0|108=30|141=Y|1137=9|20126=Y|21011=Y")
    }

    @Test("every flag with its exact wire value, in tag order; heartbeat as configured")
    func allFlags() {
        var config = Fixture.configuration(.prediction, .kalshiRT)
        config.heartbeatInterval = 45
        config.logonOptions = KalshiLogonOptions(cancelOrdersOnDisconnect: true, listenerSession: false, receiveSettlementReports: true,
                                                 messageRetentionHours: 72, priceUnit: .dollars, enableIocCancelReport: true,
                                                 preserveOriginalOrderQty: false, skipPendingExecReports: true, useExpiredOrdStatus: true,
                                                 alwaysEmitNewBeforeTrade: true, splitCollateralReturn: true)
        #expect(config.errorsWithoutEnvironment().isEmpty)
        #expect(Self.wire(config, reset: true)
                == "98=0|108=45|141=Y|1137=9|8013=Y|20126=N|20127=Y|20200=72|21005=Y|21007=Y|21008=N|21011=Y|21012=Y|21026=Y|21027=Y")
        config.logonOptions = KalshiLogonOptions(priceUnit: .cents, useExpiredOrdStatus: false)
        #expect(Self.wire(config) == "98=0|108=45|1137=9|21005=N|21012=N", "cents is 21005=N, false is N")
    }

    @Test("UseDollars is never sent on margin (always dollars there)")
    func marginDollars() {
        var config = Fixture.configuration(.margin, .kalshiRT)
        config.logonOptions = KalshiLogonOptions(messageRetentionHours: 24, priceUnit: .dollars, preserveOriginalOrderQty: true)
        #expect(Self.wire(config) == "98=0|108=30|1137=9|20200=24|21008=Y")
    }

    @Test("the signed Logon ends with 95/96 and the signature verifies over this session's CompIDs")
    func signed() throws {
        let keys = try TestKeys.make(.encryptedPKCS8)
        defer { keys.remove() }
        let signer = try LogonSigner(contentsOf: keys.privateKeyPath, passphrase: .string(keys.passphrase!))
        var config = Fixture.configuration(.prediction, .kalshiNR)
        config.credentials = KalshiCredentials(keyID: "key-123", signer: signer)
        let sendingTime = "20261125-14:30:00.123"
        let fields = try config.signedLogonFields(sendingTime: sendingTime, msgSeqNum: 1, resetSeqNum: false)
        #expect(Fixture.wire(Array(fields.dropLast(2))) == "98=0|108=30|141=Y|1137=9")
        #expect(fields.dropLast().last == KalshiLogonField(tag: 95, value: "344"), "RawDataLength of a 2048-bit signature")
        let raw = try #require(fields.last)
        #expect(raw.tag == 96 && raw.value.utf8.count == 344)
        let verifier = try LogonSignatureVerifier(publicKeyPEM: Array(try Data(contentsOf: URL(fileURLWithPath: keys.publicKeyPath))))
        let message = LogonSigner.preHash(sendingTime: sendingTime, msgSeqNum: 1, senderCompID: "key-123", targetCompID: "KalshiNR")
        #expect(verifier.isValid(base64Signature: raw.value, for: message), "signature over 52|A|34|49|56 of this Logon")
        let wrongTarget = LogonSigner.preHash(sendingTime: sendingTime, msgSeqNum: 1, senderCompID: "key-123", targetCompID: "KalshiRT")
        #expect(!verifier.isValid(base64Signature: raw.value, for: wrongTarget))

        let without = try config.signedLogonFields(sendingTime: sendingTime, msgSeqNum: 7, resetSeqNum: false, includeRawDataLength: false)
        #expect(without.map(\.tag) == [98, 108, 141, 1137, 96], "decision Q4: 95 is switchable")
    }
}

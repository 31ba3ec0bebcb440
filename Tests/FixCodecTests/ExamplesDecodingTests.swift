import FixCodec
import Testing

/// The computed-framing vectors of shared/kalshi-fix/EXAMPLES.md (Part B) and selected
/// documentation examples (Part A), read field by field through the generated views.
@Suite("EXAMPLES.md through the generated views")
struct ExamplesDecodingTests {
    @Test("B1: NewOrderSingle, cents")
    func b1NewOrderSingle() throws {
        try TestMessages.withMessage("8=FIXT.1.1|9=148|35=D|34=5|52=20230809-12:34:56.789|49=your-api-key|56=KalshiNR|11=550e8400-e29b-41d4-a716-446655440000|38=10|40=2|54=1|55=HIGHNY-23DEC31|44=75|59=1|10=181|") { m in
            let nos = try #require(NewOrderSingleView(m))
            #expect(try nos.header.msgSeqNum == 5)
            #expect(try nos.header.sendingTime.description == "20230809-12:34:56.789")
            #expect(try nos.header.senderCompID.equals("your-api-key"))
            #expect(try nos.header.targetCompID.equals("KalshiNR"))
            #expect(try nos.clOrdID.string == "550e8400-e29b-41d4-a716-446655440000")
            #expect(try nos.orderQty == 10)
            #expect(try nos.ordType == .limit)
            #expect(try nos.side == .buyYes)
            #expect(try nos.symbol.equals("HIGHNY-23DEC31"))
            #expect(try nos.price == 75)
            #expect(try nos.timeInForce == .gtc)
            #expect(nos.execInst == nil)
            #expect(try nos.partyIDs.isEmpty)
        }
    }

    @Test("B2: MarketDataRequest, subscribe one symbol")
    func b2MarketDataRequest() throws {
        try TestMessages.withMessage("8=FIXT.1.1|9=106|35=V|49=your-api-key|56=KalshiMD|34=2|52=20260528-14:00:00.000|263=1|146=1|55=KXNBAGAME-26MAY25NYKCLE-NYK|10=017|") { m in
            let v = try #require(MarketDataRequestView(m))
            #expect(try v.subscriptionRequestType == .snapshotPlusUpdates)
            let symbols = try v.relatedSym.map { try $0.symbol.string }
            #expect(symbols == ["KXNBAGAME-26MAY25NYKCLE-NYK"])
        }
    }

    @Test("B3: Heartbeat")
    func b3Heartbeat() throws {
        try TestMessages.withMessage("8=FIXT.1.1|9=63|35=0|49=your-api-key|56=KalshiNR|34=7|52=20230809-12:35:00.000|10=196|") { m in
            let hb = try #require(HeartbeatView(m))
            #expect(hb.testReqID == nil)
            #expect(try hb.header.msgSeqNum == 7)
        }
    }

    @Test("B4: OrderGroupRequest create")
    func b4OrderGroupCreate() throws {
        try TestMessages.withMessage("8=FIXT.1.1|9=84|35=UOG|34=5|52=20230809-12:34:56.789|49=your-api-key|56=KalshiNR|20131=1|20132=5000|10=003|") { m in
            let uog = try #require(OrderGroupRequestView(m))
            #expect(try uog.orderGroupAction == .create)
            #expect(try uog.orderGroupContractsLimit == 5000)
            #expect(uog.orderGroupID == nil)
        }
    }

    @Test("A12: MarketDataSnapshotFullRefresh with bid and offer")
    func a12Snapshot() throws {
        try TestMessages.withUnframed("35=W|49=KalshiMD|56=your-api-key|55=KXNBAGAME-26MAY25NYKCLE-NYK|268=2|269=0|270=0.3500|271=10.00|269=1|270=0.6500|271=5.00|") { m in
            let w = try #require(MarketDataSnapshotFullRefreshView(m))
            let entries = Array(try w.mdEntries)
            #expect(entries.count == 2)
            #expect(try entries.map { try $0.mdEntryType } == [.bid, .offer])
            #expect(try entries.map { try $0.mdEntryPx } == [FixDecimal(mantissa: 3500, scale: 4), FixDecimal(mantissa: 6500, scale: 4)])
            #expect(try entries.map { try $0.mdEntrySize } == [10, 5])
            #expect(try w.mdEntries.validatedCount() == 2)
        }
    }

    @Test("A14: MarketDataIncrementalRefresh trade print with AggressorSide")
    func a14TradePrint() throws {
        try TestMessages.withUnframed("35=X|49=KalshiMD|56=your-api-key|268=1|279=0|55=KXNBAGAME-26MAY25NYKCLE-NYK|269=2|270=0.6500|271=3.00|2446=1|") { m in
            let x = try #require(MarketDataIncrementalRefreshView(m))
            let e = try #require(try x.mdEntries[0])
            #expect(try e.mdUpdateAction == .new)
            #expect(try e.mdEntryType == .trade)
            #expect(try e.aggressorSide == .buy)
            #expect(try e.mdEntrySize.description == "3.00")
        }
    }

    @Test("A29: MarketSettlementReport, nested party → collateral and fee groups")
    func a29Settlement() throws {
        try TestMessages.withUnframed("35=UMS|20105=settle-456|55=HIGHNY-23DEC31|715=20231231|20107=scalar|730=30.60|20108=1|20109=user-789|20110=24|704=100.01|705=0|1703=1|1704=30.6030|1705=PAYOUT|136=1|137=0.00006|138=USD|139=4|891=0|893=Y|") { m in
            let ums = try #require(MarketSettlementReportView(m))
            #expect(try ums.marketResult == .scalarValue)
            #expect(try ums.settlementPrice == FixDecimal(mantissa: 3060, scale: 2))
            #expect(try ums.clearingBusinessDate == FixLocalMktDate(year: 2023, month: 12, day: 31))
            #expect(try ums.lastFragment == true)
            let party = try #require(try ums.marketSettlementPartyIDs[0])
            #expect(try party.marketSettlementPartyID.equals("user-789"))
            #expect(try party.marketSettlementPartyRole == .customerAccount)
            #expect(try party.longQty == FixDecimal(mantissa: 10001, scale: 2))
            let payout = try #require(try party.collateralAmountChanges[0])
            #expect(try payout.collateralAmountType == .payout)
            #expect(try payout.collateralAmountChange == FixDecimal(mantissa: 306030, scale: 4))
            let fee = try #require(try party.miscFees[0])
            #expect(try fee.miscFeeAmt == FixDecimal(mantissa: 6, scale: 5))
            #expect(try fee.miscFeeType == .exchangeFees)
            #expect(try fee.miscFeeBasis == .absolute)
            // LastFragment after the group is still a top-level field of the report.
            #expect(try ums.copy().marketSettlementPartyIDs.count == 1)
        }
    }

    @Test("A38/A39: AcceptQuote and AcceptQuoteStatus")
    func a38AcceptQuote() throws {
        try TestMessages.withUnframed("35=UA|117=quote-789|21023=server-rfq-456|54=1|38=100|11=client-accept-123|") { m in
            let ua = try #require(AcceptQuoteView(m))
            #expect(try ua.quoteID.equals("quote-789"))
            #expect(ua.rfqId?.string == "server-rfq-456")
            #expect(try ua.side == .buyYes)
        }
        try TestMessages.withUnframed("35=UC|117=quote-789|21025=0|21024=quote-789|11=client-accept-123|") { m in
            let uc = try #require(AcceptQuoteStatusView(m))
            #expect(try uc.acceptQuoteStatus == .accepted)
            #expect(uc.acceptedQuoteId?.equals("quote-789") == true)
        }
    }

    @Test("A51/A52: session Reject for an undefined tag")
    func a52Reject() throws {
        try TestMessages.withUnframed("35=3|45=5|58=Undefined tag received|371=333333|372=D|373=3|") { m in
            let r = try #require(RejectView(m))
            #expect(try r.refSeqNum == 5)
            #expect(try r.refTagID == 333333)
            #expect(try r.sessionRejectReason == .undefinedTag)
            #expect(r.text?.string == "Undefined tag received")
        }
    }

    @Test("A55: an ExecutionReport's unknown OrdRejReason keeps its value")
    func unknownOrdRejReason() throws {
        try TestMessages.withUnframed("35=8|11=789|150=8|39=8|58=Insufficient funds|103=77|") { m in
            let er = try #require(ExecutionReportView(m))
            #expect(try er.execType == .rejected)
            #expect(try er.ordRejReason == .unknown(77))
            #expect(throws: FixDecodeError.requiredTagMissing(tag: 37)) { try er.orderID }
        }
    }
}

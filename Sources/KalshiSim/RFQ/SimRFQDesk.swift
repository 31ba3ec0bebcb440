import FixCodec
import FixSession

/// Requests for quote (FACTS §14, EXAMPLES A31–A47): creators on KalshiRT, market makers on
/// KalshiRFQ.
///
/// ```
/// creator (RT)            exchange                     maker (RFQ)
///   R  ──────────────────▶  b ◀─ ack (21023 = server id)
///                           R  ─────────────────────────▶ (131 = server id, 448 = anon id)
///                           AI PENDING ◀──────────────── S  (132 YES / 133 NO, cents)
///   S ◀─ (dollars, 452=35)
///   UA ──(54 inverted)────▶ UC
///                           AI ACCEPTED (54 = side) ────▶
///                           U8 ◀──────────────────────── U7 (within the confirm timeout)
///   8 Trade ◀──────────── trade ─────────────────────────▶ 8 Trade (maker's order entry)
/// ```
///
/// Side inversion: AcceptQuote Side `1` (buy YES) takes the maker's NO quote (133): the creator
/// buys YES at 1 dollar − NO price and the maker buys NO; Side `2` (sell YES) takes the maker's
/// YES quote (132): the creator sells YES at the YES price and the maker buys YES. The maker's
/// QuoteStatusReport says which of its sides was accepted (54: `1` YES, `2` NO).
///
/// Decisions (FACTS / OPEN-QUESTIONS leave these open):
/// - Prices: maker quotes and the maker's AI in cents unless the RFQ session logged on with
///   UseDollars (Q5); the creator's Quote notification always in dollars with 4 decimals (A37).
///   Sizes print with the decimals they need (`38=100`), as A37/A42/A44 show.
/// - Field sets follow the examples: AI PENDING 117/131/297/38/132/133 (A44), ACCEPTED
///   117/131/297/54/38 (A45), creator notification without 134/135 (A37). A REJECTED AI echoes
///   the maker's QuoteId instead of leaving 117 empty (FIX forbids empty values; clients
///   tolerate both) and carries the reason in 58.
/// - Broadcast: to every logged-on KalshiRFQ session except the creator's own account's
///   (quoting your own RFQ would be a self trade; such a quote is rejected SELF_CROSS_ATTEMPT).
/// - One open RFQ per creator and market: a second one is rejected `RFQ already exists`
///   (FACTS §14.1) unless it carries ReplaceExisting (21016=Y), which closes the older ones
///   except the newest (at most two open).
/// - A new quote by the same maker on the same RFQ cancels its pending one (AI CANCELLED).
/// - Confirmation: an accepted quote not confirmed within
///   ``SimConfiguration/rfqConfirmTimeout`` (Kalshi: 30 s) is voided: the maker gets AI
///   CANCELLED with Text `EXPIRED`, the creator an ExecutionReport Rejected with Text
///   `EXPIRED` and OrdRejReason 8 Stale order (FACTS §9.7) for its accept's ClOrdID; later
///   accepts/confirms of it are refused with `EXPIRED`.
/// - Execution: the confirmed quote trades the accepted quantity at once (one Trade report per
///   side, Filled), through ``SimOrderEntry/executeQuoteTrade``; the creator's report goes to
///   the session that accepted, the maker's to a logged-on order-entry session of its account
///   (ExecutionReports are not sent on KalshiRFQ, FACTS §8), plus listeners. The RFQ then
///   closes and the other pending quotes on it are canceled (AI CANCELLED).
/// - RFQ cancel (UE) and RFQ replacement tell the makers with QuoteRequestReject (AG, 658=99,
///   Text `RFQ_CANCELED`) for their copy of the request (FACTS §14.6).
/// - Reject texts Kalshi does not document use Kalshi's naming style: `MARKET_NOT_FOUND`,
///   `MARKET_ALREADY_CLOSED`, `RFQ_NOT_FOUND`, `QUOTE_NOT_FOUND`, `INVALID_QUOTE`,
///   `QUOTE_ALREADY_EXISTS`, `QUOTE_NOT_PENDING`, `QUOTE_NOT_ACCEPTED`, `INVALID_SIDE`,
///   `INVALID_QUANTITY`, `SELF_CROSS_ATTEMPT`.
/// - Not simulated: MVE (multivariate) RFQs and CashOrderQty-only RFQs (AG 658=99), FCM
///   parties, AllocAccount, RestRemainder, the NewOrderSingle-with-QuoteId accept path.
///
/// - Important: I/O thread only (the simulator's reactor).
final class SimRFQDesk {
    unowned let exchange: SimExchange

    final class Request {
        let id: String
        let clientID: String
        let creator: SimOwnerID
        let creatorSession: ObjectIdentifier
        let market: String
        let quantity: SimQuantity
        var open = true
        /// The maker sessions the request went to.
        var recipients: [ObjectIdentifier] = []
        init(id: String, clientID: String, creator: SimOwnerID, creatorSession: ObjectIdentifier, market: String,
             quantity: SimQuantity) {
            self.id = id
            self.clientID = clientID
            self.creator = creator
            self.creatorSession = creatorSession
            self.market = market
            self.quantity = quantity
        }
    }

    enum QuoteState { case pending, accepted, confirmed, canceled, expired }

    final class MakerQuote {
        let id: String
        let rfq: Request
        let maker: SimOwnerID
        let makerSession: ObjectIdentifier
        /// YES price (132) and NO price (133), when quoted.
        let yesPrice: SimPrice?
        let noPrice: SimPrice?
        var state = QuoteState.pending
        // Set on acceptance.
        var acceptedCreatorSide = SimSide.buy
        var acceptedQuantity = SimQuantity.zero
        var acceptClOrdID = ""
        var acceptSession: ObjectIdentifier?
        init(id: String, rfq: Request, maker: SimOwnerID, makerSession: ObjectIdentifier, yesPrice: SimPrice?, noPrice: SimPrice?) {
            self.id = id
            self.rfq = rfq
            self.maker = maker
            self.makerSession = makerSession
            self.yesPrice = yesPrice
            self.noPrice = noPrice
        }

        /// The YES trade price when the creator takes `side`: 1 − NO price for a buy, the
        /// YES price for a sell; nil when the maker did not quote that side.
        func tradePrice(creatorSide side: SimSide) -> SimPrice? {
            side == .buy ? noPrice?.complement : yesPrice
        }
    }

    private var rfqs: [String: Request] = [:]
    private var rfqOrder: [Request] = []
    private var quotes: [String: MakerQuote] = [:]
    private var counter = 0
    private let idClock = FixTimestamp.now().nanosecondsSinceEpoch / 1_000_000_000

    init(exchange: SimExchange) {
        self.exchange = exchange
    }

    private var server: KalshiSimServer { exchange.server }

    private func session(_ id: ObjectIdentifier?) -> SimSession? {
        guard let id, let session = server.sessions[id], session.isActive else { return nil }
        return session
    }

    /// A requester's or quoter's pseudonymous public id (448): stable per account, never the key.
    private func publicID(_ owner: SimOwnerID) -> String { "anon-\(owner.rawValue)" }

    private static func wire(_ quantity: SimQuantity) -> FixDecimal {
        FixDecimal(mantissa: quantity.hundredths, scale: 2).normalized
    }

    // MARK: Creator (KalshiRT)

    /// QuoteRequest (R) from a creator.
    func quoteRequest(_ message: FixMessage, on session: SimSession) {
        let fields = message.body
        guard let owner = exchange.owner(of: session) else { return }
        let clientID = fields.value(131)?.string ?? ""
        func reject(_ reason: QuoteRequestRejectReason, _ text: String) {
            session.send(QuoteRequestReject(quoteReqID: clientID, quoteRequestRejectReason: reason, text: text))
        }
        guard !clientID.isEmpty else { return reject(.other, "QuoteReqID(131) is required") }
        if fields.value(20180) != nil { return reject(.other, "multivariate RFQs are not simulated") }
        guard ((try? fields.int(146)) ?? nil) == 1 else { return reject(.other, "NoRelatedSym(146) must be 1") }
        let market = fields.value(55)?.string ?? ""
        guard exchange.orderEntry.engine.marketConfig(market) != nil else { return reject(.unknownSymbol, "MARKET_NOT_FOUND") }
        if exchange.settlement.isClosed(market) { return reject(.other, "MARKET_ALREADY_CLOSED") }
        guard let wireQty = (try? fields.decimal(38)) ?? nil else {
            return reject(.other, fields.value(152) != nil ? "CashOrderQty RFQs are not simulated" : "OrderQty(38) is required")
        }
        guard let quantity = SimWireValues.quantity(wireQty), quantity.hundredths > 0 else {
            return reject(.other, "INVALID_QUANTITY")
        }
        let existing = rfqOrder.filter { $0.open && $0.creator == owner && $0.market == market }
        if rfqOrder.contains(where: { $0.open && $0.creator == owner && $0.clientID == clientID }) {
            return reject(.other, "RFQ already exists")
        }
        if !existing.isEmpty {
            guard ((try? fields.bool(21016)) ?? nil) == true else { return reject(.other, "RFQ already exists") }
            // ReplaceExisting: keep the newest existing RFQ, close the older ones.
            for old in existing.dropLast() { close(old, notifyMakers: true) }
        }
        counter += 1
        let rfq = Request(id: "RFQ-\(idClock)-\(counter)", clientID: clientID, creator: owner,
                      creatorSession: ObjectIdentifier(session), market: market, quantity: quantity)
        rfqs[rfq.id] = rfq
        rfqOrder.append(rfq)
        session.send(QuoteRequestAck(quoteReqID: clientID, quoteRequestType: .manual, rfqId: rfq.id, exDestination: 0))
        let broadcast = QuoteRequest(quoteReqID: rfq.id, noRelatedSym: 1, symbol: market, orderQty: Self.wire(quantity),
                                     partyIDs: [PartyIDsEntry(partyID: publicID(owner))])
        for maker in server.sessions.values.sorted(by: { $0.description < $1.description })
        where maker.sessionType == .kalshiRFQ && maker.isActive && exchange.owner(of: maker) != owner {
            if maker.send(broadcast) { rfq.recipients.append(ObjectIdentifier(maker)) }
        }
    }

    /// RFQCancel (UE): by the creator's QuoteReqId (131) or the server's RfqId (21023).
    func cancelRequest(_ message: FixMessage, on session: SimSession) {
        let fields = message.body
        guard let owner = exchange.owner(of: session) else { return }
        let clientID = fields.value(131)?.string
        let serverID = fields.value(21023)?.string
        let echo = clientID ?? serverID ?? ""
        let rfq = serverID.flatMap { rfqs[$0] } ?? rfqOrder.last { $0.clientID == clientID && $0.creator == owner && $0.open }
        guard let rfq, rfq.creator == owner, rfq.open else {
            session.send(RFQCancelStatus(quoteReqID: echo, rfqCancelStatus: .rejected, text: "RFQ_NOT_FOUND"))
            return
        }
        close(rfq, notifyMakers: true)
        session.send(RFQCancelStatus(quoteReqID: echo, rfqCancelStatus: .canceled))
    }

    /// AcceptQuote (UA) from the creator.
    func acceptQuote(_ message: FixMessage, on session: SimSession) {
        let fields = message.body
        guard let owner = exchange.owner(of: session) else { return }
        let quoteID = fields.value(117)?.string ?? ""
        let clOrdID = fields.value(11)?.string
        func reject(_ text: String) {
            session.send(AcceptQuoteStatus(quoteID: quoteID, acceptQuoteStatus: .rejected, clOrdID: clOrdID, text: text))
        }
        guard var quote = quotes[quoteID], quote.rfq.creator == owner,
              fields.value(21023).map({ $0.string == quote.rfq.id }) ?? true else { return reject("QUOTE_NOT_FOUND") }
        guard let sideValue = fields.value(54), sideValue.equals("1") || sideValue.equals("2") else { return reject("INVALID_SIDE") }
        let side: SimSide = sideValue.equals("1") ? .buy : .sell
        switch quote.state {
        case .pending: break
        case .expired: return reject("EXPIRED")
        case .accepted, .confirmed, .canceled: return reject("QUOTE_NOT_PENDING")
        }
        guard var price = quote.tradePrice(creatorSide: side) else { return reject("INVALID_SIDE") }
        var quantity = quote.rfq.quantity
        if let wireQty = (try? fields.decimal(38)) ?? nil {
            guard let q = SimWireValues.quantity(wireQty), q.hundredths > 0, q <= quote.rfq.quantity else {
                return reject("INVALID_QUANTITY")
            }
            quantity = q
        }
        if ((try? fields.bool(21022)) ?? nil) == true {
            // PreferBetterQuote: the best pending quote on the RFQ at least as good for the
            // creator (a lower YES price to buy, a higher one to sell).
            for other in quotes.values where other.rfq === quote.rfq && other.state == .pending {
                guard let p = other.tradePrice(creatorSide: side) else { continue }
                if side == .buy ? p < price : p > price { quote = other; price = p }
            }
        }
        quote.state = .accepted
        quote.acceptedCreatorSide = side
        quote.acceptedQuantity = quantity
        quote.acceptClOrdID = clOrdID ?? "accept-\(quote.id)"
        quote.acceptSession = ObjectIdentifier(session)
        session.send(AcceptQuoteStatus(quoteID: quoteID, acceptQuoteStatus: .accepted, acceptedQuoteId: quote.id, clOrdID: clOrdID))
        // The maker's side is the opposite of the creator's: 1 (YES) when the creator sells.
        self.session(quote.makerSession)?.send(QuoteStatusReport(
            quoteID: quote.id, quoteReqID: quote.rfq.id, quoteStatus: .accepted, orderQty: Self.wire(quote.rfq.quantity),
            side: side == .sell ? .buyYes : .sellNo))
        let accepted = quote
        server.reactor.schedule(after: server.configuration.rfqConfirmTimeout) { [weak self] in
            guard let self, accepted.state == .accepted else { return }
            self.void(accepted)
        }
    }

    /// An accepted quote the maker did not confirm in time.
    private func void(_ quote: MakerQuote) {
        quote.state = .expired
        session(quote.makerSession)?.send(QuoteStatusReport(quoteID: quote.id, quoteReqID: quote.rfq.id, quoteStatus: .cancelled,
                                                            text: "EXPIRED"))
        guard let creator = session(quote.acceptSession) else { return }
        creator.send(ExecutionReport(
            orderID: "NONE", clOrdID: quote.acceptClOrdID, execID: "-1;-1", execType: .rejected, ordStatus: .rejected,
            side: quote.acceptedCreatorSide == .buy ? .buyYes : .sellNo, symbol: quote.rfq.market,
            leavesQty: SimWireValues.wire(.zero), cumQty: SimWireValues.wire(.zero), avgPx: .zero,
            orderQty: SimWireValues.wire(quote.acceptedQuantity), ordRejReason: .staleOrder,
            transactTime: FixTimestamp(nanosecondsSinceEpoch: exchange.now), text: "EXPIRED"))
    }

    // MARK: Maker (KalshiRFQ)

    /// Quote (S) from a market maker.
    func quote(_ message: FixMessage, on session: SimSession) {
        let fields = message.body
        guard let owner = exchange.owner(of: session) else { return }
        let quoteID = fields.value(117)?.string ?? ""
        let rfqID = fields.value(131)?.string ?? ""
        func reject(_ text: String) {
            session.send(QuoteStatusReport(quoteID: quoteID, quoteReqID: rfqID, quoteStatus: .rejected, text: text))
        }
        guard !quoteID.isEmpty else { return reject("QuoteId(117) is required") }
        guard let rfq = rfqs[rfqID], rfq.open else { return reject("RFQ_NOT_FOUND") }
        guard fields.value(55)?.string == rfq.market else { return reject("INVALID_QUOTE") }
        guard rfq.creator != owner else { return reject("SELF_CROSS_ATTEMPT") }
        guard quotes[quoteID] == nil else { return reject("QUOTE_ALREADY_EXISTS") }
        let values = SimWireValues(dollars: session.options.useDollars)
        let tick = exchange.orderEntry.engine.marketConfig(rfq.market)?.tick.units ?? 100
        // nil: not quoted (absent or zero); .some(nil): invalid.
        func price(_ tag: Int) -> SimPrice?? {
            guard let wire = (try? fields.decimal(tag)) ?? nil, !wire.isZero else { return .some(nil) }
            guard let p = values.price(wire), p.units > 0, p.units < SimPrice.oneDollar.units, p.units % tick == 0 else {
                return nil
            }
            return .some(p)
        }
        guard let yes = price(132), let no = price(133), yes != nil || no != nil else { return reject("INVALID_QUOTE") }
        // A new quote replaces the maker's pending one on the same market.
        for old in quotes.values where old.maker == owner && old.rfq.market == rfq.market && old.state == .pending {
            cancel(old)
        }
        let quote = MakerQuote(id: quoteID, rfq: rfq, maker: owner, makerSession: ObjectIdentifier(session), yesPrice: yes, noPrice: no)
        quotes[quoteID] = quote
        session.send(QuoteStatusReport(quoteID: quoteID, quoteReqID: rfq.id, quoteStatus: .pending,
                                       orderQty: Self.wire(rfq.quantity), bidPx: yes.map(values.wire),
                                       offerPx: no.map(values.wire)))
        let dollars = SimWireValues(dollars: true)
        self.session(rfq.creatorSession)?.send(Quote(
            quoteID: quoteID, quoteReqID: rfq.id, symbol: rfq.market, bidPx: yes.map(dollars.wire), offerPx: no.map(dollars.wire),
            orderQty: Self.wire(rfq.quantity), partyIDs: [PartyIDsEntry(partyID: publicID(owner), partyRole: .liquidityProvider)]))
    }

    /// QuoteCancel (Z) from the maker.
    func quoteCancel(_ message: FixMessage, on session: SimSession) {
        let fields = message.body
        guard let owner = exchange.owner(of: session) else { return }
        let quoteID = fields.value(117)?.string ?? ""
        guard let quote = quotes[quoteID], quote.maker == owner,
              fields.value(21023).map({ $0.string == quote.rfq.id }) ?? true else {
            session.send(QuoteCancelStatus(quoteID: quoteID, quoteCancelStatus: .rejected, text: "QUOTE_NOT_FOUND"))
            return
        }
        guard quote.state == .pending else {
            session.send(QuoteCancelStatus(quoteID: quoteID, quoteCancelStatus: .rejected,
                                           text: quote.state == .expired ? "EXPIRED" : "QUOTE_NOT_PENDING"))
            return
        }
        cancel(quote)
        session.send(QuoteCancelStatus(quoteID: quoteID, quoteCancelStatus: .cancelled))
    }

    /// QuoteConfirm (U7) from the maker of an accepted quote: the trade happens.
    func quoteConfirm(_ message: FixMessage, on session: SimSession) {
        let fields = message.body
        guard let owner = exchange.owner(of: session) else { return }
        let quoteID = fields.value(117)?.string ?? ""
        func reject(_ text: String) {
            session.send(QuoteConfirmStatus(quoteID: quoteID, quoteConfirmStatus: .rejected, text: text))
        }
        guard let quote = quotes[quoteID], quote.maker == owner,
              fields.value(21023).map({ $0.string == quote.rfq.id }) ?? true else { return reject("QUOTE_NOT_FOUND") }
        switch quote.state {
        case .accepted: break
        case .expired: return reject("EXPIRED")
        case .pending, .confirmed, .canceled: return reject("QUOTE_NOT_ACCEPTED")
        }
        if exchange.settlement.isClosed(quote.rfq.market) { return reject("MARKET_ALREADY_CLOSED") }
        guard let price = quote.tradePrice(creatorSide: quote.acceptedCreatorSide) else { return reject("INVALID_QUOTE") }
        quote.state = .confirmed
        session.send(QuoteConfirmStatus(quoteID: quoteID, quoteConfirmStatus: .accepted))
        let makerEntry = server.sessions.values
            .filter { $0.sessionType.isOrderEntry && $0.isActive && !$0.options.listener && exchange.owner(of: $0) == owner }
            .min { $0.description < $1.description }
        exchange.orderEntry.executeQuoteTrade(
            market: quote.rfq.market,
            taker: .init(owner: quote.rfq.creator, clientOrderID: quote.acceptClOrdID, session: self.session(quote.acceptSession)),
            takerSide: quote.acceptedCreatorSide,
            maker: .init(owner: owner, clientOrderID: quote.id, session: makerEntry),
            price: price, quantity: quote.acceptedQuantity)
        close(quote.rfq, notifyMakers: false)
    }

    /// The market settled: its open RFQs close (makers get AG); accepted quotes can no longer
    /// be confirmed.
    func marketClosed(_ market: String) {
        for rfq in rfqOrder where rfq.open && rfq.market == market { close(rfq, notifyMakers: true) }
    }

    // MARK: Helpers

    /// Cancels a pending quote and tells its maker (AI CANCELLED).
    private func cancel(_ quote: MakerQuote) {
        quote.state = .canceled
        session(quote.makerSession)?.send(QuoteStatusReport(quoteID: quote.id, quoteReqID: quote.rfq.id, quoteStatus: .cancelled))
    }

    /// Closes an RFQ: its pending quotes are canceled; with `notifyMakers` every maker that
    /// got the request hears it is gone (AG).
    private func close(_ rfq: Request, notifyMakers: Bool) {
        rfq.open = false
        for quote in quotes.values where quote.rfq === rfq && quote.state == .pending { cancel(quote) }
        guard notifyMakers else { return }
        for id in rfq.recipients {
            session(id)?.send(QuoteRequestReject(quoteReqID: rfq.id, quoteRequestRejectReason: .other, text: "RFQ_CANCELED"))
        }
    }
}

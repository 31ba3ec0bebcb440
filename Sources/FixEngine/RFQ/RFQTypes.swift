import FixCodec

/// A market maker's quote as the RFQ creator receives it (35=S on KalshiRT, FACTS §14.4): the
/// maker bids `yesBid` for YES and `noBid` for NO, both in dollars on this leg.
///
/// The side inversion (FACTS §14.6) is handled here: to **buy YES** the creator takes the
/// maker's NO bid and pays ``yesPriceToBuy`` = 1 − `noBid`; to **sell YES** it takes the maker's
/// YES bid at ``yesPriceToSell``.
public struct RFQQuote: Sendable, Hashable {
    /// QuoteId (117): what ``OrderEntrySession/acceptQuote(_:side:quantity:)`` names.
    public var quoteID: String
    /// The exchange's RFQ id (131 / 21023).
    public var rfqID: String
    public var symbol: String
    /// The maker's YES bid (132), if any.
    public var yesBid: KalshiPrice?
    /// The maker's NO bid (133), if any.
    public var noBid: KalshiPrice?
    /// Contracts (38).
    public var quantity: Contracts?

    /// The YES price paid when accepting to buy YES (1 − the maker's NO bid).
    public var yesPriceToBuy: KalshiPrice? { noBid?.complement }
    /// The YES price received when accepting to sell YES (the maker's YES bid).
    public var yesPriceToSell: KalshiPrice? { yesBid }
}

/// A request for quote as a market maker receives it (35=R on KalshiRFQ, FACTS §14.2).
public struct RFQRequest: Sendable, Hashable {
    /// The exchange's RFQ id (131): quote against it.
    public var rfqID: String
    public var symbol: String
    /// Contracts requested.
    public var quantity: Contracts?
}

/// Which bid of a maker's quote the creator took (AcceptedSide, 54, on QuoteStatusReport).
public enum RFQQuoteSide: Sendable, Hashable {
    /// The maker's YES bid: the creator sold YES; the maker now holds YES.
    case yesBid
    /// The maker's NO bid: the creator bought YES; the maker now holds NO.
    case noBid
}

/// What happened to an RFQ or a quote, from either side.
public enum RFQEvent: Sendable, Hashable {
    /// Creator: the exchange acknowledged our QuoteRequest (b) with its RFQ id.
    case requestAcknowledged(clientID: String, rfqID: String)
    /// Creator: a quote arrived.
    case quote(RFQQuote)
    /// Creator: AcceptQuoteStatus (UC); `accepted` false with Kalshi's text otherwise.
    case acceptStatus(quoteID: String, accepted: Bool, text: String?)
    /// Creator: QuoteRequestReject (AG) or RFQCancelStatus (UB).
    case requestRejected(clientID: String, text: String)
    case requestCanceled(id: String, canceled: Bool, text: String?)
    /// Maker: an RFQ to quote.
    case request(RFQRequest)
    /// Maker: QuoteStatusReport (AI): 0 accepted (with which of our bids was taken), 5 rejected,
    /// 10 pending, 17 canceled.
    case quoteStatus(quoteID: String, status: Int, accepted: RFQQuoteSide?, text: String?)
    /// Maker: QuoteConfirmStatus (U8) or QuoteCancelStatus (U9).
    case confirmStatus(quoteID: String, accepted: Bool, text: String?)
    case cancelStatus(quoteID: String, canceled: Bool, text: String?)

    /// Decodes an RFQ message, or nil for any other. `dollars`: the session's price unit for
    /// 132/133 (creator notifications are always in dollars, FACTS §14.4).
    static func decode(_ message: FixMessage, creatorSide: Bool, dollars: Bool) -> RFQEvent? {
        let f = message.body
        func text(_ tag: Int) -> String? { f.value(tag)?.string }
        func int(_ tag: Int) -> Int? { (try? f.int(tag)) ?? nil }
        func price(_ tag: Int) -> KalshiPrice? {
            guard let value = (try? f.decimal(tag)) ?? nil, !value.isZero else { return nil }
            return creatorSide ? KalshiPrice(dollars: value) : KalshiPrice(wire: value, dollars: dollars)
        }
        switch message.msgType.string {
        case "b": return .requestAcknowledged(clientID: text(131) ?? "", rfqID: text(21023) ?? "")
        case "S":
            return .quote(RFQQuote(quoteID: text(117) ?? "", rfqID: text(131) ?? text(21023) ?? "", symbol: text(55) ?? "",
                                   yesBid: price(132), noBid: price(133),
                                   quantity: ((try? f.decimal(38)) ?? nil).flatMap { Contracts(wire: $0) }))
        case "UC": return .acceptStatus(quoteID: text(21024) ?? text(117) ?? "", accepted: int(21025) == 0, text: text(58))
        case "AG": return .requestRejected(clientID: text(131) ?? "", text: text(58) ?? "")
        case "UB": return .requestCanceled(id: text(131) ?? text(21023) ?? "", canceled: int(21013) == 0, text: text(58))
        case "R":
            return .request(RFQRequest(rfqID: text(131) ?? "", symbol: text(55) ?? "",
                                       quantity: ((try? f.decimal(38)) ?? nil).flatMap { Contracts(wire: $0) }))
        case "AI":
            let side: RFQQuoteSide? = f.value(54).map { $0.equals("1") ? .yesBid : .noBid }
            return .quoteStatus(quoteID: text(117) ?? "", status: int(297) ?? -1, accepted: side, text: text(58))
        case "U8": return .confirmStatus(quoteID: text(117) ?? "", accepted: (int(21010) ?? int(297)) == 0, text: text(58))
        case "U9": return .cancelStatus(quoteID: text(117) ?? "", canceled: int(298) == 0, text: text(58))
        default: return nil
        }
    }
}

import FixCodec
import FixSession
import FixTransport

/// RFQ as a creator, on a prediction KalshiRT session (FACTS §14): request, receive quotes
/// (``OrderEntryDelegate/orderEntry(_:rfq:)``), accept with the side inversion handled,
/// cancel. The resulting trade arrives as an ExecutionReport and is tracked like any fill.
extension OrderEntrySession {
    /// Sends a QuoteRequest for `quantity` contracts of `symbol`; returns the client id (131).
    @discardableResult
    public func requestQuote(symbol: String, quantity: Contracts) throws(OrderEntryError) -> String {
        let id = nextRFQID()
        do throws(SessionError) {
            try driver.send(QuoteRequest(quoteReqID: id, noRelatedSym: 1, symbol: symbol, orderQty: quantity.wire))
        } catch { throw .session(error) }
        return id
    }

    /// Accepts `quote` to buy YES (`side: .buyYes`, paying ``RFQQuote/yesPriceToBuy``) or to sell
    /// YES (`.sellNo`, receiving ``RFQQuote/yesPriceToSell``). Kalshi's AcceptQuote side is
    /// inverted relative to the maker's quote (54=1 takes the maker's NO bid); the caller states
    /// what it wants and this sends the matching side.
    public func acceptQuote(_ quote: RFQQuote, side: Side, quantity: Contracts? = nil) throws(OrderEntryError) {
        do throws(SessionError) {
            try driver.send(AcceptQuote(quoteID: quote.quoteID, side: side, orderQty: quantity?.wire, rfqId: quote.rfqID))
        } catch { throw .session(error) }
    }

    /// Cancels an open RFQ by the exchange's RFQ id.
    public func cancelQuoteRequest(rfqID: String) throws(OrderEntryError) {
        do throws(SessionError) { try driver.send(RFQCancel(rfqId: rfqID)) } catch { throw .session(error) }
    }

    func nextRFQID() -> String {
        // QuoteReqId must be UUID-shaped (FACTS §14.1): the session prefix and counter in a UUID layout.
        let n = String(nextCounterValue(), radix: 16)
        return "00000000-0000-4000-8000-" + String(repeating: "0", count: max(0, 12 - n.count)) + n
    }
}

/// A market maker's KalshiRFQ session: RFQ broadcasts in, quotes out, confirm after acceptance
/// (within 30 s, FACTS §14 step 8), cancel; status reports to the delegate.
///
/// - Important: I/O thread only.
public final class RFQSession: SessionHandler {
    public let configuration: SessionConfiguration
    public private(set) var driver: SessionDriver!
    /// RFQ events (requests, quote status, confirm/cancel status), on the I/O thread.
    public var onEvent: ((RFQEvent) -> Void)?
    /// State changes, on the I/O thread.
    public var onStateChange: ((SessionState) -> Void)?
    /// Session errors (refused logon, lost connection, Reject…), on the I/O thread.
    public var onError: ((SessionError) -> Void)?
    /// Confirm accepted quotes automatically (the maker already committed to the price).
    public var autoConfirm: Bool
    private let dollars: Bool
    private var counter: UInt64 = 0

    init(configuration: SessionConfiguration, endpoint: SessionEndpoint, reactor: Reactor, store: any SessionStore,
         reconnectPolicy: ReconnectPolicy?, autoConfirm: Bool) {
        self.configuration = configuration
        self.autoConfirm = autoConfirm
        dollars = configuration.logonOptions.priceUnit == .dollars
        driver = SessionDriver(configuration: configuration, endpoint: endpoint, reactor: reactor, store: store, handler: self,
                               reconnectPolicy: reconnectPolicy)
    }

    public func start() { driver.start() }
    public func logout() { driver.logout() }

    /// Quotes an RFQ: the YES bid and/or the NO bid (one may be nil, not both); returns the
    /// quote id (117). Prices in cents unless the session logged on with UseDollars.
    @discardableResult
    public func quote(_ request: RFQRequest, yesBid: KalshiPrice?, noBid: KalshiPrice?) throws(OrderEntryError) -> String {
        counter &+= 1
        let id = "q-" + String(counter)
        do throws(SessionError) {
            try driver.send(Quote(quoteID: id, quoteReqID: request.rfqID, symbol: request.symbol,
                                  bidPx: yesBid?.wire(dollars: dollars), offerPx: noBid?.wire(dollars: dollars)))
        } catch { throw .session(error) }
        return id
    }

    /// Confirms an accepted quote (U7).
    public func confirm(quoteID: String) throws(OrderEntryError) {
        do throws(SessionError) { try driver.send(QuoteConfirm(quoteID: quoteID)) } catch { throw .session(error) }
    }

    /// Cancels a quote (Z).
    public func cancelQuote(quoteID: String) throws(OrderEntryError) {
        do throws(SessionError) { try driver.send(QuoteCancel(quoteID: quoteID)) } catch { throw .session(error) }
    }

    public func session(_ session: SessionDriver, received message: FixMessage) {
        guard let event = RFQEvent.decode(message, creatorSide: false, dollars: dollars) else { return }
        if autoConfirm, case .quoteStatus(let quoteID, 0, _, _) = event { try? confirm(quoteID: quoteID) }
        onEvent?(event)
    }

    public func session(_ session: SessionDriver, stateChanged state: SessionState) { onStateChange?(state) }
    public func session(_ session: SessionDriver, error: SessionError) { onError?(error) }
}

extension FixClient {
    /// Builds a market maker's RFQ session (prediction KalshiRFQ).
    public func openRFQ(_ configuration: SessionConfiguration, autoConfirm: Bool = false,
                        reconnectPolicy: ReconnectPolicy? = ReconnectPolicy()) throws -> RFQSession {
        return RFQSession(configuration: configuration, endpoint: try endpoint(of: configuration, for: [.kalshiRFQ]), reactor: reactor,
                          store: InMemorySessionStore(keepsMessages: false), reconnectPolicy: reconnectPolicy, autoConfirm: autoConfirm)
    }
}

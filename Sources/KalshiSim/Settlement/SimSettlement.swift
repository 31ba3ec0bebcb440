import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// How a market settles (FACTS §15, MarketResult 20107).
public enum SimMarketResult: Sendable, Hashable {
    /// `yes`: each YES contract pays 1 dollar, each NO contract nothing (SettlementPrice `100.00`).
    case yes
    /// `no`: each NO contract pays 1 dollar, each YES contract nothing (SettlementPrice `0.00`).
    case no
    /// `scalar`: each YES contract pays `price`, each NO contract 1 dollar − `price`
    /// (SettlementPrice in cents with 2 decimals, e.g. 30.60 cents is `SimPrice(units: 3_060)`).
    /// The price must lie in 0...1 dollar.
    case scalar(SimPrice)

    /// What one YES contract pays.
    public var yesPayout: SimPrice {
        switch self {
        case .yes: return .oneDollar
        case .no: return SimPrice(units: 0)
        case .scalar(let price): return price
        }
    }
}

/// One account's settlement in a market: the position it held and what it was paid.
public struct SimSettlementPayout: Sendable, Hashable {
    /// The account (its API keys' ``SimAPIKey/account``), MarketSettlementPartyID (20109).
    public var account: String
    /// YES contracts held (LongQty 704).
    public var yesContracts: SimQuantity
    /// NO contracts held (ShortQty 705).
    public var noContracts: SimQuantity
    /// Paid out after the settlement fee (CollateralAmountChange 1704, PAYOUT), exact.
    public var payout: SimMoney
    /// The settlement fee, already deducted from ``payout`` (MiscFeeAmt 137).
    public var fee: SimMoney

    public init(account: String, yesContracts: SimQuantity, noContracts: SimQuantity, payout: SimMoney, fee: SimMoney) {
        self.account = account
        self.yesContracts = yesContracts
        self.noContracts = noContracts
        self.payout = payout
        self.fee = fee
    }
}

/// What ``KalshiSimServer/settle(market:result:)`` did.
public struct SimSettlement: Sendable, Hashable {
    /// The market ticker.
    public var market: String
    public var result: SimMarketResult
    /// Resting orders closed (CloseCancel) before the payout.
    public var closedOrders: Int
    /// Every account that held a position, ordered by account.
    public var payouts: [SimSettlementPayout]
    /// MarketSettlementReport (UMS) messages sent, all fragments of all sessions counted.
    public var reportsSent: Int
}

/// Why ``KalshiSimServer/settle(market:result:)`` refused.
public enum SimSettlementError: Error, Sendable, Hashable {
    /// The simulator does not list the market.
    case unknownMarket(String)
    /// The market has settled already.
    case alreadySettled(String)
    /// A scalar settlement price outside 0...1 dollar.
    case invalidSettlementPrice(SimPrice)
    /// Margin has no settlement reports (FACTS §17).
    case notAvailableOnMargin
    /// The simulator is not running (call ``KalshiSimServer/start()`` first).
    case notRunning
}

extension KalshiSimServer {
    /// Settles `market` the way Kalshi does (FACTS §15): the market closes (its resting orders
    /// are canceled with CloseCancel reports: Expired `C` for sessions with
    /// UseExpiredOrdStatus, Canceled `4` otherwise; later orders are rejected with
    /// `MARKET_ALREADY_CLOSED`), every account holding a position is paid (1 dollar per winning
    /// contract, or the scalar price per YES and 1 dollar minus it per NO contract), positions
    /// are cleared, and MarketSettlementReports (UMS) go to every logged-on KalshiPT session
    /// (unless it logged on with 20127=N) and KalshiRT session with 20127=Y whose key sees an
    /// account with a position, paginated by ``SimConfiguration/settlementReportPageSize``.
    ///
    /// Runs on the simulator's I/O thread and waits for it; reports are queued to the
    /// sessions' connections when this returns.
    ///
    /// - Precondition: not called from the simulator's own I/O thread (it would wait forever).
    /// - Returns: the orders closed and each account's payout.
    /// - Throws: ``SimSettlementError`` (nothing changes then).
    @discardableResult
    public func settle(market: String, result: SimMarketResult) throws(SimSettlementError) -> SimSettlement {
        guard port(for: configuration.sessionTypes.first ?? .kalshiNR) != nil else { throw .notRunning }
        let outcome = Mutex<Result<SimSettlement, SimSettlementError>?>(nil)
        reactor.execute { [self] in
            let settled = exchange.settlement.settle(market: market, result: result)
            outcome.withLock { $0 = settled }
        }
        while true {
            if let settled = outcome.withLock({ $0 }) { return try settled.get() }
            usleep(200)
        }
    }
}

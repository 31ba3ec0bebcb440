import FixCodec
import FixSession

/// Market settlement inside the exchange: closes the market, pays out positions and sends
/// MarketSettlementReports (UMS) exactly as FACTS §15 and EXAMPLES A28/A29 show.
///
/// Decisions (FACTS and OPEN-QUESTIONS leave these open):
/// - Resting orders at close: canceled as CloseCancel, the expiry-style system cancel of
///   FACTS §4.2 (Expired `C` with 21012=Y, else Canceled `4`), without Text: Kalshi documents
///   no Text for it. Orders sent afterwards: `MARKET_ALREADY_CLOSED`, OrdRejReason 2.
/// - Settlement fee: Kalshi charges none beyond rounding; the payout is rounded down to
///   $0.0001 and the remainder is the fee in 137 (A29: 100.01 × $0.3060 = 30.603060 →
///   1704=30.6030, 137=0.00006). FACTS says direct users' rounding applies to the available
///   balance; the simulator keeps no balances, so each payout's own remainder is its fee.
/// - Who gets reports: only accounts with a nonzero position (accounts that traded flat or
///   never traded get none; FACTS describes the party entry as the position held), each
///   session only the accounts its key sees (its own and ``SimAPIKey/clearedAccounts``), and
///   only sessions logged on at settlement (nothing is queued for later logons).
/// - Sessions: KalshiPT (on unless 20127=N) and KalshiRT with 20127=Y (D-auth, D-cc);
///   KalshiNR is not served even with 20127=Y (only one D-ms copy names it, Q7).
/// - Formatting, field by field as A28/A29: 730 cents with 2 decimals; 704/705 with the
///   decimals they need (`100`, `100.01`, `0`); 1704 with 2 decimals when whole cents, else 4;
///   137 `0.00` when zero, else as many decimals as it needs (at least 2).
/// - Pagination: a session's batch is split into pages of
///   ``SimConfiguration/settlementReportPageSize`` parties; every page carries its own 20105,
///   the same 55, 20106 = number of pages, and 893 = `N` except `Y` on the last (also `Y` on
///   a single page, as the examples show).
///
/// - Important: I/O thread only (the simulator's reactor).
final class SimSettlementDesk {
    unowned let exchange: SimExchange
    private var settled: [String: SimMarketResult] = [:]
    private var reportCount = 0
    /// Report ids are `MSR-<start second>-<counter>`, unique per message (20105).
    private let idClock = FixTimestamp.now().nanosecondsSinceEpoch / 1_000_000_000

    init(exchange: SimExchange) {
        self.exchange = exchange
    }

    /// Whether `market` has settled (closed for trading).
    func isClosed(_ market: String) -> Bool { settled[market] != nil }

    func settle(market: String, result: SimMarketResult) -> Result<SimSettlement, SimSettlementError> {
        guard exchange.product == .prediction else { return .failure(.notAvailableOnMargin) }
        guard exchange.orderEntry.engine.marketConfig(market) != nil else { return .failure(.unknownMarket(market)) }
        guard settled[market] == nil else { return .failure(.alreadySettled(market)) }
        let yesPrice = result.yesPayout
        guard (0...SimPrice.oneDollar.units).contains(yesPrice.units) else { return .failure(.invalidSettlementPrice(yesPrice)) }
        settled[market] = result
        let closed = exchange.orderEntry.closeMarket(market) ?? 0
        exchange.rfq.marketClosed(market)

        var payouts: [SimSettlementPayout] = []
        for (owner, held) in exchange.orderEntry.removePositions(market: market) {
            guard let account = exchange.account(of: owner) else { continue }
            payouts.append(Self.payout(account: account, netYesHundredths: held, yesPrice: yesPrice))
        }
        payouts.sort { $0.account < $1.account }

        let now = exchange.now
        let date = SimEasternTime.date(atUTCNanoseconds: now) ?? FixLocalMktDate(year: 1970, month: 1, day: 1)!
        var sent = 0
        let pageSize = exchange.server.configuration.settlementReportPageSize
        let recipients = exchange.server.sessions.values
            .filter { ($0.sessionType == .kalshiPT || $0.sessionType == .kalshiRT) && $0.isActive && $0.options.receiveSettlementReports }
            .sorted { $0.description < $1.description }
        for session in recipients {
            guard let keyID = session.keyID else { continue }
            let parties = exchange.server.settlementAccounts(of: keyID).compactMap { account in
                payouts.first { $0.account == account }
            }
            guard !parties.isEmpty else { continue }
            let pages = stride(from: 0, to: parties.count, by: pageSize).map { Array(parties[$0..<min($0 + pageSize, parties.count)]) }
            for (index, page) in pages.enumerated() {
                reportCount += 1
                let report = MarketSettlementReport(
                    marketSettlementReportID: "MSR-\(idClock)-\(reportCount)", symbol: market,
                    clearingBusinessDate: date, totNumMarketSettlementReports: pages.count,
                    marketResult: Self.wireResult(result), settlementPrice: FixDecimal(mantissa: yesPrice.units, scale: 2),
                    lastFragment: index == pages.count - 1, marketSettlementPartyIDs: page.map(Self.party))
                if session.send(report) { sent += 1 }
            }
        }
        exchange.server.log("settled \(market) \(result): \(closed) orders closed, \(payouts.count) payouts, \(sent) reports")
        return .success(SimSettlement(market: market, result: result, closedOrders: closed, payouts: payouts, reportsSent: sent))
    }

    /// The payout of a net YES position (hundredths of a contract; negative: NO contracts).
    static func payout(account: String, netYesHundredths held: Int64, yesPrice: SimPrice) -> SimSettlementPayout {
        let yes = max(held, 0), no = max(-held, 0)
        // hundredths of a contract × 1/10,000 dollar = micro-dollars, exactly.
        let gross = yes * yesPrice.units + no * yesPrice.complement.units
        let fee = gross % 100  // below $0.0001: the rounding fee
        return SimSettlementPayout(account: account, yesContracts: SimQuantity(hundredths: yes),
                                   noContracts: SimQuantity(hundredths: no), payout: SimMoney(micros: gross - fee),
                                   fee: SimMoney(micros: fee))
    }

    static func wireResult(_ result: SimMarketResult) -> MarketResult {
        switch result {
        case .yes: return .yesOutcome
        case .no: return .noOutcome
        case .scalar: return .scalarValue
        }
    }

    static func party(_ payout: SimSettlementPayout) -> MarketSettlementPartyIDsEntry {
        MarketSettlementPartyIDsEntry(
            marketSettlementPartyID: payout.account, marketSettlementPartyRole: .customerAccount,
            longQty: FixDecimal(mantissa: payout.yesContracts.hundredths, scale: 2).normalized,
            shortQty: FixDecimal(mantissa: payout.noContracts.hundredths, scale: 2).normalized,
            collateralAmountChanges: [CollateralAmountChangesEntry(collateralAmountChange: wirePayout(payout.payout),
                                                                   collateralAmountType: .payout)],
            miscFees: [MiscFeesEntry(miscFeeAmt: wireFee(payout.fee), miscFeeCurr: "USD", miscFeeType: .exchangeFees,
                                     miscFeeBasis: .absolute)])
    }

    /// `100.00` for whole cents, else 4 decimals (`30.6030`); the payout is whole $0.0001.
    static func wirePayout(_ money: SimMoney) -> FixDecimal {
        money.micros % 10_000 == 0 ? FixDecimal(mantissa: money.micros / 10_000, scale: 2)
                                   : FixDecimal(mantissa: money.micros / 100, scale: 4)
    }

    /// `0.00` for none, else the digits it needs with at least 2 decimals (`0.00006`).
    static func wireFee(_ money: SimMoney) -> FixDecimal {
        let normalized = FixDecimal(mantissa: money.micros, scale: 6).normalized
        return normalized.scale >= 2 ? normalized : FixDecimal(mantissa: money.micros / 10_000, scale: 2)
    }
}

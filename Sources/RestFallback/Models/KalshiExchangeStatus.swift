import Foundation

/// `GET /exchange/status`: whether Kalshi takes state changes and trading (OpenAPI `ExchangeStatus`).
public struct KalshiExchangeStatus: Sendable, Hashable, Decodable {
    /// False only while the whole exchange is under maintenance (no trading, no transfers, no new users).
    public let exchangeActive: Bool
    /// True while trading is permitted: exchange hours and no pause.
    public let tradingActive: Bool
    /// Kalshi's estimate of when a maintenance window ends (RFC 3339 in the JSON); not a promise.
    public let estimatedResumeTime: Date?

    public init(exchangeActive: Bool, tradingActive: Bool, estimatedResumeTime: Date? = nil) {
        self.exchangeActive = exchangeActive
        self.tradingActive = tradingActive
        self.estimatedResumeTime = estimatedResumeTime
    }

    enum CodingKeys: String, CodingKey {
        case exchangeActive = "exchange_active", tradingActive = "trading_active"
        case estimatedResumeTime = "exchange_estimated_resume_time"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        exchangeActive = try c.decode(Bool.self, forKey: .exchangeActive)
        tradingActive = try c.decode(Bool.self, forKey: .tradingActive)
        estimatedResumeTime = try c.decodeTimeIfPresent(.estimatedResumeTime)
    }
}

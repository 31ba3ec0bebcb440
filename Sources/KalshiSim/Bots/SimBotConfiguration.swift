/// Scripted activity in the simulator (``SimConfiguration/bots``): a market maker quoting both
/// sides of a few markets around a drifting fair value, and a taker that now and then crosses
/// the spread. Both trade as the simulator's own accounts, so their fills reach real clients as
/// ExecutionReports and everyone's market data as a real order's would.
///
/// Everything the bots do follows from ``seed``: the same seed and markets give the same
/// sequence of bot orders, as long as no client trades in those markets.
public struct SimBotConfiguration: Sendable {
    /// Time between two bot steps. Each step moves every bot market's fair value by at most one
    /// price step (1 cent, or the tick when it is larger), re-quotes the maker and maybe sends a
    /// taker order.
    public var interval: Duration
    /// Seed of the bots' pseudo-random choices.
    public var seed: UInt64
    /// Tickers the bots trade; nil for the first two of ``SimConfiguration/markets``.
    public var markets: [String]?
    /// Price levels the maker quotes on each side (at least 1).
    public var levels: Int
    /// Largest size of one maker quote, whole contracts (each quote is 1 to this many).
    public var maxQuoteContracts: Int64
    /// The taker crosses in a market on about one step in this many (at least 1).
    public var takerOneIn: Int
    /// Called on the simulator's I/O thread with every order a bot sends, in order.
    public var onOrder: (@Sendable (SimBotOrder) -> Void)?

    public init(interval: Duration = .milliseconds(250), seed: UInt64 = 1, markets: [String]? = nil, levels: Int = 3,
                maxQuoteContracts: Int64 = 20, takerOneIn: Int = 3, onOrder: (@Sendable (SimBotOrder) -> Void)? = nil) {
        self.interval = interval
        self.seed = seed
        self.markets = markets
        self.levels = max(1, levels)
        self.maxQuoteContracts = max(1, maxQuoteContracts)
        self.takerOneIn = max(1, takerOneIn)
        self.onOrder = onOrder
    }
}

/// An order a bot sent (``SimBotConfiguration/onOrder``).
public struct SimBotOrder: Hashable, Sendable, CustomStringConvertible {
    /// Which bot sent it.
    public enum Bot: String, Hashable, Sendable {
        /// Quotes both sides, good till cancel, re-quoted every step.
        case maker
        /// Crosses the spread with immediate-or-cancel orders.
        case taker
    }

    public var bot: Bot
    /// The bot's ClOrdID, e.g. `bot-maker-17`.
    public var clientOrderID: String
    /// Market ticker.
    public var market: String
    /// Buy YES (bid) or sell YES (ask).
    public var side: SimSide
    /// YES limit price (1/10,000 dollar).
    public var price: SimPrice
    /// Contracts.
    public var quantity: SimQuantity
    /// Immediate or cancel (the taker) rather than good till cancel (the maker).
    public var immediateOrCancel: Bool

    public var description: String {
        "\(bot) \(clientOrderID) \(side) \(quantity) \(market) @ \(price)\(immediateOrCancel ? " IOC" : "")"
    }
}

import FixTransport

/// The simulator's scripted traders (``SimBotConfiguration``), stepped by a reactor timer. They
/// call the matching engine through ``SimOrderEntry/internalRequests(_:)``, so their trades
/// with clients produce the clients' ExecutionReports and everyone's market data.
///
/// - Important: I/O thread only (the simulator's reactor).
final class SimBots {
    let configuration: SimBotConfiguration
    unowned let exchange: SimExchange
    private var random: SimRandom
    private let maker: SimOwnerID
    private let taker: SimOwnerID
    private var markets: [MarketState]
    private var orderCount = 0

    struct MarketState {
        var ticker: String
        /// Price step in 1/10,000 dollar: a multiple of the tick, about a cent.
        var step: Int64
        /// Fair value in 1/10,000 dollar, a multiple of `step`.
        var fair: Int64
        /// The maker's quotes that may still rest.
        var quotes: [SimOrderID] = []
    }

    init(configuration: SimBotConfiguration, exchange: SimExchange, markets tickers: [String]) {
        self.configuration = configuration
        self.exchange = exchange
        random = SimRandom(seed: configuration.seed)
        // Names no API key can have (key ids are UUIDs), so clients never share these accounts.
        maker = exchange.owner(ofAccount: "#sim-bot-maker")
        taker = exchange.owner(ofAccount: "#sim-bot-taker")
        markets = []
        for ticker in tickers {
            guard let tick = exchange.orderEntry.engine.marketConfig(ticker)?.tick.units else { continue }
            let step = tick >= 100 ? tick : (100 / tick) * tick
            var state = MarketState(ticker: ticker, step: step, fair: 0)
            // Start somewhere between 0.40 and 0.60 dollars, on the step grid.
            let start = 4_000 + Int64(random.next(below: 2_001))
            state.fair = start / step * step
            markets.append(state)
        }
    }

    /// Steps now and then every ``SimBotConfiguration/interval``.
    func start(on reactor: Reactor) {
        reactor.schedule(after: configuration.interval) { [weak self, unowned reactor] in
            guard let self else { return }
            self.step()
            self.start(on: reactor)
        }
    }

    /// One round: per market, drift the fair value, re-quote the maker, maybe cross with the taker.
    func step() {
        for index in markets.indices {
            exchange.orderEntry.internalRequests { engine, now, events in
                self.step(&self.markets[index], engine: &engine, now: now, events: &events)
            }
        }
    }

    private func step(_ market: inout MarketState, engine: inout SimMatchingEngine, now: Int64, events: inout [SimEvent]) {
        // A paused market takes no new orders: keep the quotes rather than cancel them into nothing.
        guard engine.isPaused(market: market.ticker) == false else { return }
        let levels = Int64(configuration.levels)
        let low = (levels + 1) * market.step
        let high = (SimPrice.oneDollar.units - low) / market.step * market.step
        market.fair = min(max(market.fair + (Int64(random.next(below: 3)) - 1) * market.step, low), high)

        for id in market.quotes where engine.order(id) != nil {
            engine.cancel(orderID: id, owner: maker, now: now, into: &events)
        }
        market.quotes.removeAll(keepingCapacity: true)
        for level in 1...levels {
            for side in [SimSide.buy, .sell] {
                let offset = level * market.step
                let price = SimPrice(units: side == .buy ? market.fair - offset : market.fair + offset)
                let quantity = SimQuantity.contracts(1 + Int64(random.next(below: UInt64(configuration.maxQuoteContracts))))
                if let id = submit(.maker, market.ticker, side, price, quantity, engine: &engine, now: now, events: &events) {
                    market.quotes.append(id)
                }
            }
        }

        // Draw every time, crossing or not, so one market's book never changes another's draws.
        let crosses = random.next(below: UInt64(configuration.takerOneIn)) == 0
        let side: SimSide = random.next(below: 2) == 0 ? .buy : .sell
        let quantity = SimQuantity.contracts(1 + Int64(random.next(below: 5)))
        guard crosses, let price = side == .buy ? engine.bestAsk(market: market.ticker) : engine.bestBid(market: market.ticker) else {
            return
        }
        submit(.taker, market.ticker, side, price, quantity, engine: &engine, now: now, events: &events)
    }

    @discardableResult
    private func submit(_ bot: SimBotOrder.Bot, _ market: String, _ side: SimSide, _ price: SimPrice, _ quantity: SimQuantity,
                        engine: inout SimMatchingEngine, now: Int64, events: inout [SimEvent]) -> SimOrderID? {
        orderCount += 1
        let order = SimBotOrder(bot: bot, clientOrderID: "bot-\(bot.rawValue)-\(orderCount)", market: market, side: side,
                                price: price, quantity: quantity, immediateOrCancel: bot == .taker)
        configuration.onOrder?(order)
        let request = SimOrderRequest(owner: bot == .maker ? maker : taker, clientOrderID: order.clientOrderID, market: market,
                                      side: side, price: price, quantity: quantity,
                                      timeInForce: bot == .taker ? .immediateOrCancel : .goodTillCancel)
        return engine.submit(request, now: now, into: &events)
    }
}

/// SplitMix64: a small, fast, seedable generator, so bot runs repeat exactly.
struct SimRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0..<bound` (modulo bias is irrelevant here).
    mutating func next(below bound: UInt64) -> UInt64 {
        next() % bound
    }
}

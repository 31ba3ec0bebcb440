import ArgumentParser
import FixCodec
import FixEngine
import FixSession
import Foundation

/// `kalshi-fix book`: live order books from KalshiMD in the terminal, or as JSON lines.
struct BookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "book",
        abstract: "Log on to KalshiMD, subscribe to markets and show their order books live.",
        discussion: """
        Logs on to the market-data session (RSA-PSS signed logon), subscribes to every --symbol \
        (snapshot plus updates) and shows each book: bids and offers, best first, up to --depth \
        levels per side, and the last trade. On a prediction market both sides are YES prices: \
        a bid is a YES bid, an offer a YES ask (a NO bid at $1 minus the offer).

        Units: prices are dollars with 4 decimals and, on prediction markets, also cents \
        ($0.4500 = 45¢; subpenny prices show as 45.5¢); sizes are contracts (2 decimals). \
        --duration and --timeout are seconds.

        Output: on a terminal the screen is redrawn on each change (at most 20 times a second); \
        otherwise one block per changed book, at most 10 blocks a second (changes in between \
        are folded into the next block, which shows the book as it is then). With --json, one \
        JSON object per book change, never folded: {"symbol", "bids": [{"price", "cents", \
        "size"}], "offers": […], "last_trade": {"price", "cents", "size", "aggressor"} or null, \
        "update"}; prices and sizes are strings (exact decimals), "cents" is absent on margin \
        markets. An unknown symbol is not an error: Kalshi sends an empty snapshot, shown as an \
        empty book. Progress and the verdict go to stderr.

        --once prints the first complete snapshot (every symbol's book) and exits; otherwise \
        the book runs until --duration has passed or Ctrl-C, and then logs out.

        Exit status: 0 done (--once printed, --duration over, or Ctrl-C on a live view); 1 the \
        gateway rejected the subscription (MarketDataRequestReject, its text printed); 2 no \
        usable session (key file, connection, TLS, logon refused, session lost); 3 timed out \
        (logon, or the --once snapshot, within --timeout); 64 usage error; 130 Ctrl-C before \
        --once could print.

        Examples:
          kalshi-fix book --host 127.0.0.1 --port 18233 --key-id <key_id> \\
              --private-key api-key.pem --ca-file sim-ca.pem --symbol KXFEDDECISION-26DEC-H0
          kalshi-fix book … --symbol KXFEDDECISION-26DEC-H0 --symbol INXD-26DEC31-B6000 --once
          kalshi-fix book … --margin --symbol BTC-PERP --json --duration 60
        """
    )

    @OptionGroup(title: "Connection")
    var connection: ConnectionOptions

    @Flag(help: "Connect to the margin (perpetuals) gateway's KalshiMD instead of the prediction one.")
    var margin = false

    @Option(help: ArgumentHelp("Market ticker; repeat for several books.", valueName: "ticker"))
    var symbol: [String] = []

    @Option(help: ArgumentHelp("Price levels shown per side.", valueName: "levels"))
    var depth = 5

    @Flag(help: "Print the first complete snapshot and exit.")
    var once = false

    @Option(help: ArgumentHelp("Run this long, then log out and exit 0.", valueName: "seconds"))
    var duration: Double?

    @Flag(help: "One JSON object per book change instead of text.")
    var json = false

    @Option(help: ArgumentHelp("Seconds allowed for the logon (and, with --once, for the first snapshot).", valueName: "seconds"))
    var timeout: Double = 10

    /// The tickers, each once, in the order given.
    var symbols: [String] {
        var seen: Set<String> = []
        return symbol.filter { seen.insert($0).inserted }
    }

    func validate() throws {
        try connection.validate()
        if symbol.isEmpty { throw ValidationError("name at least one market with --symbol") }
        if symbol.contains(where: \.isEmpty) { throw ValidationError("--symbol must not be empty") }
        guard (1...1_000).contains(depth) else { throw ValidationError("--depth must be 1-1000 levels") }
        if let duration { guard duration > 0, duration.isFinite else { throw ValidationError("--duration must be a positive number of seconds") } }
        if once && duration != nil { throw ValidationError("--once and --duration exclude each other (bound --once with --timeout)") }
        guard timeout > 0, timeout.isFinite else { throw ValidationError("--timeout must be a positive number of seconds") }
    }

    func run() throws {
        let run = BookRun(command: self, terminal: !json && isatty(STDOUT_FILENO) == 1)
        TerminationWatcher.start { run.interrupt() }  // before the client's thread starts
        try CommandOutput.finish(run.run())
    }
}

/// A copy of one book as it was after a change: what the main thread prints.
struct BookView: Sendable {
    var symbol: String
    var bids: [BookLevel]
    var offers: [BookLevel]
    /// Levels on each side in all (the view holds at most the depth asked for).
    var bidLevels: Int
    var offerLevels: Int
    var lastTrade: BookTrade?
    /// The book's version: how many messages changed it.
    var update: UInt64

    /// Copies `book` (I/O thread, inside the change callback).
    init(_ book: FixOrderBook, depth: Int) {
        symbol = book.symbol
        bids = book.levels(.bid, depth: depth)
        offers = book.levels(.offer, depth: depth)
        bidLevels = book.levelCount(.bid)
        offerLevels = book.levelCount(.offer)
        lastTrade = book.lastTrade
        update = book.version
    }
}

/// How `book` writes a ``BookView``.
enum BookFormat {
    /// `45`, `45.5`, `45.25`: a price in cents without trailing zeros.
    static func cents(_ price: KalshiPrice) -> String {
        let whole = price.units / 100, fraction = abs(price.units % 100)
        if fraction == 0 { return String(whole) }
        let digits = fraction % 10 == 0 ? String(fraction / 10) : (fraction < 10 ? "0" : "") + String(fraction)
        return "\(whole).\(digits)"
    }

    /// `$0.4500 (45¢)`, or `$0.4500` without cents.
    static func price(_ price: KalshiPrice, cents withCents: Bool) -> String {
        "$\(price)" + (withCents ? " (\(cents(price))¢)" : "")
    }

    /// The text block of one book: a header, one row per level pair, the last trade.
    static func text(_ view: BookView, cents withCents: Bool) -> String {
        let rows = max(view.bids.count, view.offers.count)
        var lines = ["\(view.symbol)  bids \(view.bidLevels) levels, offers \(view.offerLevels) levels  (update \(view.update))"]
        if rows == 0 {
            lines.append("  (empty book: no bids, no offers)")
        } else {
            func cell(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
            let levels = view.bids + view.offers
            let sizeWidth = max(10, levels.map { $0.size.description.count }.max() ?? 0)
            let dollarWidth = max(9, levels.map { "$\($0.price)".count }.max() ?? 0)
            let centsWidth = withCents ? 7 : 0
            func half(_ level: BookLevel?, bid: Bool) -> String {
                let size = cell(level.map { $0.size.description } ?? "", sizeWidth)
                let dollars = cell(level.map { "$\($0.price)" } ?? "", dollarWidth)
                let cents = withCents ? cell(level.map { "\(Self.cents($0.price))¢" } ?? "", centsWidth) : ""
                return bid ? size + dollars + cents : dollars + cents + size
            }
            lines.append(cell("size", sizeWidth) + cell("bid", dollarWidth) + (withCents ? cell("", centsWidth) : "")
                         + "  |" + cell("offer", dollarWidth) + (withCents ? cell("", centsWidth) : "") + cell("size", sizeWidth))
            for row in 0..<rows {
                let bid = row < view.bids.count ? view.bids[row] : nil
                let offer = row < view.offers.count ? view.offers[row] : nil
                let row = half(bid, bid: true) + "  |" + half(offer, bid: false)
                lines.append(String(row.reversed().drop { $0 == " " }.reversed()))
            }
        }
        if let trade = view.lastTrade {
            let aggressor = trade.aggressor.map { $0 == .buy ? ", buyer lifted the offer" : ", seller hit the bid" } ?? ""
            lines.append("  last trade \(trade.size) @ \(price(trade.price, cents: withCents))\(aggressor)")
        } else {
            lines.append("  last trade: none yet")
        }
        return lines.joined(separator: "\n")
    }

    /// One JSON object, keys in a fixed order; exact decimals as strings.
    static func json(_ view: BookView, cents withCents: Bool) -> String {
        func s(_ text: String) -> String { FixText.jsonString(text) }
        func priced(_ price: KalshiPrice, _ size: Contracts) -> String {
            "\(s("price")):\(s(price.description))" + (withCents ? ",\(s("cents")):\(s(cents(price)))" : "") + ",\(s("size")):\(s(size.description))"
        }
        func side(_ levels: [BookLevel]) -> String { "[" + levels.map { "{" + priced($0.price, $0.size) + "}" }.joined(separator: ",") + "]" }
        let trade = view.lastTrade.map { trade in
            "{" + priced(trade.price, trade.size) + ",\(s("aggressor")):"
                + (trade.aggressor.map { s($0 == .buy ? "buy" : "sell") } ?? "null") + "}"
        } ?? "null"
        return "{\(s("symbol")):\(s(view.symbol)),\(s("bids")):\(side(view.bids)),\(s("offers")):\(side(view.offers)),"
            + "\(s("last_trade")):\(trade),\(s("update")):\(view.update)}"
    }
}

/// One `kalshi-fix book` run: log on, subscribe, print changes until done, log out.
///
/// Threading: the market-data callbacks run on the client's I/O thread; they copy each
/// changed book into a ``BookView`` under the waiter's lock (a book must not be read off that
/// thread). `run()` runs on the main thread, waits there and does all the printing, so a slow
/// terminal or pipe never stalls the I/O thread.
final class BookRun: MarketDataDelegate, @unchecked Sendable {
    private let command: BookCommand
    private let terminal: Bool
    private let symbols: [String]
    private let waiter: CommandWaiter
    private var condition: NSCondition { waiter.condition }
    // Guarded by `condition`:
    private var state: SessionState = .disconnected
    private var connecting = false
    private var sessionFailure: SessionError?
    private var rejected: String?
    private var interrupted = false
    private var latest: [String: BookView] = [:]
    /// Symbols changed since the last text print, each once, in order of change.
    private var changed: [String] = []
    /// Every change not yet printed (--json).
    private var queue: [BookView] = []
    /// Keeps the error tap alive (the driver holds it weakly). I/O thread.
    private var tap: SessionErrorTap?

    init(command: BookCommand, terminal: Bool) {
        self.command = command
        self.terminal = terminal
        symbols = command.symbols
        waiter = CommandWaiter(timeout: command.timeout)
    }

    private var showCents: Bool { !command.margin }

    /// Ctrl-C or SIGTERM (the watcher's thread).
    func interrupt() { waiter.update { interrupted = true } }

    func run() -> Result<String, CommandFailure> {
        let connection = command.connection
        let client: FixClient
        let opened: MarketDataSession
        let configuration: SessionConfiguration
        do throws(CommandFailure) {
            configuration = try connection.configuration(product: command.margin ? .margin : .prediction, sessionType: .kalshiMD,
                                                         timeout: command.timeout)
            (client, opened) = try connection.open(configuration) { try $0.openMarketData($1, reconnectPolicy: nil) }
        } catch {
            return .failure(error)
        }
        defer { client.stop() }
        nonisolated(unsafe) let session = opened
        let symbols = self.symbols
        client.execute { [self] in
            tap = SessionErrorTap(session, driver: session.driver) { [self] error in
                guard error.isFatal else { return }
                waiter.update { if sessionFailure == nil { sessionFailure = error } }
            }
            session.delegate = self
            session.subscribe(symbols)  // sent at logon
            session.start()
        }

        let result: Result<String, CommandFailure>
        do throws(CommandFailure) {
            try waiter.waitFor("the logon answer") { state == .active ? () : nil } failure: { logonFailure() }
            CommandOutput.stderr(connection.loggedOn(configuration) + "; subscribed to \(symbols.joined(separator: ", "))")
            result = .success(try show())
        } catch {
            result = .failure(error)
        }
        if condition.withLock({ state == .active }) {
            client.execute { session.logout() }
            waiter.awaitLogout { state == .disconnected }
        }
        return result
    }

    // MARK: Main thread

    /// Prints changes until the run is over; the summary, or why it failed.
    private func show() throws(CommandFailure) -> String {
        let end = command.duration.map { Date().addingTimeInterval($0) }
        let interval = terminal ? 0.05 : 0.1
        var lastPrint = Date.distantPast
        var printed = 0
        while true {
            var views: [BookView] = []
            var outcome: Result<String, CommandFailure>?
            condition.lock()
            while true {
                let now = Date()
                if interrupted {
                    views = pendingTextViews()
                    outcome = command.once
                        ? .failure(CommandFailure(code: CommandFailure.interrupted, reason: "interrupted before the first complete snapshot"))
                        : .success("stopped (interrupted) after \(printed + views.count) \(command.json ? "updates" : "prints")")
                    break
                }
                if let rejected {
                    outcome = .failure(CommandFailure(code: CommandFailure.rejected, reason: rejected))
                    break
                }
                if let lost = sessionLost() {
                    outcome = .failure(lost)
                    break
                }
                if command.once {
                    if symbols.allSatisfy({ latest[$0] != nil }) {
                        views = symbols.map { latest[$0]! }
                        outcome = .success("first complete snapshot of \(symbols.count) book\(symbols.count == 1 ? "" : "s")")
                        break
                    }
                    if now >= waiter.deadline {
                        let waiting = symbols.filter { latest[$0] == nil }
                        outcome = .failure(CommandFailure(code: CommandFailure.timedOut,
                            reason: "timed out after \(CommandOutput.seconds(command.timeout)) s waiting for the snapshot of \(waiting.joined(separator: ", "))"))
                        break
                    }
                    _ = condition.wait(until: waiter.deadline)
                    continue
                }
                if let end, now >= end {
                    views = command.json ? queue : pendingTextViews()
                    queue = []
                    outcome = .success("done after \(CommandOutput.seconds(command.duration!)) s: \(printed + views.count) \(command.json ? "updates" : "prints")")
                    break
                }
                // An hour at most: NSCondition.wait(until: .distantFuture) traps on Linux.
                var wake = min(end ?? .distantFuture, now.addingTimeInterval(3_600))
                if command.json {
                    if !queue.isEmpty { views = queue; queue = []; break }
                } else if !changed.isEmpty {
                    let due = lastPrint.addingTimeInterval(interval)
                    if now >= due { views = pendingTextViews(); break }
                    wake = min(wake, due)
                }
                _ = condition.wait(until: wake)
            }
            condition.unlock()

            if !views.isEmpty {
                printViews(views)
                printed += views.count
                lastPrint = Date()
            }
            if let outcome { return try outcome.get() }
        }
    }

    /// The views to print for the text modes, and the change list reset (lock held): the
    /// changed books, or on a terminal every book (the screen is redrawn whole).
    private func pendingTextViews() -> [BookView] {
        guard !changed.isEmpty else { return [] }
        let names = terminal ? symbols : changed
        changed = []
        return names.compactMap { latest[$0] }
    }

    private func printViews(_ views: [BookView]) {
        if command.json {
            for view in views { print(BookFormat.json(view, cents: showCents)) }
        } else if terminal {
            var screen = "\u{1B}[H\u{1B}[2J"  // home, clear
            screen += "kalshi-fix book — \(command.margin ? "margin" : "prediction") KalshiMD \(command.connection.endpoint) — Ctrl-C to quit\n\n"
            for symbol in symbols {
                screen += latest(symbol, in: views).map { BookFormat.text($0, cents: showCents) } ?? "\(symbol)  waiting for the snapshot…"
                screen += "\n\n"
            }
            print(screen, terminator: "")
        } else {
            for view in views { print(BookFormat.text(view, cents: showCents) + "\n") }
        }
        fflush(nil)
    }

    private func latest(_ symbol: String, in views: [BookView]) -> BookView? {
        views.last { $0.symbol == symbol }
    }

    // Failure checks; called with `condition` held.

    private func logonFailure() -> CommandFailure? {
        if let sessionFailure { return command.connection.logonFailure(sessionFailure) }
        if connecting && state == .disconnected {
            return CommandFailure(code: CommandFailure.noSession, reason: "the gateway closed the connection before answering the logon")
        }
        if interrupted { return CommandFailure(code: CommandFailure.interrupted, reason: "interrupted before the logon answer") }
        return nil
    }

    /// After the logon: the session ended under us (no reconnects in a command run).
    private func sessionLost() -> CommandFailure? {
        if let sessionFailure { return CommandFailure(code: CommandFailure.noSession, reason: "session lost: \(sessionFailure)") }
        if state == .disconnected { return CommandFailure(code: CommandFailure.noSession, reason: "session lost: disconnected") }
        return nil
    }

    // MARK: MarketDataDelegate (I/O thread)

    func marketData(_ session: MarketDataSession, bookChanged book: FixOrderBook) {
        let view = BookView(book, depth: command.depth)
        waiter.update {
            latest[view.symbol] = view
            if command.json && !command.once { queue.append(view) }
            if !changed.contains(view.symbol) { changed.append(view.symbol) }
        }
    }

    func marketData(_ session: MarketDataSession, requestRejected text: String, reason: Int?) {
        let why = reason.map { "MDReqRejReason \(FixText.described(281, String($0)))" } ?? "no MDReqRejReason"
        waiter.update {
            if rejected == nil { rejected = "market data request rejected: \(text.isEmpty ? "(no text)" : text) (\(why))" }
        }
    }

    func marketData(_ session: MarketDataSession, stateChanged state: SessionState) {
        waiter.update {
            self.state = state
            if state != .disconnected { connecting = true }
        }
    }
}

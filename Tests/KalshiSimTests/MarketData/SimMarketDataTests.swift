import FixCodec
import FixSession
import Foundation
import KalshiSim
import TestSupport
import Testing

/// Market data on KalshiMD, seen from real client sessions over TLS: snapshots (W) and
/// incremental refreshes (X) of the books NR traders build (FACTS §13.2, §13.3, §13.6), rejects
/// (Y, §13.4), SecurityStatus (e/f, §13.5), and a book rebuilt from W + X.
@Suite("KalshiSim market data", .serialized)
struct SimMarketDataTests {
    static let market = SimOrderEntryTests.market

    static func order(_ clOrdID: String, _ side: Side, qty: Int64, cents: Int64) -> NewOrderSingle {
        SimOrderEntryTests.order(clOrdID, side, qty: qty, cents: cents)
    }

    static func request(_ type: SubscriptionRequestType, _ symbols: [String]) -> MarketDataRequest {
        MarketDataRequest(subscriptionRequestType: type, relatedSym: symbols.map { RelatedSymEntry(symbol: $0) })
    }

    /// Two NR traders and one MD session, all logged on.
    func sessions(_ harness: SimHarness) throws -> (maker: ClientRecorder, taker: ClientRecorder, md: ClientRecorder) {
        let maker = harness.connect(try harness.configuration(.kalshiNR))
        let taker = harness.connect(try harness.configuration(.kalshiNR, pair: SimTestKeys.otherPair,
                                                              keyID: SimOrderEntryTests.otherKeyID))
        let md = harness.connect(try harness.configuration(.kalshiMD))
        #expect(maker.wait { $0.isActive } && taker.wait { $0.isActive } && md.wait { $0.isActive },
                "logons failed: \(harness.log.all)")
        return (maker, taker, md)
    }

    @Test("subscribe: W with both sides' levels in dollars (4 dp) and contracts (2 dp); orders, cancels and trades as X; unsubscribe stops them")
    func snapshotAndIncrementals() throws {
        let harness = try SimHarness(sessionTypes: [.kalshiNR, .kalshiMD], extraKeys: [SimOrderEntryTests.otherKey])
        let (maker, taker, md) = try sessions(harness)
        let m = Self.market
        harness.send(Self.order("bid-1", .buyYes, qty: 10, cents: 45), on: maker)
        harness.send(Self.order("bid-2", .buyYes, qty: 5, cents: 44), on: maker)
        harness.send(Self.order("ask-1", .sellNo, qty: 3, cents: 55), on: maker)
        _ = try #require(maker.waitForReport(execType: "0", clOrdID: "ask-1"), "orders not accepted: \(maker.messages)")

        harness.send(Self.request(.snapshotPlusUpdates, [m]), on: md)
        let snapshot = try #require(md.waitForMessage(ofType: "W"), "no snapshot: \(md.messages)")
        #expect(field(49, in: snapshot) == "KalshiMD")
        #expect(body(snapshot) == "55=\(m)|268=3|269=0|270=0.4500|271=10.00|269=0|270=0.4400|271=5.00|269=1|270=0.5500|271=3.00",
                "snapshot: bids best first, then offers")

        // Each request's book changes arrive as one X.
        let steps: [(String, () -> Void, String)] = [
            ("a bid joins a level: Change with the new absolute size", {
                harness.send(Self.order("bid-3", .buyYes, qty: 2, cents: 45), on: maker)
            }, "268=1|279=1|55=\(m)|269=0|270=0.4500|271=12.00"),
            ("a cancel empties a level: Delete", {
                harness.send(OrderCancelRequest(clOrdID: "cx-1", origClOrdID: "bid-2", side: .buyYes, symbol: m), on: maker)
            }, "268=1|279=2|55=\(m)|269=0|270=0.4400|271=0.00"),
            ("a new price level: Change (Decision Q11: New only for trades)", {
                harness.send(Self.order("bid-4", .buyYes, qty: 1, cents: 46), on: maker)
            }, "268=1|279=1|55=\(m)|269=0|270=0.4600|271=1.00"),
            ("a sell sweeping two levels: one trade print per fill (New, Trade, aggressor sell), then the levels", {
                harness.send(Self.order("sell-1", .sellNo, qty: 12, cents: 45), on: taker)
            }, "268=5|279=0|55=\(m)|269=2|270=0.4600|271=1.00|2446=2|279=0|55=\(m)|269=2|270=0.4500|271=10.00|2446=2"
                + "|279=0|55=\(m)|269=2|270=0.4500|271=1.00|2446=2|279=2|55=\(m)|269=0|270=0.4600|271=0.00"
                + "|279=1|55=\(m)|269=0|270=0.4500|271=1.00"),
        ]
        for (index, (what, action, expected)) in steps.enumerated() {
            action()
            #expect(md.wait { $0.messages(ofType: "X").count > index }, "\(what): no X; got \(md.messages)")
            let x = md.messages(ofType: "X")
            #expect(x.count == index + 1, "\(what): expected exactly one X, got \(x)")
            #expect(x.last.map(body) == expected, "\(what)")
        }

        harness.send(Self.request(.disablePreviousSnapshotPlusUpdateRequest, [m]), on: md)
        // An unsubscribe has no answer; a snapshot request after it shows it was handled.
        harness.send(Self.request(.snapshot, [m]), on: md)
        #expect(md.wait { $0.messages(ofType: "W").count == 2 })
        harness.send(Self.order("bid-5", .buyYes, qty: 1, cents: 30), on: maker)
        _ = try #require(maker.waitForReport(execType: "0", clOrdID: "bid-5"))
        // X would precede this snapshot on the md connection had the subscription survived.
        harness.send(Self.request(.snapshot, [m]), on: md)
        #expect(md.wait { $0.messages(ofType: "W").count == 3 }, "no snapshot-only answer: \(md.messages)")
        #expect(md.messages(ofType: "X").count == steps.count, "X after unsubscribe: \(md.messages(ofType: "X"))")
        #expect(md.messages(ofType: "W").last.map(body)
                == "55=\(m)|268=3|269=0|270=0.4500|271=1.00|269=0|270=0.3000|271=1.00|269=1|270=0.5500|271=3.00")
    }

    @Test("unknown symbols get an empty W (FACTS §13.2); symbol limits and a missing 146 get Y; e with 263=0 gets j")
    func rejects() throws {
        let harness = try SimHarness(sessionTypes: [.kalshiMD])
        let md = harness.connect(try harness.configuration(.kalshiMD))
        #expect(md.wait { $0.isActive }, "logon: \(harness.log.all)")

        harness.send(Self.request(.snapshotPlusUpdates, ["NO-SUCH-MARKET"]), on: md)
        let empty = try #require(md.waitForMessage(ofType: "W"), "unknown symbol: \(md.messages)")
        #expect(body(empty) == "55=NO-SUCH-MARKET|268=0", "an unknown ticker is an empty book, not a reject")

        let limit = 100
        harness.send(Self.request(.snapshot, (0...limit).map { "SYM-\($0)" }), on: md)
        let perRequest = try #require(md.waitForMessage(ofType: "Y"), "no Y for \(limit + 1) symbols in one request")
        #expect(body(perRequest) == "281=2|58=Too many symbols in one request: at most \(limit)")

        // One subscription is held; 100 more exceed the session's limit, all or nothing.
        harness.send(Self.request(.snapshotPlusUpdates, (1...limit).map { "SYM-\($0)" }), on: md)
        #expect(md.wait { $0.messages(ofType: "Y").count == 2 }, "no Y over the session limit: \(md.messages.suffix(3))")
        #expect(md.messages(ofType: "Y").last.map(body)
                == "281=2|58=Symbol limit exceeded: at most \(limit) subscribed symbols per session")
        #expect(md.messages(ofType: "W").count == 1, "a refused request must not send snapshots")
        harness.send(Self.request(.snapshotPlusUpdates, (1..<limit).map { "SYM-\($0)" }), on: md)
        #expect(md.wait { $0.messages(ofType: "W").count == limit }, "99 more fill the limit exactly")

        harness.send(MarketDataRequest(subscriptionRequestType: .snapshot), on: md)
        #expect(md.wait { $0.messages(ofType: "Y").count == 3 }, "no Y for a snapshot request without 146")
        #expect(md.messages(ofType: "Y").last.map(body) == "58=NoRelatedSym(146) is required with SubscriptionRequestType(263)=0")

        harness.send(SecurityStatusRequest(subscriptionRequestType: .snapshot, symbol: Self.market), on: md)
        let reject = try #require(md.waitForMessage(ofType: "j"), "e with 263=0: \(md.messages.suffix(2))")
        #expect(field(372, in: reject) == "e" && field(380, in: reject) == "0" && field(371, in: reject) == "263")
    }

    @Test("SecurityStatus: nothing on subscribe, 326=2 on pause, 326=3 on resume, nothing after unsubscribe; pause cancels 21006 orders")
    func securityStatus() throws {
        let harness = try SimHarness(sessionTypes: [.kalshiNR, .kalshiMD])
        let md = harness.connect(try harness.configuration(.kalshiMD))
        let trader = harness.connect(try harness.configuration(.kalshiNR))
        #expect(md.wait { $0.isActive } && trader.wait { $0.isActive }, "logon: \(harness.log.all)")
        let m = Self.market
        var fragile = Self.order("fragile", .buyYes, qty: 4, cents: 20)
        fragile.cancelOrderOnPause = true
        harness.send(fragile, on: trader)
        _ = try #require(trader.waitForReport(execType: "0", clOrdID: "fragile"))
        harness.send(Self.request(.snapshotPlusUpdates, [m]), on: md)

        harness.send(SecurityStatusRequest(subscriptionRequestType: .snapshotPlusUpdates, symbol: m), on: md)
        harness.send(Self.request(.snapshot, [m]), on: md)
        #expect(md.wait { $0.messages(ofType: "W").count == 2 }, "subscription and barrier snapshots: \(md.messages)")
        #expect(md.messages(ofType: "f").isEmpty, "changes only: no status on subscribe (FACTS §13.5)")

        #expect(harness.sim.pause(market: m))
        let halt = try #require(md.waitForMessage(ofType: "f"), "no SecurityStatus on pause: \(md.messages)")
        #expect(body(halt) == "55=\(m)|326=2")
        let canceled = try #require(trader.waitForReport(execType: "4", clOrdID: "fragile"), "21006 order survived the pause")
        #expect(field(58, in: canceled) == "TRADING_PAUSED")
        #expect(md.messages(ofType: "X").map(body) == ["268=1|279=2|55=\(m)|269=0|270=0.2000|271=0.00"],
                "the paused-out order leaves the book")
        #expect(harness.sim.pause(market: m), "pausing twice is fine")
        #expect(harness.sim.resume(market: m))
        #expect(md.wait { $0.messages(ofType: "f").count == 2 }, "no SecurityStatus on resume: \(md.messages)")
        #expect(md.messages(ofType: "f").map(body) == ["55=\(m)|326=2", "55=\(m)|326=3"], "one f per change")

        harness.send(SecurityStatusRequest(subscriptionRequestType: .disablePreviousSnapshotPlusUpdateRequest, symbol: m), on: md)
        harness.send(Self.request(.snapshot, [m]), on: md)
        #expect(md.wait { $0.messages(ofType: "W").count == 3 })
        #expect(harness.sim.pause(market: m))
        harness.send(Self.request(.snapshot, [m]), on: md)
        #expect(md.wait { $0.messages(ofType: "W").count == 4 })
        #expect(md.messages(ofType: "f").count == 2, "f after unsubscribe: \(md.messages(ofType: "f"))")
        #expect(!harness.sim.pause(market: "NO-SUCH-MARKET"))
    }

    @Test("margin: the same V/W/X in dollars (4 dp) for a perp; SecurityStatusRequest is refused with j (Decision Q13)")
    func margin() throws {
        let harness = try SimHarness(product: .margin, sessionTypes: [.kalshiNR, .kalshiMD])
        let trader = harness.connect(try harness.configuration(.kalshiNR, product: .margin))
        let md = harness.connect(try harness.configuration(.kalshiMD, product: .margin))
        #expect(trader.wait { $0.isActive } && md.wait { $0.isActive }, "logons: \(harness.log.all)")
        harness.send(SimMarketDataTests.request(.snapshotPlusUpdates, ["BTC-PERP"]), on: md)
        let snapshot = try #require(md.waitForMessage(ofType: "W"))
        #expect(body(snapshot) == "55=BTC-PERP|268=0")
        harness.send(NewOrderSingle(clOrdID: "p-1", orderQty: FixDecimal(mantissa: 2, scale: 0), ordType: .limit,
                                    price: FixDecimal(mantissa: 4_321, scale: 4), side: .buyYes, symbol: "BTC-PERP"), on: trader)
        #expect(md.wait { !$0.messages(ofType: "X").isEmpty }, "no X on margin: \(md.messages) \(trader.messages)")
        #expect(md.messages(ofType: "X").first.map(body) == "268=1|279=1|55=BTC-PERP|269=0|270=0.4321|271=2.00")
        harness.send(SecurityStatusRequest(subscriptionRequestType: .snapshotPlusUpdates, symbol: "BTC-PERP"), on: md)
        let reject = try #require(md.waitForMessage(ofType: "j"))
        #expect(field(372, in: reject) == "e" && field(380, in: reject) == "3")
    }

    @Test("a book built from W and every X equals the engine's depth after 400 random orders and cancels (seed 42)")
    func bookRebuild() throws {
        let harness = try SimHarness(sessionTypes: [.kalshiNR, .kalshiMD], extraKeys: [SimOrderEntryTests.otherKey])
        let (first, second, md) = try sessions(harness)
        let m = Self.market
        // Something to snapshot before the subscription.
        harness.send(Self.order("seed-bid", .buyYes, qty: 3, cents: 40), on: first)
        _ = try #require(first.waitForReport(execType: "0", clOrdID: "seed-bid"))
        harness.send(Self.request(.snapshotPlusUpdates, [m]), on: md)
        _ = try #require(md.waitForMessage(ofType: "W"))

        var random = SplitMix64(state: 42)
        var placed: [[String]] = [[], []]
        for n in 0..<400 {
            let who = Int(random.next() % 2)
            let trader = who == 0 ? first : second
            if random.next() % 5 == 0, !placed[who].isEmpty {
                let target = placed[who].remove(at: Int(random.next() % UInt64(placed[who].count)))
                harness.send(OrderCancelRequest(clOrdID: "cx-\(n)", origClOrdID: target, side: .buyYes, symbol: m), on: trader)
            } else {
                let side: Side = random.next() % 2 == 0 ? .buyYes : .sellNo
                let cents = 40 + Int64(random.next() % 21)
                let qty = 1 + Int64(random.next() % 10)
                harness.send(Self.order("o-\(n)", side, qty: qty, cents: cents), on: trader)
                placed[who].append("o-\(n)")
            }
        }
        // Per-session order: once each trader's last marker is acknowledged, everything is done.
        for (index, trader) in [first, second].enumerated() {
            harness.send(Self.order("marker-\(index)", .buyYes, qty: 1, cents: 1), on: trader)
            _ = try #require(trader.waitForReport(execType: "0", clOrdID: "marker-\(index)", seconds: 20), "marker \(index)")
        }
        // A snapshot request answered after every X already sent on this connection.
        harness.send(Self.request(.snapshot, [m]), on: md)
        #expect(md.wait(seconds: 10) { $0.messages(ofType: "W").count == 2 })

        let messages = md.messages.filter { ["W", "X"].contains(field(35, in: $0)) }
        var book = TestBook()
        for message in messages.dropLast() { book.apply(message) }
        let trades = messages.reduce(0) { $0 + entries($1, delimiter: 279).filter { $0[269] == "2" }.count }
        #expect(trades > 20, "the random flow should trade, got \(trades) prints")
        for (side, type) in [(SimSide.buy, "0"), (.sell, "1")] {
            let engine = harness.sim.depth(market: m, side: side).map { "\($0.price)x\($0.quantity)" }
            #expect(book.levels(type) == engine, "\(side) side: book from W+X vs engine depth")
        }
        var fresh = TestBook()
        fresh.apply(try #require(messages.last))
        #expect(fresh.levels("0") == book.levels("0") && fresh.levels("1") == book.levels("1"), "book vs a fresh snapshot")
    }
}

/// A minimal client book per FACTS §13.6: W replaces, X 279=0/1 sets a level, 279=2 deletes it,
/// trade entries (269=2) never touch it.
struct TestBook {
    /// MDEntryType ("0" bid, "1" offer) → price text → size text.
    var sides: [String: [String: String]] = ["0": [:], "1": [:]]

    mutating func apply(_ message: String) {
        if field(35, in: message) == "W" {
            sides = ["0": [:], "1": [:]]
            for entry in entries(message, delimiter: 269) { sides[entry[269]!]![entry[270]!] = entry[271]! }
            return
        }
        for entry in entries(message, delimiter: 279) where entry[269] != "2" {
            switch entry[279] {
            case "0", "1": sides[entry[269]!]![entry[270]!] = entry[271]!
            case "2": sides[entry[269]!]![entry[270]!] = nil
            default: Issue.record("unknown MDUpdateAction in \(message)")
            }
        }
    }

    /// `price x size`, best first (bids high to low, offers low to high).
    func levels(_ type: String) -> [String] {
        let prices = sides[type]!.keys.sorted { Decimal(string: $0)! < Decimal(string: $1)! }
        return (type == "0" ? prices.reversed() : prices).map { "\($0)x\(sides[type]![$0]!)" }
    }
}

/// The repeating-group entries of a `tag=value|…` message, each starting at `delimiter`.
func entries(_ text: String, delimiter: Int) -> [[Int: String]] {
    let members: Set<Int> = delimiter == 269 ? [269, 270, 271] : [279, 55, 269, 270, 271, 2446]
    var result: [[Int: String]] = []
    for part in text.split(separator: "|") {
        let kv = part.split(separator: "=", maxSplits: 1)
        guard kv.count == 2, let tag = Int(kv[0]) else { continue }
        if tag == delimiter { result.append([:]) }
        if !result.isEmpty, members.contains(tag) { result[result.count - 1][tag] = String(kv[1]) }
    }
    return result
}

/// The body of a `tag=value|…` message: everything but the standard header and trailer.
func body(_ text: String) -> String {
    let envelope: Set<Substring> = ["8", "9", "35", "49", "56", "34", "52", "43", "97", "122", "50", "57", "115", "128", "10"]
    return text.split(separator: "|").filter { !envelope.contains($0.prefix { $0 != "=" }) }.joined(separator: "|")
}

extension ClientRecorder {
    /// Waits for the first application message of type `msgType`; returns it.
    func waitForMessage(ofType msgType: String, seconds: Double = 5) -> String? {
        var found: String?
        _ = wait(seconds: seconds) { recorder in
            found = recorder.messages(ofType: msgType).first
            return found != nil
        }
        return found
    }
}

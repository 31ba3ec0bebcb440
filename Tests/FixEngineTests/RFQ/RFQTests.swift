import FixCodec
import FixEngine
import FixSession
import FixTransport
import Foundation
import KalshiSim
import Synchronization
import Testing

/// RFQ through the engine against KalshiSim: a creator on KalshiRT, a market maker on
/// KalshiRFQ, the side inversion, and the resulting fills in both trackers.
@Suite("RFQ", .serialized)
struct RFQTests {
    static let market = OrderEntrySessionTests.market

    final class CreatorEvents: OrderEntryDelegate, @unchecked Sendable {
        let events = Mutex<[RFQEvent]>([])
        let fills = Mutex<[Fill]>([])
        let active = Mutex(false)
        func orderEntry(_ session: OrderEntrySession, updated order: TrackedOrder, fill: Fill?) {
            if let fill { fills.withLock { $0.append(fill) } }
        }
        func orderEntry(_ session: OrderEntrySession, rfq event: RFQEvent) { events.withLock { $0.append(event) } }
        func orderEntry(_ session: OrderEntrySession, stateChanged state: SessionState) {
            if state == .active { active.withLock { $0 = true } }
        }
    }

    func wait(_ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline { if condition() { return true }; usleep(2_000) }
        return condition()
    }

    @Test("request, quote, accept to buy YES at 1 − the maker's NO bid, auto-confirm, fills on both sides")
    func buyYes() throws {
        let sim = try KalshiSimServer(configuration: SimConfiguration(apiKeys: [
            SimAPIKey(keyID: "creator-key", publicKeyPEM: OrderEntrySessionTests.makerKey.publicKeyPEM),
            SimAPIKey(keyID: "mm-key", publicKeyPEM: OrderEntrySessionTests.takerKey.publicKeyPEM),
        ], sessionTypes: [.kalshiNR, .kalshiRT, .kalshiRFQ]))
        try sim.start()
        defer { sim.stop() }
        let client = try FixClient()
        client.start()
        defer { client.stop() }
        let security = sim.clientSecurity
        typealias Setup = OrderEntrySessionTests.Setup
        let creator = try client.openOrderEntry(try Setup.configuration("creator-key", OrderEntrySessionTests.makerKey,
                                                                        sim.port(for: .kalshiRT)!, security, type: .kalshiRT),
                                                reconnectPolicy: nil)
        let mmOrders = try client.openOrderEntry(try Setup.configuration("mm-key", OrderEntrySessionTests.takerKey,
                                                                         sim.port(for: .kalshiNR)!, security), reconnectPolicy: nil)
        let mm = try client.openRFQ(try Setup.configuration("mm-key", OrderEntrySessionTests.takerKey, sim.port(for: .kalshiRFQ)!,
                                                            security, type: .kalshiRFQ), autoConfirm: true, reconnectPolicy: nil)
        let creatorEvents = CreatorEvents(), mmOrderEvents = CreatorEvents()
        let mmEvents = Mutex<[RFQEvent]>([])
        let mmActive = Mutex(false)
        nonisolated(unsafe) let s = (creator, mmOrders, mm)
        client.execute {
            s.0.delegate = creatorEvents
            s.1.delegate = mmOrderEvents
            s.2.onEvent = { event in
                mmEvents.withLock { $0.append(event) }
                // Quote every RFQ: YES bid 40¢, NO bid 55¢.
                if case .request(let request) = event { _ = try? s.2.quote(request, yesBid: .cents(40), noBid: .cents(55)) }
            }
            s.2.onStateChange = { if $0 == .active { mmActive.withLock { $0 = true } } }
            s.0.start(); s.1.start(); s.2.start()
        }
        #expect(wait { creatorEvents.active.withLock { $0 } && mmOrderEvents.active.withLock { $0 } && mmActive.withLock { $0 } })

        client.execute { _ = try? s.0.requestQuote(symbol: Self.market, quantity: 5) }
        #expect(wait { creatorEvents.events.withLock { $0.contains { if case .requestAcknowledged = $0 { true } else { false } } } })
        var received: RFQQuote?
        #expect(wait {
            received = creatorEvents.events.withLock { events in
                events.lazy.compactMap { if case .quote(let q) = $0 { q } else { nil } }.first
            }
            return received != nil
        }, "no quote reached the creator: \(creatorEvents.events.withLock { $0 })")
        let quote = try #require(received)
        #expect(quote.yesBid == .cents(40) && quote.noBid == .cents(55))
        #expect(quote.yesPriceToBuy == .cents(45) && quote.yesPriceToSell == .cents(40))

        let accepted = quote
        client.execute { try? s.0.acceptQuote(accepted, side: .buyYes) }
        #expect(wait { !creatorEvents.fills.withLock { $0 }.isEmpty }, "no fill for the creator; mm saw \(mmEvents.withLock { $0 })")
        let fill = try #require(creatorEvents.fills.withLock { $0 }.first)
        #expect(fill.price == .cents(45) && fill.quantity == 5 && fill.side == .buyYes, "\(fill)")
        #expect(wait { !mmOrderEvents.fills.withLock { $0 }.isEmpty }, "no fill for the market maker")
        let mmFill = try #require(mmOrderEvents.fills.withLock { $0 }.first)
        #expect(mmFill.side == .sellNo && mmFill.price == .cents(45) && mmFill.tradeID == fill.tradeID)
        #expect(mmEvents.withLock { $0 }.contains { if case .quoteStatus(_, 0, .noBid, _) = $0 { true } else { false } },
                "buying YES takes the maker's NO bid; its ACCEPTED status must say so: \(mmEvents.withLock { $0 })")
    }
}

import FixCodec

// Fixed-point book values. Market data carries prices in dollars with 4 decimals and sizes in
// contracts with 2 decimals on both products (FACTS §13, §16), so a book stores plain integers
// in those units: exact, cheap to compare, and usable as array indexes. Never floating point.
// MD prices are dollars whatever the session's UseDollars (21005) says (OPEN-QUESTIONS Q5:
// the docs say "dollars" for 270 and show 0.3500; nothing ties KalshiMD to UseDollars).

// Prices are ``KalshiPrice`` (a whole number of $0.0001; on margin markets an ordinary dollar
// price with no upper bound) and sizes ``Contracts`` (hundredths of a contract): the same
// exact types order entry uses, so a book level and an order compare without conversion.

/// Which side of a book: bids (269=0) or offers (269=1).
public enum BookSide: Sendable, Hashable {
    case bid
    case offer
}

/// One aggregated price level: the total size resting at a price.
@frozen
public struct BookLevel: Sendable, Hashable, CustomStringConvertible {
    public var price: KalshiPrice
    public var size: Contracts

    @inlinable
    public init(price: KalshiPrice, size: Contracts) {
        self.price = price
        self.size = size
    }

    public var description: String { "\(size)@\(price)" }
}

/// The aggressor of a trade print (AggressorSide 2446): the side that crossed the spread.
public enum BookAggressor: Sendable, Hashable {
    /// 2446=1: a buyer lifted an offer.
    case buy
    /// 2446=2: a seller hit a bid.
    case sell
}

/// A trade print from an incremental refresh (269=2). Trade prints are not book levels
/// (FACTS §13.6): they never change the bids or offers.
@frozen
public struct BookTrade: Sendable, Hashable {
    /// Trade price (dollars; on prediction markets the YES price).
    public var price: KalshiPrice
    /// Traded size (contracts).
    public var size: Contracts
    /// AggressorSide (2446); nil when absent or not a value the dictionary lists.
    public var aggressor: BookAggressor?
    /// MsgSeqNum (34) of the message that carried the print; 0 when the message had none.
    public var msgSeqNum: Int

    @inlinable
    public init(price: KalshiPrice, size: Contracts, aggressor: BookAggressor?, msgSeqNum: Int) {
        self.price = price
        self.size = size
        self.aggressor = aggressor
        self.msgSeqNum = msgSeqNum
    }
}

extension FixDecimal {
    /// The plain decimal with at least `minimumScale` fraction digits (`10` → `10.00`).
    func formatted(minimumScale: UInt8) -> String {
        withUnsafeTemporaryAllocation(byteCount: FixDecimal.maxEncodedLength + Int(minimumScale), alignment: 1) { buffer in
            let n = write(to: buffer.baseAddress!, minimumScale: minimumScale)
            return String(decoding: UnsafeRawBufferPointer(rebasing: buffer[0..<n]), as: UTF8.self)
        }
    }
}

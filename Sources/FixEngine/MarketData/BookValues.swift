import FixCodec

// Fixed-point book values. Market data carries prices in dollars with 4 decimals and sizes in
// contracts with 2 decimals on both products (FACTS §13, §16), so a book stores plain integers
// in those units: exact, cheap to compare, and usable as array indexes. Never floating point.
// MD prices are dollars whatever the session's UseDollars (21005) says (OPEN-QUESTIONS Q5:
// the docs say "dollars" for 270 and show 0.3500; nothing ties KalshiMD to UseDollars).

/// A market-data price: a whole number of ten-thousandths of a dollar ($0.0001, the finest
/// price Kalshi quotes). `BookPrice(tenThousandths: 3500)` is $0.35.
///
/// On prediction markets this is a YES price between $0 and $1; on margin markets (e.g.
/// `BTC-PERP`) it is an ordinary dollar price with no upper bound.
@frozen
public struct BookPrice: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The price in units of $0.0001.
    public var tenThousandths: Int64

    /// One dollar, the top of the prediction-market price range.
    public static let oneDollar = BookPrice(tenThousandths: 10_000)

    @inlinable
    public init(tenThousandths: Int64) {
        self.tenThousandths = tenThousandths
    }

    /// The price `decimal` dollars, or nil when it is not a whole number of $0.0001
    /// (`0.00005`) or does not fit.
    /// - Complexity: O(1); no allocation.
    @inlinable
    public init?(dollars decimal: FixDecimal) {
        guard let exact = try? decimal.rescaled(to: 4), exact.mantissa != .min else { return nil }
        self.tenThousandths = exact.mantissa
    }

    /// The price in dollars, with 4 decimals (`0.3500`).
    @inlinable
    public var dollars: FixDecimal { FixDecimal(mantissa: tenThousandths, scale: 4) }

    /// `$1 − self`: the NO price of a YES price on a prediction market (a YES offer at $0.65
    /// is a NO bid at $0.35). Meaningless on margin markets.
    @inlinable
    public var complement: BookPrice { BookPrice(tenThousandths: 10_000 &- tenThousandths) }

    @inlinable
    public static func < (a: BookPrice, b: BookPrice) -> Bool { a.tenThousandths < b.tenThousandths }

    /// Dollars with 4 decimals, as on the wire: `0.3500`.
    public var description: String { dollars.formatted(minimumScale: 4) }
}

/// A market-data size: a whole number of hundredths of a contract (sizes carry 2 decimals;
/// prediction markets trade fractional contracts). `BookSize(hundredths: 1000)` is 10 contracts.
@frozen
public struct BookSize: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The size in units of 0.01 contract.
    public var hundredths: Int64

    @inlinable
    public init(hundredths: Int64) {
        self.hundredths = hundredths
    }

    /// The size `decimal` contracts, or nil when it is not a whole number of 0.01 contract or
    /// does not fit.
    /// - Complexity: O(1); no allocation.
    @inlinable
    public init?(contracts decimal: FixDecimal) {
        guard let exact = try? decimal.rescaled(to: 2) else { return nil }
        self.hundredths = exact.mantissa
    }

    /// The size in contracts, with 2 decimals (`10.00`).
    @inlinable
    public var contracts: FixDecimal { FixDecimal(mantissa: hundredths, scale: 2) }

    @inlinable
    public static func < (a: BookSize, b: BookSize) -> Bool { a.hundredths < b.hundredths }

    /// Contracts with 2 decimals, as on the wire: `10.00`.
    public var description: String { contracts.formatted(minimumScale: 2) }
}

/// Which side of a book: bids (269=0) or offers (269=1).
public enum BookSide: Sendable, Hashable {
    case bid
    case offer
}

/// One aggregated price level: the total size resting at a price.
@frozen
public struct BookLevel: Sendable, Hashable, CustomStringConvertible {
    public var price: BookPrice
    public var size: BookSize

    @inlinable
    public init(price: BookPrice, size: BookSize) {
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
    public var price: BookPrice
    /// Traded size (contracts).
    public var size: BookSize
    /// AggressorSide (2446); nil when absent or not a value the dictionary lists.
    public var aggressor: BookAggressor?
    /// MsgSeqNum (34) of the message that carried the print; 0 when the message had none.
    public var msgSeqNum: Int

    @inlinable
    public init(price: BookPrice, size: BookSize, aggressor: BookAggressor?, msgSeqNum: Int) {
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

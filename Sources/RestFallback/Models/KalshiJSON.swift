import FixCodec
import Foundation

// How Kalshi's JSON becomes exact values.
//
// Money and counts: Kalshi sends them as strings ("0.5600" dollars, "10.00" contracts; OpenAPI
// `FixedPointDollars` / `FixedPointCount`). We decode the *string* and parse it with FixDecimal's
// exact parser, so the digits never touch binary floating point. Should a JSON *number* appear
// in such a field instead, it is read as Foundation `Decimal` and re-parsed from Decimal's plain
// digit text: swift-foundation's JSONDecoder builds a Decimal from the number's own digits (a
// 20-significant-digit test value, beyond Double's 17, survives; the test fails if that ever
// changes), and Decimal's text has no exponent. Anything FixDecimal cannot hold exactly
// (more than 18 fraction digits, beyond Int64) is a decoding error, never a rounded value.
//
// Times: `format: date-time` fields are RFC 3339 strings (with or without fraction digits, any
// offset); query filters (`min_close_ts`, …) are Unix seconds. Null or missing lists are empty.

/// Decoding failures carry their key path; ``KalshiRESTError/decoding(path:reason:)`` prints it.
extension KeyedDecodingContainer {
    /// A required fixed-point string (dollars or contracts) as an exact ``FixDecimal``.
    func decodeFixed(_ key: Key) throws -> FixDecimal {
        guard let value = try decodeFixedIfPresent(key) else {
            throw DecodingError.valueNotFound(String.self, .init(codingPath: codingPath + [key],
                debugDescription: "missing fixed-point decimal string"))
        }
        return value
    }

    /// An optional fixed-point string; absent or `null` is nil.
    func decodeFixedIfPresent(_ key: Key) throws -> FixDecimal? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        let text: String
        do {
            text = try decode(String.self, forKey: key)
        } catch DecodingError.typeMismatch {
            // Not a string: a JSON number, read from its digits (see the note at the top).
            text = try decode(Decimal.self, forKey: key).description
        }
        return try KalshiJSON.fixed(text, key: key, in: self)
    }

    /// A list; absent or `null` is empty (Kalshi sends `null` for some empty lists).
    func decodeList<T: Decodable>(_ type: T.Type, _ key: Key) throws -> [T] {
        try decodeIfPresent([T].self, forKey: key) ?? []
    }

    /// A required RFC 3339 time.
    func decodeTime(_ key: Key) throws -> Date {
        guard let value = try decodeTimeIfPresent(key) else {
            throw DecodingError.valueNotFound(String.self, .init(codingPath: codingPath + [key],
                debugDescription: "missing RFC 3339 time"))
        }
        return value
    }

    /// An optional RFC 3339 time; absent, `null` or `""` is nil.
    func decodeTimeIfPresent(_ key: Key) throws -> Date? {
        guard let text = try decodeIfPresent(String.self, forKey: key), !text.isEmpty else { return nil }
        guard let date = KalshiJSON.rfc3339(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "not an RFC 3339 time: \(text)")
        }
        return date
    }
}

enum KalshiJSON {
    static func fixed<K>(_ text: String, key: K, in container: KeyedDecodingContainer<K>) throws -> FixDecimal {
        guard let value = FixDecimal(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "not a fixed-point decimal: \(text)")
        }
        return value
    }

    /// An exact decimal from a string that sits in an array (orderbook levels).
    static func fixed(_ text: String, in container: UnkeyedDecodingContainer) throws -> FixDecimal {
        guard let value = FixDecimal(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: container.codingPath, debugDescription: "not a fixed-point decimal: \(text)"))
        }
        return value
    }

    // Parses with and without fraction digits and any UTC offset.
    private static let iso8601 = Date.ISO8601FormatStyle()

    /// RFC 3339 (`2024-01-02T03:04:05Z`, `…05.123456Z`, `…05+01:00`); nil when it is not one.
    static func rfc3339(_ text: String) -> Date? {
        try? iso8601.parse(text)
    }

    /// Seconds since the Unix epoch, rounded down: what the `*_ts` query filters take.
    static func unixSeconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }

    /// Decodes `T`, turning Foundation's error into a key path and a reason.
    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(KalshiRESTError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)  // cheap to make; not shared across tasks
        } catch let error as DecodingError {
            let (path, reason): ([any CodingKey], String) = switch error {
            case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): (c.codingPath, c.debugDescription)
            case .keyNotFound(let key, let c): (c.codingPath + [key], "missing key \(key.stringValue)")
            @unknown default: ([], "\(error)")
            }
            throw .decoding(path: path.isEmpty ? "$" : "$." + path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: "."),
                            reason: reason)
        } catch {
            throw .decoding(path: "$", reason: "\(error)")
        }
    }
}

import FixSession

/// Kalshi's REST request signature, made with ``FixSession/KalshiCredentials`` (the same key
/// pair and key id as the FIX logon; RSA-PSS SHA-256 salt 32 through ``FixSession/LogonSigner``).
///
/// The signed bytes are the UTF-8 of `timestamp_ms + METHOD + path`, concatenated with nothing in
/// between: the timestamp in milliseconds since the Unix epoch as decimal digits (the same string
/// sent as `KALSHI-ACCESS-TIMESTAMP`), the upper-case method, and the request path from the host
/// on (`/trade-api/v2/markets`, the API root's path included) without `?` and the query.
public enum KalshiRequestSigner {
    /// Header carrying the API key id.
    public static let keyHeader = "KALSHI-ACCESS-KEY"
    /// Header carrying the base64 RSA-PSS signature.
    public static let signatureHeader = "KALSHI-ACCESS-SIGNATURE"
    /// Header carrying the timestamp in milliseconds.
    public static let timestampHeader = "KALSHI-ACCESS-TIMESTAMP"

    /// The bytes to sign. Any query in `path` is cut off here, so a caller cannot sign it by mistake.
    public static func message(timestampMilliseconds: Int64, method: String, path: String) -> [UInt8] {
        let bare = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? path
        return Array("\(timestampMilliseconds)\(method.uppercased())\(bare)".utf8)
    }

    /// The three signing headers, in order key, signature, timestamp.
    /// - Throws: ``FixSession/LogonSignerError`` when OpenSSL fails to sign.
    public static func headers(credentials: KalshiCredentials, timestampMilliseconds: Int64,
                               method: String, path: String) throws(LogonSignerError) -> [(name: String, value: String)] {
        let signature = try credentials.signer.sign(message(timestampMilliseconds: timestampMilliseconds, method: method, path: path))
        return [(keyHeader, credentials.keyID), (signatureHeader, signature), (timestampHeader, String(timestampMilliseconds))]
    }
}

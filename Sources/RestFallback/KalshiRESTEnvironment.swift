/// Where the Kalshi Trade API lives.
///
/// Production is the `servers` entry of Kalshi's OpenAPI 3.13.0; demo is the host Kalshi's
/// "API Environments" page lists beside it for the same API (`demo-api.kalshi.co`, the demo
/// twin of `api.elections.kalshi.com`; credentials are not shared between the two).
public struct KalshiRESTEnvironment: Sendable, Hashable, CustomStringConvertible {
    /// The API root every endpoint path is appended to, e.g.
    /// `https://api.elections.kalshi.com/trade-api/v2` (no trailing slash). Its path part
    /// (`/trade-api/v2`) is part of what requests sign.
    public let baseURL: String

    /// Any API root (a simulator, a local test server, a proxy). A trailing `/` is dropped.
    public init(baseURL: String) {
        var url = baseURL
        while url.hasSuffix("/") { url.removeLast() }
        self.baseURL = url
    }

    /// Kalshi production (real money).
    public static let production = KalshiRESTEnvironment(baseURL: "https://api.elections.kalshi.com/trade-api/v2")
    /// Kalshi demo (mock funds, separate credentials).
    public static let demo = KalshiRESTEnvironment(baseURL: "https://demo-api.kalshi.co/trade-api/v2")

    public var description: String { baseURL }
}

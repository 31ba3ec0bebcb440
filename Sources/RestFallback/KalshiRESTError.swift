import FixSession

/// What Kalshi said in a non-2xx response.
///
/// The OpenAPI `ErrorResponse` is `{code, message, details, service}`; the live API wraps it as
/// `{"error": {...}}`. Both shapes are read; a body that is neither leaves the fields nil and
/// keeps up to 512 bytes of it in ``body``.
public struct KalshiAPIError: Sendable, Hashable, CustomStringConvertible {
    /// HTTP status code, e.g. 404, 429, 503.
    public let status: Int
    /// Kalshi's machine-readable error code, e.g. `not_found`.
    public let code: String?
    /// Kalshi's human-readable message.
    public let message: String?
    /// Additional details, when Kalshi gives them.
    public let details: String?
    /// The Kalshi service that produced the error.
    public let service: String?
    /// The start of the raw body (at most 512 bytes), for errors Kalshi did not shape as JSON.
    public let body: String

    public init(status: Int, code: String? = nil, message: String? = nil, details: String? = nil,
                service: String? = nil, body: String = "") {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.service = service
        self.body = body
    }

    public var description: String {
        var text = "HTTP \(status)"
        if let code { text += " \(code)" }
        if let message { text += ": \(message)" }
        if let details, !details.isEmpty { text += " (\(details))" }
        if code == nil, message == nil, !body.isEmpty { text += ": \(body)" }
        return text
    }
}

/// Every failure of ``KalshiRESTClient``.
public enum KalshiRESTError: Error, Sendable, CustomStringConvertible {
    /// Kalshi answered with a non-2xx status (after `attempts` tries; > 1 only for retried
    /// 429/5xx on idempotent requests).
    case http(KalshiAPIError, attempts: Int)
    /// The request could not be sent or its response not read (connection refused, TLS, reset…),
    /// after `attempts` tries.
    case transport(reason: String, attempts: Int)
    /// The per-request timeout or the total timeout ran out (after `attempts` tries).
    case timeout(attempts: Int)
    /// A 2xx response whose body does not match the expected type; `path` is the JSON key path.
    case decoding(path: String, reason: String)
    /// Pagination returned a cursor it had already returned, after `pages` pages: following it
    /// would loop forever.
    case cursorLoop(cursor: String, pages: Int)
    /// The task was cancelled (during a request or a backoff wait).
    case cancelled
    /// Signing the request failed (OpenSSL).
    case signing(LogonSignerError)
    /// The base URL or a path parameter does not make a valid URL.
    case invalidRequest(reason: String)

    /// The HTTP status, when Kalshi answered.
    public var status: Int? {
        if case .http(let error, _) = self { return error.status }
        return nil
    }

    public var description: String {
        switch self {
        case .http(let error, let attempts): "Kalshi REST: \(error) after \(attempts) attempt(s)"
        case .transport(let reason, let attempts): "Kalshi REST transport failure after \(attempts) attempt(s): \(reason)"
        case .timeout(let attempts): "Kalshi REST timeout after \(attempts) attempt(s)"
        case .decoding(let path, let reason): "Kalshi REST response not understood at \(path): \(reason)"
        case .cursorLoop(let cursor, let pages): "Kalshi REST pagination loop: cursor \(cursor) repeated after \(pages) page(s)"
        case .cancelled: "Kalshi REST request cancelled"
        case .signing(let error): "Kalshi REST signing failed: \(error)"
        case .invalidRequest(let reason): "Kalshi REST invalid request: \(reason)"
        }
    }
}

import AsyncHTTPClient
import FixSession
import Foundation
import NIOCore
import NIOHTTP1

/// How a ``KalshiRESTClient`` reaches Kalshi.
public struct KalshiRESTConfiguration: Sendable {
    /// Production, demo, or any API root (a simulator, a test server).
    public var environment: KalshiRESTEnvironment
    /// When set, every request is signed (`KALSHI-ACCESS-*` headers); when nil, requests go
    /// unsigned and Kalshi decides (public reference data works; a 401 comes back as
    /// ``KalshiRESTError/http(_:attempts:)``).
    public var credentials: KalshiCredentials?
    /// Limit for one attempt: connect, send, and read the whole response.
    public var requestTimeout: Duration
    /// Limit for a whole call: every attempt and every backoff wait.
    public var totalTimeout: Duration
    /// Retries for idempotent requests (429, 5xx, timeouts, transport failures).
    public var retry: KalshiRetryPolicy
    /// Larger responses fail with ``KalshiRESTError/transport(reason:attempts:)`` (bytes).
    public var maxResponseBytes: Int

    public init(environment: KalshiRESTEnvironment = .production, credentials: KalshiCredentials? = nil,
                requestTimeout: Duration = .seconds(10), totalTimeout: Duration = .seconds(60),
                retry: KalshiRetryPolicy = .default, maxResponseBytes: Int = 32 << 20) {
        self.environment = environment
        self.credentials = credentials
        self.requestTimeout = requestTimeout
        self.totalTimeout = totalTimeout
        self.retry = retry
        self.maxResponseBytes = maxResponseBytes
    }
}

/// Kalshi's REST Trade API: reference data, over AsyncHTTPClient.
///
/// Secondary to FIX (reference data, and a fallback when FIX is down); every call is an
/// `async` request that may take seconds under retries, so keep it off latency-critical paths.
///
/// ```swift
/// let client = KalshiRESTClient(configuration: .init(environment: .demo))
/// print(try await client.exchangeStatus())
/// for try await market in client.markets(.init(status: .open, seriesTicker: "KXHIGHNY")) { … }
/// ```
///
/// - Important: immutable and `Sendable`: share one client between tasks. It uses
///   `HTTPClient.shared` unless given a client (whose lifetime stays the caller's).
public final class KalshiRESTClient: Sendable {
    public let configuration: KalshiRESTConfiguration
    let http: HTTPClient
    /// The API root's path (`/trade-api/v2`), the start of every signed path.
    let basePath: String

    /// - Parameter httpClient: the AsyncHTTPClient to send with; `HTTPClient.shared` by default.
    public init(configuration: KalshiRESTConfiguration = .init(), httpClient: HTTPClient = .shared) {
        self.configuration = configuration
        self.http = httpClient
        self.basePath = URLComponents(string: configuration.environment.baseURL)?.percentEncodedPath ?? ""
    }

    // MARK: Requests

    /// GETs `path` (percent-encoded, relative to the API root) and decodes the 2xx body as `T`.
    func get<T: Decodable>(_ type: T.Type, _ path: String, query: [(String, String)] = []) async throws(KalshiRESTError) -> T {
        let body = try await send(method: .GET, path: path, query: query, idempotent: true)
        return try KalshiJSON.decode(T.self, from: body)
    }

    /// Sends one call with signing, per-attempt and total timeouts, and retries when idempotent.
    func send(method: HTTPMethod, path: String, query: [(String, String)], idempotent: Bool) async throws(KalshiRESTError) -> Data {
        let url = configuration.environment.baseURL + path + KalshiURL.queryString(query)
        guard URL(string: url) != nil else { throw .invalidRequest(reason: "not a URL: \(url)") }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: configuration.totalTimeout)
        let policy = idempotent ? configuration.retry : .none
        var random = SystemRandomNumberGenerator()
        var attempt = 0
        while true {
            attempt += 1
            let remaining = clock.now.duration(to: deadline)
            guard remaining > .zero else { throw .timeout(attempts: attempt - 1) }
            let outcome = await self.attempt(method: method, url: url, signedPath: basePath + path,
                                             timeout: min(configuration.requestTimeout, remaining), number: attempt)
            let failure: KalshiRESTError, retryAfter: Duration?
            switch outcome {
            case .success(let body): return body
            case .final(let error): throw error
            case .retryable(let error, let after): (failure, retryAfter) = (error, after)
            }
            guard attempt < policy.maxAttempts else { throw failure }
            var wait = policy.backoff(retry: attempt, using: &random)
            if let retryAfter {
                // The server knows when it will take us again; asking sooner only costs tokens.
                guard retryAfter <= policy.maxRetryAfter else { throw failure }
                wait = max(wait, retryAfter)
            }
            guard clock.now.advanced(by: wait) < deadline else { throw failure }
            do { try await Task.sleep(for: wait) } catch { throw .cancelled }
        }
    }

    enum Outcome {
        case success(Data)
        case retryable(KalshiRESTError, retryAfter: Duration?)
        case final(KalshiRESTError)
    }

    /// One attempt. Signs afresh each time: the timestamp is part of the signature and Kalshi
    /// checks it against its clock.
    private func attempt(method: HTTPMethod, url: String, signedPath: String, timeout: Duration, number: Int) async -> Outcome {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "kalshi-fix-restfallback")
        if let credentials = configuration.credentials {
            let now = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
            do {
                for (name, value) in try KalshiRequestSigner.headers(credentials: credentials, timestampMilliseconds: now,
                                                                      method: method.rawValue, path: signedPath) {
                    request.headers.add(name: name, value: value)
                }
            } catch {
                return .final(.signing(error))
            }
        }
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await http.execute(request, timeout: .nanoseconds(KalshiRetryPolicy.nanoseconds(timeout)))
            body = try await response.body.collect(upTo: configuration.maxResponseBytes)
        } catch is CancellationError {
            return .final(.cancelled)
        } catch is NIOTooManyBytesError {
            return .final(.transport(reason: "response larger than \(configuration.maxResponseBytes) bytes", attempts: number))
        } catch let error as HTTPClientError {
            if error == .cancelled { return .final(.cancelled) }
            if error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
                return .retryable(.timeout(attempts: number), retryAfter: nil)
            }
            return .retryable(.transport(reason: "\(error)", attempts: number), retryAfter: nil)
        } catch {
            if Task.isCancelled { return .final(.cancelled) }
            return .retryable(.transport(reason: "\(error)", attempts: number), retryAfter: nil)
        }
        let status = Int(response.status.code)
        let data = Data(body.readableBytesView)
        if (200...299).contains(status) { return .success(data) }
        let error = KalshiRESTError.http(KalshiErrorBody.decode(status: status, body: data), attempts: number)
        guard KalshiRetryPolicy.isRetryable(status: status) else { return .final(error) }
        return .retryable(error, retryAfter: response.headers.first(name: "Retry-After").flatMap(KalshiRetryAfter.parse))
    }
}

/// Percent-encoding for path segments and query values: RFC 3986 unreserved bytes stay, every
/// other byte becomes `%XX` (cursors may hold `+`, `/`, `=`).
enum KalshiURL {
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]], as: UTF8.self)
            }
        }
        return out
    }

    /// `?a=1&b=2`, or `""` for no items.
    static func queryString(_ items: [(String, String)]) -> String {
        items.isEmpty ? "" : "?" + items.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
    }
}

/// `Retry-After`: delta-seconds (`"2"`) or an HTTP-date (`"Wed, 21 Oct 2015 07:28:00 GMT"`).
enum KalshiRetryAfter {
    static func parse(_ value: String) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int64(text) { return seconds >= 0 ? .seconds(seconds) : nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        let millis = Int64((date.timeIntervalSinceNow * 1000).rounded(.up))
        return .milliseconds(max(0, millis))
    }
}

/// Kalshi's error body, flat (`{"code", "message", …}`, the OpenAPI `ErrorResponse`) or wrapped
/// in `{"error": {...}}` (what the live API sends).
struct KalshiErrorBody: Decodable {
    let code: String?
    let message: String?
    let details: String?
    let service: String?

    private struct Wrapped: Decodable { let error: KalshiErrorBody }

    static func decode(status: Int, body: Data) -> KalshiAPIError {
        let raw = String(decoding: body.prefix(512), as: UTF8.self)
        let decoder = JSONDecoder()
        let parsed = (try? decoder.decode(Wrapped.self, from: body))?.error ?? (try? decoder.decode(KalshiErrorBody.self, from: body))
        return KalshiAPIError(status: status, code: parsed?.code, message: parsed?.message, details: parsed?.details,
                              service: parsed?.service, body: raw)
    }
}

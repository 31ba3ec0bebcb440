import COpenSSL

/// OpenSSL's error queue, read into text users can act on (never key material).
/// Shared with FixSession's logon signer (`package`).
package enum OpenSSLError {
    /// Drains the thread's OpenSSL error queue into one line, most recent last; `fallback`
    /// when the queue is empty.
    package static func drain(fallback: String) -> String {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            reasons.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return reasons.isEmpty ? fallback : reasons.joined(separator: "; ")
    }

    /// Empties the queue so a later failure reports only its own reasons.
    package static func clear() { ERR_clear_error() }
}

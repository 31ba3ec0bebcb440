#if canImport(Glibc)
import Glibc
#endif

/// Host-name checks done on the configured text, before any DNS lookup.
///
/// They decide whether a configuration is acceptable (known Kalshi host, loopback for
/// plaintext); the transport checks the resolved address again before it sends a byte in
/// plaintext, so a name that resolves elsewhere is still caught there.
enum HostName {
    /// Lower case, without a trailing dot or IPv6 brackets.
    static func normalized(_ host: String) -> String {
        var h = host.lowercased()
        if h.hasPrefix("["), h.hasSuffix("]") { h = String(h.dropFirst().dropLast()) }
        if h.hasSuffix(".") { h.removeLast() }
        return h
    }

    /// `localhost`, 127.0.0.0/8, `::1` and IPv4-mapped 127.x: the same set the transport
    /// accepts for plaintext.
    // `*.localhost` names are not accepted: RFC 6761 asks resolvers to map them to loopback,
    // but not every resolver does, and plaintext must never leave the machine.
    static func isLoopback(_ host: String) -> Bool {
        let h = normalized(host)
        if h == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, h, &v4) == 1 {
            return UInt32(bigEndian: v4.s_addr) >> 24 == 127
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, h, &v6) == 1 {
            let b = withUnsafeBytes(of: v6) { Array($0) }
            if b[0..<15].allSatisfy({ $0 == 0 }) && b[15] == 1 { return true }
            return b[0..<10].allSatisfy { $0 == 0 } && b[10] == 0xFF && b[11] == 0xFF && b[12] == 127
        }
        return false
    }
}

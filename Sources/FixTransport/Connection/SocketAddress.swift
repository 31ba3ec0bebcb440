import CLibUring  // socket constants (SOCK_*, IPPROTO_TCP, TCP_NODELAY) through the one Linux I/O shim
#if canImport(Glibc)
import Glibc
#endif

/// A resolved IPv4 or IPv6 socket address.
struct SocketAddress {
    var storage: sockaddr_storage
    var length: socklen_t
    var family: Int32

    /// True for 127.0.0.0/8, ::1 and IPv4-mapped 127.x.
    var isLoopback: Bool {
        var s = storage
        return withUnsafeBytes(of: &s) { raw in
            if family == AF_INET {
                let sin = raw.load(as: sockaddr_in.self)
                return UInt32(bigEndian: sin.sin_addr.s_addr) >> 24 == 127
            }
            let sin6 = raw.load(as: sockaddr_in6.self)
            let b = withUnsafeBytes(of: sin6.sin6_addr) { Array($0) }
            if b[0..<15].allSatisfy({ $0 == 0 }) && b[15] == 1 { return true }
            return b[0..<10].allSatisfy { $0 == 0 } && b[10] == 0xFF && b[11] == 0xFF && b[12] == 127
        }
    }

    /// Resolves `host` (name or numeric) with getaddrinfo; the first TCP address wins.
    static func resolve(host: String, port: Int) throws(TransportError) -> SocketAddress {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var result: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &result)
        guard rc == 0, let first = result else {
            throw .dnsFailure(host: host, reason: String(cString: gai_strerror(rc)))
        }
        defer { freeaddrinfo(result) }
        var storage = sockaddr_storage()
        let length = first.pointee.ai_addrlen
        withUnsafeMutableBytes(of: &storage) { raw in
            raw.copyMemory(from: UnsafeRawBufferPointer(start: first.pointee.ai_addr, count: Int(length)))
        }
        return SocketAddress(storage: storage, length: length, family: first.pointee.ai_family)
    }

    /// The address connected to `fd` (`getpeername`), or an empty IPv4 address if unknown.
    static func peer(of fd: Int32) -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &length) }
        }
        if rc != 0 { length = 0 }
        return SocketAddress(storage: storage, length: length, family: Int32(storage.ss_family))
    }

    /// Numeric host and port, e.g. ("127.0.0.1", 51234).
    var numericHostAndPort: (host: String, port: Int) {
        guard length > 0 else { return ("?", 0) }
        var s = storage
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        var service = [CChar](repeating: 0, count: Int(NI_MAXSERV))
        let rc = withUnsafePointer(to: &s) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getnameinfo($0, length, &host, socklen_t(host.count), &service, socklen_t(service.count), NI_NUMERICHOST | NI_NUMERICSERV)
            }
        }
        guard rc == 0 else { return ("?", 0) }
        let hostText = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let serviceText = String(decoding: service.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return (hostText, Int(serviceText) ?? 0)
    }
}

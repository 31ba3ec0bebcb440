#if canImport(Glibc)
import Glibc
#endif

/// A C `errno` value with its symbolic name, for errors users can act on
/// (e.g. `ECONNREFUSED (111): Connection refused`).
public struct Errno: Error, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: Int32

    public init(_ rawValue: Int32) { self.rawValue = rawValue }

    /// The current thread's `errno`.
    static var current: Errno { Errno(errno) }

    /// The C name, e.g. `ECONNRESET`, or `errno N` for uncommon values.
    public var name: String {
        switch rawValue {
        case EPERM: return "EPERM"
        case ENOENT: return "ENOENT"
        case EINTR: return "EINTR"
        case EIO: return "EIO"
        case EBADF: return "EBADF"
        case EAGAIN: return "EAGAIN"
        case ENOMEM: return "ENOMEM"
        case EACCES: return "EACCES"
        case EEXIST: return "EEXIST"
        case ENOSPC: return "ENOSPC"
        case EROFS: return "EROFS"
        case EDQUOT: return "EDQUOT"
        case EINVAL: return "EINVAL"
        case EMFILE: return "EMFILE"
        case EPIPE: return "EPIPE"
        case ENOSYS: return "ENOSYS"
        case ENOTCONN: return "ENOTCONN"
        case ECONNREFUSED: return "ECONNREFUSED"
        case ECONNRESET: return "ECONNRESET"
        case ECONNABORTED: return "ECONNABORTED"
        case ETIMEDOUT: return "ETIMEDOUT"
        case EHOSTUNREACH: return "EHOSTUNREACH"
        case ENETUNREACH: return "ENETUNREACH"
        case EADDRNOTAVAIL: return "EADDRNOTAVAIL"
        case EADDRINUSE: return "EADDRINUSE"
        case EINPROGRESS: return "EINPROGRESS"
        case ECANCELED: return "ECANCELED"
        default: return "errno \(rawValue)"
        }
    }

    public var description: String {
        "\(name) (\(rawValue)): \(String(cString: strerror(rawValue)))"
    }
}

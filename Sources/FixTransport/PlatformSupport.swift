import CLibUring
import COpenSSL

/// What this machine offers the transports, probed once at start-up.
public enum PlatformSupport {
    /// OpenSSL's runtime version string, e.g. `OpenSSL 3.0.19 …`.
    public static var openSSLVersion: String {
        String(cString: OpenSSL_version(Int32(OPENSSL_VERSION)))
    }

    /// OpenSSL's major version (the transports need 3 or later).
    public static var openSSLMajorVersion: Int {
        Int(COpenSSL_version_major())
    }

    /// liburing's compile-time version as `major * 100 + minor` (0 if the headers do not say).
    public static var liburingVersion: Int {
        Int(CLibUring_version())
    }

    /// Why io_uring cannot be used here, or nil when a ring can be created.
    ///
    /// io_uring may be compiled out, disabled (`kernel.io_uring_disabled`) or blocked by seccomp
    /// (EPERM/ENOSYS); the transport then falls back to epoll.
    public static func ioUringUnavailableReason() -> String? {
        var ring = io_uring()
        let rc = io_uring_queue_init(2, &ring, 0)
        if rc < 0 {
            return "io_uring_queue_init failed: \(String(cString: strerror(-rc))) (errno \(-rc))"
        }
        io_uring_queue_exit(&ring)
        return nil
    }
}

#if canImport(Glibc)
import Glibc
#endif

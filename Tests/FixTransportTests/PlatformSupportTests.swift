import CLibUring
import COpenSSL
import FixTransport
import Testing

/// The C shims link and the platform pieces the transports build on work here, for real:
/// an io_uring NOP round trip and an OpenSSL TLS client context.
@Suite("Platform shims")
struct PlatformSupportTests {
    @Test("OpenSSL 3 is linked and can build a TLS 1.2+ client context")
    func openSSL() throws {
        #expect(PlatformSupport.openSSLMajorVersion >= 3, "OpenSSL \(PlatformSupport.openSSLVersion) is older than 3")
        let ctx = try #require(SSL_CTX_new(TLS_client_method()), "SSL_CTX_new failed")
        defer { SSL_CTX_free(ctx) }
        #expect(COpenSSL_SSL_CTX_set_min_proto_version(ctx, COpenSSL_TLS1_2_VERSION) == 1)
        #expect(COpenSSL_SSL_CTX_get_min_proto_version(ctx) == COpenSSL_TLS1_2_VERSION)
    }

    @Test("OpenSSL computes SHA-256 (the logon signature's digest)")
    func sha256() {
        let input = Array("abc".utf8)
        var digest = [UInt8](repeating: 0, count: 32)
        _ = SHA256(input, input.count, &digest)
        let hex = digest.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        #expect(hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("liburing: a ring is created and a NOP completes with its user data",
          .enabled(if: PlatformSupport.ioUringUnavailableReason() == nil, "io_uring unavailable here"))
    func ioUringNop() throws {
        var ring = io_uring()
        #expect(io_uring_queue_init(8, &ring, 0) == 0)
        defer { io_uring_queue_exit(&ring) }
        let sqe = try #require(io_uring_get_sqe(&ring))
        io_uring_prep_nop(sqe)
        io_uring_sqe_set_data64(sqe, 0xFEED)
        #expect(io_uring_submit(&ring) == 1)
        var cqe: UnsafeMutablePointer<io_uring_cqe>?
        #expect(CLibUring_wait_cqe_timeout(&ring, &cqe, 1_000_000_000) == 0)
        let completion = try #require(cqe)
        #expect(completion.pointee.user_data == 0xFEED)
        #expect(completion.pointee.res == 0)
        io_uring_cqe_seen(&ring, completion)
    }
}

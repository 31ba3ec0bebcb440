/// FixSession: the Kalshi FIX session layer (logon signing, sequence numbers, heartbeats,
/// resend, store) over io_uring/OpenSSL transports.
///
/// Status: this module currently holds only the platform probes the transport will build on;
/// the session layer itself is issue "FixSession" (see docs/STATUS.md).
import CLibUring
import COpenSSL

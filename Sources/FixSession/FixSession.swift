/// FixSession: the Kalshi FIX session layer (logon signing, sequence numbers, heartbeats,
/// resend, store) over FixTransport.
///
/// Status: the logon signer and verifier are here; the session state machine, store and
/// session types are issue "FixSession" (see docs/STATUS.md).
import FixTransport

import FixCodec
import FixTransport

/// Why a session failed or what went wrong on it, in terms a user can act on. Reported through
/// ``SessionOutput/session(error:)``; the fatal ones are followed by a disconnect.
public enum SessionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The peer answered our Logon with a Logout; `text` is its tag 58 (empty when it gave none).
    case logonRejected(text: String)
    /// No Logon answer within the logon timeout (seconds).
    case logonTimeout(seconds: Double)
    /// Inbound MsgSeqNum lower than expected without PossDupFlag=Y: FIX says terminate.
    case sequenceTooLow(expected: Int, received: Int)
    /// A forward gap on a session without retransmission (Kalshi: reconnect with 141=Y).
    case sequenceGap(expected: Int, received: Int)
    /// A forward gap on a retransmission session: a ResendRequest for `from...` was sent.
    case resendRequested(from: Int, through: Int)
    /// The peer stayed silent after our TestRequest.
    case heartbeatTimeout(seconds: Double)
    /// The peer logged out; `text` is its tag 58.
    case peerLoggedOut(text: String)
    /// The peer rejected one of our messages (35=3).
    case rejectReceived(refSeqNum: Int, reason: SessionRejectReason?, refTag: Int?, text: String)
    /// An inbound message was invalid; we answered with Reject (35=3) and went on.
    case invalidInbound(seqNum: Int, error: FixDecodeError)
    /// Bytes that are not a FIX frame were skipped (no sequence number consumed).
    case garbledInbound(skippedBytes: Int, error: FixDecodeError)
    /// The first message, a CompID or MsgSeqNum is unusable: the session is ended.
    case protocolViolation(String)
    /// An acceptor refused the peer's Logon; `text` went out in the Logout.
    case logonRefused(text: String)
    /// Not logged on: the message was not sent.
    case notActive(SessionState)
    /// The outbound message did not encode.
    case encodeFailed(FixEncodeError)
    /// The session store failed; the session cannot keep its sequence numbers.
    case storeFailed(String)
    /// The transport closed or failed.
    case transport(TransportError?)

    /// Errors after which the session is over (the transport is closed).
    public var isFatal: Bool {
        switch self {
        case .logonRejected, .logonTimeout, .sequenceTooLow, .sequenceGap, .heartbeatTimeout, .peerLoggedOut,
             .protocolViolation, .logonRefused, .storeFailed, .transport:
            return true
        case .resendRequested, .rejectReceived, .invalidInbound, .garbledInbound, .notActive, .encodeFailed:
            return false
        }
    }

    public var description: String {
        switch self {
        case .logonRejected(let t): return "logon rejected by the gateway: \(t.isEmpty ? "(no text)" : t)"
        case .logonTimeout(let s): return "no logon answer within \(s) s"
        case .sequenceTooLow(let e, let r):
            return "inbound MsgSeqNum \(r) is lower than the expected \(e) without PossDupFlag: session ended (reset sequence numbers or restore the store)"
        case .sequenceGap(let e, let r):
            return "inbound MsgSeqNum \(r) skips ahead of the expected \(e) on a session without retransmission: reconnect with ResetSeqNumFlag=Y and reconcile through drop copy"
        case .resendRequested(let f, let t): return "sequence gap: asked the peer to resend \(f)...\(t == 0 ? "latest" : String(t))"
        case .heartbeatTimeout(let s): return "the peer did not answer a TestRequest within \(s) s"
        case .peerLoggedOut(let t): return "the peer logged out: \(t.isEmpty ? "(no text)" : t)"
        case .rejectReceived(let seq, let reason, let tag, let text):
            return "the peer rejected our message \(seq)\(reason.map { " (\($0))" } ?? "")\(tag.map { " on tag \($0)" } ?? ""): \(text)"
        case .invalidInbound(let seq, let e): return "inbound message \(seq) rejected: \(e)"
        case .garbledInbound(let n, let e): return "skipped \(n) garbled inbound bytes: \(e)"
        case .protocolViolation(let m): return "protocol violation: \(m)"
        case .logonRefused(let t): return "refused the peer's logon: \(t)"
        case .notActive(let s): return "not logged on (\(s)): message not sent"
        case .encodeFailed(let e): return "message not sent: \(e)"
        case .storeFailed(let m): return "session store failed: \(m)"
        case .transport(let e): return e.map { "transport: \($0)" } ?? "transport closed"
        }
    }
}

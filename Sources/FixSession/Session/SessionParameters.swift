/// What the session state machine needs to know about one session; derived from a
/// ``SessionConfiguration`` by the client, or set directly by the simulator and tests.
public struct SessionParameters: Sendable {
    public var role: SessionRole
    /// Our CompID (49 on what we send): the API key id for a client, `Kalshi…` for the simulator.
    public var senderCompID: String
    /// The peer's CompID (56 on what we send): the session name (`KalshiNR`, …) for a client.
    public var targetCompID: String
    /// Inbound 49 values accepted besides `targetCompID`.
    /// Decision (Q10): Kalshi's docs say inbound 49 is `Kalshi`, its market-data examples show the
    /// session name; we accept both rather than hard-fail on a value the docs disagree about.
    public var acceptedInboundSenderCompIDs: [String]
    /// Heartbeat interval (HeartBtInt, 108), seconds.
    public var heartbeatInterval: Int
    /// Log on with ResetSeqNumFlag=Y (141): both sides start again at 1.
    public var resetSeqNumOnLogon: Bool
    /// Whether the session supports ResendRequest/SequenceReset (Kalshi: RT, PT; margin RT).
    /// Without it a forward gap is fatal.
    public var supportsRetransmission: Bool
    /// How long to wait for the Logon answer, seconds.
    public var logonTimeout: Double
    /// How long to wait for the peer's Logout after ours, seconds.
    public var logoutTimeout: Double
    /// Largest accepted distance between an inbound SendingTime (52) and our clock, seconds;
    /// nil accepts any. Kalshi enforces 30 s (Decision Q6: the newest docs' value), answering
    /// with Reject 373=10, or a Logout for a Logon; the simulator sets it.
    public var sendingTimeTolerance: Double?

    public init(role: SessionRole = .initiator, senderCompID: String, targetCompID: String,
                acceptedInboundSenderCompIDs: [String] = ["Kalshi"], heartbeatInterval: Int = 30,
                resetSeqNumOnLogon: Bool = true, supportsRetransmission: Bool = false,
                logonTimeout: Double = 10, logoutTimeout: Double = 2, sendingTimeTolerance: Double? = nil) {
        self.role = role
        self.senderCompID = senderCompID
        self.targetCompID = targetCompID
        self.acceptedInboundSenderCompIDs = acceptedInboundSenderCompIDs
        self.heartbeatInterval = heartbeatInterval
        self.resetSeqNumOnLogon = resetSeqNumOnLogon
        self.supportsRetransmission = supportsRetransmission
        self.logonTimeout = logonTimeout
        self.logoutTimeout = logoutTimeout
        self.sendingTimeTolerance = sendingTimeTolerance
    }
}

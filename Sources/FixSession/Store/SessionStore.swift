import FixCodec

/// What a FIX session must remember across reconnects and restarts: its next sender and target
/// sequence numbers, and the outbound messages it may be asked to resend.
///
/// ### How the session uses it
/// - **Sending** (application and admin messages alike): reserve `nextSenderSeqNum`, encode
///   the message, call ``append(outbound:seqNum:at:)`` with the exact wire bytes
///   (`8=FIXT.1.1…10=nnn␁`), *then* write them to the socket. Storing first means anything
///   the peer may have seen can be resent. If `append` throws, do not reuse the number: read
///   ``nextSenderSeqNum`` again (a gap is recoverable by GapFill, a reused number is not).
/// - **Receiving** a message with the expected MsgSeqNum: ``setNextTargetSeqNum(_:)`` with
///   MsgSeqNum + 1; on an inbound SequenceReset, with its NewSeqNo.
/// - **Peer's ResendRequest** (BeginSeqNo, EndSeqNo; 0 = infinity):
///   ``forEachOutbound(from:through:_:)`` with `through: nil` for 0. Messages that are not
///   stored (expired by retention, never stored, discarded) are simply absent: the session
///   gap-fills every number it is not handed.
/// - **Outbound SequenceReset-Reset** (jumping our numbers forward): ``setNextSenderSeqNum(_:)``.
/// - **Logon with ResetSeqNumFlag (141=Y)**, sent or received: ``reset()`` before the Logon
///   goes out (or is processed).
///
/// ### Threads and ownership
/// A store is confined to one thread at a time (the session's I/O thread); it is not
/// thread-safe and not `Sendable`. Byte buffers passed in are only read during the call; byte
/// buffers handed out are valid only inside the closure that receives them.
///
/// ### Allocation
/// ``append(outbound:seqNum:at:)`` and ``setNextTargetSeqNum(_:)`` do not allocate in steady
/// state (implementations reserve their buffers and index up front).
public protocol SessionStore: AnyObject {
    /// The MsgSeqNum the next outbound message must carry (starts at 1).
    var nextSenderSeqNum: Int { get }
    /// The MsgSeqNum expected on the next inbound message (starts at 1).
    var nextTargetSeqNum: Int { get }
    /// How many outbound messages are stored (and could be resent).
    var storedMessageCount: Int { get }

    /// Stores an outbound message and moves ``nextSenderSeqNum`` to `seqNum + 1`.
    ///
    /// - Parameters:
    ///   - bytes: the complete wire bytes; copied before the call returns.
    ///   - seqNum: the message's MsgSeqNum (34); at least ``nextSenderSeqNum`` (higher leaves
    ///     a gap, which a resend gap-fills).
    ///   - time: when it is sent (normally its SendingTime); retention counts from it.
    /// - Throws: ``SessionStoreError/sequenceNumberTooLow(seqNum:nextSenderSeqNum:)``,
    ///   ``SessionStoreError/messageTooLarge(bytes:limit:)``, ``SessionStoreError/closed(path:)``
    ///   (nothing stored); storage errors of the implementation.
    /// - Complexity: O(message length); no allocation in steady state.
    func append(outbound bytes: UnsafeRawBufferPointer, seqNum: Int, at time: FixTimestamp) throws(SessionStoreError)

    /// Sets the MsgSeqNum expected on the next inbound message. Setting the current value is
    /// a no-op (nothing is written).
    /// - Throws: ``SessionStoreError/invalidSequenceNumber(_:)`` below 1; storage errors.
    func setNextTargetSeqNum(_ seqNum: Int) throws(SessionStoreError)

    /// Sets the MsgSeqNum of the next outbound message (after sending SequenceReset-Reset, or
    /// an operator's correction). Moving it back discards stored messages numbered `seqNum`
    /// or higher: their numbers will be reused by new messages.
    /// - Throws: ``SessionStoreError/invalidSequenceNumber(_:)`` below 1; storage errors.
    func setNextSenderSeqNum(_ seqNum: Int) throws(SessionStoreError)

    /// Calls `body` with each stored outbound message numbered `first...last`, in
    /// sequence-number order. Numbers with no stored message are skipped.
    ///
    /// - Parameters:
    ///   - first: BeginSeqNo (values below 1 count as 1).
    ///   - last: EndSeqNo, or nil for "through the latest" (EndSeqNo = 0).
    ///   - body: receives the MsgSeqNum and the stored wire bytes. The bytes are valid only
    ///     during the call (they live in a buffer the store reuses); `body` must not call
    ///     mutating methods of the store.
    /// - Throws: ``SessionStoreError`` when a message cannot be read back; otherwise whatever
    ///   `body` throws, unchanged (iteration stops there).
    /// - Complexity: O(log n + k · message length) for k messages handed out.
    func forEachOutbound(from first: Int, through last: Int?, _ body: (_ seqNum: Int, _ bytes: UnsafeRawBufferPointer) throws -> Void) throws

    /// Logon with ResetSeqNumFlag (141=Y): both sequence numbers back to 1, every stored
    /// message discarded.
    func reset() throws(SessionStoreError)

    /// Discards stored messages older than the store's retention period as of `now`, and
    /// reclaims their space. Not for the hot path: the file store rewrites its journal.
    /// - Returns: how many messages were discarded.
    @discardableResult
    func compact(now: FixTimestamp) throws(SessionStoreError) -> Int

    /// Forces everything stored so far onto stable storage, whatever the store's fsync policy.
    func flush() throws(SessionStoreError)

    /// Flushes and releases the store's resources; later calls (other than reading sequence
    /// numbers) throw ``SessionStoreError/closed(path:)``. Closing twice does nothing.
    func close() throws(SessionStoreError)
}

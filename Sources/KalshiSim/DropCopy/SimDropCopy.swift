import FixCodec
import FixSession

/// An ExecID (`clock;event`, FACTS §9.5) as a pair of integers, ordered as ExecIDs are: by
/// clock, then event (so `5;10` follows `5;9`, which text order would not say).
struct SimExecKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    var clock: Int64
    var event: Int64

    /// `clock;event`, or `clock;event;0` (exchange index 0 is the only one the simulator has);
    /// nil for anything else, including the pending `-1;-1`.
    init?(_ text: String) {
        let parts = text.split(separator: ";", omittingEmptySubsequences: false)
        guard parts.count == 2 || (parts.count == 3 && parts[2] == "0"),
              let clock = Int64(parts[0]), let event = Int64(parts[1]), clock >= 0, event >= 0 else { return nil }
        self.clock = clock
        self.event = event
    }

    init(clock: Int64, event: Int64) {
        self.clock = clock
        self.event = event
    }

    static func < (a: SimExecKey, b: SimExecKey) -> Bool { (a.clock, a.event) < (b.clock, b.event) }

    var description: String { "\(clock);\(event)" }
}

/// Drop copy on KalshiDC (FACTS §11): the history of every ExecutionReport with a real ExecID
/// (not the `-1;-1` of pending reports and rejects) per account for 3 hours, replayed on
/// EventResendRequest (U1) and closed by EventResendComplete (U2) or refused with
/// EventResendReject (U3).
///
/// Decisions (FACTS leaves them open):
/// - What is kept is each report as the simulator renders it for a session with default logon
///   flags (for the product: cents on prediction, dollars on margin), recorded once per ExecID
///   whoever received it. A DC session's UseDollars (21005) turns its replayed prices (44, 6,
///   31) into dollars; the order-entry flags (21007, 21008, 21011, 21012, 21026, 21027) do not
///   apply to a DC session, so it always sees the default rendering: New folded into the first
///   Trade, Canceled rather than Expired, no IOC cancel report.
/// - Rate limit (21004=1): at most ``requestsPerSecond`` U1 per API key in any rolling second.
/// - The window starts at the oldest ExecID still kept (any account's: ExecIDs are
///   exchange-wide), or after the latest issued when none is kept: a BeginExecID below it gets
///   21004=3. An EndExecID above the latest ExecID issued gets 21004=4. A range with nothing of
///   the account's in it (including BeginExecID after EndExecID) is answered with U2 21003=0.
/// - A BeginExecID/EndExecID that is not `int;int` is malformed: session Reject (35=3,
///   373=6) with RefTagID, as for any malformed field.
/// - 21004=2 (server error) is sent when the session's account cannot be resolved, which a
///   logged-on session never hits; it exists so the reason has a producer.
/// - Replayed reports are the recorded messages unchanged (no PossDupFlag: they are new
///   messages of the DC session, FACTS §11), for the requesting key's account only.
///
/// - Important: I/O thread only (the simulator's reactor).
final class SimDropCopy {
    /// How long reports stay replayable (FACTS §11: 3 hours), nanoseconds.
    static let retention: Int64 = 3 * 3_600 * 1_000_000_000
    /// U1 requests accepted per API key in any rolling second.
    static let requestsPerSecond = 5

    struct Record {
        var key: SimExecKey
        var time: Int64
        var owner: SimOwnerID
        var report: ExecutionReport
    }

    /// Records in ExecID order (they are issued in order); `head` is the first still kept.
    private var records: [Record] = []
    private var head = 0
    /// Times of the recent U1 of each API key, oldest first.
    private var recentRequests: [String: [Int64]] = [:]

    var keptCount: Int { records.count - head }

    /// Keeps `reports` (those with a real ExecID) of `owner`'s order, dated by their TransactTime.
    func record(_ reports: [ExecutionReport], owner: SimOwnerID, now: Int64) {
        prune(now: now)  // so a long run keeps 3 hours, not everything
        for report in reports {
            guard let key = SimExecKey(report.execID) else { continue }  // pending and rejects: `-1;-1`
            let time = report.transactTime?.nanosecondsSinceEpoch ?? now
            records.append(Record(key: key, time: time, owner: owner, report: report))
        }
    }

    /// Drops what is older than the retention window as of `now`.
    func prune(now: Int64) {
        let cutoff = now - Self.retention
        while head < records.count, records[head].time < cutoff { head += 1 }
        // Compact once the dead prefix dominates, so pruning stays amortised O(1).
        if head > 1024 && head * 2 > records.count {
            records.removeFirst(head)
            head = 0
        }
    }

    enum Outcome: Equatable {
        case replay([ExecutionReport])
        case reject(EventResendRejectReason)
    }

    /// The answer to a U1 of API key `keyID` for `owner`'s reports in `begin...end` (`end` nil:
    /// through the latest), as of `now`, with `latestIssued` the newest ExecID the exchange
    /// issued so far (nil before any).
    func resend(keyID: String, owner: SimOwnerID?, begin: SimExecKey, end: SimExecKey?, latestIssued: SimExecKey?,
                now: Int64) -> Outcome {
        var recent = recentRequests[keyID, default: []]
        recent.removeAll { $0 <= now - 1_000_000_000 }
        guard recent.count < Self.requestsPerSecond else {
            recentRequests[keyID] = recent
            return .reject(.rateLimited)
        }
        recent.append(now)
        recentRequests[keyID] = recent
        guard let owner else { return .reject(.serverError) }
        prune(now: now)
        let latest = latestIssued ?? SimExecKey(clock: 0, event: 0)
        let windowStart = head < records.count ? records[head].key : SimExecKey(clock: latest.clock, event: latest.event + 1)
        if begin < windowStart { return .reject(.beginExecidTooSmall) }
        if let end, end > latest { return .reject(.endExecidTooLarge) }
        let last = end ?? latest
        guard begin <= last else { return .replay([]) }
        // Binary search for the first record at or after `begin`.
        var low = head, high = records.count
        while low < high {
            let mid = (low + high) / 2
            if records[mid].key < begin { low = mid + 1 } else { high = mid }
        }
        var out: [ExecutionReport] = []
        while low < records.count, records[low].key <= last {
            if records[low].owner == owner { out.append(records[low].report) }
            low += 1
        }
        return .replay(out)
    }
}

extension SimOrderEntry {
    /// The newest ExecID issued so far, nil before the first.
    var latestExecKey: SimExecKey? {
        execEvent > 0 ? SimExecKey(clock: execClock, event: execEvent) : nil
    }
}

extension SimExchange {
    /// EventResendRequest (U1) on KalshiDC: the account's reports in the range, then U2; or U3.
    func eventResendRequest(_ message: FixMessage, on session: SimSession) {
        let fields = message.body
        let seq = ((try? fields.int(34)) ?? nil) ?? 0
        func malformed(_ tag: Int, _ reason: SessionRejectReason, _ text: String) {
            session.send(Reject(refSeqNum: seq, refTagID: tag, refMsgType: "U1", sessionRejectReason: reason, text: text))
        }
        guard let beginText = fields.value(21001)?.string else {
            return malformed(21001, .requiredTagMissing, "BeginExecID(21001) is required")
        }
        guard let begin = SimExecKey(beginText) else {
            return malformed(21001, .incorrectDataFormat, "BeginExecID(21001) must be clock;event, got \(beginText)")
        }
        var end: SimExecKey?
        if let endText = fields.value(21002)?.string {
            guard let key = SimExecKey(endText) else {
                return malformed(21002, .incorrectDataFormat, "EndExecID(21002) must be clock;event, got \(endText)")
            }
            end = key
        }
        let outcome = dropCopy.resend(keyID: session.keyID ?? "", owner: owner(of: session), begin: begin, end: end,
                                      latestIssued: orderEntry.latestExecKey, now: now)
        switch outcome {
        case .reject(let reason):
            server.log("\(session.description): EventResendRequest \(beginText)…\(end?.description ?? "latest") refused: \(reason)")
            session.send(EventResendReject(refSeqNum: seq, eventResendRejectReason: reason))
        case .replay(let reports):
            let dollars = session.options.useDollars && !dropCopyOptions.useDollars
            for report in reports { session.send(dollars ? Self.inDollars(report) : report) }
            session.send(EventResendComplete(refSeqNum: seq, resendEventCount: reports.count))
        }
    }

    /// How reports are rendered for the drop-copy history: the product's default logon flags.
    var dropCopyOptions: SimLogonOptions {
        var options = SimLogonOptions()
        options.useDollars = product.alwaysUsesDollarPrices
        return options
    }

    /// A cents-rendered report with its prices (44, 6, 31) in dollars.
    static func inDollars(_ report: ExecutionReport) -> ExecutionReport {
        let cents = SimWireValues(dollars: false), dollars = SimWireValues(dollars: true)
        func convert(_ value: FixDecimal) -> FixDecimal { cents.price(value).map(dollars.wire) ?? value }
        var r = report
        r.price = r.price.map(convert)
        r.lastPx = r.lastPx.map(convert)
        // AvgPx is 0 before the first fill: keep it 0 rather than 0.0000.
        if r.avgPx != .zero { r.avgPx = convert(r.avgPx) }
        return r
    }
}

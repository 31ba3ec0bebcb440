import FixCodec

/// What a drop-copy reconciliation found: the exchange's ExecutionReports for an ExecID range
/// compared with what the local ``OrderTracker`` applied. The product a reconciliation
/// process runs every few minutes.
public struct ReconciliationReport: Sendable, CustomStringConvertible {
    /// A difference between the exchange's and our view of one order.
    public struct Mismatch: Sendable, Hashable {
        public var orderID: String
        public var localState: OrderState
        public var remoteState: OrderState
        public var localCumQty: Contracts
        public var remoteCumQty: Contracts
    }

    /// ExecIDs the exchange reported that the tracker never applied (lost or not yet received).
    public var missingLocally: [String]
    /// ExecIDs the tracker applied, inside the requested range, that the exchange did not resend.
    public var unknownRemotely: [String]
    /// Orders whose state or filled quantity differ after the remote reports are considered.
    public var mismatches: [Mismatch]
    /// ExecIDs the exchange sent more than once in this answer.
    public var duplicates: [String]
    /// Reports the exchange resent.
    public var remoteCount: Int
    /// Whether the missing reports were applied to the tracker (healing it).
    public var applied: Bool

    /// Nothing missing, unknown, mismatched or duplicated.
    public var isClean: Bool { missingLocally.isEmpty && unknownRemotely.isEmpty && mismatches.isEmpty && duplicates.isEmpty }

    public var description: String {
        var lines = ["reconciliation: \(remoteCount) reports from the exchange — " + (isClean ? "clean" : "DIFFERENCES")]
        if !missingLocally.isEmpty {
            lines.append("  missing locally (\(missingLocally.count))\(applied ? ", now applied" : ""): \(missingLocally.joined(separator: ", "))")
        }
        if !unknownRemotely.isEmpty { lines.append("  unknown remotely (\(unknownRemotely.count)): \(unknownRemotely.joined(separator: ", "))") }
        for m in mismatches {
            lines.append("  order \(m.orderID): local \(m.localState) cum \(m.localCumQty), exchange \(m.remoteState) cum \(m.remoteCumQty)")
        }
        if !duplicates.isEmpty { lines.append("  duplicated by the exchange: \(duplicates.joined(separator: ", "))") }
        return lines.joined(separator: "\n")
    }
}

extension OrderTracker {
    /// Compares the exchange's resent reports for `[begin, end]` with this tracker.
    ///
    /// - Parameters:
    ///   - reports: what a ``DropCopySession`` collected (ExecutionReports only are used).
    ///   - begin: the requested BeginExecID; `end`: the EndExecID (nil: through the latest).
    ///   - dollars: the drop-copy session's price unit.
    ///   - apply: also apply the missing reports here (idempotent: already-applied ExecIDs are
    ///     skipped), so the tracker ends in the exchange's state.
    public func reconcile(with reports: [FixOwnedMessage], begin: String, end: String?, dollars: Bool,
                          apply: Bool) -> ReconciliationReport {
        let remote = OrderTracker()
        var remoteIDs: [String] = []
        var seenRemote: Set<String> = []
        var duplicates: [String] = []
        var missing: [String] = []
        for report in reports where report.msgType == "8" {
            guard let execID = report.string(17), execID != "-1;-1" else { continue }
            if !seenRemote.insert(execID).inserted { duplicates.append(execID); continue }
            remoteIDs.append(execID)
            report.withMessage { _ = remote.apply($0, dollars: dollars) }
            if !hasApplied(execID: ExecID(execID)) {
                missing.append(execID)
                if apply { report.withMessage { _ = self.apply($0, dollars: dollars) } }
            }
        }
        let low = ExecID(begin)
        let high = end.map { ExecID($0) }
        let unknown = appliedExecIDs.filter { id in
            id >= low && (high.map { id <= $0 } ?? true) && !seenRemote.contains(id.description)
        }.map(\.description)
        var mismatches: [ReconciliationReport.Mismatch] = []
        for remoteOrder in remote.allOrders {
            guard let orderID = remoteOrder.orderID, let local = order(orderID: orderID) else { continue }
            if local.state != remoteOrder.state || local.cumQty != remoteOrder.cumQty {
                mismatches.append(.init(orderID: orderID, localState: local.state, remoteState: remoteOrder.state,
                                        localCumQty: local.cumQty, remoteCumQty: remoteOrder.cumQty))
            }
        }
        return ReconciliationReport(missingLocally: missing, unknownRemotely: unknown, mismatches: mismatches, duplicates: duplicates,
                                    remoteCount: remoteIDs.count, applied: apply)
    }
}

/// The order groups of every account (FACTS §12): ids, contract limits, Active/Triggered state
/// and the rolling 15-second window of filled contracts. Pure bookkeeping: no I/O, and time is
/// whatever the caller passes (the exchange clock), so tests move through the window without
/// sleeping. ``SimOrderEntry`` turns UOG requests into calls here and cancels the orders of a
/// group that triggers.
///
/// - Important: I/O thread only (the simulator's reactor), like the rest of the exchange.
struct SimOrderGroups {
    /// Length of the rolling window of filled contracts, nanoseconds.
    static let window: Int64 = 15_000_000_000
    /// Accepted contract limits (OrderGroupContractsLimit, 20132).
    static let limits: ClosedRange<Int64> = 1...1_000_000

    struct Group {
        /// The id the client sees (20130), UUID-shaped.
        let id: String
        /// The engine's number for it (orders carry this).
        let number: SimGroupID
        let owner: SimOwnerID
        /// The subaccount that created it (79; 0 = primary): only the same 79 may manage it.
        let allocAccount: Int
        /// Contracts.
        var limit: Int64
        var triggered = false
        /// Fills inside the window, oldest first: (time, hundredths of a contract).
        var fills: [(time: Int64, hundredths: Int64)] = []

        /// Filled contracts (hundredths) in the window ending at `now`, after dropping older fills.
        mutating func rollingVolume(now: Int64) -> Int64 {
            // A fill exactly 15 s old has left the window.
            let cutoff = now - SimOrderGroups.window
            if let keep = fills.firstIndex(where: { $0.time > cutoff }) {
                if keep > 0 { fills.removeFirst(keep) }
            } else {
                fills.removeAll(keepingCapacity: true)
            }
            return fills.reduce(0) { $0 + $1.hundredths }
        }

        /// Whether the rolling volume exceeds the limit (strictly: a limit of 10 allows 10).
        mutating func exceedsLimit(now: Int64) -> Bool {
            rollingVolume(now: now) > limit * 100
        }
    }

    /// Why a group named by a request cannot be used.
    enum LookupError: Error, Equatable {
        /// No such group for this account (or it was deleted).
        case notFound
        /// The group exists but was created under another AllocAccount (79).
        case otherAllocAccount(Int)
    }

    private var groups: [String: Group] = [:]
    private var idByNumber: [SimGroupID: String] = [:]
    private var created: UInt64 = 0
    /// Makes ids unique across simulator runs (the start second, as in ExecIDs).
    private let idPrefix: UInt64

    init(startSecond: Int64) {
        idPrefix = UInt64(truncatingIfNeeded: startSecond) & 0xFFFF_FFFF
    }

    /// Creates an Active group with an id of the form `ssssssss-0000-4000-8000-nnnnnnnnnnnn` (start
    /// second, counter): UUID-shaped and unique per simulator run.
    mutating func create(owner: SimOwnerID, allocAccount: Int, limit: Int64) -> Group {
        created += 1
        let id = Self.hex(idPrefix, 8) + "-0000-4000-8000-" + Self.hex(created, 12)
        let group = Group(id: id, number: SimGroupID(created), owner: owner, allocAccount: allocAccount, limit: limit)
        groups[id] = group
        idByNumber[group.number] = id
        return group
    }

    /// The group `id` as `owner` under subaccount `allocAccount` sees it.
    func lookup(_ id: String, owner: SimOwnerID, allocAccount: Int) -> Result<Group, LookupError> {
        // Another account's group does not exist for this one (groups are per account).
        guard let group = groups[id], group.owner == owner else { return .failure(.notFound) }
        guard group.allocAccount == allocAccount else { return .failure(.otherAllocAccount(group.allocAccount)) }
        return .success(group)
    }

    /// Reset: Active again, window cleared.
    mutating func reset(_ id: String) {
        groups[id]?.triggered = false
        groups[id]?.fills.removeAll()
    }

    mutating func delete(_ id: String) {
        guard let group = groups.removeValue(forKey: id) else { return }
        idByNumber[group.number] = nil
    }

    mutating func trigger(_ id: String) {
        groups[id]?.triggered = true
    }

    /// Sets a new limit; true when the group is Active and its rolling volume already exceeds
    /// it, in which case it is now Triggered (the caller cancels its orders).
    mutating func update(_ id: String, limit: Int64, now: Int64) -> Bool {
        guard var group = groups[id] else { return false }
        group.limit = limit
        let triggers = !group.triggered && group.exceedsLimit(now: now)
        if triggers { group.triggered = true }
        groups[id] = group
        return triggers
    }

    /// Counts a fill of an order in group `number`; true when this fill made an Active group
    /// exceed its limit (it is now Triggered; the caller cancels its orders). Fills of orders
    /// whose group was deleted are ignored.
    mutating func recordFill(_ number: SimGroupID, quantity: SimQuantity, now: Int64) -> Bool {
        guard let id = idByNumber[number], var group = groups[id] else { return false }
        group.fills.append((now, quantity.hundredths))
        let triggers = !group.triggered && group.exceedsLimit(now: now)
        if triggers { group.triggered = true }
        groups[id] = group
        return triggers
    }

    /// Lowercase hex of the low `digits` nibbles of `value`, zero-padded.
    static func hex(_ value: UInt64, _ digits: Int) -> String {
        let mask: UInt64 = digits >= 16 ? .max : (1 << UInt64(digits * 4)) - 1
        let text = String(value & mask, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    /// Whether `text` has the 8-4-4-4-12 hex shape of a UUID (any version, either case).
    static func isUUID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (i, b) in bytes.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                if b != UInt8(ascii: "-") { return false }
            } else if !((b >= 48 && b <= 57) || (b >= 65 && b <= 70) || (b >= 97 && b <= 102)) {
                return false
            }
        }
        return true
    }
}

extension FileSessionStore {
    /// When the journal is forced onto stable storage (`fdatasync`).
    ///
    /// What every policy already guarantees: a record is in the kernel's page cache once the
    /// call that wrote it returns, so it survives a crash or `kill -9` of *this process*. The
    /// policy only decides what survives an operating-system crash or a power loss; anything
    /// lost there is lost from the end of the journal (recovery keeps the complete records
    /// before it), so a restart may come back with slightly older sequence numbers.
    public enum FsyncPolicy: Sendable, Hashable, CustomStringConvertible {
        /// Never sync explicitly (except on ``FileSessionStore/flush()``, ``FileSessionStore/close()``
        /// and compaction): the kernel writes dirty pages back on its own schedule, typically
        /// within 5–30 s (`vm.dirty_expire_centisecs`). A power loss can lose that much. Costs
        /// nothing on the I/O thread.
        case never
        /// `fdatasync` after every record, on the calling thread, before the call returns:
        /// nothing acknowledged is ever lost. Costs one `fdatasync` per message and per inbound
        /// sequence-number update (≈ 0.1 ms on NVMe, several ms on other disks): use it only
        /// where latency does not matter.
        case everyWrite
        /// A background thread `fdatasync`s at this interval when something was written: a
        /// power loss loses at most about the last interval of records. The I/O thread only
        /// sets a flag per write. A background sync failure is thrown by the next store call
        /// as ``SessionStoreError/syncFailed(path:errno:)``.
        case interval(Duration)

        public var description: String {
            switch self {
            case .never: return "never"
            case .everyWrite: return "every write"
            case .interval(let d): return "every \(d)"
            }
        }
    }
}

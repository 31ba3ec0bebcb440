extension FileSessionStore {
    /// How a ``FileSessionStore`` behaves. The defaults suit a KalshiRT session.
    public struct Configuration: Sendable, Hashable {
        /// When records are forced to stable storage; see ``FsyncPolicy`` for what each gives.
        /// Default: every 100 ms, off the I/O thread.
        public var fsyncPolicy: FsyncPolicy
        /// How long stored messages stay resendable, counted from the time given to `append`
        /// (nil: until a reset). Older messages are discarded by compaction (on open and by
        /// ``FileSessionStore/compact(now:)``); a peer's ResendRequest for them is answered by
        /// GapFill. Default 24 h, Kalshi's own default lookback (MessageRetentionPeriod 20200,
        /// 24 h, at most 72 h; FACTS §3, §4.2): Kalshi will not ask for anything older.
        public var retention: Duration?
        /// The largest message `append` accepts, in bytes. Sizes the two reusable record
        /// buffers (allocated once, at open). Kalshi session messages are a few KB; default
        /// 64 KiB.
        public var maxMessageSize: Int
        /// Index entries reserved at open (32 bytes each), so appends do not allocate until
        /// this many messages are stored. Default 65 536 (2 MiB).
        public var expectedMessages: Int
        /// Reclaimable bytes (records superseded or discarded: every inbound sequence-number
        /// update is one, as are messages voided by a reset) beyond which
        /// ``FileSessionStore/needsCompaction`` turns true, and open compacts. Default 64 MiB.
        public var compactionThreshold: Int
        /// Whether open compacts when messages have expired or reclaimable bytes exceed the
        /// threshold. Default true.
        public var compactsOnOpen: Bool

        public init(fsyncPolicy: FsyncPolicy = .interval(.milliseconds(100)),
                    retention: Duration? = .seconds(24 * 3600),
                    maxMessageSize: Int = 64 * 1024,
                    expectedMessages: Int = 65_536,
                    compactionThreshold: Int = 64 << 20,
                    compactsOnOpen: Bool = true) {
            self.fsyncPolicy = fsyncPolicy
            self.retention = retention
            self.maxMessageSize = maxMessageSize
            self.expectedMessages = expectedMessages
            self.compactionThreshold = compactionThreshold
            self.compactsOnOpen = compactsOnOpen
        }
    }
}

import FixCodec
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A human-readable log of every FIX frame a session sends and receives, written off the I/O
/// thread, with RawData (the logon signature) redacted:
///
///     2026-12-04T02:55:01.123456789Z KalshiRT OUT 8=FIXT.1.1|9=…|35=D|…|10=123|
///     2026-12-04T02:55:01.125000000Z KalshiRT IN 8=FIXT.1.1|9=…|35=8|…|10=045|
///
/// ### How it stays off the hot path
/// ``record(_:_:source:at:)`` copies the frame into a preallocated single-producer/
/// single-consumer byte ring and returns: no allocation, no lock, no syscall. A background
/// writer thread drains the ring, formats lines and hands them to a ``FixMessageLogSink``
/// (a file, or memory in tests). When the ring is full the record is dropped and counted,
/// never waited for; the next line written says how many were dropped (`… DROPPED 3 records`).
///
/// The writer polls the ring every `pollInterval` when it finds it empty, rather than being
/// woken: a wake-up (futex/eventfd) would be a syscall on the I/O thread for nearly every
/// record at trading rates, where the writer is almost always idle between messages; polling
/// costs the producer nothing and the writer a few microseconds per interval.
///
/// ### Threading
/// - ``record(_:_:source:at:)``: one producer thread for the log's lifetime (a reactor's I/O
///   thread; several sessions on that reactor may share one log).
/// - ``source(named:)``, ``droppedRecords``, ``close()``: any thread.
/// - ``close()`` (and `deinit`) write every record accepted so far, flush and close the sink
///   and join the writer thread. Stop producing first (e.g. `reactor.stopAndJoin()`): a
///   record that races with ``close()`` may be lost; records after it are refused.
public final class FixMessageLog: @unchecked Sendable {
    /// Which way a frame went, and what the decoder made of an inbound one.
    public enum Direction: UInt8, Sendable, CaseIterable {
        /// Received, framed and accepted by the decoder.
        case inbound
        /// Written to the connection.
        case outbound
        /// Received and framed, but invalid (the session answers with Reject).
        case inboundInvalid
        /// Received bytes the framer skipped (not a message).
        case inboundGarbled

        /// `IN`, `OUT`, `IN-INVALID`, `IN-GARBLED`.
        public var label: String {
            switch self {
            case .inbound: "IN"
            case .outbound: "OUT"
            case .inboundInvalid: "IN-INVALID"
            case .inboundGarbled: "IN-GARBLED"
            }
        }
    }

    /// A name shown on each line (e.g. a session's TargetCompID), registered once with
    /// ``source(named:)`` so that recording passes a small number, not a string.
    public struct Source: Sendable, Hashable {
        let id: UInt16
    }

    /// Line style.
    public enum Style: Sendable {
        /// `35=D`.
        case plain
        /// `35(MsgType)=D`, names from the dictionary.
        case verbose
    }

    private let ring: LogRing
    private let writer: LogWriter
    private let thread = Mutex<pthread_t?>(nil)
    private let closed = Atomic<Bool>(false)

    /// Starts the writer thread.
    /// - Parameters:
    ///   - sink: where lines go; the log owns it from now on and closes it in ``close()``.
    ///   - capacity: ring size in bytes (rounded up to a power of two); records in flight
    ///     beyond it are dropped. 4 MiB holds ~15,000 typical frames.
    ///   - pollInterval: how long the writer sleeps when it finds the ring empty.
    public init(sink: any FixMessageLogSink, capacity: Int = 4 << 20, style: Style = .plain,
                pollInterval: Duration = .milliseconds(1)) {
        ring = LogRing(capacity: capacity)
        let (seconds, attoseconds) = pollInterval.components
        let pollNanoseconds = max(1_000, Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
        writer = LogWriter(ring: ring, sink: sink, formatter: FixMessageLogFormatter(verbose: style == .verbose),
                           pollNanoseconds: pollNanoseconds)
        let retained = Unmanaged.passRetained(writer).toOpaque()
        var t = pthread_t()
        let rc = pthread_create(&t, nil, { argument in
            let writer = Unmanaged<LogWriter>.fromOpaque(argument!).takeRetainedValue()
            writer.run()
            return nil
        }, retained)
        precondition(rc == 0, "pthread_create failed for the message log writer: \(rc)")
        thread.withLock { $0 = t }
    }

    /// A log appending to the file at `path` (created if missing).
    /// - Throws: ``FixMessageLogError/cannotOpen(path:reason:)``.
    public convenience init(path: String, capacity: Int = 4 << 20, style: Style = .plain) throws(FixMessageLogError) {
        self.init(sink: try FixMessageLogFileSink(path: path), capacity: capacity, style: style)
    }

    deinit { close() }

    /// Registers `name` for the lines of one session; any thread (allocates; do it at setup).
    /// - Precondition: fewer than 65,536 sources per log.
    public func source(named name: String) -> Source {
        writer.names.withLock { names in
            precondition(names.count < Int(UInt16.max), "too many message log sources")
            names.append(name)
            return Source(id: UInt16(names.count - 1))
        }
    }

    /// Hands one frame to the log: copies it into the ring and returns.
    ///
    /// - Parameters:
    ///   - frame: the bytes as sent or received; copied, so valid only during the call is fine.
    ///   - time: when it was sent or received (UTC; printed to the nanosecond).
    /// - Returns: false when the record was dropped (ring full, frame larger than the ring,
    ///   or the log closed); the drop is counted in ``droppedRecords`` and reported in the file.
    /// - Complexity: O(frame bytes): a `memcpy` and two atomic operations; no allocation, no
    ///   lock, no syscall. Producer thread only (see the type's threading rules).
    @discardableResult
    public func record(_ frame: UnsafeRawBufferPointer, _ direction: Direction, source: Source,
                       at time: FixTimestamp = .now()) -> Bool {
        if closed.load(ordering: .relaxed) { return drop() }
        var header = LogRecordHeader()
        header.timestamp = time.nanosecondsSinceEpoch
        header.droppedBefore = UInt64(writer.dropped.load(ordering: .relaxed))
        header.frameLength = UInt32(truncatingIfNeeded: frame.count)
        header.source = source.id
        header.direction = direction.rawValue
        guard frame.count <= Int(UInt32.max), ring.tryWrite(header, frame) else { return drop() }
        return true
    }

    @inline(never)
    private func drop() -> Bool {
        writer.dropped.add(1, ordering: .relaxed)
        return false
    }

    /// Records dropped so far because the ring was full (or the log closed); any thread.
    public var droppedRecords: Int { writer.dropped.load(ordering: .relaxed) }

    /// Writes every accepted record, flushes and closes the sink, and joins the writer thread.
    /// Idempotent; any thread but the producer's while it is still recording.
    public func close() {
        closed.store(true, ordering: .relaxed)
        guard let t = thread.withLock({ t -> pthread_t? in defer { t = nil }; return t }) else { return }
        writer.closing.store(true, ordering: .releasing)
        pthread_join(t, nil)
    }
}

/// The writer thread's side: drains the ring, formats, writes to the sink.
final class LogWriter: @unchecked Sendable {
    let ring: LogRing
    let sink: any FixMessageLogSink
    let formatter: FixMessageLogFormatter
    let pollNanoseconds: Int
    let names = Mutex<[String]>([])
    let dropped = Atomic<Int>(0)
    let closing = Atomic<Bool>(false)

    init(ring: LogRing, sink: any FixMessageLogSink, formatter: FixMessageLogFormatter, pollNanoseconds: Int) {
        self.ring = ring
        self.sink = sink
        self.formatter = formatter
        self.pollNanoseconds = pollNanoseconds
    }

    func run() {
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: ring.capacity, alignment: 8)
        defer { scratch.deallocate() }
        var out: [UInt8] = []
        out.reserveCapacity(1 << 17)
        var localNames: [String] = []
        var reportedDrops: UInt64 = 0
        var lastSource = "-"
        var dirty = false
        while true {
            // Read the flag before draining: once it is set, everything published before the
            // close is in the ring, so an empty drain after it means nothing is left.
            let closing = closing.load(ordering: .acquiring)
            var drained = 0
            while let (header, length) = ring.read(into: scratch) {
                drained += 1
                if Int(header.source) >= localNames.count { localNames = names.withLock { $0 } }
                let source = Int(header.source) < localNames.count ? localNames[Int(header.source)] : "?"
                lastSource = source
                if header.droppedBefore > reportedDrops {
                    formatter.appendDropLine(to: &out, timestamp: header.timestamp, source: source,
                                             count: header.droppedBefore - reportedDrops)
                    reportedDrops = header.droppedBefore
                }
                let direction = FixMessageLog.Direction(rawValue: header.direction) ?? .inboundGarbled
                formatter.appendLine(to: &out, timestamp: header.timestamp, source: source, direction: direction,
                                     frame: UnsafeRawBufferPointer(start: scratch, count: length))
                if out.count >= 1 << 16 { write(&out) }
            }
            if !out.isEmpty { write(&out); dirty = true }
            if drained > 0 { continue }
            if dirty { sink.flush(); dirty = false }
            if closing {
                let total = UInt64(dropped.load(ordering: .relaxed))
                if total > reportedDrops {
                    formatter.appendDropLine(to: &out, timestamp: FixTimestamp.now().nanosecondsSinceEpoch,
                                             source: lastSource, count: total - reportedDrops)
                    write(&out)
                }
                sink.flush()
                sink.close()
                return
            }
            var pause = timespec(tv_sec: pollNanoseconds / 1_000_000_000, tv_nsec: pollNanoseconds % 1_000_000_000)
            _ = nanosleep(&pause, nil)
        }
    }

    private func write(_ out: inout [UInt8]) {
        out.withUnsafeBytes { sink.write($0) }
        out.removeAll(keepingCapacity: true)
    }
}

import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Where a ``FixMessageLog`` puts its formatted lines.
///
/// - Important: every method is called on the log's writer thread only, never on the I/O
///   thread, so a sink may block (a slow disk only fills the log's ring, and then drops records).
public protocol FixMessageLogSink: AnyObject, Sendable {
    /// Whole lines, each ending in `\n`; the bytes are valid only during the call.
    func write(_ lines: UnsafeRawBufferPointer)
    /// The ring is empty for now, or the log is closing: push buffered output down.
    func flush()
    /// The log is closed; called once, after the last ``write(_:)`` and ``flush()``.
    func close()
}

/// Appends lines to a file (created with mode 0644 if missing).
///
/// Lines go to the kernel with `write(2)` once per drained batch; ``close()`` `fsync`s and closes,
/// so a closed log is on disk.
public final class FixMessageLogFileSink: FixMessageLogSink, @unchecked Sendable {
    public let path: String
    private let fd: Int32
    private let _failedWrites = Atomic<Int>(0)

    /// - Throws: ``FixMessageLogError/cannotOpen(path:reason:)``.
    public init(path: String) throws(FixMessageLogError) {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
    }

    /// Batches that could not be written completely (disk full, I/O error); any thread.
    public var failedWrites: Int { _failedWrites.load(ordering: .relaxed) }

    public func write(_ lines: UnsafeRawBufferPointer) {
        guard var next = lines.baseAddress else { return }
        var left = lines.count
        while left > 0 {
            let n = Glibc.write(fd, next, left)
            if n < 0 {
                if errno == EINTR { continue }
                _failedWrites.add(1, ordering: .relaxed)
                return
            }
            next += n
            left -= n
        }
    }

    public func flush() {}

    public func close() {
        fsync(fd)
        Glibc.close(fd)
    }
}

/// Keeps lines in memory, for tests and tools; ``lines`` may be read from any thread.
public final class FixMessageLogMemorySink: FixMessageLogSink {
    private let state = Mutex<(lines: [String], partial: [UInt8], closed: Bool)>(([], [], false))

    public init() {}

    /// The complete lines written so far, without their `\n`.
    public var lines: [String] { state.withLock { $0.lines } }
    /// Whether the log closed this sink.
    public var isClosed: Bool { state.withLock { $0.closed } }

    public func write(_ lines: UnsafeRawBufferPointer) {
        state.withLock { state in
            for byte in lines {
                if byte == UInt8(ascii: "\n") {
                    state.lines.append(String(decoding: state.partial, as: UTF8.self))
                    state.partial.removeAll(keepingCapacity: true)
                } else {
                    state.partial.append(byte)
                }
            }
        }
    }

    public func flush() {}

    public func close() { state.withLock { $0.closed = true } }
}

/// Why a message log could not be set up.
public enum FixMessageLogError: Error, Sendable, Hashable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "cannot open the message log \(path): \(reason)"
        }
    }
}

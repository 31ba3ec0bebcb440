#if canImport(Glibc)
import Glibc
#endif
import FixTransport
import Synchronization

/// A background thread that `fdatasync`s one journal descriptor at a fixed interval when
/// something was written since the last sync: the `.interval` fsync policy.
///
/// Why a thread: an `fdatasync` takes 0.1 ms to tens of ms. Done inline it would stall the
/// session's I/O thread (and every order behind it) once per interval; here the I/O thread
/// only stores a flag (a plain store on x86) per write. POSIX allows `fdatasync` on a
/// descriptor while another thread `pwrite`s to it.
///
/// Lifetime: the owner calls ``stop()`` (which joins the thread) before it closes or replaces
/// the descriptor, so the thread never syncs a closed or reused descriptor.
///
/// Failures: an `fdatasync` error is kept and handed to the owner by ``takeFailure()``, which
/// the store calls at its next operation; the dirty flag is set again so the next tick retries.
final class JournalSyncer: @unchecked Sendable {
    // @unchecked: `thread` and `running` are touched only by the owning thread (start/stop);
    // the sync thread reads `fd` and `intervalNanoseconds` (immutable), the atomics, and
    // `stopping` under `mutex`.
    let fd: Int32
    let intervalNanoseconds: Int64
    private let dirty = Atomic<Bool>(false)
    private let failure = Atomic<Int32>(0)
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var stopping = false  // guarded by mutex
    private var thread = pthread_t()
    private var running = false

    /// Starts the thread.
    /// - Returns: the running syncer, or the `pthread_create` error.
    static func start(fd: Int32, intervalNanoseconds: Int64) -> Result<JournalSyncer, Errno> {
        let syncer = JournalSyncer(fd: fd, intervalNanoseconds: intervalNanoseconds)
        let context = Unmanaged.passRetained(syncer).toOpaque()
        let rc = pthread_create(&syncer.thread, nil, { raw in
            let syncer = Unmanaged<JournalSyncer>.fromOpaque(raw!).takeRetainedValue()
            syncer.run()
            return nil
        }, context)
        guard rc == 0 else {
            Unmanaged<JournalSyncer>.fromOpaque(context).release()
            return .failure(Errno(rc))
        }
        syncer.running = true
        return .success(syncer)
    }

    private init(fd: Int32, intervalNanoseconds: Int64) {
        self.fd = fd
        self.intervalNanoseconds = max(intervalNanoseconds, 1)
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        condition = .allocate(capacity: 1)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        // Monotonic, so a wall-clock step does not stretch or skip an interval.
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Something was written that is not yet synced. Called by the I/O thread per write.
    @inline(__always)
    func markDirty() {
        dirty.store(true, ordering: .releasing)
    }

    /// The errno of a failed background `fdatasync` since the last call, if any.
    @inline(__always)
    func takeFailure() -> Errno? {
        // A relaxed load first: the common case (no failure) costs no read-modify-write.
        guard failure.load(ordering: .relaxed) != 0 else { return nil }
        let code = failure.exchange(0, ordering: .acquiringAndReleasing)
        return code == 0 ? nil : Errno(code)
    }

    /// Wakes the thread, lets it sync what is dirty one last time and joins it. Idempotent.
    func stop() {
        guard running else { return }
        pthread_mutex_lock(mutex)
        stopping = true
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
        pthread_join(thread, nil)
        running = false
    }

    private func run() {
        pthread_mutex_lock(mutex)
        while !stopping {
            var deadline = timespec()
            clock_gettime(CLOCK_MONOTONIC, &deadline)
            let total = Int64(deadline.tv_nsec) + intervalNanoseconds
            deadline.tv_sec += Int(total / 1_000_000_000)
            deadline.tv_nsec = Int(total % 1_000_000_000)
            // Wait out the interval (or a stop); spurious wake-ups just sync a little early.
            while !stopping {
                if pthread_cond_timedwait(condition, mutex, &deadline) == ETIMEDOUT { break }
            }
            if stopping { break }
            pthread_mutex_unlock(mutex)
            syncIfDirty()
            pthread_mutex_lock(mutex)
        }
        pthread_mutex_unlock(mutex)
        syncIfDirty()
    }

    private func syncIfDirty() {
        guard dirty.exchange(false, ordering: .acquiringAndReleasing) else { return }
        if let error = JournalIO.syncData(fd) {
            failure.store(error.rawValue, ordering: .releasing)
            dirty.store(true, ordering: .releasing)
        }
    }
}

/// FixTransport: one I/O thread, one io_uring ring (or epoll where io_uring is unavailable),
/// many TCP connections, timers and cross-thread wake-ups; handlers run inline on the I/O thread.
///
/// ### Threading
/// A ``Reactor`` is driven by exactly one thread (its I/O thread). Everything that touches
/// connections or timers runs there: delegate callbacks, ``Reactor/schedule(after:_:)``,
/// ``Connection/send(_:)``. Other threads talk to it only through ``Reactor/execute(_:)`` and
/// ``Reactor/stop()``, which are thread-safe and wake the loop.
///
/// ### Backends
/// Both backends deliver the same completions (connect done, n bytes received, n bytes sent),
/// so the reactor logic above them is shared: io_uring submits the operations to the kernel;
/// epoll waits for readiness and performs them itself.
enum FixTransportModule {}

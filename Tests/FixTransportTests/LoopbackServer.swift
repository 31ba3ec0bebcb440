import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A blocking TCP server on 127.0.0.1 for transport tests: accepts one connection on its own
/// thread and runs `behaviour` on the connected socket.
final class LoopbackServer: @unchecked Sendable {
    let port: Int
    private let listenFD: Int32
    private let thread: Thread

    init(backlog: Int32 = 8, accept: Bool = true, _ behaviour: @escaping @Sendable (Int32) -> Void = { _ in }) throws {
        let listenFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listenFD = listenFD
        var one: Int32 = 1
        setsockopt(listenFD, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listenFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listenFD, backlog) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listenFD, $0, &length) }
        }
        let fd = listenFD
        let thread = Thread {
            guard accept else { return }
            let client = Glibc.accept(fd, nil, nil)
            guard client >= 0 else { return }
            behaviour(client)
        }
        self.thread = thread
        self.port = Int(UInt16(bigEndian: address.sin_port))
        thread.start()
    }

    deinit {
        shutdown(listenFD, Int32(SHUT_RDWR))
        Glibc.close(listenFD)
    }

    /// Echoes everything until the peer closes.
    static let echo: @Sendable (Int32) -> Void = { fd in
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            var sent = 0
            while sent < n {
                let m = buffer.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, n - sent, Int32(MSG_NOSIGNAL)) }
                if m <= 0 { break }
                sent += m
            }
        }
        Glibc.close(fd)
    }

    /// Sends `bytes`, then closes with SO_LINGER 0 so the peer sees a reset.
    static func sendThenReset(_ bytes: [UInt8]) -> @Sendable (Int32) -> Void {
        { fd in
            _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
            usleep(50_000)
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
            Glibc.close(fd)
        }
    }

    /// Sends `bytes` one at a time, each in its own segment, then closes in order.
    static func dribble(_ bytes: [UInt8]) -> @Sendable (Int32) -> Void {
        { fd in
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            for b in bytes {
                var byte = b
                _ = Glibc.send(fd, &byte, 1, Int32(MSG_NOSIGNAL))
                usleep(200)
            }
            Glibc.close(fd)
        }
    }
}

/// Records what a connection's delegate hears; the test thread waits on it.
final class RecordingDelegate: ConnectionDelegateBox, @unchecked Sendable {
    private let lock = NSLock()
    private var _received: [UInt8] = []
    private var _opened = false
    private var _closed: (error: TransportError?, done: Bool) = (nil, false)
    private var _callbacks = 0
    let closedSignal = DispatchSemaphore(value: 0)
    let openedSignal = DispatchSemaphore(value: 0)
    /// Called on the I/O thread after each receive with everything received so far.
    var onReceive: ((Connection, [UInt8]) -> Void)?
    var onOpen: ((Connection) -> Void)?

    var received: [UInt8] { lock.withLock { _received } }
    var opened: Bool { lock.withLock { _opened } }
    var closeError: TransportError? { lock.withLock { _closed.error } }
    var receiveCallbacks: Int { lock.withLock { _callbacks } }

    override func connectionDidOpen(_ connection: Connection) {
        lock.withLock { _opened = true }
        onOpen?(connection)
        openedSignal.signal()  // after onOpen, so a waiter sees what it did
    }

    override func connection(_ connection: Connection, didReceive bytes: UnsafeRawBufferPointer) -> Int {
        let all = lock.withLock { () -> [UInt8] in
            _received += bytes
            _callbacks += 1
            return _received
        }
        onReceive?(connection, all)
        return bytes.count
    }

    override func connection(_ connection: Connection, didCloseWith error: TransportError?) {
        lock.withLock { _closed = (error, true) }
        closedSignal.signal()
    }

    /// Waits for the close; false on timeout.
    func waitClosed(seconds: Double = 10) -> Bool { closedSignal.wait(timeout: .now() + seconds) == .success }
}

/// Gives tests a concrete class to subclass (protocol witness through a base class).
class ConnectionDelegateBox: ConnectionDelegate {
    func connectionDidOpen(_ connection: Connection) {}
    func connection(_ connection: Connection, didReceive bytes: UnsafeRawBufferPointer) -> Int { bytes.count }
    func connection(_ connection: Connection, didCloseWith error: TransportError?) {}
}

import FixTransport

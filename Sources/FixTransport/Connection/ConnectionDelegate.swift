/// Receives a connection's events, inline on the reactor's I/O thread.
public protocol ConnectionDelegate: AnyObject {
    /// The connection is established (after the TLS handshake, when there is one).
    func connectionDidOpen(_ connection: Connection)

    /// Bytes arrived. `bytes` holds everything received and not yet consumed, oldest first;
    /// it is valid only during the call.
    /// - Returns: how many bytes (from the start) were consumed; the rest is offered again,
    ///   with more, on the next call.
    func connection(_ connection: Connection, didReceive bytes: UnsafeRawBufferPointer) -> Int

    /// The connection is closed: `error` is nil after ``Connection/close()``, otherwise why it
    /// failed or was lost. Called exactly once; nothing follows it.
    func connection(_ connection: Connection, didCloseWith error: TransportError?)
}

/// Whether a connection encrypts.
public enum ConnectionSecurity: Sendable {
    /// No TLS: allowed only to loopback addresses (the embedded simulator, tests).
    case plaintext
    /// TLS 1.2+ through OpenSSL memory BIOs.
    case tls(TLSConfiguration)
}

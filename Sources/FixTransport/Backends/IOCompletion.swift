/// One finished I/O operation, as both backends report it.
struct IOCompletion {
    /// The token the operation was submitted with (connection slot, generation, operation).
    var token: UInt64
    /// Bytes transferred, 0 for a connect that succeeded, or `-errno`.
    var result: Int32
}

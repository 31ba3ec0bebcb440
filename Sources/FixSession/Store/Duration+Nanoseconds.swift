extension Duration {
    /// The duration in whole nanoseconds, clamped to `Int64` (≈ ±292 years), for comparisons
    /// with ``FixCodec/FixTimestamp/nanosecondsSinceEpoch``.
    var saturatedNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (ns, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (total, overflow2) = ns.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflow2 { return seconds < 0 ? .min : .max }
        return total
    }
}

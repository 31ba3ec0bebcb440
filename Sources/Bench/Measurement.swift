import CMallocCounter
#if canImport(Glibc)
import Glibc
#endif

/// One benchmark's figures.
struct BenchResult {
    var name: String
    var bytes: Int
    var nsMedian: Double
    var nsMin: Double
    var allocsPerMessage: Double
    /// Target median in ns, when the issue sets one.
    var targetNs: Double?
    /// Shown beside the target (e.g. a throughput).
    var note: String?
}

/// Runs `body` in batches and reports per-call medians. `body` gets the iteration count and
/// must do that many operations; it returns a value folded into a sink so nothing is elided.
enum Measure {
    nonisolated(unsafe) static var sink: Int = 0
    /// Only benchmarks whose name contains this run (`--filter`).
    nonisolated(unsafe) static var filter: String?

    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    static func run(name: String, bytes: Int, targetNs: Double? = nil, batches: Int = 201, iterations: Int = 2_000,
                    _ body: (Int) throws -> Int) rethrows -> BenchResult? {
        if let filter, !name.contains(filter) { return nil }
        // Warm up caches, branch predictors and any one-time allocations.
        for _ in 0..<20 { sink &+= try body(iterations) }
        var perCall: [Double] = []
        perCall.reserveCapacity(batches)
        var allocations: UInt64 = 0
        for _ in 0..<batches {
            let a0 = CMallocCounter_allocations()
            let t0 = now()
            sink &+= try body(iterations)
            let t1 = now()
            allocations += UInt64(CMallocCounter_allocations() - a0)
            perCall.append(Double(t1 - t0) / Double(iterations))
        }
        perCall.sort()
        return BenchResult(name: name, bytes: bytes, nsMedian: perCall[perCall.count / 2], nsMin: perCall[0],
                           allocsPerMessage: Double(allocations) / Double(batches * iterations), targetNs: targetNs)
    }
}

extension Measure {
    /// True when the malloc interposer is live (an Array allocation is counted); otherwise
    /// allocation figures would read 0 for the wrong reason.
    static func allocationCounterWorks() -> Bool {
        let before = CMallocCounter_allocations()
        let array = opaque([Int](repeating: 7, count: opaque(64)))
        sink &+= array[opaque(3)]
        return CMallocCounter_allocations() > before
    }
}

/// Hides a value from the optimizer so work on it cannot be hoisted out of the timing loop.
@_optimize(none) @inline(never)
func opaque<T>(_ value: T) -> T { value }

enum Report {
    static func print(_ results: [BenchResult], json: Bool, command: String,
                      method: String = "medians of 201 batches × 2000 messages") {
        if json {
            for r in results {
                Swift.print("{\"bench\":\"\(r.name)\",\"bytes\":\(r.bytes),\"ns_median\":\(fmt(r.nsMedian)),\"ns_min\":\(fmt(r.nsMin)),\"allocs_per_msg\":\(r.allocsPerMessage.isFinite ? fmt(r.allocsPerMessage) : "null")}")
            }
            return
        }
        Swift.print("| bench | bytes | ns median | ns min | allocs/msg | target / note |")
        Swift.print("|---|---:|---:|---:|---:|---|")
        for r in results {
            let target = [r.targetNs.map { "≤ \(Int($0)) ns (\(r.nsMedian <= $0 ? "met" : "missed by \(fmt(r.nsMedian / $0))×"))" }, r.note]
                .compactMap { $0 }.joined(separator: "; ")
            Swift.print("| \(r.name) | \(r.bytes) | \(fmt(r.nsMedian)) | \(fmt(r.nsMin)) | \(fmt(r.allocsPerMessage)) | \(target) |")
        }
        Swift.print("\nReproduce: `\(command)` (release build; \(method))")
    }

    static func fmt(_ v: Double) -> String {
        guard v.isFinite else { return "n/a" }  // e.g. allocations not counted on another thread
        let scaled = (v * 10).rounded() / 10
        return scaled == scaled.rounded() ? String(Int(scaled)) : String(scaled)
    }
}

import BenchCorpus
import CMallocCounter
import FixCodec
import FixSession
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// `Bench log`: what `FixMessageLog.record` costs the I/O thread (copy into the ring, publish),
/// and how fast the writer thread formats and writes behind it.
///
/// Each batch records `iterations` execution reports, timed on the producer; then the bench waits
/// (untimed) until the writer has written them all, so every record lands in an emptying ring
/// and is accepted, as in steady state. The writer row is batch start → last line written.
enum LogBenchmarks {
    /// Counts lines and throws them away: the writer's cost without a disk.
    final class CountingSink: FixMessageLogSink {
        let lines = Atomic<Int>(0)
        func write(_ bytes: UnsafeRawBufferPointer) {
            var n = 0
            for byte in bytes where byte == UInt8(ascii: "\n") { n += 1 }
            lines.add(n, ordering: .releasing)
        }
        func flush() {}
        func close() {}
    }

    static func run(batches: Int = 201, iterations: Int = 2_000) -> [BenchResult] {
        let name = "log.record.execution_report"
        if let filter = Measure.filter, !name.contains(filter), !"log.writer".contains(filter) { return [] }
        let sink = CountingSink()
        let log = FixMessageLog(sink: sink, capacity: 4 << 20, pollInterval: .microseconds(100))
        let source = log.source(named: "KalshiNR")
        let time = FixTimestamp.now()
        var producer: [Double] = []
        var writer: [Double] = []
        var allocations: UInt64 = 0
        var expected = 0
        BenchCorpus.executionReport.withUnsafeBytes { frame in
            for batch in -20..<batches {
                let a0 = CMallocCounter_threadAllocations()
                let t0 = Measure.now()
                var accepted = 0
                for _ in 0..<iterations where log.record(opaque(frame), .inbound, source: source, at: time) { accepted += 1 }
                let t1 = Measure.now()
                let a1 = CMallocCounter_threadAllocations()
                expected += accepted
                while sink.lines.load(ordering: .acquiring) < expected { sched_yield() }
                let t2 = Measure.now()
                guard batch >= 0 else { continue }  // warm-up
                allocations += a1 - a0
                producer.append(Double(t1 - t0) / Double(iterations))
                writer.append(Double(t2 - t0) / Double(iterations))
            }
        }
        let dropped = log.droppedRecords
        log.close()
        producer.sort()
        writer.sort()
        let bytes = BenchCorpus.executionReport.count
        if dropped > 0 { print("Bench log: \(dropped) records dropped; the producer figure includes the drop path") }
        return [
            BenchResult(name: name, bytes: bytes, nsMedian: producer[producer.count / 2], nsMin: producer[0],
                        allocsPerMessage: Double(allocations) / Double(batches * iterations)),
            // The writer thread's allocations are its own (formatting into reused buffers, some
            // Strings); the producer row counts the producer thread only.
            BenchResult(name: "log.writer.format_and_write", bytes: bytes, nsMedian: writer[writer.count / 2], nsMin: writer[0],
                        allocsPerMessage: .nan),
        ]
    }
}

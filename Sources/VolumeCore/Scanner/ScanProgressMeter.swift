import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A scan's running totals, added to by its workers, and the progress reports made of them: at most one per
/// interval and never two at once, plus a last one forced when the scan ends.
final class ScanProgressMeter: Sendable {
    private let report: (@Sendable (ScanProgress) -> Void)?
    private let intervalNanos: UInt64
    private let entries = Atomic<Int>(0)
    private let directories = Atomic<Int>(0)
    private let apparent = Atomic<Int>(0)
    private let allocated = Atomic<Int>(0)
    private let lastReport = Atomic<UInt64>(0)
    private let reporting = Atomic<Bool>(false)

    init(interval: Duration, report: (@Sendable (ScanProgress) -> Void)?) {
        self.report = report
        let (seconds, attoseconds) = interval.components
        intervalNanos = UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
    }

    /// Whether anyone listens (else workers need not ask for reports).
    var isReporting: Bool { report != nil }

    /// Adds a worker's counts since its last call.
    func add(entries: Int, directories: Int, apparent: Int, allocated: Int) {
        if entries > 0 { self.entries.add(entries, ordering: .relaxed) }
        if directories > 0 { self.directories.add(directories, ordering: .relaxed) }
        if apparent != 0 { self.apparent.add(apparent, ordering: .relaxed) }
        if allocated != 0 { self.allocated.add(allocated, ordering: .relaxed) }
    }

    /// Reports the totals when the interval has passed since the last report (or at once, when `force`), unless
    /// another worker is reporting right now.
    func reportTotals(force: Bool) {
        guard let report else { return }
        if !force {
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC_COARSE, &now)
            let nanos = UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
            let last = lastReport.load(ordering: .relaxed)
            guard nanos &- last >= intervalNanos,
                lastReport.compareExchange(expected: last, desired: nanos, ordering: .relaxed).exchanged
            else { return }
        }
        guard reporting.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return }
        report(
            ScanProgress(
                entries: entries.load(ordering: .relaxed), directories: directories.load(ordering: .relaxed),
                apparentBytes: Int64(apparent.load(ordering: .relaxed)), allocatedBytes: Int64(allocated.load(ordering: .relaxed))))
        reporting.store(false, ordering: .releasing)
    }
}

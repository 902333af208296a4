#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Runs one job at a time; a request while one runs queues exactly one more run afterwards.
///
/// A burst of requests (a thousand engine events) thus costs at most two runs, and two runs never overlap, so an
/// older result can never land after a newer one. A queued run starts `minInterval` after the last one ended, or
/// twice as long as that one took (at most `maxSpacing`): during a long storm of events a slow job (a catalog of
/// 10,000 volumes) runs at most a third of the time instead of back to back.
actor Coalescer {
    private let clock: any RuntimeClock
    private var running = false
    private var pending = false
    private var lastEnd = Date.distantPast
    private var lastSeconds = 0.0
    /// The longest wait between two runs.
    static let maxSpacing = 2.0

    init(clock: any RuntimeClock) { self.clock = clock }

    func run(minInterval: Double, _ job: @Sendable () async -> Void) async {
        if running {
            pending = true
            return
        }
        running = true
        repeat {
            pending = false
            let spacing = max(minInterval, min(Self.maxSpacing, 2 * lastSeconds))
            let wait = spacing - clock.seconds(since: lastEnd)
            if wait > 0 { try? await clock.sleep(seconds: wait) }
            let started = clock.now()
            await job()
            lastEnd = clock.now()
            lastSeconds = max(0, lastEnd.timeIntervalSince(started))
        } while pending
        running = false
    }
}

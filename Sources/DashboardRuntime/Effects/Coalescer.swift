import Foundation

/// Runs one job at a time; a request while one runs queues exactly one more run afterwards.
///
/// A burst of requests (a thousand engine events) thus costs at most two runs, and two runs never overlap, so an
/// older result can never land after a newer one. Runs start at least `minInterval` seconds apart.
actor Coalescer {
    private let clock: any RuntimeClock
    private var running = false
    private var pending = false
    private var last = Date.distantPast

    init(clock: any RuntimeClock) { self.clock = clock }

    func run(minInterval: Double, _ job: @Sendable () async -> Void) async {
        if running {
            pending = true
            return
        }
        running = true
        repeat {
            pending = false
            let wait = minInterval - clock.seconds(since: last)
            if wait > 0 { try? await clock.sleep(seconds: wait) }
            last = clock.now()
            await job()
        } while pending
        running = false
    }
}

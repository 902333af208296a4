import Foundation

/// Runs one job at a time; a request while one runs queues exactly one more run afterwards.
actor Coalescer {
    private var running = false
    private var pending = false
    private var last = Date.distantPast

    func run(minInterval: Double, _ job: @Sendable () async -> Void) async {
        if running {
            pending = true
            return
        }
        running = true
        repeat {
            pending = false
            let wait = minInterval - Date().timeIntervalSince(last)
            if wait > 0 { try? await Task.sleep(nanoseconds: UInt64(wait * 1_000_000_000)) }
            last = Date()
            await job()
        } while pending
        running = false
    }
}

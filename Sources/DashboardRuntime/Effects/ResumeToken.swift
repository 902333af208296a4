import VolumeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The event stream's resume point (`since`), shared by the task that reads the stream and the loop that reconnects.
final class ResumeToken: @unchecked Sendable {
    private let lock = ThreadLock()
    private var token: String?

    init(_ token: String?) { self.token = token }

    var value: String? {
        get {
            lock.lock()
            defer { lock.unlock() }
            return token
        }
        set {
            lock.lock()
            token = newValue
            lock.unlock()
        }
    }
}

extension DashboardEngine {
    /// Reads this engine's events from `resume` on, handing each to `each` and keeping its token in `resume`, until
    /// the stream ends or the engine stops answering a liveness ping (one every `interval` seconds: the stream itself
    /// has no time limit). Returns why it ended, for "live updates lost (…)" and the fleet's "reconnecting (…)".
    func readEvents(
        from resume: ResumeToken, livenessInterval interval: Double, clock: any RuntimeClock,
        _ each: @escaping @Sendable (EngineEvent) -> Void
    ) async -> String {
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for try await event in self.events(since: resume.value) {
                        resume.value = event.resumeToken
                        each(event)
                    }
                }
                group.addTask {
                    while true {
                        try await clock.sleep(seconds: interval)
                        try await self.ping(within: min(10, interval))
                    }
                }
                defer { group.cancelAll() }
                try await group.next()
            }
            return "the engine closed the stream"
        } catch {
            return EffectRunner.engineError(error).message
        }
    }
}

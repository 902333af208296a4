#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Time as the runtime sees it: the current date and sleeping. Tests inject a clock they advance by hand.
public protocol RuntimeClock: Sendable {
    /// The current time.
    func now() -> Date
    /// Sleeps for `seconds`; throws `CancellationError` when the task is cancelled.
    func sleep(seconds: Double) async throws
}

extension RuntimeClock {
    /// Seconds from `date` to now.
    func seconds(since date: Date) -> Double { now().timeIntervalSince(date) }
}

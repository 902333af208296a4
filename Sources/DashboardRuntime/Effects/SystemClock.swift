#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The wall clock and `Task.sleep`.
public struct SystemClock: RuntimeClock {
    /// The system clock.
    public init() {}

    /// `Date()`.
    public func now() -> Date { Date() }

    /// `Task.sleep`, bounded to a week.
    public func sleep(seconds: Double) async throws {
        try await Task.sleep(nanoseconds: UInt64(min(max(0, seconds), 86_400 * 7) * 1e9))
    }
}

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// Runs `/system/df` calls one at a time.
actor DiskUsageGate {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        while busy {
            await withCheckedContinuation { waiters.append($0) }
        }
        busy = true
        defer {
            busy = false
            if !waiters.isEmpty { waiters.removeFirst().resume() }
        }
        return try await body()
    }
}

/// How long to wait before asking `/system/df` again after "a disk usage operation is already running".
enum DiskUsageRetry {
    /// Waits grow from 0.25 s to at most 15 s; retries end after about 2 minutes in all (another client's
    /// measurement of a big host takes that long), and only then is the refusal an error.
    static func delay(afterAttempt attempt: Int) -> Double? {
        var total = 0.0
        for i in 0...max(0, attempt) {
            let wait = min(15, 0.25 * pow(2, Double(min(i, 10))))
            if i == attempt { return total + wait <= 120 ? wait : nil }
            total += wait
        }
        return nil
    }
}

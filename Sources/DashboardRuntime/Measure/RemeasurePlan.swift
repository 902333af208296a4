/// When a volume that a running container writes is measured completely again.
///
/// Between complete measurements the measurer re-measures it incrementally (`IncrementalDiskUsage`: only directories
/// whose modification or change time moved are read), which is cheap, so it happens at every look; a complete
/// measurement (every file stat'ed, which also catches a file growing in place) is due once `fullEvery` seconds or 30
/// times its last duration have passed, whichever is longer: a small volume every minute, a volume of a million
/// files (seconds to walk) every few minutes.
public struct RemeasurePlan: Sendable {
    /// The shortest time between two complete measurements.
    public static let fullEvery = 60.0
    /// A complete measurement waits this many times its own duration before the next.
    public static let costFactor = 30.0
    /// State not used for this long is dropped (nothing writes the volume any more, or it went off screen).
    public static let idleAfter = 300.0

    /// The last complete measurement: when (monotonic seconds) and how long it took.
    public private(set) var lastComplete: (at: Double, seconds: Double)?
    /// When the state was last used.
    public var lastUsed = 0.0
    /// The incremental walk refused this volume (deeper than it goes): the full scanner measures it.
    public var isIncrementalRefused = false

    public init() {}

    /// Whether the next measurement at `now` must stat every file.
    public func isFullDue(now: Double) -> Bool {
        guard let last = lastComplete else { return true }
        return now - last.at >= max(Self.fullEvery, last.seconds * Self.costFactor)
    }

    public mutating func measuredCompletely(at time: Double, seconds: Double) {
        lastComplete = (time, max(0, seconds))
    }

    public func isIdle(now: Double) -> Bool { now - lastUsed >= Self.idleAfter }
}

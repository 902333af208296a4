#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Every volume's size over time: full measurements (walks) anchor it, and between them the files that fanotify saw
/// written move it (each re-stat'ed through its event, so a volume of a million files with one growing file costs
/// one `fstat` per write batch, not a walk). Feeds GROWTH, the sparkline and the writers of each volume.
public struct GrowthTracker: Sendable {
    struct Tracked: Sendable {
        var series = GrowthSeries()
        /// The last full measurement, and when it ended (seconds since 1970).
        var baseline: Int64?
        var baselineWall: Double?
        /// Files written since: their disk usage when first seen after the baseline, and now.
        var files: [WriteWatcher.FileID: (first: Int64, latest: Int64)] = [:]
        /// Who wrote, and when last (monotonic seconds).
        var writers: [WriteWatcher.Writer: Double] = [:]
    }

    private(set) var volumes: [String: Tracked] = [:]
    /// The volumes with writers seen and not yet expired (a few, among thousands of volumes).
    public private(set) var namesWithWriters: Set<String> = []
    /// Above this many written files in one volume, the volume is walked again instead of followed file by file.
    public static let maxFilesPerVolume = 4096
    /// A writer not seen for this long is no longer named.
    public static let writerMemory = 15.0

    public init() {}

    /// A full measurement of `name` taken at `time`: the new anchor. Files followed so far are re-based (their
    /// growth is in the walk).
    public mutating func measured(_ name: String, bytes: Int64, at time: Double, wall: Double = Date().timeIntervalSince1970) {
        guard bytes >= 0 else { return }
        var tracked = volumes[name] ?? Tracked()
        tracked.baseline = bytes
        tracked.baselineWall = wall
        for (id, sizes) in tracked.files { tracked.files[id] = (sizes.latest, sizes.latest) }
        tracked.series.record(bytes: bytes, at: time)
        volumes[name] = tracked
    }

    /// Applies one drain of the write watcher at `time`.
    /// - Returns: the volumes to walk again (the kernel dropped events, or too many files to follow one by one).
    public mutating func apply(_ batch: WriteWatcher.Batch, at time: Double) -> Set<String> {
        var again: Set<String> = []
        for (name, writers) in batch.writers {
            var tracked = volumes[name] ?? Tracked()
            for writer in writers { tracked.writers[writer] = time }
            volumes[name] = tracked
            if !writers.isEmpty { namesWithWriters.insert(name) }
        }
        for (name, files) in batch.files {
            var tracked = volumes[name] ?? Tracked()
            for (id, bytes) in files {
                if let known = tracked.files[id] {
                    tracked.files[id] = (known.first, bytes)
                } else if let born = batch.born[id], let walked = tracked.baselineWall, born > walked {
                    // Created after the walk: not in the baseline, so all of it is growth (a file written whole
                    // between two drains would otherwise count nothing).
                    tracked.files[id] = (0, bytes)
                } else {
                    tracked.files[id] = (bytes, bytes)
                }
            }
            if tracked.files.count > Self.maxFilesPerVolume {
                tracked.files.removeAll()
                again.insert(name)
            }
            volumes[name] = tracked
            if let estimate = estimate(name) { volumes[name]?.series.record(bytes: estimate, at: time) }
        }
        if batch.overflowed { again.formUnion(volumes.keys) }
        return again
    }

    /// Records the current estimate of each named volume at `time`, so that windows move on while nothing is written
    /// (a writer that stops shows its rate fall to zero).
    public mutating func tick<Names: Sequence<String>>(_ names: Names, at time: Double) {
        for name in names {
            guard let estimate = estimate(name) else { continue }
            volumes[name]?.series.record(bytes: estimate, at: time)
        }
    }

    /// The volume's size now: the last walk plus what its written files grew since (nil before any walk).
    public func estimate(_ name: String) -> Int64? {
        guard let tracked = volumes[name], let baseline = tracked.baseline else { return nil }
        var total = baseline
        for sizes in tracked.files.values {
            let (sum, overflow) = total.addingReportingOverflow(sizes.latest &- sizes.first)
            total = overflow ? (sizes.latest > sizes.first ? Int64.max : 0) : sum
        }
        return max(0, total)
    }

    /// Bytes per second over `window` seconds (nil: not enough samples).
    public func rate(_ name: String, over window: Double) -> Double? {
        volumes[name]?.series.rate(over: window)
    }

    /// The size history of a volume.
    public func series(_ name: String) -> GrowthSeries? { volumes[name]?.series }

    /// Who wrote into the volume within `writerMemory` seconds before `now`, longest-known first.
    public func writers(_ name: String, now: Double) -> [WriteWatcher.Writer] {
        guard let tracked = volumes[name] else { return [] }
        return tracked.writers.filter { now - $0.value <= Self.writerMemory }.keys
            .sorted { ($0.containerID ?? "~", $0.pid) < ($1.containerID ?? "~", $1.pid) }
    }

    /// Forgets volumes that are gone.
    public mutating func keep(only names: Set<String>) {
        volumes = volumes.filter { names.contains($0.key) }
        namesWithWriters.formIntersection(names)
    }

    /// Drops writers not seen for a while (bounded memory). Only the volumes that have writers are looked at.
    public mutating func expireWriters(now: Double) {
        for name in namesWithWriters {
            guard let index = volumes.index(forKey: name) else {
                namesWithWriters.remove(name)
                continue
            }
            volumes.values[index].writers = volumes.values[index].writers.filter { now - $0.value <= Self.writerMemory }
            if volumes.values[index].writers.isEmpty { namesWithWriters.remove(name) }
        }
    }
}

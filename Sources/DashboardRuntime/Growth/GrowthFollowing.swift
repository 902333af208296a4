import VolumeCore

/// What the runner needs of growth following (`GrowthMonitor` conforms; tests may pass a recorder).
public protocol GrowthFollowing: Sendable {
    /// A new catalog: which volumes can grow, which containers to watch.
    func update(_ catalog: Catalog) async
    /// The size measurer measured a volume: completely (a walk, every file stat'ed: an anchor), or incrementally
    /// (only the directories that changed: a file growing in place is not in it).
    func measured(_ name: String, bytes: Int64, isComplete: Bool) async
    /// Follows growth until the calling task is cancelled (about twice a second; idle costs one `read`).
    func run(interval: Double) async
}

extension GrowthMonitor: GrowthFollowing {}

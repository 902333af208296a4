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
    /// The volumes whose writes are followed as they happen (fanotify), whose growth needs no walk to be seen.
    func writesFollowed() async -> Set<String>
}

// No default for `writesFollowed`: an `async` default in an extension would win over `GrowthMonitor`'s own
// (actor-isolated, so not `async` in its declaration) method when called with `await`, and always say none.

extension GrowthMonitor: GrowthFollowing {}

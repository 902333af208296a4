import VolumeCore

/// What the runner needs of growth following (`GrowthMonitor` conforms; tests may pass a recorder).
public protocol GrowthFollowing: Sendable {
    /// A new catalog: which volumes can grow, which containers to watch.
    func update(_ catalog: Catalog) async
    /// A walk measured a volume.
    func measured(_ name: String, bytes: Int64) async
    /// Follows growth until the calling task is cancelled (about twice a second; idle costs one `read`).
    func run(interval: Double) async
    /// The volumes whose writes are followed as they happen (fanotify), whose growth needs no walk to be seen.
    func writesFollowed() async -> Set<String>
}

extension GrowthFollowing {
    /// None (a follower without fanotify).
    public func writesFollowed() async -> Set<String> { [] }
}

extension GrowthMonitor: GrowthFollowing {}

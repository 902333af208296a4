/// What the size measurer needs to measure one volume; `DirectVolumeProbe` reads files as root next to the engine,
/// tests use a fake.
public protocol VolumeProbe: Sendable {
    /// Whether volumes can be read here at all (root, a local socket, not `--source helper`).
    var isAvailable: Bool { get }
    /// How many threads one walk keeps busy (for the CPU budget), unless its measurement says otherwise.
    var walkThreads: Int { get }
    /// The disk usage of one volume's files, or nil when it cannot be read directly (its figure stays df's).
    func diskUsage(of name: String) async throws -> Int64?
    /// The disk usage of one volume, and whether every file was looked at (a walk) or only the directories that
    /// changed (an incremental re-measure, which misses a file growing in place). Defaults to `diskUsage(of:)`, complete.
    func measure(_ name: String) async throws -> VolumeMeasurement?
    /// A pass over the queue ended: what was listed for it may go.
    func passEnded() async
    /// Names of the volumes a running container mounts read-write (only those grow without an engine event).
    func writtenVolumes() async throws -> Set<String>
}

extension VolumeProbe {
    public func measure(_ name: String) async throws -> VolumeMeasurement? {
        try await diskUsage(of: name).map { VolumeMeasurement(bytes: $0, isComplete: true) }
    }
}

/// One measurement of a volume's disk usage.
public struct VolumeMeasurement: Sendable, Equatable {
    public var bytes: Int64
    /// Every file was stat'ed (a walk): the figure may anchor the volume's growth. An incremental re-measure reads only
    /// directories whose times moved, so it sees files created and removed, not a file that grew in place.
    public var isComplete: Bool
    /// How many threads the measurement kept busy, for the CPU budget (nil: the probe's `walkThreads`).
    public var threads: Int?

    public init(bytes: Int64, isComplete: Bool, threads: Int? = nil) {
        self.bytes = bytes
        self.isComplete = isComplete
        self.threads = threads
    }
}

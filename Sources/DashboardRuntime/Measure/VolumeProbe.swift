/// What the size measurer needs to measure one volume; `DirectVolumeProbe` reads files as root next to the engine,
/// tests use a fake.
public protocol VolumeProbe: Sendable {
    /// Whether volumes can be read here at all (root, a local socket, not `--source helper`).
    var isAvailable: Bool { get }
    /// How many threads one walk keeps busy (for the CPU budget).
    var walkThreads: Int { get }
    /// The disk usage of one volume's files, or nil when it cannot be read directly (its figure stays df's).
    func diskUsage(of name: String) async throws -> Int64?
    /// A pass over the queue ended: what was listed for it may go.
    func passEnded() async
    /// Names of the volumes a running container mounts read-write (only those grow without an engine event).
    func writtenVolumes() async throws -> Set<String>
}

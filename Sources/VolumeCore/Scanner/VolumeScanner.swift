#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How a scan runs.
public struct ScanOptions: Sendable {
    /// Threads that read directories (at least 2; by default one per CPU).
    public var workers: Int
    /// Whether to stay on the root's mount: a directory with another `st_dev` (a mount point) is neither entered
    /// nor counted, as with `du -x`; nor is a bind mount of the same filesystem (same `st_dev`, another mount ID).
    public var oneFilesystem: Bool
    /// Least time between two progress reports.
    public var progressInterval: Duration
    /// Most entries the tree may hold; the scan fails beyond it (address space is reserved for this many up front).
    public var maxEntries: Int
    /// Niceness added to the walk threads' own while they walk (0 to 19; see `ThreadPriority`): background walks
    /// (the size measurer's) give way to the dashboard's input and drawing, and to the host's own work. Not for a
    /// walk that reports progress (the reports would run at the lower priority).
    public var niceness: Int32 = 0

    /// Test seam: workers switch to this filesystem user and group (`setfsuid`/`setfsgid`, per thread), so a test
    /// running as root meets real permission errors.
    var filesystemUser: (uid: UInt32, gid: UInt32)?
    /// Test seam: called with `(st_dev, st_ino)` of every directory the scanner opens, from worker threads.
    var didOpenDirectory: (@Sendable (UInt64, UInt64) -> Void)?

    /// Options with the defaults: one worker per CPU (at least 2), one filesystem, progress every 50 ms.
    public init(
        workers: Int? = nil, oneFilesystem: Bool = true, progressInterval: Duration = .milliseconds(50),
        maxEntries: Int = 1 << 27, niceness: Int32 = 0
    ) {
        self.workers = max(2, workers ?? Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        self.oneFilesystem = oneFilesystem
        self.progressInterval = progressInterval
        self.maxEntries = max(16, min(maxEntries, Int(UInt32.max - 1)))
        self.niceness = max(0, min(19, niceness))
    }
}

/// How far a scan has come.
public struct ScanProgress: Sendable, Equatable {
    /// Entries listed so far (the root included).
    public var entries: Int
    /// Directories read so far.
    public var directories: Int
    /// Apparent bytes counted so far.
    public var apparentBytes: Int64
    /// Allocated bytes counted so far.
    public var allocatedBytes: Int64
}

/// Measures a directory tree on this machine (a volume's `_data` when voltop runs as root next to the engine)
/// and removes entries inside it, without ever following a symlink or leaving the root.
///
/// Everything goes through directory file descriptors: the root is opened once, every directory below it with
/// `openat(O_NOFOLLOW | O_DIRECTORY)` relative to its parent's descriptor, every entry with
/// `fstatat(AT_SYMLINK_NOFOLLOW)`. Paths are never re-resolved, so a symlink swapped in during the walk cannot
/// lead it elsewhere.
public enum VolumeScanner {
    /// Walks the tree at `rootPath` (or at `relativePath` below it) on several threads and returns it measured.
    ///
    /// Totals match `du -sb` (apparent) and `du -sB1` (allocated) with `-x` when `oneFilesystem` is set.
    /// Unreadable entries are counted in `totals.unreadable`, never thrown. `progress` is called from scanner
    /// threads, never two calls at once, at most every `options.progressInterval`, and once at the end.
    /// Cancelling the task stops every worker within a few hundred entries and throws `CancellationError`.
    ///
    /// - Throws: `EngineError` `.notFound` when the root is missing, `.permissionDenied` when it cannot be read,
    ///   `.invalidArgument` when it is not a directory or is a symlink, `.conflict` when a component of
    ///   `relativePath` is a symlink; `CancellationError` when cancelled.
    public static func scan(
        rootPath: String, relativePath: [[UInt8]] = [], options: ScanOptions = ScanOptions(),
        progress: (@Sendable (ScanProgress) -> Void)? = nil
    ) async throws -> ScanTree {
        try SafePath.validate(relativePath, allowEmpty: true)
        let walk = try ScanWalk(rootPath: rootPath, relativePath: relativePath, options: options, progress: progress)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ScanTree, any Error>) in
                walk.start { continuation.resume(with: $0) }
            }
        } onCancel: {
            walk.cancel()
        }
    }

    /// Deletes one file, symlink or directory tree inside `rootPath`, through directory descriptors only.
    ///
    /// Each parent component is opened with `openat(O_NOFOLLOW | O_DIRECTORY)` from the root's descriptor, so a
    /// symlink anywhere on the way makes the call fail instead of reaching outside; the last component is removed
    /// with `unlinkat` (a symlink itself, never its target). A directory is emptied the same way, depth first,
    /// never following a symlink and never crossing into another mount (another `st_dev`, or another mount ID: a
    /// bind mount of the same filesystem), with one directory open at a time whatever the depth (see `SafeRemoval`).
    ///
    /// - Throws: `EngineError` `.invalidArgument` for an empty path or a component that is empty, `.`, `..` or holds
    ///   `/`, or a tree more than 4,096 levels deep; `.conflict` when a component is a symlink or a mount point, or
    ///   a directory was moved during the removal; `.notFound`, `.permissionDenied`, or `.engineFailure` for other
    ///   system errors. Part of a directory may be gone when it fails midway.
    ///
    /// With `expecting`, the entry must still be of that kind (the kind the user confirmed); otherwise it throws
    /// `.conflict` and removes nothing.
    public static func remove(relativePath components: [[UInt8]], under rootPath: String, expecting kind: ScanTree.Kind? = nil) throws {
        try SafeRemoval.remove(components, under: rootPath, expecting: kind)
    }
}

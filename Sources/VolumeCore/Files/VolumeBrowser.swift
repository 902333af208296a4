import CVolumeSys

#if canImport(Glibc)
    import Glibc
#endif

/// Where a volume's files are read from.
public enum FileSource: Sendable, Equatable {
    /// voltop reads the volume's Mountpoint itself: root, a local socket, a readable `_data`.
    case direct(mountpoint: String)
    /// A never-started helper container with the volume mounted read-only, read over the archive API.
    case helper(containerID: String)

    /// One word for the pane title and `voltop du`: `direct` or `helper`.
    public var name: String {
        switch self {
        case .direct: return "direct"
        case .helper: return "helper"
        }
    }

    /// Whether entries can be deleted through this source (the helper's mount is read-only).
    public var canDelete: Bool {
        if case .direct = self { return true }
        return false
    }
}

/// Which source the caller wants.
public enum SourcePreference: String, Sendable, CaseIterable {
    /// Direct when it can run, else a helper container.
    case auto
    /// Direct only; fails with a message saying why it cannot run.
    case direct
    /// A helper container even where direct reads would work.
    case helper
}

/// A window of a file inside a volume: at most the bytes asked for, from an offset.
public struct FilePreview: Sendable, Equatable {
    /// At most the bytes asked for, from `offset`.
    public var bytes: [UInt8]
    /// The file's whole size in bytes.
    public var size: Int64
    /// Where in the file `bytes` start.
    public var offset: Int64

    /// Whether the file holds more than `bytes` (before or after them).
    public var isTruncated: Bool { offset > 0 || offset.addingReportingOverflow(Int64(bytes.count)).partialValue < size }

    /// A preview from its parts.
    public init(bytes: [UInt8], size: Int64, offset: Int64 = 0) {
        self.bytes = bytes
        self.size = size
        self.offset = offset
    }
}

/// Reads one volume's files: directly from its Mountpoint, or through a helper container and the engine's archive API.
///
/// Direct reads need a local engine socket, voltop running as root, a `local` volume without driver options and
/// a readable Mountpoint; they are the fast path and the only one that can delete. Everywhere else (a
/// docker-group user, a remote engine, rootless, Docker Desktop, volumes of other drivers or with options) a
/// helper container is created, never started, with the volume mounted read-only at `/volume`, and read with
/// `GET /containers/{id}/archive`: tar headers are parsed as they stream in and bodies are skipped by counting.
///
/// Operations run one at a time (the daemon locks the container for the duration of each archive read).
/// Always call `close()`: it removes the helper. Helpers are labelled `voltop.helper=<volume>` and hidden from
/// the catalog's owners; `DockerEngine.removeLeftoverHelpers()` cleans up after a voltop that died.
public actor VolumeBrowser {
    /// Where this browser reads from.
    public nonisolated let source: FileSource
    /// The volume as the engine described it when the browser was opened.
    public nonisolated let volume: Volume
    let engine: DockerEngine

    private var isClosed = false
    private var isBusy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var cancelCurrent: (@Sendable () -> Void)?

    init(engine: DockerEngine, volume: Volume, source: FileSource) {
        self.engine = engine
        self.volume = volume
        self.source = source
    }

    deinit {
        // A browser dropped without close(): try to remove its helper anyway.
        if case .helper(let id) = source, !isClosed {
            let engine = self.engine
            Task { try? await engine.removeHelper(id) }
        }
    }

    /// Opens a volume for reading, choosing the source as `preference` says.
    ///
    /// The volume is looked up first (`GET /volumes/{name}`): a missing volume throws `.notFound` and no container
    /// is created (mounting an unknown name would silently create the volume). With `.auto`, direct reads are used
    /// when they can run, else a helper; `.direct` fails with a message saying why it cannot run and what to do;
    /// `.helper` always creates a helper. Helpers are created in read-only mode too (see `DockerEngine`'s helper
    /// extension); only importing an image for them when the engine has none is refused there.
    ///
    /// - Throws: `EngineError` `.notFound` (no such volume), `.permissionDenied` / `.invalidArgument` (direct
    ///   refused), or the engine's failure to create the helper, with its reason.
    public static func open(engine: DockerEngine, volume name: String, preference: SourcePreference = .auto) async throws -> VolumeBrowser {
        try await open(engine: engine, volume: name, preference: preference, helperImage: nil)
    }

    /// `open`, with the helper's image given (tests).
    /// `beforeCreate` runs between the volume's lookup and the helper's create (tests remove the volume there).
    static func open(
        engine: DockerEngine, volume name: String, preference: SourcePreference, helperImage: String?,
        beforeCreate: (@Sendable () async -> Void)? = nil
    ) async throws -> VolumeBrowser {
        let (volume, _) = try await engine.volume(name)
        let direct: Result<String, EngineError> =
            preference == .helper
            ? .failure(EngineError(.invalidArgument, "helper mode was asked for"))
            : DirectAccess.check(volume: volume, endpoint: engine.endpoint, euid: geteuid()) { engine.engineDaemon() }
        switch (preference, direct) {
        case (.direct, .failure(let error)):
            throw error
        case (.direct, .success(let mountpoint)), (.auto, .success(let mountpoint)):
            return VolumeBrowser(engine: engine, volume: volume, source: .direct(mountpoint: mountpoint))
        default:
            break
        }
        let image: String
        if let helperImage { image = helperImage } else { image = try await engine.helperImage() }
        await beforeCreate?()
        let id: String
        do {
            // Not cancellable (an unstructured task): a create the engine carried out must come back with its id,
            // or the helper could never be removed by this process.
            id = try await Task { try await engine.createHelper(volume: volume.name, image: image) }.value
        } catch var error as EngineError {
            if volume.driver != "local" {
                error.message +=
                    "; volume \(Sanitizer.inline(volume.name)) uses the \(Sanitizer.inline(volume.driver)) driver, "
                    + "which the engine must be able to mount (is the plugin installed and enabled?)"
            }
            throw error
        }
        if Task.isCancelled {
            await Task { try? await engine.removeHelper(id) }.value
            throw CancellationError()
        }
        // The volume may have been removed between the lookup and the create, and re-created (empty, without its
        // labels) by the helper's mount, or removed and created again by someone else. Once the helper exists the
        // engine refuses to remove the volume (a container uses it), so one more look settles it; a look that
        // fails counts as a change.
        //
        // A volume re-created by the helper's mount has no labels and no options, so for a volume with either those
        // settle it. CreatedAt is compared only where nothing else can: Docker 20.10 reports _data's mtime as
        // CreatedAt, which moves whenever a running container changes the top directory (on a tmpfs volume, every
        // file it creates), and a live volume would then read as replaced.
        let again = try? await engine.volume(name).volume
        let onlyCreatedAtTells = volume.labels.isEmpty && volume.options.isEmpty
        if again == nil || (onlyCreatedAtTells && again?.createdAt != volume.createdAt) || again?.driver != volume.driver
            || again?.labels != volume.labels || again?.options != volume.options
        {
            await Task { try? await engine.removeHelper(id) }.value
            throw EngineError(
                .notFound,
                "volume \(Sanitizer.inline(name)) was removed or replaced while voltop opened it: the helper container voltop made for it was removed "
                    + "and nothing was read. If you removed it, the engine may have created it again, empty, when the helper mounted it: "
                    + "check with `voltop ls` and remove it again")
        }
        return VolumeBrowser(engine: engine, volume: volume, source: .helper(containerID: id))
    }

    // MARK: Operations

    /// Measures the volume, or the directory at `path` inside it, as `VolumeScanner.scan` does.
    ///
    /// Direct: a multi-threaded walk of the Mountpoint. Helper: one `GET …/archive?path=/volume/<path>/.`, read
    /// as it streams, bodies skipped; the tree has `isFromArchive` set (allocated bytes are estimates; see
    /// `ScanTree.isFromArchive`), its `rootPath` is `/volume` (the path inside the helper). Symlinks on the way to
    /// `path` are refused in both modes. `progress` is called as entries arrive. Cancelling the task stops the
    /// walk, or closes the archive stream at once, and throws `CancellationError`.
    public func scan(path: [[UInt8]] = [], progress: (@Sendable (ScanProgress) -> Void)? = nil) async throws -> ScanTree {
        try SafePath.validate(path, allowEmpty: true)
        let engine = self.engine
        switch source {
        case .direct(let mountpoint):
            return try await exclusive { try await VolumeScanner.scan(rootPath: mountpoint, relativePath: path, progress: progress) }
        case .helper(let id):
            return try await exclusive { try await HelperRead.scan(engine: engine, helper: id, path: path, progress: progress) }
        }
    }

    /// At most `maxBytes` bytes of the regular file at `path` from `offset`, and its size.
    ///
    /// Only direct reads start past the beginning: the archive API streams a file from its start, so helper
    /// reads refuse an `offset` above 0 (`.invalidArgument`).
    ///
    /// Never follows a symlink: direct reads open each component below the Mountpoint with `O_NOFOLLOW`; helper
    /// reads check each directory on the way with a `HEAD` stat, then read the file's tar header and the start of
    /// its body and close the stream.
    ///
    /// - Throws: `EngineError` `.invalidArgument` when the entry is a directory, symlink or special file
    ///   ("… is a directory: nothing to preview"), `.notFound` when it does not exist, `.conflict` when a
    ///   directory on the way is a symlink.
    public func preview(path: [[UInt8]], offset: Int64 = 0, maxBytes: Int = 4096) async throws -> FilePreview {
        guard !path.isEmpty else { throw EngineError(.invalidArgument, "name a file inside the volume to preview") }
        try SafePath.validate(path, allowEmpty: false)
        let limit = max(0, maxBytes)
        let start = max(0, offset)
        let engine = self.engine
        switch source {
        case .direct(let mountpoint):
            return try await exclusive { try DirectRead.preview(root: mountpoint, path: path, offset: start, maxBytes: limit) }
        case .helper(let id):
            guard start == 0 else {
                throw EngineError(
                    .invalidArgument,
                    "helper mode reads a file from its start only (the engine's archive API has no ranges): run voltop as root on the engine host to read further"
                )
            }
            return try await exclusive { try await HelperRead.preview(engine: engine, helper: id, path: path, maxBytes: limit) }
        }
    }

    /// Deletes the entry at `path` (a directory with everything in it), through directory descriptors only.
    ///
    /// Only direct reads can delete; in helper mode nothing is sent to the engine and `.readOnly` is thrown.
    /// In read-only mode it is refused as well.
    public func remove(path: [[UInt8]], expecting kind: ScanTree.Kind? = nil) async throws {
        guard case .direct(let mountpoint) = source else {
            throw EngineError(
                .readOnly,
                "the helper container mounts volume \(Sanitizer.inline(volume.name)) read-only: deleting inside a volume needs voltop running as root "
                    + "on the engine's host (where the Mountpoint can be read directly)")
        }
        guard !engine.isReadOnly else {
            throw EngineError(
                .readOnly,
                "read-only mode: \(Sanitizer.inline(bytes: Array(path.joined(separator: [0x2F])))) was not removed. Run without --read-only to make changes"
            )
        }
        try await exclusive { try VolumeScanner.remove(relativePath: path, under: mountpoint, expecting: kind) }
    }

    /// Removes the helper container (if any) after stopping a read in flight; later calls do nothing.
    ///
    /// Operations after `close()` throw. If the engine cannot be reached the helper stays behind, labelled, for
    /// `DockerEngine.removeLeftoverHelpers()`.
    ///
    /// `quickly` makes one removal attempt of at most 3 seconds (for a program about to exit, whose leftovers
    /// the next start removes) instead of two of up to a minute each.
    public func close(quickly: Bool = false) async {
        guard !isClosed else { return }
        isClosed = true
        cancelCurrent?()
        if case .helper(let id) = source {
            if quickly {
                try? await engine.removeHelper(id, timeout: .seconds(3))
            } else {
                do { try await engine.removeHelper(id) } catch { try? await engine.removeHelper(id) }
            }
        }
    }

    /// Runs one operation at a time, in a task that `close()` can cancel.
    private func exclusive<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        while isBusy { await withCheckedContinuation { waiters.append($0) } }
        isBusy = true
        defer {
            isBusy = false
            cancelCurrent = nil
            if !waiters.isEmpty { waiters.removeFirst().resume() }
        }
        guard !isClosed else {
            throw EngineError(.conflict, "the file browser for volume \(Sanitizer.inline(volume.name)) is closed; open it again")
        }
        try Task.checkCancellation()
        let task = Task { try await body() }
        cancelCurrent = { task.cancel() }
        return try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }
}

extension VolumeBrowser {
    /// The Mountpoint at which this process can read `volume` itself, or why it cannot: the rules `open` applies
    /// before its engine-identity check (a local socket, root, a `local` volume without driver options, a readable
    /// directory).
    public static func directMountpoint(of volume: Volume, engine: DockerEngine) -> Result<String, EngineError> {
        DirectAccess.check(volume: volume, endpoint: engine.endpoint, euid: geteuid()) { engine.engineDaemon() }
    }

    /// `directMountpoint`, with the engine process already located (one lookup for many volumes).
    public static func directMountpoint(of volume: Volume, engine: DockerEngine, process: EngineDaemon) -> Result<String, EngineError> {
        DirectAccess.check(volume: volume, endpoint: engine.endpoint, euid: geteuid()) { .success(process) }
    }
}

/// Whether direct reads can run for a volume, and why not.
enum DirectAccess {
    /// The path to read the Mountpoint at (below the engine's `/proc/PID/root`), or the error that says why direct
    /// reads cannot run and what to do instead. `process` locates the engine behind the socket; it is called only
    /// once the cheap rules pass.
    static func check(
        volume: Volume, endpoint: EngineEndpoint, euid: uid_t, process: () -> Result<EngineDaemon, EngineError>
    ) -> Result<String, EngineError> {
        let name = Sanitizer.inline(volume.name)
        let instead = "use the helper container instead (voltop du --source helper, or auto)"
        guard endpoint.isLocal else {
            return .failure(
                EngineError(
                    .invalidArgument,
                    "cannot read \(name) directly: the engine at \(Sanitizer.inline(endpoint.address)) is not on this machine, so its Mountpoint is "
                        + "not here. Run voltop as root on the engine's host, or \(instead)"))
        }
        guard volume.driver == "local" else {
            return .failure(
                EngineError(
                    .invalidArgument,
                    "cannot read \(name) directly: it uses the \(Sanitizer.inline(volume.driver)) driver, which keeps its files where the driver "
                        + "mounts them, not at a Mountpoint voltop can read; \(instead)"))
        }
        if !volume.options.isEmpty {
            let type = volume.options["type"].map { " (type=\(Sanitizer.inline($0)))" } ?? ""
            return .failure(
                EngineError(
                    .invalidArgument,
                    "cannot read \(name) directly: it is a local volume with driver options\(type), mounted only while a container uses it, "
                        + "so its Mountpoint is empty; \(instead), which mounts it"))
        }
        guard euid == 0 else {
            return .failure(
                EngineError(
                    .permissionDenied,
                    "cannot read \(name) directly: voltop runs as uid \(euid), not root, and the engine keeps volume data readable by root only. "
                        + "Run it with sudo, or \(instead)"))
        }
        let engineDaemon: EngineDaemon
        switch process() {
        case .success(let found): engineDaemon = found
        case .failure(var error):
            error.message = "cannot read \(name) directly: " + error.message
            return .failure(error)
        }
        let path = engineDaemon.hostPath(of: volume.mountpoint)
        let fd = volume.mountpoint.isEmpty ? -1 : open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            let why = volume.mountpoint.isEmpty ? "the engine reports no Mountpoint" : String(cString: strerror(errno))
            return .failure(
                EngineError(
                    .permissionDenied,
                    "cannot read \(name) directly: its Mountpoint \(Sanitizer.inline(volume.mountpoint)) is not a readable directory on this machine "
                        + "(\(why)); the engine may run in a VM (Docker Desktop) or another mount namespace (rootless). \(instead.prefix(1).uppercased() + instead.dropFirst())"
                ))
        }
        close(fd)
        return .success(path)
    }
}

/// Direct reads of one file below a root, through directory descriptors.
enum DirectRead {
    /// Opens the entry without reading it (`O_PATH | O_NOFOLLOW`: no device or FIFO is opened, a symlink is the
    /// link itself), checks on that descriptor that it is a regular file, then opens that same inode for reading
    /// through `/proc/self/fd`: a device node, FIFO or symlink swapped in after the check is never opened.
    /// `beforeOpen` runs between the check and the open for reading (tests swap the entry there).
    static func preview(
        root: String, path: [[UInt8]], offset: Int64 = 0, maxBytes: Int, beforeOpen: (() -> Void)? = nil
    ) throws -> FilePreview {
        guard let last = path.last else { throw EngineError(.invalidArgument, "name a file inside the volume to preview") }
        let shown = Sanitizer.inline(bytes: Array(path.joined(separator: [0x2F])))
        let rootFD = try SafePath.openRoot(root)
        let mount = SafePath.mountID(of: rootFD)
        let parentFD = try SafePath.openBelow(rootFD, path.dropLast()[...], rootPath: root)
        defer { close(parentFD) }
        // Like the scanner, never into another mount (a bind mount of the same filesystem has the same st_dev).
        guard SafePath.isOnMount(parentFD, mount) else {
            throw SafePath.componentError(EXDEV, Array(path.dropLast()), rootPath: root, action: "read")
        }
        let cName = (last + [0]).map { CChar(bitPattern: $0) }
        let pathFD = SafePath.retrying { cvs_open_path(parentFD, cName) }
        guard pathFD >= 0 else { throw SafePath.componentError(errno, path, rootPath: root, action: "read") }
        defer { close(pathFD) }
        var st = stat()
        guard fstat(pathFD, &st) == 0 else { throw SafePath.componentError(errno, path, rootPath: root, action: "read") }
        try requireRegular(mode: st.st_mode, shown: shown)
        guard SafePath.isOnMount(pathFD, mount) else {
            throw EngineError(.conflict, "\(shown) is a mount point (a file mounted over this one): voltop does not read across mounts")
        }
        beforeOpen?()
        let checked = (dev: st.st_dev, ino: st.st_ino)
        let fd = SafePath.retrying { open("/proc/self/fd/\(pathFD)", O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY) }
        guard fd >= 0 else {
            let e = errno
            if e == ENOENT {
                throw EngineError(
                    .engineFailure,
                    "cannot preview \(shown): /proc is not mounted here, and voltop opens files only through it; mount /proc")
            }
            throw SafePath.componentError(e, path, rootPath: root, action: "read")
        }
        defer { close(fd) }
        guard fstat(fd, &st) == 0 else { throw SafePath.componentError(errno, path, rootPath: root, action: "read") }
        try requireRegular(mode: st.st_mode, shown: shown)
        guard st.st_dev == checked.dev, st.st_ino == checked.ino else {
            throw EngineError(.conflict, "\(shown) changed while voltop opened it: nothing was read. Look again")
        }
        // Never more than the file holds from the offset (a size from the file system is bounded before it
        // sizes an allocation).
        let start = max(0, offset)
        let available = max(0, Int64(st.st_size) - start)
        let want = Int(min(Int64(max(0, maxBytes)), available))
        var bytes = [UInt8](repeating: 0, count: want)
        var filled = 0
        while filled < want {
            let n = bytes.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return pread(fd, base + filled, want - filled, off_t(start) + off_t(filled))
            }
            if n > 0 {
                filled += n
            } else if n < 0 && errno == EINTR {
                continue
            } else if n < 0 {
                throw SafePath.componentError(errno, path, rootPath: root, action: "read")
            } else {
                break
            }
        }
        return FilePreview(bytes: Array(bytes[0..<filled]), size: Int64(st.st_size), offset: start)
    }

    static func requireRegular(mode: mode_t, shown: String) throws {
        switch mode & S_IFMT {
        case S_IFREG: return
        case S_IFDIR: throw EngineError(.invalidArgument, "\(shown) is a directory: nothing to preview")
        case S_IFLNK: throw EngineError(.invalidArgument, "\(shown) is a symbolic link: nothing to preview (voltop never follows links)")
        default: throw EngineError(.invalidArgument, "\(shown) is a special file (device, pipe or socket): nothing to preview")
        }
    }
}

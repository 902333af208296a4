import Dispatch
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Tells when something changes in chosen directories below a root (Linux inotify), for the file-tree pane's
/// live updates in direct mode.
///
/// Directories are opened like the scanner opens them: from the root's descriptor, one component at a time with
/// `O_NOFOLLOW`, so a symlink never leads a watch out of the volume. The watch is then placed on the opened
/// directory through `/proc/self/fd/N` (the inode already opened, not a path resolved again).
///
/// A burst of changes gives one call to `onChange` per `minInterval` at most, always including a trailing call
/// after the last change, so the newest state is never missed.
public final class DirectoryWatcher: @unchecked Sendable {
    /// Everything inotify reports that can change sizes, counts, names or times inside a directory.
    static let mask: UInt32 = UInt32(
        IN_CREATE | IN_DELETE | IN_MODIFY | IN_MOVED_FROM | IN_MOVED_TO | IN_CLOSE_WRITE | IN_ATTRIB
            | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

    private let rootPath: String
    private let inotify: Int32
    private let queue = DispatchQueue(label: "voltop.watcher")
    private let source: DispatchSourceRead
    private let onChange: @Sendable () -> Void
    private let minInterval: Double
    private let logger: Logger
    /// Guarded by `queue`. One inode seen under two paths gets one watch descriptor, so paths share it.
    private var watches: [[[UInt8]]: Int32] = [:]
    private var pathsByWatch: [Int32: Set<[[UInt8]]>] = [:]
    private var lastFired = DispatchTime(uptimeNanoseconds: 1)
    private var trailingScheduled = false
    private var isClosed = false

    /// Starts watching nothing below `rootPath`; call `watch(_:)` with the directories to follow.
    ///
    /// - Throws: `EngineError` when inotify is unavailable (the limit on instances is reached, or not Linux).
    public init(
        rootPath: String, minInterval: Double = 0.25, logger: Logger = Logger(label: "voltop.watcher"),
        onChange: @escaping @Sendable () -> Void
    ) throws {
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else {
            let e = errno
            throw EngineError(
                .engineFailure,
                "cannot watch for changes (inotify): raise fs.inotify.max_user_instances; the pane still refreshes on r",
                cause: String(cString: strerror(e)))
        }
        self.rootPath = rootPath
        self.inotify = fd
        self.onChange = onChange
        self.minInterval = minInterval
        self.logger = logger
        source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        source.setEventHandler { [weak self] in self?.drain() }
        source.setCancelHandler { close(fd) }
        source.resume()
    }

    deinit { source.cancel() }

    /// Follows exactly these directories (relative component lists; `[]` is the root) from now on; directories that
    /// cannot be opened (gone, a symlink, unreadable) are skipped. Returns how many are watched.
    @discardableResult
    public func watch(_ directories: [[[UInt8]]]) -> Int {
        queue.sync {
            guard !isClosed else { return 0 }
            let wanted = Set(directories)
            for (path, wd) in watches where !wanted.contains(path) {
                watches[path] = nil
                pathsByWatch[wd]?.remove(path)
                if pathsByWatch[wd]?.isEmpty ?? true {
                    pathsByWatch[wd] = nil
                    inotify_rm_watch(inotify, wd)
                }
            }
            for path in wanted where watches[path] == nil {
                if let wd = addWatch(path) {
                    watches[path] = wd
                    pathsByWatch[wd, default: []].insert(path)
                }
            }
            return watches.count
        }
    }

    /// The directories watched now.
    public var watched: Set<[[UInt8]]> { queue.sync { Set(watches.keys) } }

    /// Stops watching and releases the inotify descriptor; later changes call nothing. Not to be called from
    /// `onChange`.
    public func stop() {
        let wasClosed = queue.sync { () -> Bool in
            defer { isClosed = true }
            return isClosed
        }
        if !wasClosed { source.cancel() }
    }

    /// Opens the directory safely and watches its inode; nil when it cannot be opened.
    private func addWatch(_ components: [[UInt8]]) -> Int32? {
        do {
            try SafePath.validate(components, allowEmpty: true)
            let root = try SafePath.openRoot(rootPath)
            let fd = try SafePath.openBelow(root, components[...], rootPath: rootPath)
            defer { close(fd) }
            let wd = inotify_add_watch(inotify, "/proc/self/fd/\(fd)", Self.mask)
            guard wd >= 0 else {
                logger.debug("inotify_add_watch failed", metadata: ["errno": "\(errno)"])
                return nil
            }
            return wd
        } catch {
            logger.debug("not watching a directory", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Reads every pending event, then fires once. Which file changed does not matter (any change means "look
    /// again"), but a watched directory that went away (deleted or moved: the kernel drops its watch) is forgotten,
    /// so the next `watch(_:)` watches whatever has that path now.
    private func drain() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var sawEvent = false
        while true {
            let n = buffer.withUnsafeMutableBytes { read(inotify, $0.baseAddress, $0.count) }
            if n > 0 {
                sawEvent = true
                forgetGoneWatches(buffer, count: n)
                continue
            }
            if n < 0 && errno == EINTR { continue }
            break
        }
        if sawEvent { fireThrottled() }
    }

    /// Walks `struct inotify_event` records (wd, mask, cookie, len, name[len]).
    private func forgetGoneWatches(_ buffer: [UInt8], count: Int) {
        let gone = UInt32(IN_IGNORED) | UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF)
        var offset = 0
        buffer.withUnsafeBytes { raw in
            while offset + 16 <= count {
                let wd = raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)
                let mask = raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
                let length = Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
                offset += 16 + length
                guard mask & gone != 0, let paths = pathsByWatch.removeValue(forKey: wd) else { continue }
                for path in paths { watches[path] = nil }
                if mask & UInt32(IN_IGNORED) == 0 { inotify_rm_watch(inotify, wd) }
            }
        }
    }

    private func fireThrottled() {
        guard !isClosed else { return }
        let now = DispatchTime.now()
        let elapsed = Double(now.uptimeNanoseconds &- lastFired.uptimeNanoseconds) / 1e9
        if elapsed >= minInterval {
            lastFired = now
            onChange()
        } else if !trailingScheduled {
            trailingScheduled = true
            queue.asyncAfter(deadline: lastFired + minInterval) { [weak self] in
                guard let self, !self.isClosed else { return }
                self.trailingScheduled = false
                self.lastFired = DispatchTime.now()
                self.onChange()
            }
        }
    }
}

import Foundation
import Logging
import VolumeCore
import VolumeUI

#if canImport(Glibc)
    import Glibc
#endif

/// Carries out the file-tree pane's effects for one open volume at a time, in the order the reducer emitted them.
///
/// Opening picks the source (`VolumeBrowser`: direct or helper container) and scans at once. Live updates come
/// from `DirectoryWatcher` (inotify on the root and the expanded directories) in direct mode, and from a poll of
/// the volume in helper mode, whose interval grows with the time a scan takes (a scan over the archive API streams
/// every header, so a big volume is polled less often). Rescans are spaced by at least the last scan's duration so
/// a container writing all the time cannot keep a core busy.
actor FilesRuntime {
    private let engine: DockerEngine
    private let send: @Sendable (Action) -> Void
    private let logger: Logger
    private let preference: SourcePreference

    private var volume: String?
    private var browser: VolumeBrowser?
    private var watcher: DirectoryWatcher?
    private var pollTask: Task<Void, Never>?
    private var scanTask: Task<Void, Never>?
    /// A rescan asked for while one runs; it starts when that one ends.
    private var isRescanPending = false
    /// Bumped by every open and close, so late results of an earlier volume are dropped.
    private var generation = 0
    private var lastScanSeconds = 0.0
    private var lastScanEnd = Date.distantPast
    private var lastTreeBytes: Int64 = 0
    /// The directories the pane shows (the root and the expanded ones), as the reducer last asked.
    private var shownDirectories: [[[UInt8]]] = [[]]
    /// Directories of the last tree, breadth first, up to `watchBudget`: inotify reports a write only to the
    /// file's own directory, so a container appending to a log inside a collapsed directory would otherwise go
    /// unseen and the sizes up the tree would stay stale.
    private var treeDirectories: [[[UInt8]]] = []
    /// Most directories watched at once (each is one inotify watch; the kernel's default limit is 8,192 per user
    /// on older kernels).
    static let watchBudget = 2_000
    /// A helper-mode volume larger than this is not polled: each look streams the whole volume's contents
    /// through the engine. `r` still rescans.
    static let helperPollLimit: Int64 = 1 << 30

    init(engine: DockerEngine, preference: SourcePreference, logger: Logger, send: @escaping @Sendable (Action) -> Void) {
        self.engine = engine
        self.preference = preference
        self.logger = logger
        self.send = send
    }

    /// Set by `shutdown()`: effects still queued are dropped.
    private var isShuttingDown = false

    /// Handles one file effect; returns once it is started (scans, previews and deletes go on in the background).
    func handle(_ effect: Effect) async {
        guard !isShuttingDown else { return }
        switch effect {
        case .openFiles(let name): await open(name)
        case .rescanFiles(let name): if name == volume { rescan() }
        case .watchFiles(let name, let directories): if name == volume { watch(directories) }
        case .previewFile(let name, let path): if name == volume { preview(name, path) }
        case .deleteFile(let name, let path, let kind): if name == volume { delete(name, path, kind) }
        case .closeFiles(let name): if name == volume { await close() }
        default: break
        }
    }

    /// The dashboard quits: drop queued effects and close whatever is open with one quick removal attempt.
    func shutdown() async {
        isShuttingDown = true
        await close(quickly: true)
    }

    /// Closes whatever is open (the helper container is removed).
    func close(quickly: Bool = false) async {
        generation += 1
        volume = nil
        scanTask?.cancel()
        scanTask = nil
        isRescanPending = false
        pollTask?.cancel()
        pollTask = nil
        watcher?.stop()
        watcher = nil
        if let browser {
            self.browser = nil
            await browser.close(quickly: quickly)
        }
    }

    private func open(_ name: String) async {
        await close()
        let gen = generation
        volume = name
        lastScanSeconds = 0
        lastScanEnd = .distantPast
        lastTreeBytes = 0
        shownDirectories = [[]]
        treeDirectories = []
        do {
            let opened = try await VolumeBrowser.open(engine: engine, volume: name, preference: preference)
            guard gen == generation else {
                await opened.close()
                return
            }
            browser = opened
            if case .direct(let mountpoint) = opened.source {
                let send = self.send
                do {
                    watcher = try DirectoryWatcher(rootPath: mountpoint, logger: logger) { send(.filesChanged(volume: name)) }
                } catch {
                    logger.warning("no live updates for the file tree", metadata: ["error": "\(error)"])
                }
            }
            send(.filesOpened(volume: name, .success(opened.source)))
            startScan()
        } catch {
            guard gen == generation else { return }
            send(.filesOpened(volume: name, .failure(EffectRunner.engineError(error))))
        }
    }

    private func rescan() {
        if scanTask != nil {
            isRescanPending = true
        } else {
            startScan()
        }
    }

    private func startScan() {
        guard let browser, let name = volume else { return }
        let gen = generation
        let send = self.send
        // Space rescans by the last scan's duration (at least a quarter second).
        let wait = max(0, lastScanEnd.addingTimeInterval(max(0.25, lastScanSeconds)).timeIntervalSinceNow)
        scanTask = Task {
            if wait > 0 { try? await Task.sleep(nanoseconds: UInt64(wait * 1e9)) }
            let started = Date()
            var outcome: Result<ScanTree, EngineError>?
            do {
                let tree = try await browser.scan(progress: { send(.filesProgress(volume: name, $0)) })
                outcome = .success(tree)
            } catch is CancellationError {
                outcome = nil
            } catch {
                outcome = .failure(EffectRunner.engineError(error))
            }
            self.scanEnded(gen: gen, name: name, seconds: Date().timeIntervalSince(started), outcome: outcome)
        }
    }

    private func scanEnded(gen: Int, name: String, seconds: Double, outcome: Result<ScanTree, EngineError>?) {
        guard gen == generation else { return }
        scanTask = nil
        lastScanSeconds = seconds
        lastScanEnd = Date()
        if case .success(let tree)? = outcome {
            lastTreeBytes = tree.totals.apparentBytes
            if let watcher {
                treeDirectories = Self.directories(of: tree, budget: Self.watchBudget)
                watcher.watch(shownDirectories + treeDirectories)
            }
        }
        if let outcome { send(.filesScanned(volume: name, outcome)) }
        if isRescanPending {
            isRescanPending = false
            startScan()
        }
    }

    /// The tree's directories breadth first (the root first), at most `budget`; mount points are left out.
    static func directories(of tree: ScanTree, budget: Int) -> [[[UInt8]]] {
        var result: [[[UInt8]]] = []
        var queue = [tree.root]
        var next = 0
        while next < queue.count, result.count < budget {
            let node = queue[next]
            next += 1
            result.append(tree.pathComponents(of: node))
            for child in tree.children(of: node) where tree.kind(of: child) == .directory && !tree.isOnOtherFilesystem(child) {
                queue.append(child)
            }
        }
        return result
    }

    private func watch(_ directories: [[[UInt8]]]) {
        shownDirectories = directories
        if let watcher {
            let count = watcher.watch(directories + treeDirectories)
            logger.debug("watching directories", metadata: ["count": "\(count)"])
            return
        }
        guard let browser, case .helper = browser.source, pollTask == nil, let name = volume else { return }
        // Helper mode: no inotify through the engine; look again every few seconds (longer for slow scans).
        let send = self.send
        // Each look streams every file's bytes through the engine (the archive API has no listing), so look at
        // most every 10 scan-times, and not at all for a volume over `helperPollLimit`.
        pollTask = Task { [weak self] in
            while !Task.isCancelled {
                let last = await self?.lastScanSeconds ?? 0
                try? await Task.sleep(nanoseconds: UInt64(max(1.0, last * 10) * 1e9))
                if Task.isCancelled { return }
                if let bytes = await self?.lastTreeBytes, bytes > Self.helperPollLimit { continue }
                send(.filesChanged(volume: name))
            }
        }
    }

    private func preview(_ name: String, _ path: [[UInt8]]) {
        guard let browser else { return }
        let send = self.send
        Task {
            do {
                let preview = try await browser.preview(path: path, maxBytes: 4096)
                send(.filePreviewLoaded(volume: name, path: path, .success(preview)))
            } catch {
                send(.filePreviewLoaded(volume: name, path: path, .failure(EffectRunner.engineError(error))))
            }
        }
    }

    private func delete(_ name: String, _ path: [[UInt8]], _ kind: ScanTree.Kind) {
        guard let browser else { return }
        let send = self.send
        guard !engine.isReadOnly else {
            send(.fileDeleted(volume: name, path: path, EngineError(.readOnly, "read-only mode: nothing is deleted (restart without --read-only)")))
            return
        }
        Task {
            do {
                try await browser.remove(path: path, expecting: kind)
                send(.fileDeleted(volume: name, path: path, nil))
            } catch {
                send(.fileDeleted(volume: name, path: path, EffectRunner.engineError(error)))
            }
        }
    }
}

/// Measures volumes for the SIZE column by reading their files, one at a time, when voltop runs as root next to
/// the engine (a local socket); elsewhere it does nothing and the column keeps the engine's `/system/df` figures.
///
/// Each request replaces the queue (visible rows first). A volume measured in the last `freshFor` seconds (or 30
/// times its last walk's duration, whichever is longer) is not measured again. Sizes are apparent bytes with hard links counted once, as the engine's own `/system/df` counts.
actor SizeMeasurer {
    private let engine: DockerEngine
    private let send: @Sendable (Action) -> Void
    private let freshFor: Double
    private var queue: [String] = []
    private var isRunning = false
    /// Entries each volume held at its last measurement.
    private var measuredEntries: [String: Int] = [:]
    /// The last size sent per volume.
    private var lastSent: [String: (bytes: Int64, at: Date)] = [:]
    /// Each volume's Mountpoint once looked up (nil: not readable directly); a Mountpoint never changes.
    private var mountpoints: [String: String?] = [:]
    /// When each volume was last measured and how long that took.
    private var measuredAt: [String: (at: Date, seconds: Double)] = [:]
    /// Whether this process can read volumes directly at all.
    nonisolated let isAvailable: Bool

    init(
        engine: DockerEngine, preference: SourcePreference, freshFor: Double = 10, refreshEvery: Double = 15,
        send: @escaping @Sendable (Action) -> Void
    ) {
        self.engine = engine
        self.send = send
        self.freshFor = min(freshFor, max(1, refreshEvery))
        self.refreshEvery = refreshEvery
        if case .unix = engine.endpoint.transport, geteuid() == 0, preference != .helper {
            isAvailable = true
        } else {
            isAvailable = false
        }
    }

    /// Whether the engine was checked to run on this host (nil: not checked yet).
    private var isSameHost: Bool?
    /// The last list asked for (rows on screen first).
    private var lastRequested: [String] = []
    /// Seconds between two looks at the rows on screen (0: never); see `measure`.
    private let refreshEvery: Double
    private var refreshTask: Task<Void, Never>?
    /// How many names of the last list the periodic look covers (about a screenful of rows).
    static let refreshedRows = 50

    /// Measures `names` in order. Writes into a volume make no engine event, so every `refreshEvery` seconds the
    /// first rows of the last list (those on screen) that a running container writes to are looked at again, each
    /// only once its measurement is no longer fresh: a volume filling the disk shows it in the SIZE column without
    /// a key.
    func measure(_ names: [String]) async {
        guard isAvailable else { return }
        if isSameHost == nil { isSameHost = await engine.runsOnThisHost() }
        guard isSameHost == true else { return }
        lastRequested = names
        enqueue(names)
        if refreshTask == nil, refreshEvery > 0 {
            let every = refreshEvery
            refreshTask = Task { [weak self] in
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: UInt64(every * 1e9))
                    await self?.refreshVisible()
                }
            }
        }
    }

    /// Looks again at the rows on screen that a running container mounts read-write: only those can grow from
    /// inside a container (one `GET /containers/json` of running containers per look; an idle host costs nothing).
    private func refreshVisible() async {
        guard let running = try? await engine.containers(filters: ["status": ["running"]]) else { return }
        var written = Set<String>()
        for container in running where container.state == "running" {
            for mount in container.mounts where mount.type == "volume" && mount.isReadWrite {
                if let name = mount.name { written.insert(name) }
            }
        }
        let names = lastRequested.prefix(Self.refreshedRows).filter(written.contains)
        if !names.isEmpty { enqueue(Array(names)) }
    }

    private func enqueue(_ names: [String]) {
        queue = names
        guard !isRunning else { return }
        isRunning = true
        Task { await drain() }
    }

    deinit { refreshTask?.cancel() }

    private func drain() async {
        while !queue.isEmpty {
            let name = queue.removeFirst()
            // A measurement stays fresh for `freshFor`, or 30 times as long as it took (a volume of a million files
            // is not walked again every few seconds on a busy host).
            if let last = measuredAt[name], Date().timeIntervalSince(last.at) < max(freshFor, last.seconds * 30) { continue }
            let started = Date()
            measuredAt[name] = (started, 0)
            defer { measuredAt[name] = (started, Date().timeIntervalSince(started)) }
            do {
                let mountpoint: String?
                if let known = mountpoints[name] {
                    mountpoint = known
                } else {
                    let (volume, _) = try await engine.volume(name)
                    // Volumes with driver options (nfs, tmpfs…) hold nothing in _data until mounted: keep df's figure.
                    let readable = volume.driver == "local" && volume.options.isEmpty && !volume.mountpoint.isEmpty
                    mountpoint = readable ? volume.mountpoint : nil
                    mountpoints[name] = .some(mountpoint)
                }
                guard let mountpoint else { continue }
                // Reserve room for what the volume held last time (times 4, at least 64Ki entries): a small
                // reservation makes the frequent re-measure of small volumes cheap. Grown past it, walk again in full.
                let known = measuredEntries[name].map { max(1 << 16, $0 * 4) }
                var tree: ScanTree
                do {
                    tree = try await VolumeScanner.scan(rootPath: mountpoint, options: ScanOptions(workers: 2, maxEntries: known ?? (1 << 27)))
                } catch is EngineError where known != nil {
                    tree = try await VolumeScanner.scan(rootPath: mountpoint, options: ScanOptions(workers: 2))
                }
                measuredEntries[name] = tree.count
                // Only a change is sent (an unchanged size needs no new frame), and every size once a minute (the
                // file pane may have set a newer figure meanwhile).
                let bytes = tree.engineStyleBytes
                if let last = lastSent[name], last.bytes == bytes, Date().timeIntervalSince(last.at) < 60 { continue }
                lastSent[name] = (bytes, Date())
                send(.volumeMeasured(name: name, .success(bytes)))
            } catch {
                // A volume removed and made again under the same name gets its Mountpoint looked up anew.
                mountpoints[name] = nil
                lastSent[name] = nil
                send(.volumeMeasured(name: name, .failure(EffectRunner.engineError(error))))
            }
        }
        isRunning = false
    }
}

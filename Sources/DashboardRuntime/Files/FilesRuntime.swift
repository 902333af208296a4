import Logging
import VolumeCore
import VolumeUI

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// Carries out the file-tree pane's effects for one open volume at a time, in the order the reducer emitted them.
///
/// Opening picks the source (`VolumeBrowser`: direct or helper container) and scans at once. Live updates come
/// from `DirectoryWatcher` in direct mode (the shown directories plus every directory of the tree, up to
/// `watchBudget`), and from a poll in helper mode, whose interval grows with the time a scan takes (the archive API
/// streams every byte of the volume, so a big volume is polled less often, or not at all). Rescans are spaced by at
/// least the last scan's duration so a container writing all the time cannot keep a core busy.
actor FilesRuntime: FileEffectHandling {
    /// Everything about the open volume; `close` drops it whole.
    private struct Session {
        let volume: String
        var browser: (any VolumeFileSource)?
        var watcher: DirectoryWatcher?
        var pollTask: Task<Void, Never>?
        var scanTask: Task<Void, Never>?
        /// A rescan asked for while one runs; it starts when that one ends.
        var isRescanPending = false
        var lastScanSeconds = 0.0
        var lastScanEnd = Date.distantPast
        var lastTreeBytes: Int64 = 0
        /// The directories the pane shows (the root and the expanded ones), as the reducer last asked.
        var shownDirectories: [[[UInt8]]] = [[]]
        /// Directories of the last tree, breadth first, up to `watchBudget`: inotify reports a write only to the
        /// file's own directory, so a container appending to a log inside a collapsed directory would otherwise go
        /// unseen and the sizes up the tree would stay stale.
        var treeDirectories: [[[UInt8]]] = []

        init(volume: String) { self.volume = volume }
    }

    private let opener: @Sendable (String) async throws -> any VolumeFileSource
    private let clock: any RuntimeClock
    private let send: @Sendable (Action) -> Void
    private let logger: Logger
    /// Where file deletes are recorded.
    private let auditLog: AuditLog
    private var session: Session?
    /// Bumped by every open and close, so late results of an earlier volume are dropped.
    private var generation = 0
    /// Set by `shutdown()`: effects still queued are dropped.
    private var isShuttingDown = false
    /// Opens waiting for their source (a helper container being made).
    private var openings = 0

    /// Most directories watched at once (each is one inotify watch; the kernel's default limit is 8,192 per user
    /// on older kernels).
    static let watchBudget = 2_000
    /// A helper-mode volume larger than this is not polled: each look streams the whole volume's contents
    /// through the engine. `r` still rescans.
    static let helperPollLimit: Int64 = 1 << 30

    /// A runtime that opens volumes with `opener` (`VolumeBrowser.open` in the dashboard, a fake in tests).
    init(
        opener: @escaping @Sendable (String) async throws -> any VolumeFileSource, logger: Logger, clock: any RuntimeClock,
        auditLog: AuditLog = .current(), send: @escaping @Sendable (Action) -> Void
    ) {
        self.auditLog = auditLog
        self.opener = opener
        self.clock = clock
        self.logger = logger
        self.send = send
    }

    /// Handles one file effect; returns once it is started (scans, previews and deletes go on in the background).
    func handle(_ effect: Effect) async {
        guard !isShuttingDown else { return }
        if case .openFiles(let name) = effect { return await open(name) }
        guard let open = session, let name = effect.fileVolume, name == open.volume else { return }
        switch effect {
        case .rescanFiles: rescan()
        case .watchFiles(_, let directories): watch(directories)
        case .previewFile(_, let path, let offset): if let browser = open.browser { preview(browser, name, path, offset) }
        case .deleteFile(_, let path, let kind): if let browser = open.browser { delete(browser, name, path, kind) }
        case .closeFiles: await close()
        default: break
        }
    }

    /// The dashboard quits: drop queued effects and close whatever is open with one quick removal attempt.
    ///
    /// A helper container still being made would outlive voltop (the monkey test found one left after a quit): the
    /// quit waits up to 2 s for such an open to end, which removes what it made (its volume is no longer the one
    /// open). Past that, the next voltop removes it as a leftover of a run that is gone.
    func shutdown() async {
        isShuttingDown = true
        await close(quickly: true)
        for _ in 0..<100 where openings > 0 {
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
    }

    /// Closes whatever is open (the helper container is removed).
    func close(quickly: Bool = false) async {
        generation += 1
        guard let closing = session else { return }
        session = nil
        closing.scanTask?.cancel()
        closing.pollTask?.cancel()
        closing.watcher?.stop()
        await closing.browser?.close(quickly: quickly)
    }

    private func open(_ name: String) async {
        // Counted from before the first suspension: a quit that comes while the last pane closes waits for this open
        // too, which then makes nothing (before, the quit found no open counted and ended, and the open went on to
        // make a helper container that outlived voltop). The count ends on every path out (nothing awaits after the
        // open's last suspension).
        openings += 1
        defer { openings -= 1 }
        await close()
        guard !isShuttingDown else { return }
        let gen = generation
        session = Session(volume: name)
        do {
            let opened = try await opener(name)
            guard gen == generation, !isShuttingDown else {
                await opened.close(quickly: isShuttingDown)
                return
            }
            session?.browser = opened
            if case .direct(let mountpoint) = opened.source {
                let send = self.send
                do {
                    session?.watcher = try DirectoryWatcher(rootPath: mountpoint, logger: logger) { send(.filesChanged(volume: name)) }
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
        if session?.scanTask != nil {
            session?.isRescanPending = true
        } else {
            startScan()
        }
    }

    private func startScan() {
        guard let open = session, let browser = open.browser else { return }
        let gen = generation
        let name = open.volume
        let send = self.send
        // Space rescans by the last scan's duration (at least a quarter second).
        let clock = self.clock
        let wait = max(0, open.lastScanEnd.addingTimeInterval(max(0.25, open.lastScanSeconds)).timeIntervalSince(clock.now()))
        session?.scanTask = Task {
            if wait > 0 { try? await clock.sleep(seconds: wait) }
            let started = clock.now()
            var outcome: Result<ScanTree, EngineError>?
            do {
                let tree = try await browser.scan(path: [], progress: { send(.filesProgress(volume: name, $0)) })
                outcome = .success(tree)
            } catch is CancellationError {
                outcome = nil
            } catch {
                outcome = .failure(EffectRunner.engineError(error))
            }
            self.scanEnded(gen: gen, seconds: clock.seconds(since: started), outcome: outcome)
        }
    }

    private func scanEnded(gen: Int, seconds: Double, outcome: Result<ScanTree, EngineError>?) {
        guard gen == generation, var open = session else { return }
        open.scanTask = nil
        open.lastScanSeconds = seconds
        open.lastScanEnd = clock.now()
        if case .success(let tree)? = outcome {
            open.lastTreeBytes = tree.totals.apparentBytes
            if let watcher = open.watcher {
                open.treeDirectories = Self.directories(of: tree, budget: Self.watchBudget)
                watcher.watch(open.shownDirectories + open.treeDirectories)
            }
        }
        let startAgain = open.isRescanPending
        open.isRescanPending = false
        session = open
        if let outcome { send(.filesScanned(volume: open.volume, outcome)) }
        if startAgain { startScan() }
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
        guard var open = session else { return }
        open.shownDirectories = directories
        defer { session = open }
        if let watcher = open.watcher {
            let count = watcher.watch(directories + open.treeDirectories)
            logger.debug("watching directories", metadata: ["count": "\(count)"])
            return
        }
        guard case .helper? = open.browser?.source, open.pollTask == nil else { return }
        // Helper mode: no inotify through the engine. Each look streams every file's bytes through the engine (the
        // archive API has no listing), so look at most every 10 scan-times, and not at all for a volume over
        // `helperPollLimit`.
        let send = self.send
        let name = open.volume
        let clock = self.clock
        open.pollTask = Task { [weak self] in
            while !Task.isCancelled {
                let last = await self?.session?.lastScanSeconds ?? 0
                try? await clock.sleep(seconds: max(1.0, last * 10))
                if Task.isCancelled { return }
                if let bytes = await self?.session?.lastTreeBytes, bytes > Self.helperPollLimit { continue }
                send(.filesChanged(volume: name))
            }
        }
    }

    private func preview(_ browser: any VolumeFileSource, _ name: String, _ path: [[UInt8]], _ offset: Int64) {
        let send = self.send
        Task {
            do {
                let preview = try await browser.preview(path: path, offset: offset, maxBytes: Effect.previewWindowBytes)
                send(.filePreviewLoaded(volume: name, path: path, .success(preview)))
            } catch {
                send(.filePreviewLoaded(volume: name, path: path, .failure(EffectRunner.engineError(error))))
            }
        }
    }

    /// Appends to the audit log; a failure to write it goes to the dashboard's log and, as `.auditFailed`, to the
    /// screen (a warning under the header), never silent.
    private static func audit(_ entry: AuditLog.Entry, to log: AuditLog, _ logger: Logger, send: @Sendable (Action) -> Void) {
        do { try log.append(entry) } catch {
            logger.error("could not write the audit log", metadata: ["error": "\(error)"])
            send(
                .auditFailed(
                    "the audit log missed \(entry.action) of \(entry.names.joined(separator: ", ")) (done, not logged): "
                        + "\(EffectRunner.describe(error)). Fix the directory's permissions, or set XDG_STATE_HOME"))
        }
    }

    /// `VolumeBrowser.remove` refuses read-only mode and helper mode itself, before touching anything.
    private func delete(_ browser: any VolumeFileSource, _ name: String, _ path: [[UInt8]], _ kind: ScanTree.Kind) {
        let send = self.send
        Task {
            let shown = name + ":/" + Sanitizer.inline(bytes: Array(path.joined(separator: [0x2F])))
            let (logger, auditLog) = (self.logger, self.auditLog)
            do {
                try await browser.remove(path: path, expecting: kind)
                Self.audit(
                    AuditLog.Entry(action: "file-delete", engine: "", names: [shown], result: "ok"), to: auditLog, logger, send: send)
                send(.fileDeleted(volume: name, path: path, nil))
            } catch {
                Self.audit(
                    AuditLog.Entry(action: "file-delete", engine: "", names: [shown], result: "failed: \(error)"), to: auditLog, logger,
                    send: send)
                send(.fileDeleted(volume: name, path: path, EffectRunner.engineError(error)))
            }
        }
    }
}

extension Effect {
    /// The volume a file effect is about (nil for other effects).
    fileprivate var fileVolume: String? {
        switch self {
        case .openFiles(let v), .rescanFiles(let v), .closeFiles(let v): return v
        case .watchFiles(let v, _), .previewFile(let v, _, _): return v
        case .deleteFile(let v, _, _): return v
        default: return nil
        }
    }
}

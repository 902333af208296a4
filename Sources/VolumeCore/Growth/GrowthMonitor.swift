#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// One volume's growth as the dashboard shows it.
public struct VolumeGrowth: Sendable, Equatable {
    /// Bytes per second over about ten seconds (nil: not known yet).
    public var shortRate: Double?
    /// Bytes per second over about a minute.
    public var longRate: Double?
    /// Who writes: seen writing (fanotify), or the running containers that mount it read-write ("may write").
    public var writers: [VolumeWriter]
    /// Whether `writers` were seen writing.
    public var writersSeen: Bool
    /// The size over the last minutes, oldest first (nil before the first measurement), for a sparkline.
    public var history: [Int64?]
    /// The size now: the last walk plus what its written files grew since (nil before the first walk).
    public var bytes: Int64?

    public init(
        shortRate: Double?, longRate: Double?, writers: [VolumeWriter], writersSeen: Bool, history: [Int64?], bytes: Int64? = nil
    ) {
        self.bytes = bytes
        self.shortRate = shortRate
        self.longRate = longRate
        self.writers = writers
        self.writersSeen = writersSeen
        self.history = history
    }
}

/// Growth of every volume that can grow, and the disk that holds them.
public struct GrowthSnapshot: Sendable, Equatable {
    /// By volume name; a volume that nothing can write is absent (shown `-`).
    public var volumes: [String: VolumeGrowth] = [:]
    /// The filesystem of the engine's data root, when it can be seen from here.
    public var disk: DiskSpace?
    /// Why the disk is not shown, when it is not.
    public var diskNote: String?
    /// Why writers are a guess ("may write"), when they are.
    public var writersNote: String?

    public init() {}

    /// The sum of all short-window rates (shrinking volumes count against it).
    public var totalRate: Double {
        volumes.values.reduce(0) { $0 + ($1.shortRate ?? 0) }
    }

    /// The volume growing fastest over the short window, when one grows at all.
    public var fastest: (name: String, growth: VolumeGrowth)? {
        let growing = volumes.filter { ($0.value.shortRate ?? 0) > 0 }
        guard let best = growing.max(by: { ($0.value.shortRate ?? 0, $1.key) < ($1.value.shortRate ?? 0, $0.key) }) else { return nil }
        return (best.key, best.value)
    }
}

/// Follows growth while the dashboard runs: drains the write watcher (when fanotify is there) into a `GrowthTracker`,
/// takes the size measurer's walks as anchors, and publishes a `GrowthSnapshot` about once a second (only when it
/// changed). Without fanotify, rates come from the walks alone and writers are the "may write" containers.
public actor GrowthMonitor {
    private let engine: DockerEngine
    private let now: @Sendable () -> Double
    private let publish: @Sendable (GrowthSnapshot) -> Void
    private let requestWalk: @Sendable ([String]) -> Void
    private var watcher: WriteWatcher?
    /// The volumes the watcher watches (see `writesFollowed`).
    private var followed: Set<String> = []
    private var tracker = GrowthTracker()
    private var writable: [String: [String]] = [:]
    private var namesByID: [String: String] = [:]
    private var last = GrowthSnapshot()
    private var disk: (space: DiskSpace?, note: String?, at: Double)?
    private var writersNote: String?
    /// The data root as seen from here (asked once: it does not change while the engine runs).
    private var dataRoot: Result<String, EngineError>?
    /// The last time the engine's figures were asked for growth (no direct reads), and how long that took.
    private var engineFigures: (at: Double, took: Double)?
    private let engineFiguresOnly: Bool
    private let engineFiguresEvery: Double
    /// The largest share of the time spent waiting for the engine's figures.
    private let engineFiguresShare: Double
    /// Whether volumes are read directly (as root next to the engine); else growth comes from the engine's figures.
    private var isDirect = false
    /// The engine process (located once).
    private var daemon: Result<EngineDaemon, EngineError>?
    /// Whether something happened since the last snapshot (writes, a walk, a new catalog, a rate not yet at zero).
    private var dirty = true
    /// Whether some rate has not reached zero yet (the windows still move: a new snapshot every 2 s, not every step).
    private var decaying = false
    private var builtAt = -Double.infinity
    /// Wakes `run` early (a new catalog, a finished walk); nil before `run`.
    private var waker: GrowthWaker?

    /// - Parameters:
    ///   - publish: gets each new snapshot.
    ///   - requestWalk: asks the size measurer to walk volumes again (events were lost, or too many files changed).
    ///   - engineFiguresOnly: measure with the engine's figures as without root (for tests), every
    ///     `engineFiguresEvery` seconds at the most.
    public init(
        engine: DockerEngine, now: @escaping @Sendable () -> Double = { GrowthSampler.monotonicSeconds() },
        publish: @escaping @Sendable (GrowthSnapshot) -> Void, requestWalk: @escaping @Sendable ([String]) -> Void = { _ in },
        engineFiguresOnly: Bool = false, engineFiguresEvery: Double = 30, engineFiguresShare: Double = 0.1
    ) {
        self.engineFiguresShare = min(1, max(0.01, engineFiguresShare))
        self.engineFiguresOnly = engineFiguresOnly
        self.engineFiguresEvery = engineFiguresEvery
        self.engine = engine
        self.now = now
        self.publish = publish
        self.requestWalk = requestWalk
    }

    /// A new catalog: which volumes a running container can write, and (with fanotify) what to watch.
    public func update(_ catalog: Catalog) {
        var writable: [String: [String]] = [:]
        for entry in catalog.entries {
            let names = Set(entry.owners.filter { $0.isRunning && $0.isReadWrite }.map(\.containerName))
            if !names.isEmpty { writable[entry.name] = names.sorted() }
        }
        self.writable = writable
        namesByID = Dictionary(catalog.containers.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        tracker.keep(only: Set(catalog.entries.map(\.name)))
        dirty = true
        waker?.nudge()
        if watcher == nil, writersNote == nil {
            if daemon == nil { daemon = engine.engineDaemon() }
            if engineFiguresOnly {
                writersNote = "voltop sees who writes only as root next to the engine"
            } else if geteuid() == 0, engine.endpoint.isLocal, case .success(let daemon) = daemon {
                isDirect = true
                switch WriteWatcher.open(for: daemon) {
                case .success(let opened): watcher = opened
                case .failure(let error): writersNote = error.message
                }
            } else {
                writersNote = "voltop sees who writes only as root next to the engine"
            }
        }
        guard let watcher else { return }
        var mounts: [String: WriteWatcher.Mounts] = [:]
        for container in catalog.containers where container.state == "running" {
            for mount in container.mounts where mount.type == "volume" {
                if let name = mount.name { mounts[container.id, default: [:]][mount.destination] = name }
            }
        }
        let mountpoints = Dictionary(catalog.entries.map { ($0.volume.mountpoint, $0.name) }, uniquingKeysWith: { a, _ in a })
        watcher.watch(mountpoints: mountpoints, containers: mounts)
        followed = watcher.watchedVolumes
    }

    /// The volumes whose writes fanotify reports (none without it): their growth is seen without walking them.
    public func writesFollowed() -> Set<String> { followed }

    /// A measurement of `name` finished with `bytes` (taken as measured now). An incomplete one (an incremental
    /// re-measure that read only the directories whose times moved) misses files growing in place: while fanotify
    /// follows those it is no anchor (the followed files would count twice or not at all); without fanotify the
    /// re-measures are the samples growth has.
    public func measured(_ name: String, bytes: Int64, isComplete: Bool = true) {
        guard isComplete || watcher == nil else { return }
        tracker.measured(name, bytes: bytes, at: now())
        dirty = true
        waker?.nudge()
    }

    /// One step: drain writes, move the windows, and publish when something changed. The runtime calls it about
    /// twice a second while the dashboard runs (never faster than that: it costs one `read` when nothing is written).
    public func step() async {
        let time = now()
        if let watcher {
            let batch = watcher.drainBatch()
            if !batch.files.isEmpty || !batch.writers.isEmpty || batch.overflowed { dirty = true }
            let again = tracker.apply(batch, at: time)
            if !again.isEmpty { requestWalk(again.sorted()) }
        }
        if !isDirect { await measureWithEngineFigures(at: time) }
        // Quiet and nothing moving: look again only every 10 s (a writer's memory runs out, the disk fills).
        guard dirty || (decaying && time - builtAt >= 2) || time - builtAt >= 10 else { return }
        dirty = false
        builtAt = time
        // Only fanotify knows that no event means no change; walks and the engine's figures are samples of their own.
        if watcher != nil { tracker.tick(writable.keys, at: time) }
        tracker.expireWriters(now: time)
        if disk == nil || time - (disk?.at ?? 0) >= 10 { disk = await diskSpace(at: time) }
        var snapshot = GrowthSnapshot()
        snapshot.disk = disk?.space
        // The disk as shown: a change the header would not show (a few bytes free more or less) is no new snapshot,
        // so an idle host costs no redraw.
        if let shown = last.disk, let now = snapshot.disk, shown.usedPercent == now.usedPercent,
            Format.bytes(shown.freeBytes) == Format.bytes(now.freeBytes)
        {
            snapshot.disk = shown
        }
        snapshot.diskNote = disk?.note
        snapshot.writersNote = writersNote
        var names = Set(writable.keys)
        for name in tracker.namesWithWriters where !tracker.writers(name, now: time).isEmpty { names.insert(name) }
        for name in names {
            let seen = tracker.writers(name, now: time)
            let writers: [VolumeWriter]
            if watcher != nil {
                writers = VolumeWriter.grouped(seen, containerNames: namesByID)
            } else {
                writers = (writable[name] ?? []).map { VolumeWriter(container: $0, pid: nil, command: nil) }
            }
            let series = tracker.series(name)
            snapshot.volumes[name] = VolumeGrowth(
                shortRate: tracker.rate(name, over: GrowthSeries.shortWindow).map(Self.rounded),
                longRate: tracker.rate(name, over: GrowthSeries.longWindow).map(Self.rounded),
                writers: writers, writersSeen: watcher != nil,
                history: series?.sparkline(points: 30, span: 300) ?? [], bytes: tracker.estimate(name))
        }
        // Rates not at zero yet keep the snapshot moving; once all are flat, only new writes wake it.
        decaying = snapshot.volumes.values.contains { ($0.shortRate ?? 0) != 0 || ($0.longRate ?? 0) != 0 }
        guard snapshot != last else { return }
        last = snapshot
        publish(snapshot)
    }

    /// Without direct reads, the volumes a running container can write are measured with the engine's figures
    /// (`/system/df`, which walks every volume): at most every 30 s, and never more than a tenth of the time.
    private func measureWithEngineFigures(at time: Double) async {
        guard !writable.isEmpty else { return }
        if let last = engineFigures, time - last.at < max(engineFiguresEvery, last.took / engineFiguresShare) { return }
        let start = now()
        guard let usage = try? await engine.diskUsage() else {
            engineFigures = (time, max(1, now() - start))
            return
        }
        let end = now()
        engineFigures = (end, end - start)
        let middle = (start + end) / 2
        for name in writable.keys {
            guard let figure = usage[name], figure.size >= 0 else { continue }
            tracker.measured(name, bytes: figure.size, at: middle)
        }
        dirty = true
    }

    /// The disk of the data root (its path asked of the engine once).
    private func diskSpace(at time: Double) async -> (space: DiskSpace?, note: String?, at: Double) {
        if daemon == nil { daemon = engine.engineDaemon() }
        guard case .success(let daemon) = daemon else {
            return (nil, "the engine's disk is not visible from here (remote engine or another namespace)", time)
        }
        if dataRoot == nil {
            do { dataRoot = .success(try await engine.dataRoot()) } catch {
                dataRoot = .failure(error as? EngineError ?? EngineError(.engineFailure, "\(error)"))
            }
        }
        switch dataRoot {
        case .success(let root):
            let seenAt = daemon.root == "/" ? root : daemon.root + root
            guard let space = DiskSpace.of(path: seenAt) else {
                return (nil, "cannot read the free space of \(Sanitizer.inline(root))", time)
            }
            return (space, nil, time)
        case .failure(let error): return (nil, error.message, time)
        case nil: return (nil, nil, time)
        }
    }

    /// Rates to whole bytes per second, so that a steady volume does not publish a new snapshot every step.
    static func rounded(_ rate: Double) -> Double { rate.rounded() }

    /// Runs `step` until cancelled: at most once per `interval` seconds, as soon as writes are pending or something
    /// else changed (a catalog, a walk), else after a quiet timeout (10 s; 2 s while rates fall to zero). With
    /// fanotify an idle dashboard thus wakes every 10 s, not twice a second; without it (no direct reads) it steps
    /// every `interval`, as the engine's figures and the walks are its samples.
    public func run(interval: Double = 0.5) async {
        let waker = GrowthWaker()
        self.waker = waker
        await withTaskCancellationHandler {
            while !Task.isCancelled {
                let started = now()
                await step()
                let descriptor = watcher?.descriptor ?? -1
                let timeout = descriptor >= 0 ? (decaying ? 2 : Self.quietTimeout) : interval
                await waker.waitAsync(descriptor: descriptor, timeout: timeout)
                if Task.isCancelled || waker.isStopped { break }
                // Writes that keep coming are read in batches, one step per interval.
                let rest = max(0.05, interval) - (now() - started)
                if rest > 0 { try? await Task.sleep(nanoseconds: UInt64(rest * 1e9)) }
            }
        } onCancel: {
            waker.stop()
        }
    }

    /// Seconds between two steps when nothing is written and no rate moves (the disk's free space is read this often).
    static let quietTimeout = 10.0
}

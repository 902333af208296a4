import VolumeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// Measures a volume by walking its `_data` in the engine's mount namespace, when voltop runs as root next to the
/// engine (a local socket); elsewhere it is not available and the SIZE column keeps `/system/df`'s figures.
///
/// Sizes are counted as the engine's `du -s` counts them: disk usage, what removing the volume gives back
/// (`ScanTree.diskUsageBytes`).
actor DirectVolumeProbe: VolumeProbe {
    private let engine: DockerEngine
    nonisolated let isAvailable: Bool
    /// Threads per walk of a large volume (the scanner's minimum); a small one is measured on one.
    nonisolated let walkThreads = 2
    /// A volume with at most this many entries is measured by one thread, without the scanner's tree: most volumes
    /// hold a few files, and the scanner's two threads and its columns (address space mapped and unmapped per walk)
    /// cost more than reading them (about 440 µs against 13 µs for an empty volume). Past it the scanner walks.
    static let smallVolumeEntries = 4096
    /// Niceness added to the measuring threads while they walk: they give way to the dashboard's input and drawing,
    /// and to the host's work.
    static let niceness: Int32 = 10
    /// The thread that measures small volumes and re-measures written ones, one after the other.
    private let worker = BackgroundThread(name: "voltop-measure", niceness: DirectVolumeProbe.niceness)
    /// The engine process whose mount namespace holds the volumes (nil: not located yet, or it failed).
    private var engineDaemon: EngineDaemon?
    /// Mountpoints looked up (nil inside: not readable directly); a Mountpoint never changes.
    private var mountpoints: [String: String?] = [:]
    /// The volume list of this pass, fetched once (never an inspect per volume: a request per row on a host of
    /// 10,000 volumes), or the catalog's own when it is recent.
    private var listed: [String: Volume]?
    /// Volumes a running container writes (the measurer's last look): these are re-measured incrementally.
    private var written: Set<String> = []
    /// Incremental re-measures of written volumes (directory times kept between passes; no file is remembered).
    private var incremental: [String: Remeasure] = [:]
    /// Volumes found larger than a small volume: the scanner walks them at once (not 4,096 entries first, each pass).
    private var large: Set<String> = []

    /// One written volume's incremental state and when it was last measured completely.
    private struct Remeasure {
        let usage: IncrementalDiskUsage
        var plan = RemeasurePlan()
    }

    init(engine: DockerEngine, preference: SourcePreference) {
        self.engine = engine
        if case .unix = engine.endpoint.transport, geteuid() == 0, preference != .helper {
            isAvailable = true
        } else {
            isAvailable = false
        }
    }

    func diskUsage(of name: String) async throws -> Int64? {
        try await measure(name)?.bytes
    }

    /// A volume nothing writes is walked (on one thread when small, by the scanner otherwise); a volume a running
    /// container writes is re-measured through `IncrementalDiskUsage` (only directories whose times moved are read),
    /// completely when `RemeasurePlan` says so.
    func measure(_ name: String) async throws -> VolumeMeasurement? {
        if engineDaemon == nil { engineDaemon = try? engine.engineDaemon().get() }
        guard let process = engineDaemon else { return nil }
        do {
            if mountpoints[name] == nil {
                guard let volume = try await listedVolumes()[name] else {
                    throw EngineError(.notFound, "volume \(Sanitizer.inline(name)) is gone")
                }
                // Volumes with driver options (nfs, tmpfs…) hold nothing in _data until mounted: keep df's figure.
                mountpoints[name] = .some(try? VolumeBrowser.directMountpoint(of: volume, engine: engine, process: process).get())
            }
            guard let mountpoint = mountpoints[name] ?? nil else { return nil }
            if written.contains(name), let measured = await remeasure(name, at: mountpoint) { return measured }
            if !large.contains(name) {
                let small = await worker.run {
                    Result { try IncrementalDiskUsage(rootPath: mountpoint, maxEntries: Self.smallVolumeEntries).measure(full: true) }
                }
                if case .success(let bytes) = small { return VolumeMeasurement(bytes: bytes, isComplete: true, threads: 1) }
            }
            // Larger (or deeper) than a small volume, or unreadable: the scanner walks it, and reports its own error.
            let options = ScanOptions(workers: walkThreads, niceness: Self.niceness)
            let tree = try await VolumeScanner.scan(rootPath: mountpoint, options: options)
            if tree.count > Self.smallVolumeEntries { large.insert(name) } else { large.remove(name) }
            return VolumeMeasurement(bytes: tree.diskUsageBytes, isComplete: true)
        } catch {
            // A volume removed and made again under the same name gets its Mountpoint looked up anew, and a
            // restarted engine (a new pid, so a new /proc/PID/root) is located again.
            mountpoints[name] = nil
            incremental[name] = nil
            large.remove(name)
            engineDaemon = nil
            throw error
        }
    }

    /// The incremental re-measure of a written volume, or nil when the full scanner must do it (a tree deeper than
    /// the incremental walk goes).
    private func remeasure(_ name: String, at mountpoint: String) async -> VolumeMeasurement? {
        let now = ProcessInfo.processInfo.systemUptime
        var state = incremental[name] ?? Remeasure(usage: IncrementalDiskUsage(rootPath: mountpoint))
        guard !state.plan.isIncrementalRefused else { return nil }
        let full = state.plan.isFullDue(now: now)
        let usage = state.usage
        let result: Result<Int64, any Error> = await worker.run { Result { try usage.measure(full: full) } }
        let seconds = max(0, ProcessInfo.processInfo.systemUptime - now)
        switch result {
        case .success(let bytes):
            // The first pass of a new state reads everything: it is complete too.
            let complete = full || usage.lastWork.directoriesReused == 0
            if complete { state.plan.measuredCompletely(at: now, seconds: seconds) }
            state.plan.lastUsed = now
            incremental[name] = state
            forgetIdle(now: now)
            return VolumeMeasurement(bytes: bytes, isComplete: complete, threads: 1)
        case .failure:
            // Too deep, or the root went: the full scanner measures it (and reports its own error).
            state.plan.isIncrementalRefused = true
            incremental[name] = state
            return nil
        }
    }

    /// Whether `name` was found larger than a small volume (for tests).
    func isKnownLarge(_ name: String) -> Bool { large.contains(name) }

    /// What the last incremental re-measure of `name` did (nil: it is walked, not re-measured).
    func incrementalWork(_ name: String) -> IncrementalDiskUsage.Work? { incremental[name]?.usage.lastWork }

    /// Drops the state of volumes not re-measured for a while (nothing writes them any more, or they are off screen).
    private func forgetIdle(now: Double) {
        incremental = incremental.filter { !$0.value.plan.isIdle(now: now) }
    }

    func passEnded() { listed = nil }

    func writtenVolumes() async throws -> Set<String> {
        var written = Set<String>()
        for container in try await engine.containers(filters: ["status": ["running"]]) where container.state == "running" {
            for mount in container.mounts where mount.type == "volume" && mount.isReadWrite {
                if let name = mount.name { written.insert(name) }
            }
        }
        self.written = written
        return written
    }

    private func listedVolumes() async throws -> [String: Volume] {
        if let listed { return listed }
        var byName: [String: Volume] = [:]
        // The catalog load that started this pass has just listed them.
        for volume in try await engine.volumes(listedWithin: 5) { byName[volume.name] = volume }
        listed = byName
        // Volumes gone since the last list: their mountpoints and re-measure states go too.
        mountpoints = mountpoints.filter { byName[$0.key] != nil }
        incremental = incremental.filter { byName[$0.key] != nil }
        large = large.filter { byName[$0] != nil }
        return byName
    }
}

import Foundation
import VolumeCore
import VolumeUI

#if canImport(Glibc)
    import Glibc
#endif

/// Measures volumes for the SIZE column by reading their files, one at a time, when voltop runs as root next to
/// the engine (a local socket); elsewhere it does nothing and the column keeps the engine's `/system/df` figures.
///
/// Each request replaces the queue (visible rows first). A volume measured in the last `freshFor` seconds (or 30
/// times its last walk's duration, whichever is longer) is not measured again. Sizes are counted as the engine's
/// `du -s` counts them: disk usage, what removing the volume gives back (`ScanTree.diskUsageBytes`).
actor SizeMeasurer: VolumeMeasuring {
    /// What is known about one volume.
    private struct Known {
        /// Its Mountpoint, once looked up (nil: not readable directly); a Mountpoint never changes.
        var mountpoint: String??
        /// When it was last measured and how long that took.
        var measuredAt: (at: Date, seconds: Double)?
        /// The last size sent, and when.
        var sent: (bytes: Int64, at: Date)?
    }

    private let engine: DockerEngine
    private let send: @Sendable (Action) -> Void
    private let freshFor: Double
    private var queue: [String] = []
    private var isRunning = false
    private var known: [String: Known] = [:]
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

    /// The engine process whose mount namespace holds the volumes (nil: not located yet, or it failed).
    private var engineDaemon: EngineDaemon?
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
        if engineDaemon == nil { engineDaemon = try? engine.engineDaemon().get() }
        guard engineDaemon != nil else { return }
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
            var entry = known[name] ?? Known()
            defer { known[name] = entry }
            // A measurement stays fresh for `freshFor`, or 30 times as long as it took (a volume of a million files
            // is not walked again every few seconds on a busy host).
            if let last = entry.measuredAt, Date().timeIntervalSince(last.at) < max(freshFor, last.seconds * 30) { continue }
            let started = Date()
            entry.measuredAt = (started, 0)
            defer { entry.measuredAt = (started, Date().timeIntervalSince(started)) }
            do {
                if entry.mountpoint == nil {
                    // One `GET /volumes` gives every Mountpoint (never an inspect per volume: a request per row on a
                    // host of 10,000 volumes); a name missing from it is gone.
                    let volumes = try await listedVolumes()
                    guard let volume = volumes[name] else { throw EngineError(.notFound, "volume \(Sanitizer.inline(name)) is gone") }
                    // Volumes with driver options (nfs, tmpfs…) hold nothing in _data until mounted: keep df's figure.
                    guard let process = engineDaemon else { continue }
                    entry.mountpoint = .some(try? VolumeBrowser.directMountpoint(of: volume, engine: engine, process: process).get())
                }
                guard let mountpoint = entry.mountpoint ?? nil else { continue }
                let bytes = try await VolumeScanner.scan(rootPath: mountpoint, options: ScanOptions(workers: 2)).diskUsageBytes
                // Only a change is sent (an unchanged size needs no new frame), and every size once a minute (the
                // file pane may have set a newer figure meanwhile).
                if let last = entry.sent, last.bytes == bytes, Date().timeIntervalSince(last.at) < 60 { continue }
                entry.sent = (bytes, Date())
                deliver(name, .success(bytes))
            } catch {
                // A volume removed and made again under the same name gets its Mountpoint looked up anew, and a
                // restarted engine (a new pid, so a new /proc/PID/root) is located again.
                entry.mountpoint = nil
                engineDaemon = nil
                entry.sent = nil
                deliver(name, .failure(EffectRunner.engineError(error)))
            }
        }
        listed = nil
        flush()
        isRunning = false
    }

    /// The volume list of this drain, fetched once (a drain measures a screenful or more of volumes).
    private var listed: [String: Volume]?

    private func listedVolumes() async throws -> [String: Volume] {
        if let listed { return listed }
        var byName: [String: Volume] = [:]
        for volume in try await engine.volumes() { byName[volume.name] = volume }
        listed = byName
        return byName
    }

    /// Results waiting for the next batch, and when the last batch went.
    private var pending: [String: Result<Int64, EngineError>] = [:]
    private var lastFlush = Date.distantPast
    /// At most one batch per frame (16 ms): many small volumes measured in a row make one frame, not one each.
    static let batchInterval = 0.016

    private var isFlushScheduled = false

    private func deliver(_ name: String, _ result: Result<Int64, EngineError>) {
        pending[name] = result
        let since = Date().timeIntervalSince(lastFlush)
        if since >= Self.batchInterval {
            flush()
        } else if !isFlushScheduled {
            // The rest of this frame's results follow in one batch, even if the next walk takes long.
            isFlushScheduled = true
            let wait = UInt64((Self.batchInterval - since) * 1e9)
            Task { [weak self] in
                try? await Task.sleep(nanoseconds: wait)
                await self?.flush()
            }
        }
    }

    private func flush() {
        isFlushScheduled = false
        guard !pending.isEmpty else { return }
        let batch = pending
        pending = [:]
        lastFlush = Date()
        send(.volumesMeasured(batch))
    }
}

import Foundation
import VolumeCore

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
    /// Threads per walk (the scanner's minimum).
    nonisolated let walkThreads = 2
    /// The engine process whose mount namespace holds the volumes (nil: not located yet, or it failed).
    private var engineDaemon: EngineDaemon?
    /// Mountpoints looked up (nil inside: not readable directly); a Mountpoint never changes.
    private var mountpoints: [String: String?] = [:]
    /// The volume list of this pass, fetched once (never an inspect per volume: a request per row on a host of
    /// 10,000 volumes).
    private var listed: [String: Volume]?

    init(engine: DockerEngine, preference: SourcePreference) {
        self.engine = engine
        if case .unix = engine.endpoint.transport, geteuid() == 0, preference != .helper {
            isAvailable = true
        } else {
            isAvailable = false
        }
    }

    func diskUsage(of name: String) async throws -> Int64? {
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
            return try await VolumeScanner.scan(rootPath: mountpoint, options: ScanOptions(workers: walkThreads)).diskUsageBytes
        } catch {
            // A volume removed and made again under the same name gets its Mountpoint looked up anew, and a
            // restarted engine (a new pid, so a new /proc/PID/root) is located again.
            mountpoints[name] = nil
            engineDaemon = nil
            throw error
        }
    }

    func passEnded() { listed = nil }

    func writtenVolumes() async throws -> Set<String> {
        var written = Set<String>()
        for container in try await engine.containers(filters: ["status": ["running"]]) where container.state == "running" {
            for mount in container.mounts where mount.type == "volume" && mount.isReadWrite {
                if let name = mount.name { written.insert(name) }
            }
        }
        return written
    }

    private func listedVolumes() async throws -> [String: Volume] {
        if let listed { return listed }
        var byName: [String: Volume] = [:]
        for volume in try await engine.volumes() { byName[volume.name] = volume }
        listed = byName
        return byName
    }
}

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// Who writes into a volume, as the CLI and the dashboard name it.
public struct VolumeWriter: Sendable, Hashable, Codable {
    /// The container's name, or nil for a process outside containers.
    public var container: String?
    /// The process, when fanotify saw it write (nil for a "may write" guess).
    public var pid: Int32?
    /// The process's command (fanotify), or nil.
    public var command: String?

    public init(container: String?, pid: Int32?, command: String?) {
        self.container = container
        self.pid = pid
        self.command = command
    }

    /// Processes seen writing as writers to show: one per container (its lowest pid, sorted by container name),
    /// then each process outside containers; a container is named by `containerNames` (by ID), else its short ID.
    public static func grouped<Writers: Sequence<WriteWatcher.Writer>>(
        _ processes: Writers, containerNames: [String: String]
    ) -> [VolumeWriter] {
        var byContainer: [String: VolumeWriter] = [:]
        var outside: [VolumeWriter] = []
        for process in processes.sorted(by: { $0.pid < $1.pid }) {
            let writer = VolumeWriter(
                container: process.containerID.map { containerNames[$0] ?? String($0.prefix(12)) }, pid: process.pid,
                command: process.command)
            if let container = writer.container {
                if byContainer[container] == nil { byContainer[container] = writer }
            } else {
                outside.append(writer)
            }
        }
        return byContainer.keys.sorted().compactMap { byContainer[$0] } + outside
    }

    /// "db", or "pid 812 (rsync), not in a container".
    public var label: String {
        if let container { return Sanitizer.inline(container) }
        let what = command.map { " (\(Sanitizer.inline($0)))" } ?? ""
        return "pid \(pid.map(String.init) ?? "?")\(what), not in a container"
    }
}

/// The growth of volumes over a sampling period, for `voltop ls --sample`.
public struct GrowthReport: Sendable {
    /// Bytes per second by volume name; nil for a volume whose growth could not be measured. A volume that nothing
    /// can write (no running container mounts it read-write, and none was seen writing) grows at 0.
    public var bytesPerSecond: [String: Double?] = [:]
    /// Volumes that nothing can write (shown `-` in the table).
    public var unwritable: Set<String> = []
    /// The writers by volume name.
    public var writers: [String: [VolumeWriter]] = [:]
    /// Whether writers were seen writing (fanotify), or are the running containers that mount the volume
    /// read-write ("may write").
    public var writersSeen: Bool = false
    /// Whether sizes are disk usage read by voltop (else the engine's figures).
    public var measuredDirectly: Bool = false
    /// Why writers are a guess, when they are.
    public var writersNote: String?
    /// The moments (monotonic seconds, see `GrowthSampler.monotonicSeconds`) each measured rate runs between: the
    /// middles of the two measurements.
    public var windows: [String: ClosedRange<Double>] = [:]
}

/// Samples growth: measures the volumes that can grow, waits, measures them again, and watches who writes meanwhile.
public enum GrowthSampler {
    /// The volumes a running container mounts read-write: the only ones a container can grow.
    public static func writable(_ catalog: Catalog) -> [CatalogEntry] {
        catalog.entries.filter { entry in entry.owners.contains { $0.isRunning && $0.isReadWrite } }
    }

    /// Samples `catalog`'s volumes over `seconds`.
    public static func sample(_ catalog: Catalog, engine: DockerEngine, seconds: Double) async throws -> GrowthReport {
        var report = GrowthReport()
        let candidates = writable(catalog)
        let candidateNames = Set(candidates.map(\.name))
        let namesByID = Dictionary(catalog.containers.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        for entry in catalog.entries where !candidateNames.contains(entry.name) {
            report.unwritable.insert(entry.name)
        }

        // Direct: read the volumes (and watch writes) as root next to the engine; else the engine's figures.
        let daemon: EngineDaemon? = {
            guard geteuid() == 0, engine.endpoint.isLocal, case .success(let d) = engine.engineDaemon() else { return nil }
            return d
        }()
        var paths: [String: String] = [:]
        if let daemon {
            for entry in candidates {
                if case .success(let path) = VolumeBrowser.directMountpoint(of: entry.volume, engine: engine, process: daemon) {
                    paths[entry.name] = path
                }
            }
        }
        report.measuredDirectly = daemon != nil
        var watcher: WriteWatcher? = nil
        if let daemon {
            switch WriteWatcher.open(for: daemon) {
            case .success(let w):
                var mounts: [String: WriteWatcher.Mounts] = [:]
                for container in catalog.containers where container.state == "running" {
                    for mount in container.mounts where mount.type == "volume" {
                        if let name = mount.name { mounts[container.id, default: [:]][mount.destination] = name }
                    }
                }
                let mountpoints = Dictionary(
                    catalog.entries.map { ($0.volume.mountpoint, $0.name) }, uniquingKeysWith: { a, _ in a })
                w.watch(mountpoints: mountpoints, containers: mounts)
                watcher = w
            case .failure(let error):
                report.writersNote = error.message
            }
        } else {
            report.writersNote = "voltop sees who writes only as root next to the engine"
        }

        let first = try await measure(candidates, paths: paths, engine: engine)
        var seen: [String: Set<WriteWatcher.Writer>] = [:]
        let deadline = Date().addingTimeInterval(max(0, seconds))
        while Date() < deadline {
            try await Task.sleep(nanoseconds: UInt64(min(0.2, max(0.01, deadline.timeIntervalSinceNow)) * 1e9))
            if let watcher { for (name, writers) in watcher.drain() { seen[name, default: []].formUnion(writers) } }
        }
        let second = try await measure(candidates, paths: paths, engine: engine)
        if let watcher { for (name, writers) in watcher.drain() { seen[name, default: []].formUnion(writers) } }

        for entry in catalog.entries {
            let name = entry.name
            if let a = first[name], let b = second[name], b.time > a.time {
                report.bytesPerSecond[name] = (Double(b.bytes) - Double(a.bytes)) / (b.time - a.time)
                report.windows[name] = a.time...b.time
            } else if report.unwritable.contains(name) && seen[name] == nil {
                report.bytesPerSecond[name] = 0
            } else {
                report.bytesPerSecond[name] = .some(nil)
            }
        }
        if watcher != nil {
            report.writersSeen = true
            for (name, writers) in seen {
                report.unwritable.remove(name)
                report.writers[name] = VolumeWriter.grouped(Array(writers), containerNames: namesByID)
            }
        } else {
            for entry in candidates {
                let names = Set(entry.owners.filter { $0.isRunning && $0.isReadWrite }.map(\.containerName))
                report.writers[entry.name] = names.sorted().map { VolumeWriter(container: $0, pid: nil, command: nil) }
            }
        }
        return report
    }

    /// One measurement of each volume: bytes and the monotonic time it stands for (the middle of its walk).
    static func measure(
        _ entries: [CatalogEntry], paths: [String: String], engine: DockerEngine
    ) async throws -> [String: (bytes: Int64, time: Double)] {
        var result: [String: (bytes: Int64, time: Double)] = [:]
        let direct = entries.filter { paths[$0.name] != nil }
        for entry in direct {
            guard let path = paths[entry.name] else { continue }
            let start = monotonicSeconds()
            guard let tree = try? await VolumeScanner.scan(rootPath: path, options: ScanOptions(workers: 2)) else { continue }
            // The middle of the walk itself: the call around it also waits for a thread, and on a busy machine
            // for seconds (CI: a 3 s sample stood for 16 s, and its rate was 40 % off).
            let walked = tree.walked ?? start...monotonicSeconds()
            result[entry.name] = (tree.diskUsageBytes, (walked.lowerBound + walked.upperBound) / 2)
        }
        let rest = entries.filter { paths[$0.name] == nil && $0.volume.isSizeableByEngine }
        if !rest.isEmpty {
            let start = monotonicSeconds()
            let usage = try await engine.diskUsage()
            let time = (start + monotonicSeconds()) / 2
            for entry in rest {
                if case .bytes(let b) = Catalog.size(of: entry.volume, in: usage) { result[entry.name] = (b, time) }
            }
        }
        return result
    }

    /// Seconds on a clock that never jumps.
    public static func monotonicSeconds() -> Double { MonotonicClock.seconds() }
}

extension VolumeJSON {
    /// Adds a sample's growth and writers.
    public mutating func add(_ report: GrowthReport) {
        growthBytesPerSecond = (report.bytesPerSecond[name] ?? nil).map { $0.rounded() }
        writers = (report.writers[name] ?? []).map {
            $0.container.map { Sanitizer.inline($0) } ?? "pid \($0.pid.map(String.init) ?? "?") (\(Sanitizer.inline($0.command ?? "?")))"
        }
        writersSeen = report.writersSeen
    }
}

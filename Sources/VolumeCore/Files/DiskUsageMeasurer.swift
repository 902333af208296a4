#if canImport(Glibc)
    import Glibc
#endif

/// Measures volumes' disk usage by reading them directly (root next to the engine), for the CLI's `ls --size` and
/// `prune`: the same figure the dashboard's SIZE column, the file tree and `du` show.
public enum DiskUsageMeasurer {
    /// Disk usage in bytes of each volume that can be read directly (a local engine served by dockerd or podman,
    /// root, a `local` volume without driver options); the others are left out and keep the engine's figure.
    /// At most `parallel` volumes are walked at once.
    public static func measure(_ volumes: [Volume], engine: DockerEngine, parallel: Int = 2) async -> [String: Int64] {
        guard geteuid() == 0, engine.endpoint.isLocal, case .success(let process) = engine.engineDaemon() else { return [:] }
        let paths: [(String, String)] = volumes.compactMap { volume in
            guard let path = try? VolumeBrowser.directMountpoint(of: volume, engine: engine, process: process).get() else { return nil }
            return (volume.name, path)
        }
        var result: [String: Int64] = [:]
        await withTaskGroup(of: (String, Int64?).self) { group in
            var next = 0
            func add() {
                guard next < paths.count else { return }
                let (name, path) = paths[next]
                next += 1
                group.addTask { (name, try? await VolumeScanner.scan(rootPath: path, options: ScanOptions(workers: 2)).diskUsageBytes) }
            }
            for _ in 0..<max(1, parallel) { add() }
            while let (name, bytes) = await group.next() {
                if let bytes { result[name] = bytes }
                add()
            }
        }
        return result
    }
}

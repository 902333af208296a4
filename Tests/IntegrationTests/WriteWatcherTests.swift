import Foundation
import Testing

@testable import VolumeCore

#if canImport(Glibc)
    import Glibc
#endif

/// fanotify names the container that writes into a volume, and never one that only reads it.
@Suite(.enabled(if: TestEngine.isAvailable, "needs the private engine of scripts/test"))
struct WriteWatcherTests {
    @Test(.enabled(if: geteuid() == 0, "fanotify needs root"))
    func namesTheWriterNotTheReader() async throws {
        let volume = TestEngine.unique("ww")
        let writer = TestEngine.unique("ww-writer")
        let reader = TestEngine.unique("ww-reader")
        let bystander = TestEngine.unique("ww-other")
        let otherVolume = TestEngine.unique("ww-o")
        try TestEngine.docker(["volume", "create", volume])
        try TestEngine.docker(["volume", "create", otherVolume])
        defer {
            TestEngine.removeContainers([writer, reader, bystander])
            TestEngine.removeVolumes([volume, otherVolume])
        }
        let engine = try await TestEngine.connect()
        let daemon = try engine.engineDaemon().get()
        let watcher = try WriteWatcher.open(for: daemon).get()
        let volumes = try await engine.volumes()
        var mountpoints: [String: String] = [:]
        for v in volumes where v.name == volume || v.name == otherVolume { mountpoints[v.mountpoint] = v.name }
        #expect(mountpoints.count == 2)
        #expect(watcher.watch(mountpoints: mountpoints).isEmpty)
        /// The running containers' volume mounts, as the runtime hands them over from the catalog.
        func containerMounts() async throws -> [String: WriteWatcher.Mounts] {
            var table: [String: WriteWatcher.Mounts] = [:]
            for container in try await engine.containers() where container.state == "running" {
                for mount in container.mounts where mount.type == "volume" {
                    if let name = mount.name { table[container.id, default: [:]][mount.destination] = name }
                }
            }
            return table
        }

        try TestEngine.docker(["run", "--rm", "--network", "none", "-v", "\(volume):/v", TestEngine.image, "sh", "-c", "echo seed > /v/f"])
        _ = watcher.drain()
        let writerID = try TestEngine.docker([
            "run", "-d", "--network", "none", "--name", writer, "-v", "\(volume):/v", TestEngine.image, "sh", "-c",
            "while true; do echo data >> /v/f; sleep 0.1; done",
        ]).out.trimmingCharacters(in: .whitespacesAndNewlines)
        let readerID = try TestEngine.docker([
            "run", "-d", "--network", "none", "--name", reader, "-v", "\(volume):/v:ro", TestEngine.image, "sh", "-c",
            "while true; do cat /v/f > /dev/null; sleep 0.1; done",
        ]).out.trimmingCharacters(in: .whitespacesAndNewlines)
        // A writer elsewhere on the same filesystem, outside every watched volume.
        try TestEngine.runContainer(bystander, ["-v", "/scratch"])

        // A container mounting the volume at the same path as the writer, that never writes.
        #expect(watcher.watch(mountpoints: mountpoints, containers: try await containerMounts()).isEmpty)
        var seen: [String: Set<WriteWatcher.Writer>] = [:]
        // A process outside containers writing at the Mountpoint is a writer without a container (short-lived: its
        // command may be gone by the time it is read).
        let mountpoint = try #require(mountpoints.first { $0.value == volume }?.key)
        try TestEngine.run("/bin/sh", ["-c", "echo host >> '\(mountpoint)/from-host'"])
        for _ in 0..<30 {
            try await Task.sleep(nanoseconds: 100_000_000)
            for (name, writers) in watcher.drain() { seen[name, default: []].formUnion(writers) }
        }
        let ids = Set((seen[volume] ?? []).compactMap(\.containerID))
        #expect(ids.contains(writerID), "writers seen: \(seen)")
        #expect(!ids.contains(readerID))
        #expect(seen[otherVolume] == nil)
        #expect(seen.keys.allSatisfy { $0 == volume })
        #expect((seen[volume] ?? []).contains { $0.containerID == nil && ["sh", "(exited)"].contains($0.command) }, "writers seen: \(seen)")
        let writers = (seen[volume] ?? []).filter { $0.containerID == writerID }
        #expect(writers.allSatisfy { $0.pid > 0 && !$0.command.isEmpty })
    }
}

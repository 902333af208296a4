import Foundation
import Synchronization
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
            "while true; do echo data >> /v/f; sleep 0.1; done"
        ]).out.trimmingCharacters(in: .whitespacesAndNewlines)
        let readerID = try TestEngine.docker([
            "run", "-d", "--network", "none", "--name", reader, "-v", "\(volume):/v:ro", TestEngine.image, "sh", "-c",
            "while true; do cat /v/f > /dev/null; sleep 0.1; done"
        ]).out.trimmingCharacters(in: .whitespacesAndNewlines)
        // A writer elsewhere on the same filesystem, outside every watched volume.
        try TestEngine.runContainer(bystander, ["-v", "/scratch"])

        // A container mounting the volume at the same path as the writer, that never writes.
        let running = try await containerMounts()
        #expect(watcher.watch(mountpoints: mountpoints, containers: running).isEmpty)
        // Each running container's mount of the volume is known by its mount ID (for writers that exit at once).
        let mountIDs = WriteWatcher.containerMountIDs(running)
        #expect(Set(mountIDs.values.filter { $0.volume == volume }.map(\.container)) == [writerID, readerID], "\(mountIDs) \(running)")
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

    /// A process outside containers writing beside the volumes, on their filesystem (a build, a log), is dropped
    /// before its writer is looked up in /proc, so a busy host costs voltop little; one writing at a Mountpoint is
    /// still seen and named.
    @Test(.enabled(if: geteuid() == 0, "fanotify needs root"))
    func aHostWriteOutsideTheVolumesIsDroppedBeforeItsWriterIsLookedUp() async throws {
        let volume = TestEngine.unique("ww-out")
        try TestEngine.docker(["volume", "create", volume])
        defer { TestEngine.removeVolumes([volume]) }
        let engine = try await TestEngine.connect()
        let watcher = try WriteWatcher.open(for: try engine.engineDaemon().get()).get()
        let mountpoint = try #require(try await engine.volumes().first { $0.name == volume }?.mountpoint)
        #expect(watcher.watch(mountpoints: [mountpoint: volume]).isEmpty)
        _ = watcher.drain()
        // The engine's data root (MOUNTPOINT is DATA/volumes/NAME/_data): the volumes' filesystem, outside them.
        let dataRoot = URL(fileURLWithPath: mountpoint).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let outside = dataRoot + "/" + TestEngine.unique("outside")
        defer { unlink(outside) }
        /// Runs `script` in a shell of its own (never this process, whose writes are dropped anyway); its pid.
        func write(_ script: String) throws -> Int32 {
            try #require(
                Int32(try TestEngine.run("/bin/sh", ["-c", "echo $$; " + script]).out.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        let outsider = try write("for i in 1 2 3; do echo x >> '\(outside)'; done")
        var seen: [String: Set<WriteWatcher.Writer>] = [:]
        for _ in 0..<5 {
            try await Task.sleep(nanoseconds: 100_000_000)
            for (name, writers) in watcher.drain() { seen[name, default: []].formUnion(writers) }
        }
        #expect(seen.isEmpty, "\(seen)")
        #expect(!watcher.hasLookedUp(outsider))
        let insider = try write("echo x >> '\(mountpoint)/f'")
        for _ in 0..<20 where seen[volume] == nil {
            try await Task.sleep(nanoseconds: 100_000_000)
            for (name, writers) in watcher.drain() { seen[name, default: []].formUnion(writers) }
        }
        #expect(seen[volume]?.contains { $0.pid == insider && $0.containerID == nil } == true, "\(seen)")
        #expect(watcher.hasLookedUp(insider))
    }
}

/// `GrowthSampler`: the rate of a volume a container writes, and its writer, on the real engine.
@Suite(.enabled(if: TestEngine.isAvailable, "needs the private engine of scripts/test"))
struct GrowthSamplerTests {
    @Test(.enabled(if: geteuid() == 0, "reading volumes directly and fanotify need root"))
    func rateWithinAQuarterOfTheTruthAndOnlyTheWriterNamed() async throws {
        let volume = TestEngine.unique("gs")
        let idle = TestEngine.unique("gs-idle")
        let writer = TestEngine.unique("gs-writer")
        let reader = TestEngine.unique("gs-reader")
        try TestEngine.docker(["volume", "create", volume])
        try TestEngine.docker(["volume", "create", idle])
        defer {
            TestEngine.removeContainers([writer, reader])
            TestEngine.removeVolumes([volume, idle])
        }
        // About 5 MB/s: half a megabyte every 0.1 s.
        try TestEngine.docker([
            "run", "-d", "--network", "none", "--name", writer, "-v", "\(volume):/v", TestEngine.image, "sh", "-c",
            "while true; do head -c 524288 /dev/zero >> /v/f; usleep 100000; done"
        ])
        try TestEngine.docker([
            "run", "-d", "--network", "none", "--name", reader, "-v", "\(volume):/v", "-v", "\(idle):/i", TestEngine.image, "sh", "-c",
            "while true; do cat /v/f > /dev/null 2>&1; sleep 0.2; done"
        ])
        try await Task.sleep(nanoseconds: 500_000_000)
        let engine = try await TestEngine.connect()
        let catalog = try await engine.catalog()
        let mountpoint = try #require(catalog.entries.first { $0.name == volume }?.volume.mountpoint)
        // The truth: the file's size every 10 ms while the sampler runs, read at the two moments its rate stands
        // between (the writer's pace varies on a busy machine, so only the same window compares). The poller is
        // a thread of its own: on the cooperative pool, other tests' blocking calls starved it for seconds, and a
        // stale size before the window doubled the "truth" (CI, stop 18).
        let sizes = Mutex<[(time: Double, bytes: Double)]>([])
        let stop = Mutex(false)
        let stopped = DispatchSemaphore(value: 0)
        // It polls once more after it is told to stop, so a poll follows the sampler's last walk.
        Thread {
            while true {
                let last = stop.withLock { $0 }
                let attributes = try? FileManager.default.attributesOfItem(atPath: mountpoint + "/f")
                let bytes = Double((attributes?[.size] as? NSNumber)?.int64Value ?? 0)
                let now = GrowthSampler.monotonicSeconds()
                sizes.withLock { $0.append((now, bytes)) }
                if last { break }
                usleep(10_000)
            }
            stopped.signal()
        }.start()
        let report = try await GrowthSampler.sample(catalog, engine: engine, seconds: 3)
        stop.withLock { $0 = true }
        stopped.wait()
        let rate = try #require(report.bytesPerSecond[volume] ?? nil)
        let window = try #require(report.windows[volume])
        let polled = sizes.withLock { $0 }
        /// The file's size at `time`, between the polls around it.
        func bytes(at time: Double) throws -> Double {
            let before = try #require(polled.last { $0.time <= time })
            let after = try #require(polled.first { $0.time >= time })
            #expect(after.time - before.time < 1, "the poller missed \(after.time - before.time) s around the window")
            guard after.time > before.time else { return before.bytes }
            return before.bytes + (after.bytes - before.bytes) * (time - before.time) / (after.time - before.time)
        }
        let truth = (try bytes(at: window.upperBound) - bytes(at: window.lowerBound)) / (window.upperBound - window.lowerBound)
        print("growth sample: sampled \(rate) B/s, true \(truth) B/s over \(window.upperBound - window.lowerBound) s")
        #expect(truth > 1_000_000)
        #expect(abs(rate - truth) <= truth * 0.25, "sampled \(rate) B/s, true \(truth) B/s")
        #expect(report.writersSeen, "\(report.writersNote ?? "")")
        #expect(
            report.writers[volume] != nil,
            "writers: \(report.writers) containers: \(catalog.containers.map { ($0.name, $0.state, $0.mounts.map(\.destination)) })")
        // The reader mounts the volume read-write too, but only reads: it is never named.
        #expect(report.writers[volume]?.compactMap(\.container) == [writer], "\(report.writers)")
        // Mounted read-write by a running container, never written: measurable, and 0.
        #expect(report.bytesPerSecond[idle] == .some(.some(0)))
        #expect(report.writers[idle] == nil)
    }
}

/// The header's disk figure: the free space of the filesystem that holds the engine's data root.
@Suite(.enabled(if: TestEngine.isAvailable, "needs the private engine of scripts/test"))
struct DiskSpaceTests {
    @Test(.enabled(if: geteuid() == 0, "the engine's files are visible only to root"))
    func freeSpaceOfTheDataRootAsDfShowsIt() async throws {
        let engine = try await TestEngine.connect()
        let root = try await engine.dataRoot()
        #expect(root.hasPrefix("/"))
        let space = try await engine.diskSpace().get()
        let df = try TestEngine.run("/bin/df", ["-B1", "--output=size,avail,pcent", root]).out
        let fields = try #require(df.split(separator: "\n").last).split(separator: " ").map(String.init)
        let dfAvail = try #require(Int64(fields[1]))
        // Other processes write meanwhile: within 64 MiB.
        #expect(abs(space.freeBytes - dfAvail) < 64 << 20, "voltop \(space.freeBytes), df \(dfAvail)")
        #expect(abs(space.usedPercent - (Int(fields[2].dropLast()) ?? -1)) <= 1)
    }

    @Test func usedPercentNeverDividesByZero() {
        #expect(DiskSpace(totalBytes: 0, freeBytes: 0).usedPercent == 0)
        #expect(DiskSpace(totalBytes: 100, freeBytes: 0).usedPercent == 100)
        #expect(DiskSpace(totalBytes: 100, freeBytes: 7).usedPercent == 93)
        #expect(DiskSpace(totalBytes: 100, freeBytes: -5).usedPercent == 100)
    }
}

/// `GrowthMonitor`, as the dashboard runs it: a writer's rate and name within seconds, and the rate back to zero
/// once it stops.
@Suite(.enabled(if: TestEngine.isAvailable, "needs the private engine of scripts/test"))
struct GrowthMonitorTests {
    /// Real time plus an offset the test can move forward.
    final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        private var offset = 0.0
        func advance(_ seconds: Double) { lock.withLock { offset += seconds } }
        func now() -> Double { lock.withLock { offset } + GrowthSampler.monotonicSeconds() }
    }

    final class Box: @unchecked Sendable {
        private let lock = NSLock()
        private var value: GrowthSnapshot?
        func set(_ s: GrowthSnapshot) { lock.withLock { value = s } }
        var latest: GrowthSnapshot? { lock.withLock { value } }
    }

    @Test(.enabled(if: geteuid() == 0, "fanotify and direct reads need root"))
    func aWritersRateAndNameAppearAndTheRateFallsWhenItStops() async throws {
        let volume = TestEngine.unique("gm")
        let writer = TestEngine.unique("gm-writer")
        let reader = TestEngine.unique("gm-reader")
        try TestEngine.docker(["volume", "create", volume])
        defer {
            TestEngine.removeContainers([writer, reader])
            TestEngine.removeVolumes([volume])
        }
        try TestEngine.docker([
            "run", "-d", "--network", "none", "--name", writer, "-v", "\(volume):/v", TestEngine.image, "sh", "-c",
            "while true; do head -c 262144 /dev/zero >> /v/f; usleep 100000; done"
        ])
        try TestEngine.runContainer(reader, ["-v", "\(volume):/v"])
        let engine = try await TestEngine.connect()
        let clock = Clock()
        let box = Box()
        let monitor = GrowthMonitor(engine: engine, now: { clock.now() }, publish: { box.set($0) })
        let catalog = try await engine.catalog()
        await monitor.update(catalog)
        let mountpoint = try #require(catalog.entries.first { $0.name == volume }?.volume.mountpoint)
        let walk = try await VolumeScanner.scan(rootPath: mountpoint, options: ScanOptions(workers: 2))
        await monitor.measured(volume, bytes: walk.diskUsageBytes)
        for _ in 0..<8 {
            try await Task.sleep(nanoseconds: 500_000_000)
            await monitor.step()
        }
        let growing = try #require(box.latest?.volumes[volume], "\(String(describing: box.latest))")
        #expect((growing.shortRate ?? 0) > 500_000, "\(growing)")
        #expect(growing.writersSeen)
        #expect(growing.writers.compactMap(\.container) == [writer])
        #expect(box.latest?.fastest?.name == volume)
        #expect(box.latest?.disk != nil, "\(box.latest?.diskNote ?? "")")
        // An incremental re-measure misses the file growing in place (its directory's times do not move): while
        // fanotify follows the file, such a figure is no anchor, or the growth so far would vanish from SIZE.
        let estimate = try #require(growing.bytes)
        #expect(estimate > walk.diskUsageBytes)
        await monitor.measured(volume, bytes: walk.diskUsageBytes, isComplete: false)
        await monitor.step()
        #expect((box.latest?.volumes[volume]?.bytes ?? 0) >= estimate, "\(String(describing: box.latest?.volumes[volume]))")

        try TestEngine.docker(["kill", writer])
        try await Task.sleep(nanoseconds: 300_000_000)
        await monitor.step()
        clock.advance(11)
        await monitor.step()
        let stopped = try #require(box.latest?.volumes[volume])
        #expect(stopped.shortRate == 0, "\(stopped)")
        #expect((stopped.longRate ?? 0) > 0)
    }
}

extension GrowthMonitorTests {
    /// Without root (helper mode), growth comes from the engine's figures and writers are "may write".
    @Test func withoutDirectReadsGrowthFromTheEnginesFiguresAndMayWrite() async throws {
        let volume = TestEngine.unique("gm-h")
        let writer = TestEngine.unique("gm-h-writer")
        try TestEngine.docker(["volume", "create", volume])
        defer {
            TestEngine.removeContainers([writer])
            TestEngine.removeVolumes([volume])
        }
        try TestEngine.docker([
            "run", "-d", "--network", "none", "--name", writer, "-v", "\(volume):/v", TestEngine.image, "sh", "-c",
            "while true; do head -c 262144 /dev/zero >> /v/f; usleep 100000; done"
        ])
        let engine = try await TestEngine.connect()
        let box = Box()
        let monitor = GrowthMonitor(
            engine: engine, publish: { box.set($0) }, engineFiguresOnly: true, engineFiguresEvery: 1.5,
            engineFiguresShare: 1)
        await monitor.update(try await engine.catalog())
        // Two of the engine's figures at least 1.5 s apart (each /system/df walks every volume: slow on a busy engine).
        let deadline = Date().addingTimeInterval(90)
        while Date() < deadline, (box.latest?.volumes[volume]?.shortRate ?? 0) <= 0 {
            await monitor.step()
            try await Task.sleep(nanoseconds: 500_000_000)
        }
        let growth = try #require(box.latest?.volumes[volume], "\(String(describing: box.latest))")
        #expect((growth.shortRate ?? 0) > 300_000, "\(growth)")
        #expect(!growth.writersSeen)
        #expect(growth.writers.compactMap(\.container) == [writer])
        #expect(GrowthText.writers(growth) == "may write: \(writer)")
    }
}

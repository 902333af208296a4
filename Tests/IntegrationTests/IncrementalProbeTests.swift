import Foundation
import Testing

@testable import DashboardRuntime
@testable import VolumeCore

#if canImport(Glibc)
    import Glibc
#endif

/// A volume that a running container writes is re-measured incrementally by the dashboard's size probe: only the
/// directories whose times moved are read, and the figure still equals a full walk's for files created and removed.
@Suite(.enabled(if: TestEngine.isAvailable, "needs the private engine of scripts/test"))
struct IncrementalProbeTests {
    @Test(.enabled(if: geteuid() == 0, "reading volumes directly needs root"))
    func aWrittenVolumeIsReMeasuredIncrementallyAndAgreesWithAWalk() async throws {
        let volume = TestEngine.unique("inc")
        let idle = TestEngine.unique("inc-idle")
        let writer = TestEngine.unique("inc-writer")
        try TestEngine.docker(["volume", "create", volume])
        try TestEngine.docker(["volume", "create", idle])
        defer {
            TestEngine.removeContainers([writer])
            TestEngine.removeVolumes([volume, idle])
        }
        // 20 directories of 10 files, so that one changed directory is a small part of the tree.
        try TestEngine.docker([
            "run", "--rm", "--network", "none", "-v", "\(volume):/v", "-v", "\(idle):/i", TestEngine.image, "sh", "-c",
            "for d in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19; do mkdir -p /v/d$d/deep /i/d$d;"
                + " for f in 0 1 2 3 4 5 6 7 8 9; do head -c 5000 /dev/zero > /v/d$d/f$f; echo x > /i/d$d/f$f; done; done"
        ])
        try TestEngine.runContainer(writer, ["-v", "\(volume):/v"])
        let engine = try await TestEngine.connect()
        let mountpoint = try #require(try await engine.volumes().first { $0.name == volume }?.mountpoint)
        func walked() async throws -> Int64 { try await VolumeScanner.scan(rootPath: mountpoint).diskUsageBytes }

        let probe = DirectVolumeProbe(engine: engine, preference: .auto)
        #expect(probe.isAvailable)
        // Before the measurer's look at running writers, and for a volume nothing writes: a walk, complete.
        let first = try #require(try await probe.measure(volume))
        #expect(first == VolumeMeasurement(bytes: try await walked(), isComplete: true, threads: 1))
        #expect(await probe.incrementalWork(volume) == nil)
        let idleFirst = try #require(try await probe.measure(idle))
        #expect(idleFirst.isComplete)

        let written = try await probe.writtenVolumes()
        #expect(written.contains(volume) && !written.contains(idle), "\(written)")
        // The first re-measure of a written volume reads everything (it is complete), and keeps directory times.
        let second = try #require(try await probe.measure(volume))
        #expect(second == VolumeMeasurement(bytes: first.bytes, isComplete: true, threads: 1))

        // A file created two levels down and one removed elsewhere: caught through their directories' times.
        try TestEngine.docker([
            "exec", writer, "sh", "-c", "head -c 300000 /dev/urandom > /v/d7/deep/new && rm /v/d3/f4"
        ])
        let third = try #require(try await probe.measure(volume))
        let truth = try await walked()
        #expect(third == VolumeMeasurement(bytes: truth, isComplete: false, threads: 1))
        #expect(truth > first.bytes)
        let work = try #require(await probe.incrementalWork(volume))
        #expect(work.directoriesRead == 2, "only d7/deep and d3 are read again: \(work)")
        #expect(work.directoriesReused == 39, "the root, 20 directories and 20 deep ones, less the 2 read")
        #expect(work.entriesStatted < 20)
        // A volume nothing writes is still walked.
        #expect(try await probe.measure(idle) == idleFirst)
        #expect(await probe.incrementalWork(idle) == nil)
    }

    /// A small volume is measured on the probe's one thread; one with more entries than that allows is walked by the
    /// scanner. Both agree with a walk, hard links and all.
    @Test(.enabled(if: geteuid() == 0, "reading volumes directly needs root"))
    func aSmallVolumeIsMeasuredOnOneThreadAndALargeOneByTheScanner() async throws {
        let small = TestEngine.unique("probe-small")
        let large = TestEngine.unique("probe-large")
        try TestEngine.docker(["volume", "create", small])
        try TestEngine.docker(["volume", "create", large])
        defer { TestEngine.removeVolumes([small, large]) }
        let engine = try await TestEngine.connect()
        let volumes = try await engine.volumes()
        let smallPath = try #require(volumes.first { $0.name == small }?.mountpoint)
        let largePath = try #require(volumes.first { $0.name == large }?.mountpoint)
        // Written here as root, straight into _data (faster than a container for thousands of files).
        let count = DirectVolumeProbe.smallVolumeEntries + 100
        try TestEngine.run(
            "/bin/sh",
            ["-c", "cd '\(largePath)' && mkdir d && i=0; while [ $i -lt \(count) ]; do echo $i > d/f$i; i=$((i+1)); done"])
        try TestEngine.run(
            "/bin/sh", ["-c", "cd '\(smallPath)' && head -c 70000 /dev/zero > a && ln a b && mkdir s && ln a s/c"])
        func walked(_ path: String) async throws -> Int64 { try await VolumeScanner.scan(rootPath: path).diskUsageBytes }

        let probe = DirectVolumeProbe(engine: engine, preference: .auto)
        let smallMeasured = try #require(try await probe.measure(small))
        #expect(smallMeasured == VolumeMeasurement(bytes: try await walked(smallPath), isComplete: true, threads: 1))
        let largeMeasured = try #require(try await probe.measure(large))
        #expect(largeMeasured == VolumeMeasurement(bytes: try await walked(largePath), isComplete: true, threads: nil))
        #expect(largeMeasured.bytes > smallMeasured.bytes)
        // The next pass sends the large one to the scanner at once.
        let largeKnown = await probe.isKnownLarge(large)
        let smallKnown = await probe.isKnownLarge(small)
        #expect(largeKnown && !smallKnown)
        #expect(try await probe.measure(large) == largeMeasured)
    }
}

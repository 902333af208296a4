import Testing

@testable import VolumeCore

@Suite struct GrowthTests {
    /// A series fed once a second with a size that follows `bytes(t)`.
    private func series(from: Int = 0, to: Int, _ bytes: (Int) -> Int64) -> GrowthSeries {
        var s = GrowthSeries()
        for t in from...to { s.record(bytes: bytes(t), at: Double(t)) }
        return s
    }

    @Test func steadyGrowthHasItsRateInBothWindows() throws {
        let s = series(to: 120) { Int64($0) * 10_000_000 }
        #expect(try #require(s.rate(over: GrowthSeries.shortWindow)) == 10_000_000)
        #expect(try #require(s.rate(over: GrowthSeries.longWindow)) == 10_000_000)
    }

    @Test func shrinkingIsNegative() throws {
        let s = series(to: 30) { 1_000_000 - Int64($0) * 1000 }
        #expect(try #require(s.rate(over: 10)) == -1000)
    }

    @Test func tooEarlyToSayIsNil() {
        var s = GrowthSeries()
        #expect(s.rate(over: 10) == nil)
        s.record(bytes: 5, at: 100)
        #expect(s.rate(over: 10) == nil)
        s.record(bytes: 9, at: 100.4)
        #expect(s.rate(over: 10) == nil)
        s.record(bytes: 20, at: 102)
        // Early on, over what the samples cover (15 bytes in 2 s).
        #expect(s.rate(over: 10) == 7.5)
    }

    @Test func aStoppedWriterFallsToZeroWithinAWindow() throws {
        // Grows 1 MB/s for 60 s, then stops.
        var s = series(to: 60) { Int64($0) * 1_000_000 }
        for t in 61...71 { s.record(bytes: 60_000_000, at: Double(t)) }
        #expect(try #require(s.rate(over: 10)) == 0)
        // The long window still remembers the writing.
        #expect(try #require(s.rate(over: 60)) > 0)
        for t in 72...140 { s.record(bytes: 60_000_000, at: Double(t)) }
        #expect(try #require(s.rate(over: 60)) == 0)
    }

    @Test func theWindowStartIsInterpolated() throws {
        // Unchanged for 100 s (kept as two samples), then 1,000 bytes more at 101.
        var s = series(to: 100) { _ in 5000 }
        s.record(bytes: 6000, at: 101)
        #expect(s.recent.count <= 3)
        // Over 10 s, the size at 91 was 5000: 1000 bytes in 10 s.
        #expect(try #require(s.rate(over: 10)) == 100)
    }

    @Test func staleAndNegativeMeasurementsAreIgnored() {
        var s = series(to: 10) { Int64($0) }
        let before = s
        s.record(bytes: 999, at: 3)
        s.record(bytes: -1, at: 11)
        s.record(bytes: 1, at: .nan)
        #expect(s == before)
    }

    @Test func memoryStaysBoundedOverAnHour() {
        var s = GrowthSeries()
        for t in 0..<36_000 { s.record(bytes: Int64(t) * 7, at: Double(t) / 10) }
        #expect(s.recent.count <= GrowthSeries.maxRecent)
        #expect(s.history.count <= 61)
        var idle = GrowthSeries()
        for t in 0..<3_600 { idle.record(bytes: 42, at: Double(t)) }
        #expect(idle.recent.count + idle.history.count <= 3)
    }

    @Test func hugeSizesDoNotTrap() throws {
        var s = GrowthSeries()
        s.record(bytes: 0, at: 0)
        s.record(bytes: Int64.max, at: 1)
        #expect(try #require(s.rate(over: 10)) > 9e18)
    }

    @Test func sparklineFollowsTheSize() {
        let s = series(to: 300) { $0 < 150 ? 0 : 1000 }
        let points = s.sparkline(points: 6, span: 300)
        #expect(points.count == 6)
        #expect(points.first == 0)
        #expect(points.last == 1000)
        #expect(GrowthSeries().sparkline(points: 6, span: 60).isEmpty)
    }

    @Test func forecastNeverDividesByZero() {
        #expect(DiskForecast.outlook(freeBytes: 1000, bytesPerSecond: 10) == .fullIn(seconds: 100))
        #expect(DiskForecast.outlook(freeBytes: 1000, bytesPerSecond: 0) == .steady)
        #expect(DiskForecast.outlook(freeBytes: 1000, bytesPerSecond: -5) == .steady)
        #expect(DiskForecast.outlook(freeBytes: 1000, bytesPerSecond: nil) == .steady)
        #expect(DiskForecast.outlook(freeBytes: 1000, bytesPerSecond: .infinity) == .steady)
        #expect(DiskForecast.outlook(freeBytes: 1000, bytesPerSecond: .nan) == .steady)
        #expect(DiskForecast.outlook(freeBytes: 0, bytesPerSecond: 10) == .full)
        #expect(DiskForecast.outlook(freeBytes: -4096, bytesPerSecond: nil) == .full)
    }

    @Test func containerOfAProcessFromItsCgroups() {
        let id = String(repeating: "ab12", count: 16)
        let other = String(repeating: "0f", count: 32)
        #expect(ProcessContainer.id(inCgroup: "0::/system.slice/docker-\(id).scope\n") == id)
        #expect(ProcessContainer.id(inCgroup: "0::/docker/\(id)\n") == id)
        #expect(ProcessContainer.id(inCgroup: "0::/machine.slice/libpod-\(id).scope/container\n") == id)
        #expect(ProcessContainer.id(inCgroup: "12:memory:/docker/\(id)\n11:pids:/docker/\(id)\n") == id)
        // A nested engine: the innermost container.
        #expect(ProcessContainer.id(inCgroup: "0::/docker/\(other)/docker/\(id)\n") == id)
        // The engine itself, a user's shell, garbage.
        #expect(ProcessContainer.id(inCgroup: "0::/system.slice/docker.service\n") == nil)
        #expect(ProcessContainer.id(inCgroup: "0::/user.slice/user-0.slice/session-1.scope\n") == nil)
        #expect(ProcessContainer.id(inCgroup: "0::/docker/\(id.uppercased())\n") == nil)
        #expect(ProcessContainer.id(inCgroup: "") == nil)
        #expect(ProcessContainer.id(inCgroup: "0::/docker/\(id)x\n") == nil)
    }
}

@Suite struct GrowthTrackerTests {
    private let file = WriteWatcher.FileID(device: 1, inode: 10)
    private let other = WriteWatcher.FileID(device: 1, inode: 11)
    private let writer = WriteWatcher.Writer(pid: 42, containerID: String(repeating: "a", count: 64), command: "sh")

    private func batch(_ volume: String, _ files: [WriteWatcher.FileID: Int64], writer: WriteWatcher.Writer? = nil) -> WriteWatcher.Batch {
        var b = WriteWatcher.Batch()
        b.files[volume] = files
        if let writer { b.writers[volume] = [writer] }
        return b
    }

    @Test func writtenFilesMoveTheSizeBetweenWalks() throws {
        var t = GrowthTracker()
        t.measured("v", bytes: 1_000_000, at: 0)
        // A file first seen at 4 KiB grows by 1 MB a second.
        for second in 1...12 {
            #expect(t.apply(batch("v", [file: 4096 + Int64(second - 1) * 1_000_000], writer: writer), at: Double(second)).isEmpty)
        }
        let expected: Int64 = 1_000_000 + 11_000_000
        #expect(t.estimate("v") == expected)
        #expect(try #require(t.rate("v", over: 10)) == 1_000_000)
        #expect(t.writers("v", now: 12) == [writer])
        #expect(t.writers("v", now: 12 + GrowthTracker.writerMemory + 1).isEmpty)
    }

    /// Only volumes with writers are looked at when writers expire (thousands of measured volumes have none).
    @Test func expiredWritersLeaveTheListOfVolumesWithWriters() {
        var t = GrowthTracker()
        for i in 0..<1000 { t.measured("quiet-\(i)", bytes: 100, at: 0) }
        _ = t.apply(batch("v", [file: 4096], writer: writer), at: 1)
        _ = t.apply(batch("w", [other: 4096], writer: writer), at: 10)
        #expect(t.namesWithWriters == ["v", "w"])
        t.expireWriters(now: 1 + GrowthTracker.writerMemory + 1)
        #expect(t.namesWithWriters == ["w"])
        #expect(t.writers("v", now: 1).isEmpty)
        #expect(t.writers("w", now: 10) == [writer])
        t.keep(only: ["v"])
        #expect(t.namesWithWriters.isEmpty)
    }

    @Test func aWalkRebasesTheFollowedFiles() {
        var t = GrowthTracker()
        t.measured("v", bytes: 100, at: 0)
        _ = t.apply(batch("v", [file: 1000]), at: 1)
        _ = t.apply(batch("v", [file: 5000]), at: 2)
        #expect(t.estimate("v") == 4100)
        // The walk counted the file at 5000: no double count afterwards.
        t.measured("v", bytes: 5100, at: 3)
        #expect(t.estimate("v") == 5100)
        _ = t.apply(batch("v", [file: 6000, other: 0]), at: 4)
        #expect(t.estimate("v") == 6100)
    }

    @Test func aFileBornAfterTheWalkIsGrowthFromItsFirstByte() {
        var t = GrowthTracker()
        t.measured("v", bytes: 28_672, at: 0, wall: 1_000)
        // `dd` wrote 2 MiB into a new file between two drains: first seen whole.
        var b = batch("v", [file: 2_097_152])
        b.born[file] = 1_005
        _ = t.apply(b, at: 5)
        let expected: Int64 = 28_672 + 2_097_152
        #expect(t.estimate("v") == expected)
        // A file that existed at the walk (born before it) counts only what it grows after it is first seen.
        var old = batch("v", [other: 50_000])
        old.born[other] = 900
        _ = t.apply(old, at: 6)
        #expect(t.estimate("v") == expected)
    }

    @Test func aStoppedWriterFallsToZero() throws {
        var t = GrowthTracker()
        t.measured("v", bytes: 0, at: 0)
        for second in 1...5 { _ = t.apply(batch("v", [file: Int64(second) * 1000]), at: Double(second)) }
        for second in 6...20 { t.tick(["v"], at: Double(second)) }
        #expect(try #require(t.rate("v", over: 10)) == 0)
    }

    @Test func beforeAnyWalkThereIsNoSize() {
        var t = GrowthTracker()
        _ = t.apply(batch("v", [file: 1000], writer: writer), at: 1)
        #expect(t.estimate("v") == nil)
        #expect(t.rate("v", over: 10) == nil)
        #expect(t.writers("v", now: 1) == [writer])
    }

    @Test func tooManyFilesOrLostEventsAskForAWalk() {
        var t = GrowthTracker()
        t.measured("v", bytes: 0, at: 0)
        var many: [WriteWatcher.FileID: Int64] = [:]
        for inode in 0...UInt64(GrowthTracker.maxFilesPerVolume) { many[WriteWatcher.FileID(device: 1, inode: inode)] = 1 }
        #expect(t.apply(batch("v", many), at: 1) == ["v"])
        var lost = WriteWatcher.Batch()
        lost.overflowed = true
        t.measured("w", bytes: 0, at: 1)
        #expect(t.apply(lost, at: 2) == ["v", "w"])
    }

    @Test func shrinkingFilesAndHugeSizesStayInRange() {
        var t = GrowthTracker()
        t.measured("v", bytes: 10, at: 0)
        _ = t.apply(batch("v", [file: 1_000_000]), at: 1)
        _ = t.apply(batch("v", [file: 0]), at: 2)
        #expect(t.estimate("v") == 0)
        t.measured("h", bytes: Int64.max - 1, at: 0)
        _ = t.apply(batch("h", [file: 0]), at: 1)
        _ = t.apply(batch("h", [file: Int64.max]), at: 2)
        #expect(t.estimate("h") == Int64.max)
    }
}

@Suite struct GrowthTextTests {
    @Test func ratesHaveASign() {
        #expect(GrowthText.rate(10.2 * 1024 * 1024) == "+10.2 MiB/s")
        #expect(GrowthText.rate(-512) == "-512 B/s")
        #expect(GrowthText.rate(0.3) == "0 B/s")
        #expect(GrowthText.rate(nil) == "?")
        #expect(GrowthText.rate(.infinity) == "?")
        #expect(GrowthText.rate(1e300) == "+8.0 EiB/s")
    }

    @Test func theDiskLineSaysWhenItIsFull() {
        var s = GrowthSnapshot()
        #expect(GrowthText.disk(s) == "disk: not known yet")
        s.diskNote = "remote engine\u{1b}[2J"
        #expect(!GrowthText.disk(s).contains("\u{1b}"))
        s.disk = DiskSpace(totalBytes: 100 << 30, freeBytes: 7 << 30)
        #expect(GrowthText.disk(s) == "disk 93 % · 7.0 GiB free")
        s.volumes["logs"] = VolumeGrowth(
            shortRate: Double(10 << 20), longRate: nil, writers: [VolumeWriter(container: "app", pid: 9, command: "sh")],
            writersSeen: true, history: [])
        #expect(GrowthText.disk(s) == "disk 93 % · full in ~12 min at +10.0 MiB/s")
        s.disk = DiskSpace(totalBytes: 100, freeBytes: 0)
        #expect(GrowthText.disk(s) == "disk FULL (100 %)")
        #expect(GrowthText.alert(s) == "▲ logs +10.0 MiB/s by app")
        s.volumes["logs"]?.writersSeen = false
        #expect(GrowthText.alert(s) == "▲ logs +10.0 MiB/s (may write: app)")
        s.volumes["logs"]?.shortRate = 1000
        #expect(GrowthText.alert(s) == nil)
    }

    @Test func durations() {
        #expect(GrowthText.duration(30) == "< 1 min")
        #expect(GrowthText.duration(14 * 60) == "~14 min")
        #expect(GrowthText.duration(3 * 3600) == "~3 h")
        #expect(GrowthText.duration(5 * 86_400) == "~5 d")
        #expect(GrowthText.duration(.nan) == "?")
        #expect(GrowthText.duration(1e12) == "> 999 d")
    }

    @Test func sparklines() {
        #expect(GrowthText.sparkline([nil, 0, 50, 100]) == " ▁▅█")
        #expect(GrowthText.sparkline([7, 7]) == "▁▁")
        #expect(GrowthText.sparkline([nil, nil]) == "  ")
        #expect(GrowthText.sparkline([0, Int64.max]) == "▁█")
    }

    @Test func writersLine() {
        let seen = VolumeGrowth(
            shortRate: 1, longRate: 1,
            writers: [VolumeWriter(container: "db", pid: 1, command: "pg"), VolumeWriter(container: nil, pid: 812, command: "rsync")],
            writersSeen: true, history: [])
        #expect(GrowthText.writers(seen) == "db, pid 812 (rsync), not in a container")
        let guessed = VolumeGrowth(
            shortRate: 0, longRate: 0, writers: [VolumeWriter(container: "db", pid: nil, command: nil)], writersSeen: false, history: [])
        #expect(GrowthText.writers(guessed) == "may write: db")
    }
}

@Suite struct VolumeWriterTests {
    @Test func oneWriterPerContainerThenProcessesOutside() {
        let a = String(repeating: "a", count: 64)
        let b = String(repeating: "b", count: 64)
        let processes = [
            WriteWatcher.Writer(pid: 30, containerID: b, command: "tar"),
            WriteWatcher.Writer(pid: 12, containerID: a, command: "sh"),
            WriteWatcher.Writer(pid: 11, containerID: a, command: "head"),
            WriteWatcher.Writer(pid: 900, containerID: nil, command: "rsync")
        ]
        let grouped = VolumeWriter.grouped(processes, containerNames: [a: "zeta"])
        #expect(grouped.map(\.container) == ["bbbbbbbbbbbb", "zeta", nil])
        #expect(grouped[1].pid == 11)
        #expect(grouped[2].label == "pid 900 (rsync), not in a container")
    }
}

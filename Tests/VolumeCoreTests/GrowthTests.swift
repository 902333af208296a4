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

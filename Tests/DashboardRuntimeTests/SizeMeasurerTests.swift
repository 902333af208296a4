import Foundation
import Synchronization
import Testing
import VolumeCore
import VolumeUI

@testable import DashboardRuntime

/// A probe that measures instantly (or after a gate), advancing the manual clock by `walkSeconds` per walk.
final class FakeProbe: VolumeProbe {
    struct State {
        var order: [String] = []
        var inFlight = 0
        var maxInFlight = 0
        var gates: [String: Gate] = [:]
        var written: Set<String> = []
        /// Names measured incrementally (not every file looked at).
        var incremental: Set<String> = []
        /// How many times the running containers' writable volumes were asked for.
        var writtenAsked = 0
    }

    let isAvailable = true
    let walkThreads: Int
    let walkSeconds: Double
    let clock: ManualClock
    let state = Mutex(State())

    init(clock: ManualClock, walkThreads: Int = 1, walkSeconds: Double = 0) {
        self.clock = clock
        self.walkThreads = walkThreads
        self.walkSeconds = walkSeconds
    }

    var order: [String] { state.withLock { $0.order } }
    var maxInFlight: Int { state.withLock { $0.maxInFlight } }

    func diskUsage(of name: String) async throws -> Int64? {
        let gate = state.withLock { s in
            s.inFlight += 1
            s.maxInFlight = max(s.maxInFlight, s.inFlight)
            s.order.append(name)
            return s.gates[name]
        }
        await gate?.wait()
        if walkSeconds > 0 { clock.advance(by: walkSeconds) }
        state.withLock { $0.inFlight -= 1 }
        return Int64(name.utf8.count) * 4096
    }

    func measure(_ name: String) async throws -> VolumeMeasurement? {
        let incremental = state.withLock { $0.incremental.contains(name) }
        return try await diskUsage(of: name).map { VolumeMeasurement(bytes: $0, isComplete: !incremental) }
    }

    func passEnded() async {}

    func writtenVolumes() async throws -> Set<String> {
        state.withLock { s in
            s.writtenAsked += 1
            return s.written
        }
    }
}

/// The size measurer's scheduling: one volume at a time, rows on screen first, re-prioritised by a newer list,
/// results in batches at most every 16 ms, walks paced to the CPU budget.
@Suite struct SizeMeasurerTests {
    let clock = ManualClock()
    let log = ActionLog()

    func makeMeasurer(_ probe: FakeProbe, refreshEvery: Double = 0, writesFollowed: Set<String>? = nil) -> SizeMeasurer {
        let log = self.log
        var followed: (@Sendable () async -> Set<String>)?
        if let writesFollowed { followed = { writesFollowed } }
        return SizeMeasurer(probe: probe, clock: clock, refreshEvery: refreshEvery, writesFollowed: followed, send: { log.send($0) })
    }

    func batches() -> [[String: Result<Int64, EngineError>]] {
        log.actions.value.compactMap { action in
            if case .volumesMeasured(let batch) = action { return batch }
            return nil
        }
    }

    @Test func aNewerListJumpsTheQueueAndVolumesAreMeasuredOneAtATime() async throws {
        let probe = FakeProbe(clock: clock)
        let gate = Gate()
        probe.state.withLock { $0.gates["a"] = gate }
        let measurer = makeMeasurer(probe)
        await measurer.measure(["a", "b", "c", "d", "e"])
        #expect(await eventually { gate.waiterCount == 1 })
        // The user scrolled: "e" and "d" are on screen now, the rest follows them.
        await measurer.measure(["e", "d", "b", "c"])
        gate.open()
        #expect(await eventually { probe.order.count == 5 })
        await settle()
        #expect(probe.order == ["a", "e", "d", "b", "c"])
        #expect(probe.maxInFlight == 1)
    }

    @Test func resultsGoOutInBatchesAtMostOnePerFrame() async throws {
        let probe = FakeProbe(clock: clock)
        let measurer = makeMeasurer(probe)
        let names = (0..<200).map { "v\($0)" }
        await measurer.measure(names)
        #expect(await eventually { probe.order.count == 200 })
        // The first result went at once; the other 199 wait for the next frame (the clock has not moved).
        #expect(await eventually { clock.waiting.count == 1 })
        await settle()
        #expect(batches().count == 1)
        clock.advance(by: 0.016)
        #expect(await eventually { batches().count == 2 })
        await settle()
        #expect(batches().count == 2)
        let measured = batches().reduce(into: Set<String>()) { $0.formUnion($1.keys) }
        #expect(measured == Set(names))
    }

    @Test func walksUsingTwoThreadsArePacedToOneCore() async throws {
        let probe = FakeProbe(clock: clock, walkThreads: 2, walkSeconds: 0.5)
        let measurer = makeMeasurer(probe)
        await measurer.measure(["a", "b"])
        // "a" kept 2 threads busy for 0.5 s: the measurer pauses 0.5 s before "b" (1 core on average).
        #expect(await eventually { clock.waiting.contains { abs($0 - 0.5) < 1e-6 } })
        await settle()
        #expect(probe.order == ["a"])
        clock.advance(by: 0.5)
        #expect(await eventually { probe.order == ["a", "b"] })
    }

    @Test func aFreshMeasurementIsNotRepeated() async throws {
        let probe = FakeProbe(clock: clock)
        let measurer = makeMeasurer(probe)
        await measurer.measure(["a"])
        #expect(await eventually { probe.order == ["a"] })
        await measurer.measure(["a"])
        await settle()
        #expect(probe.order == ["a"])
        clock.advance(by: 5)
        await measurer.measure(["a"])
        #expect(await eventually { probe.order == ["a", "a"] })
    }

    @Test func aVolumeGoneFromTheListIsForgotten() async throws {
        // Removed, then made again under the same name: measured anew, not taken as fresh (and a host that makes and
        // removes volumes all day does not grow what the measurer keeps).
        let probe = FakeProbe(clock: clock)
        let measurer = makeMeasurer(probe)
        await measurer.measure(["a", "b"])
        #expect(await eventually { probe.order == ["a", "b"] })
        await measurer.measure(["a"])
        await settle()
        #expect(await measurer.knownCount == 1)
        await measurer.measure(["a", "b"])
        #expect(await eventually { probe.order == ["a", "b", "b"] })
        #expect(await measurer.knownCount == 2)
    }

    @Test func rowsOnScreenThatARunningContainerWritesAreLookedAtAgain() async throws {
        let probe = FakeProbe(clock: clock)
        probe.state.withLock { $0.written = ["b"] }
        let measurer = makeMeasurer(probe, refreshEvery: 15)
        await measurer.measure(["a", "b", "c"])
        #expect(await eventually { probe.order == ["a", "b", "c"] })
        #expect(await eventually { clock.waiting.contains { abs($0 - 15) < 1e-6 } })
        clock.advance(by: 15)
        #expect(await eventually { probe.order == ["a", "b", "c", "b"] })
    }

    @Test func rowsWhoseWritesGrowthFollowsAreNotWalkedAgainEveryLook() async throws {
        let probe = FakeProbe(clock: clock)
        probe.state.withLock { $0.written = ["b", "c"] }
        let measurer = makeMeasurer(probe, refreshEvery: 15, writesFollowed: ["b"])
        await measurer.measure(["a", "b", "c"])
        #expect(await eventually { probe.order == ["a", "b", "c"] })
        #expect(await eventually { clock.waiting.contains { abs($0 - 15) < 1e-6 } })
        clock.advance(by: 15)
        // c is written and not followed: walked again; b is followed: its growth needs no walk.
        #expect(await eventually { probe.order == ["a", "b", "c", "c"] })
        await settle()
        #expect(probe.order == ["a", "b", "c", "c"])
    }

    @Test func aLookCostsNoRequestWhenGrowthFollowsEveryRowAndOneLookInTwentyWalksThemAll() async throws {
        let probe = FakeProbe(clock: clock)
        probe.state.withLock { $0.written = ["a", "b"] }
        let measurer = makeMeasurer(probe, refreshEvery: 15, writesFollowed: ["a", "b"])
        await measurer.measure(["a", "b"])
        #expect(await eventually { probe.order == ["a", "b"] })
        for _ in 1..<SizeMeasurer.followedLookEvery {
            #expect(await eventually { clock.waiting.contains { abs($0 - 15) < 1e-6 } })
            clock.advance(by: 15)
            await settle()
        }
        #expect(probe.order == ["a", "b"])
        #expect(probe.state.withLock { $0.writtenAsked } == 0)
        // The twentieth look walks them too (a deletion is no write fanotify reports).
        #expect(await eventually { clock.waiting.contains { abs($0 - 15) < 1e-6 } })
        clock.advance(by: 15)
        #expect(await eventually { probe.order == ["a", "b", "a", "b"] })
        #expect(probe.state.withLock { $0.writtenAsked } == 1)
    }
}

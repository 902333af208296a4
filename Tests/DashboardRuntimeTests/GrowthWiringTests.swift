import Foundation
import Testing
import VolumeCore
import VolumeUI

@testable import DashboardRuntime

/// A growth follower that records what the runner hands it.
final class RecordingGrowth: GrowthFollowing {
    let catalogs = Shared<[Catalog]>([])
    let measured = Shared<[String: Int64]>([:])
    let complete = Shared<[String: Bool]>([:])
    let running = Shared(false)
    func update(_ catalog: Catalog) async { catalogs.update { $0.append(catalog) } }
    func measured(_ name: String, bytes: Int64, isComplete: Bool) async {
        measured.update { $0[name] = bytes }
        complete.update { $0[name] = isComplete }
    }
    func writesFollowed() async -> Set<String> { [] }
    func run(interval: Double) async {
        running.update { $0 = true }
        while !Task.isCancelled { try? await Task.sleep(nanoseconds: 1_000_000) }
        running.update { $0 = false }
    }
}

/// A follower shaped like `GrowthMonitor`: an actor whose `writesFollowed` is isolated, not declared `async`.
actor FollowingActor: GrowthFollowing {
    func update(_ catalog: Catalog) {}
    func measured(_ name: String, bytes: Int64, isComplete: Bool) {}
    func run(interval: Double) async {}
    func writesFollowed() -> Set<String> { ["b"] }
}

@Suite struct GrowthWiringTests {
    @Test func anActorFollowerSaysWhichWritesItFollowsWhenAwaited() async {
        // As the runner asks `GrowthMonitor` (an `async` default in a protocol extension once won here and said none).
        let follower = FollowingActor()
        #expect(await follower.writesFollowed() == ["b"])
        let any: any GrowthFollowing = follower
        #expect(await any.writesFollowed() == ["b"])
    }

    @Test func growthGetsEveryCatalogAndRunsWithTheEvents() async throws {
        let clock = ManualClock()
        let engine = FakeEngine(volumes: ["a", "b"], clock: clock)
        let growth = RecordingGrowth()
        let log = ActionLog()
        let runner = EffectRunner(
            engine: engine, clock: clock, files: RecordingFiles(), measurer: RecordingMeasurer(), growth: growth,
            send: { log.send($0) })
        runner.run(.loadCatalog)
        #expect(await eventually { growth.catalogs.value.count == 1 })
        #expect(growth.catalogs.value.first?.entries.map(\.name) == ["a", "b"])
        let following = Task { await runner.followEvents() }
        #expect(await eventually { growth.running.value })
        following.cancel()
        #expect(await eventually { !growth.running.value })
    }

    @Test func growthStartsOnceTheFirstCatalogIsIn() async throws {
        // Its first look asks the engine for /info; the first screen's volume list must not share the engine with it.
        let clock = ManualClock()
        let engine = FakeEngine(volumes: ["a"], clock: clock)
        let listing = Gate()
        engine.state.withLock { $0.volumeGates[1] = listing }
        let growth = RecordingGrowth()
        let runner = EffectRunner(
            engine: engine, clock: clock, files: RecordingFiles(), measurer: RecordingMeasurer(), growth: growth, send: { _ in })
        let following = Task { await runner.followEvents() }
        runner.run(.loadCatalog)
        #expect(await eventually { listing.waiterCount == 1 })
        await settle()
        #expect(!growth.running.value, "growth ran while the first volume list was in flight")
        #expect(engine.eventStreamCount == 1, "the events are followed at once")
        listing.open()
        #expect(await eventually { growth.running.value })
        following.cancel()
        #expect(await eventually { !growth.running.value })
    }

    @Test func theFirstEventStreamStartsWhereTheEngineSays() async {
        // Before the first volume list (asked for with the ping): what changes between the two is not lost.
        let clock = ManualClock()
        let engine = FakeEngine(volumes: ["a"], clock: clock)
        engine.state.withLock { $0.eventsStart = "1796155747" }
        let runner = EffectRunner(
            engine: engine, clock: clock, files: RecordingFiles(), measurer: RecordingMeasurer(), send: { _ in })
        let following = Task { await runner.followEvents() }
        #expect(await eventually { engine.eventStreamCount == 1 })
        #expect(engine.eventSince == ["1796155747"])
        following.cancel()
    }

    @Test func followingCancelledBeforeAnyCatalogEnds() async {
        let clock = ManualClock()
        let engine = FakeEngine(volumes: ["a"], clock: clock)
        let growth = RecordingGrowth()
        let runner = EffectRunner(
            engine: engine, clock: clock, files: RecordingFiles(), measurer: RecordingMeasurer(), growth: growth, send: { _ in })
        let following = Task { await runner.followEvents() }
        #expect(await eventually { engine.eventStreamCount == 1 })
        following.cancel()
        await following.value
        #expect(!growth.running.value)
    }

    @Test func aLatchLetsWaitersGoOnceOpenAndAtOnceAfter() async {
        let latch = Latch()
        let waiting = Task { await latch.wait() }
        await settle()
        #expect(!latch.isOpen)
        latch.open()
        await waiting.value
        await latch.wait()  // open already: returns at once
        latch.open()  // twice is harmless
        #expect(latch.isOpen)
        // A cancelled waiter goes without the latch opening.
        let closed = Latch()
        let cancelled = Task { await closed.wait() }
        await settle()
        cancelled.cancel()
        await cancelled.value
        #expect(!closed.isOpen)
    }

    @Test func everyMeasurementReachesGrowthWithItsCompleteness() async throws {
        let clock = ManualClock()
        let probe = FakeProbe(clock: clock)
        probe.state.withLock { $0.incremental = ["bb"] }
        let growth = RecordingGrowth()
        let log = ActionLog()
        let measurer = SizeMeasurer(
            probe: probe, clock: clock, refreshEvery: 0, measured: EffectRunner.forwardingMeasurements(to: growth),
            send: { log.send($0) })
        await measurer.measure(["a", "bb"])
        #expect(await eventually { growth.measured.value == ["a": 4096, "bb": 8192] })
        #expect(growth.complete.value == ["a": true, "bb": false])
    }
}

import Foundation
import Testing
import VolumeCore
import VolumeUI
@testable import DashboardRuntime

/// The effect runner against a fake engine and a manual clock: coalescing, ordering and reconnecting.
@Suite struct EffectRunnerTests {
    let clock: ManualClock
    let engine: FakeEngine
    let log = ActionLog()

    init() {
        clock = ManualClock()
        engine = FakeEngine(volumes: ["a"], clock: clock)
    }

    func makeRunner() -> EffectRunner {
        let log = self.log
        return EffectRunner(
            engine: engine, clock: clock, files: RecordingFiles(), measurer: RecordingMeasurer(), livenessInterval: 15,
            send: { log.send($0) })
    }

    func catalogsLoaded() -> [Catalog] {
        log.actions.value.compactMap { action in
            if case .catalogLoaded(.success(let catalog)) = action { return catalog }
            return nil
        }
    }

    /// A held `j` over volumes with owners: only the volume the selection rests on is resolved; the others are
    /// handed back as skipped (so that selecting one again asks again).
    @Test func ownersAreResolvedOnlyWhereTheSelectionRests() async throws {
        let runner = makeRunner()
        for i in 0..<50 { runner.run(.resolveOwners("v\(i)")) }
        #expect(await eventually { clock.waiting.count == 50 })
        clock.advance(by: 0.2)
        #expect(await eventually { log.actions.value.count == 50 })
        let skipped = log.actions.value.compactMap { action -> String? in
            if case .ownersSkipped(let name) = action { return name }
            return nil
        }
        #expect(Set(skipped) == Set((0..<49).map { "v\($0)" }))
        #expect(engine.state.withLock { $0.ownersCalls } == ["v49"])
        // A request alone is sent once its debounce ends, not before.
        runner.run(.resolveOwners("v7"))
        #expect(await eventually { clock.waiting.count == 1 })
        await settle()
        #expect(engine.state.withLock { $0.ownersCalls } == ["v49"])
        clock.advance(by: 0.2)
        #expect(await eventually { engine.state.withLock { $0.ownersCalls } == ["v49", "v7"] })
    }

    @Test func aStormOfCatalogLoadsCostsAtMostTwoRequests() async throws {
        let gate = Gate()
        engine.state.withLock { $0.volumeGates[1] = gate }
        let runner = makeRunner()
        for _ in 0..<1_000 { runner.run(.loadCatalog) }
        #expect(await eventually { gate.waiterCount == 1 })
        gate.open()
        // The queued run waits out the minimum interval on the clock, then loads once more.
        #expect(await eventually { clock.waiting.count == 1 })
        clock.advance(by: 1)
        #expect(await eventually { catalogsLoaded().count == 2 })
        await settle()
        #expect(engine.volumeCalls == 2)
        #expect(catalogsLoaded().count == 2)
    }

    /// A runner following the fake engine's events, and the stream the test feeds.
    func following() async throws -> (EffectRunner, Task<Void, Never>, AsyncThrowingStream<EngineEvent, Error>.Continuation) {
        let runner = makeRunner()
        let follow = Task { await runner.followEvents() }
        #expect(await eventually { engine.eventStreamCount == 1 })
        let stream = try #require(engine.state.withLock { $0.eventStreams.first })
        return (runner, follow, stream)
    }

    /// How many `.eventReceived` the runner sent.
    @Sendable static func eventsReceived(_ log: ActionLog) -> Int {
        log.actions.value.count { if case .eventReceived = $0 { true } else { false } }
    }

    /// Sizes are matched to the last catalog's volumes: at 10,000 volumes a second list of every volume costs the
    /// engine and this process as much as the catalog itself.
    @Test func sizesAfterACatalogDoNotListTheVolumesAgain() async throws {
        engine.state.withLock { $0.volumes = [Volume(name: "a"), Volume(name: "b", driver: "nfs-plugin")] }
        let runner = makeRunner()
        runner.run(.loadCatalog)
        #expect(await eventually { catalogsLoaded().count == 1 })
        runner.run(.loadSizes)
        #expect(await eventually { log.actions.value.contains { if case .sizesLoaded = $0 { true } else { false } } })
        #expect(engine.volumeCalls == 1)
        let sizes = try #require(
            log.actions.value.lazy.compactMap { action -> [String: VolumeSize]? in
                if case .sizesLoaded(.success(let sizes)) = action { return sizes }
                return nil
            }.first)
        #expect(Set(sizes.keys) == ["a", "b"])
        #expect(sizes["b"] == .unknown(reason: "driver nfs-plugin: the engine does not measure it"))
    }

    /// A burst of 1,000 volume creates on the event stream: the refresh the reducer asks for at its first event
    /// waits until the events have been quiet for `eventsQuietGap`, then loads once.
    @Test func aRefreshWaitsUntilABurstOfEventsSettlesThenLoadsOnce() async throws {
        let (runner, follow, stream) = try await following()
        defer { follow.cancel() }
        // The burst lasts 2 s on the clock: 100 creates every 0.2 s.
        for batch in 0..<10 {
            for i in 0..<100 { stream.yield(EngineEvent(type: "volume", action: "create", actorID: "burst-\(batch)-\(i)")) }
            #expect(await eventually { Self.eventsReceived(log) == (batch + 1) * 100 })
            if batch == 0 { runner.run(.refreshCatalog) }
            #expect(await eventually { clock.waiting.contains { $0 > 0 && $0 <= EffectRunner.eventsQuietGap } })
            clock.advance(by: 0.2)
            await settle()
            #expect(engine.volumeCalls == 0, "no load while the events keep coming")
        }
        // Quiet now: nothing before the gap has passed since the last event, one load after it.
        clock.advance(by: EffectRunner.eventsQuietGap - 0.2 - 0.01)
        await settle()
        #expect(engine.volumeCalls == 0)
        clock.advance(by: 0.02)
        #expect(await eventually { catalogsLoaded().count == 1 })
        await settle()
        #expect(engine.volumeCalls == 1)
    }

    /// Events that never stop still refresh the catalog, every `eventsMaxSettle` seconds at the most.
    @Test func aStormThatNeverEndsStillRefreshes() async throws {
        let (runner, follow, stream) = try await following()
        defer { follow.cancel() }
        func send(_ n: Int) async {
            stream.yield(EngineEvent(type: "container", action: "start", actorID: "c\(n)"))
            #expect(await eventually { Self.eventsReceived(log) == n })
        }
        // The refresh's wait (the liveness ping's 15 s is the other sleeper).
        func refreshWaits() async -> Bool {
            await eventually { clock.waiting.contains { $0 > 0 && $0 <= EffectRunner.eventsQuietGap + 1e-9 } }
        }
        await send(1)
        runner.run(.refreshCatalog)
        // An event every 0.1 s: the quiet gap never comes; the wait ends at eventsMaxSettle.
        let steps = Int((EffectRunner.eventsMaxSettle / 0.1).rounded()) - 1
        for step in 1...steps {
            #expect(await refreshWaits())
            clock.advance(by: 0.1)
            await send(step + 1)
            await settle()
            #expect(engine.volumeCalls == 0)
        }
        #expect(await refreshWaits())
        clock.advance(by: 0.1)
        #expect(await eventually { catalogsLoaded().count == 1 })
    }

    @Test func duringALongStormASlowLoadRunsAtMostAThirdOfTheTime() async throws {
        // Each load takes 1.5 s on the clock; requests keep coming while one runs.
        engine.state.withLock { $0.volumeSeconds = 1.5 }
        let runner = makeRunner()
        runner.run(.loadCatalog)
        #expect(await eventually { catalogsLoaded().count == 1 })
        runner.run(.loadCatalog)
        // The next load waits twice as long as the last one took (capped at 2 s), not back to back.
        #expect(await eventually { clock.waiting.count == 1 })
        let wait = try #require(clock.waiting.first)
        #expect(abs(wait - 2) < 1e-6)
        clock.advance(by: 1.9)
        await settle()
        #expect(engine.volumeCalls == 1)
        clock.advance(by: 0.1)
        #expect(await eventually { catalogsLoaded().count == 2 })
    }

    @Test(arguments: [true, false])
    func aLocalEngineIsAskedForContainersOnlyOnceTheVolumesAreIn(isLocal: Bool) async throws {
        let gate = Gate()
        engine.state.withLock {
            $0.volumeGates[1] = gate
            $0.isLocal = isLocal
        }
        let runner = makeRunner()
        runner.run(.loadCatalog)
        #expect(await eventually { gate.waiterCount == 1 })
        if isLocal {
            await settle()
            #expect(engine.state.withLock { $0.containerCalls } == 0)
        } else {
            // A remote engine gets both requests at once.
            #expect(await eventually { engine.state.withLock { $0.containerCalls } == 1 })
        }
        gate.open()
        #expect(await eventually { catalogsLoaded().count == 1 })
        let calls = engine.state.withLock { ($0.containerCalls, $0.containerCallsDuringVolumes) }
        #expect(calls.0 == 1)
        #expect(calls.1 == (isLocal ? 0 : 1))
    }

    @Test func anOlderCatalogNeverLandsAfterANewerOne() async throws {
        // Load 1 is slow and sees the old host; loads 2 and 3 are asked for while it runs, the host changes.
        let gate = Gate()
        engine.state.withLock { $0.volumeGates[1] = gate }
        let runner = makeRunner()
        runner.run(.loadCatalog)
        #expect(await eventually { gate.waiterCount == 1 })
        engine.state.withLock { $0.volumes = [Volume(name: "a"), Volume(name: "b")] }
        runner.run(.loadCatalog)
        runner.run(.loadCatalog)
        // Load 1 got the list before the change (its request was out); it returns only now.
        gate.open()
        #expect(await eventually { clock.waiting.count == 1 })
        clock.advance(by: 1)
        #expect(await eventually { catalogsLoaded().count == 2 })
        await settle()
        let names = catalogsLoaded().map { $0.entries.map(\.name).sorted() }
        #expect(names.last == ["a", "b"])
        #expect(engine.volumeCalls == 2)
    }

    @Test func reconnectingBacksOffDoublingUpTo30SecondsThenStartsOverAndReLists() async throws {
        engine.state.withLock { $0.isAnswering = false }
        let runner = makeRunner()
        let follow = Task { await runner.followEvents() }
        defer { follow.cancel() }
        var waits: [Double] = []
        for attempt in 1...7 {
            #expect(await eventually { engine.eventStreamCount == attempt })
            engine.dropEvents()
            // The backoff sleep (the liveness ping of the dropped stream is cancelled).
            #expect(await eventually { clock.waiting.contains { $0 > 0.5 && $0 != 15 } })
            let wait = try #require(clock.waiting.filter { $0 != 15 }.max())
            waits.append(wait)
            clock.advance(by: wait)
        }
        #expect(waits == [1, 2, 4, 8, 16, 30, 30])
        let disconnects = log.actions.value.compactMap { action -> Double? in
            if case .eventStreamChanged(.disconnected(_, let retryIn)) = action { return retryIn }
            return nil
        }
        #expect(disconnects == [1, 2, 4, 8, 16, 30, 30])
        // The engine answers again: connected, the catalog is listed again, and the next drop waits 1 s again.
        let listedBefore = engine.volumeCalls
        engine.state.withLock { $0.isAnswering = true }
        #expect(await eventually { engine.eventStreamCount == 8 })
        engine.dropEvents()
        #expect(await eventually { clock.waiting.contains { $0 > 0.5 && $0 != 15 } })
        let wait = try #require(clock.waiting.filter { $0 != 15 }.max())
        clock.advance(by: wait)
        #expect(await eventually { engine.volumeCalls > listedBefore })
        #expect(log.actions.value.contains { if case .eventStreamChanged(.connected) = $0 { true } else { false } })
        #expect(await eventually { engine.eventStreamCount == 9 })
        engine.dropEvents()
        #expect(await eventually { retriesAfterReconnecting() == [1] })
    }

    /// The `retryIn` of every drop reported after the last `.connected`.
    func retriesAfterReconnecting() -> [Double] {
        let actions = log.actions.value
        guard let connected = actions.lastIndex(where: { if case .eventStreamChanged(.connected) = $0 { true } else { false } })
        else { return [] }
        return actions[connected...].compactMap { action -> Double? in
            if case .eventStreamChanged(.disconnected(_, let retryIn)) = action { return retryIn }
            return nil
        }
    }

    @Test func aTickSleepsOnTheClockAndOnlyTheLatestScheduleStands() async throws {
        let runner = makeRunner()
        runner.run(.scheduleTick(after: 60))
        runner.run(.scheduleTick(after: 0.1))
        #expect(await eventually { clock.waiting.count == 1 && clock.requested.count == 2 })
        clock.advance(by: 0.1)
        #expect(await eventually { log.actions.value.count == 1 })
        clock.advance(by: 60)
        await settle()
        let ticks = log.actions.value.filter { if case .tick = $0 { true } else { false } }
        #expect(ticks.count == 1)
    }
}

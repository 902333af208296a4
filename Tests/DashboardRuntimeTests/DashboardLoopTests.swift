import DashboardRuntime
import Foundation
import Testing
import VolumeCore
import VolumeUI

/// A screen that keeps every frame, fed keys by the test.
@MainActor
final class FakeScreen: DashboardScreen {
    let size: (rows: Int, cols: Int) = (24, 100)
    let frames = Shared<[String]>([])
    let keys: AsyncStream<KeyPress>
    let keySink: AsyncStream<KeyPress>.Continuation

    init() { (keys, keySink) = AsyncStream.makeStream(of: KeyPress.self) }

    func events() -> AsyncStream<KeyPress> { keys }

    func draw(_ grid: CellGrid) {
        let text = grid.text
        frames.update { $0.append(text) }
    }
}

/// A runner that records the effects it is given.
final class RecordingRunner: EffectRunning {
    let effects = Shared<[Effect]>([])
    func run(_ effect: Effect) { effects.update { $0.append(effect) } }
    func followEvents() async {}
    var catalogLoads: Int { effects.value.filter { $0 == .loadCatalog || $0 == .refreshCatalog }.count }
}

/// The loop batches: everything queued is reduced, then drawn once; keys at once, results at most every 16 ms.
@MainActor
@Suite struct DashboardLoopTests {
    let screen = FakeScreen()
    let runner = RecordingRunner()
    let queue = ActionQueue()
    let clock = ManualClock()

    func start() -> Task<Void, Never> {
        let state = AppState(
            header: EngineHeader(target: "test", server: "Docker 20.10", apiVersion: "1.41"), isReadOnly: false, now: ManualClock.origin)
        return Task { @MainActor [screen, runner, queue, clock] in
            await DashboardLoop.run(screen: screen, state: state, runner: runner, queue: queue, clock: clock)
        }
    }

    func stop(_ loop: Task<Void, Never>) async {
        queue.finish()
        await loop.value
    }

    static func catalog(_ names: [String]) -> Catalog {
        Catalog(volumes: names.map { Volume(name: $0) }, containers: [], takenAt: ManualClock.origin)
    }

    static let createEvent = EngineEvent(type: "volume", action: "create", actorID: "v")

    @Test func anEventStormIsReducedInOneBatchDrawnOnceAndReloadsTheCatalogOnce() async throws {
        // Queued before the loop takes any: the first catalog, 1,000 volume events, then the reload's catalog.
        queue.send(.catalogLoaded(.success(Self.catalog(["first"]))))
        for _ in 0..<1_000 { queue.send(.eventReceived(Self.createEvent)) }
        let loop = start()
        #expect(await eventually { screen.frames.value.count == 1 })
        // Results right after the first frame wait for the frame interval.
        #expect(await eventually { clock.waiting.count == 1 })
        #expect(screen.frames.value.count == 1)
        clock.advance(by: DashboardLoop.frameInterval)
        #expect(await eventually { screen.frames.value.count == 2 })
        await settle()
        #expect(screen.frames.value.count == 2)
        #expect(screen.frames.value.last?.contains("first") == true)
        // One load at start, one for the storm (asked for by its first event, once the first catalog was in).
        #expect(runner.catalogLoads == 2)
        // The storm's load returns: the rest of the storm costs one more load, and nothing after it.
        clock.advance(by: 1)
        queue.send(.catalogLoaded(.success(Self.catalog(["first", "second"]))))
        #expect(await eventually { screen.frames.value.last?.contains("second") == true })
        #expect(runner.catalogLoads == 3)
        clock.advance(by: 1)
        queue.send(.catalogLoaded(.success(Self.catalog(["first", "second", "third"]))))
        #expect(await eventually { screen.frames.value.last?.contains("third") == true })
        await settle()
        #expect(runner.catalogLoads == 3)
        #expect(screen.frames.value.count == 4)
        await stop(loop)
    }

    @Test func aKeyIsDrawnAtOnceAndResultsWaitForTheFrameInterval() async throws {
        let loop = start()
        #expect(await eventually { screen.frames.value.count == 1 })
        // The clock stands still: a key must not wait for it.
        screen.keySink.yield(.char("?"))
        #expect(await eventually { screen.frames.value.count == 2 })
        queue.send(.sizesLoaded(.success([:])))
        #expect(await eventually { clock.waiting.count == 1 })
        await settle()
        #expect(screen.frames.value.count == 2)
        // A key meanwhile takes the waiting result along in its frame; the timer then draws nothing more.
        screen.keySink.yield(.char("?"))
        #expect(await eventually { screen.frames.value.count == 3 })
        clock.advance(by: 1)
        await settle()
        #expect(screen.frames.value.count == 3)
        // Once the interval has passed, a result is drawn at once.
        queue.send(.sizesLoaded(.success([:])))
        #expect(await eventually { screen.frames.value.count == 4 })
        await stop(loop)
    }

    @Test func manyKeysQueuedMakeOneFrame() async throws {
        for _ in 0..<50 { queue.send(.key(.down)) }
        queue.send(.catalogLoaded(.success(Self.catalog((0..<100).map { "v\($0)" }))))
        for _ in 0..<50 { queue.send(.key(.down)) }
        let loop = start()
        #expect(await eventually { screen.frames.value.count == 2 })
        await settle()
        #expect(screen.frames.value.count == 2)
        await stop(loop)
    }

    @Test func quittingEndsTheLoop() async throws {
        let loop = start()
        #expect(await eventually { screen.frames.value.count == 1 })
        screen.keySink.yield(.char("q"))
        await loop.value
        #expect(screen.frames.value.count == 1)
    }
}

/// The first names are what a user waits for: drawn at once; later lists wait like other results.
@MainActor
@Suite struct FirstNamesTests {
    let screen = FakeScreen()
    let runner = RecordingRunner()
    let queue = ActionQueue()
    let clock = ManualClock()

    @Test func theFirstNamesAreDrawnAtOnceLaterListsWaitForTheFrameInterval() async throws {
        let state = AppState(
            header: EngineHeader(target: "test", server: "Docker 20.10", apiVersion: "1.41"), isReadOnly: false, now: ManualClock.origin)
        let loop = Task { @MainActor [screen, runner, queue, clock] in
            await DashboardLoop.run(screen: screen, state: state, runner: runner, queue: queue, clock: clock)
        }
        #expect(await eventually { screen.frames.value.count == 1 })
        queue.send(.volumesListed(DashboardLoopTests.catalog(["early"])))
        // The clock stands still: the names must not wait for it.
        #expect(await eventually { screen.frames.value.count == 2 })
        #expect(screen.frames.value.last?.contains("early") == true)
        clock.advance(by: 1)
        queue.send(.catalogLoaded(.success(DashboardLoopTests.catalog(["early"]))))
        #expect(await eventually { screen.frames.value.count == 3 })
        queue.send(.volumesListed(DashboardLoopTests.catalog(["early", "later"])))
        #expect(await eventually { clock.waiting.count == 1 })
        await settle()
        #expect(screen.frames.value.count == 3)
        queue.finish()
        await loop.value
    }
}

import VolumeCore
import VolumeUI

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The dashboard's main loop on the main actor: keys and effect results meet in one queue, each action goes
/// through the pure reducer, effects go to the runner, and the new state is rendered and drawn.
///
/// The loop batches: it takes every action already queued, reduces each, then draws once. A key is drawn at once
/// (key to frame is what the user feels), and so is the first volume list; other results of effects are drawn at
/// most once per `frameInterval`, so a storm of results costs a frame every 16 ms, not a frame each.
@MainActor
public enum DashboardLoop {
    /// The shortest time between two frames that show only effect results.
    public static let frameInterval = 0.016

    /// Runs the dashboard on `screen` until the user quits or the input ends: actions come from `queue` (the
    /// runner sends its results there), effects go to `runner`, and `clock` spaces the frames.
    /// - Parameter started: `Dashboard.start` already ran on `initial` and its effects went to `runner` (the wiring
    ///   asks for the catalog before it sets the terminal up, so the engine answers meanwhile).
    public static func run(
        screen: DashboardScreen, state initial: AppState, runner: any EffectRunning, queue: ActionQueue,
        clock: any RuntimeClock = SystemClock(), started: Bool = false
    ) async {
        var state = initial
        let size = screen.size
        _ = Dashboard.reduce(&state, .resize(rows: size.rows, cols: size.cols))

        let keys = Task { @MainActor in
            for await event in screen.events() { queue.send(Action(terminalEvent: event)) }
        }
        let events = Task { await runner.followEvents() }
        var wakeTask: Task<Void, Never>?
        defer {
            keys.cancel()
            events.cancel()
            wakeTask?.cancel()
            queue.finish()
        }
        var grid = CellGrid(rows: size.rows, cols: size.cols)
        var renderSeconds = 0.0
        var drawSeconds = 0.0
        func draw() {
            let started = ContinuousClock.now
            if grid.rows != state.rows || grid.cols != state.cols {
                grid = CellGrid(rows: state.rows, cols: state.cols)
            }
            Dashboard.render(state, into: &grid)
            let rendered = ContinuousClock.now
            screen.draw(grid)
            renderSeconds = (rendered - started).seconds
            drawSeconds = (ContinuousClock.now - rendered).seconds
        }
        if !started {
            for effect in Dashboard.start(&state) { runner.run(effect) }
        }
        draw()
        StartupTrace.mark("first frame")
        var lastFrame = clock.now()
        // What the next frame shows that has not been drawn yet.
        var isDirty = false
        var keysWaiting: [ContinuousClock.Instant] = []
        var reduceSeconds = 0.0
        var hasCatalogWaiting = false
        var hasNamesWaiting = false
        // Drawn at once like a key: the first names (the first frame with names is what a user waits for). Later
        // loads list names too, but the reducer keeps the last full catalog on screen until theirs is in.
        var isUrgent = false
        var hasShownNames = false
        while let items = await queue.next() {
            if items.isEmpty { wakeTask = nil }  // the deferred frame is due
            let reduceStarted = ContinuousClock.now
            for item in items {
                let action = item.action
                switch action {
                case .key: keysWaiting.append(item.receivedAt)
                case .catalogLoaded(let result):
                    StartupTrace.mark("catalog loaded")
                    hasCatalogWaiting = true
                    if case .success = result { hasShownNames = true }
                case .volumesListed where !hasShownNames:
                    hasShownNames = true
                    hasNamesWaiting = true
                    isUrgent = true
                default: break
                }
                let effects = Dashboard.reduce(&state, action)
                if state.shouldQuit || effects.contains(.quit) { return }
                for effect in effects { runner.run(effect) }
                isDirty = true
            }
            reduceSeconds += (ContinuousClock.now - reduceStarted).seconds
            guard isDirty else { continue }
            let now = clock.now()
            let due = lastFrame.addingTimeInterval(frameInterval)
            guard !keysWaiting.isEmpty || isUrgent || now >= due else {
                if wakeTask == nil {
                    let wait = due.timeIntervalSince(now)
                    wakeTask = Task {
                        do { try await clock.sleep(seconds: wait) } catch { return }
                        queue.wake()
                    }
                }
                continue
            }
            draw()
            lastFrame = now
            isDirty = false
            wakeTask?.cancel()
            wakeTask = nil
            if StartupTrace.isEnabled {
                let drawn = ContinuousClock.now
                for received in keysWaiting {
                    let total = (drawn - received).seconds * 1000
                    StartupTrace.mark(
                        CFormat.string(
                            "key→frame %.2f ms (reduce %.2f, render %.2f, draw %.2f)", total, reduceSeconds * 1000,
                            renderSeconds * 1000, drawSeconds * 1000))
                }
                if hasCatalogWaiting {
                    StartupTrace.mark("frame with the catalog")
                    StartupTrace.markHeap("after the catalog")
                }
                if hasNamesWaiting {
                    StartupTrace.mark("frame with names")
                    StartupTrace.mark(
                        CFormat.string(
                            "names frame: reduce %.2f ms, render %.2f, draw %.2f", reduceSeconds * 1000, renderSeconds * 1000,
                            drawSeconds * 1000))
                }
            }
            keysWaiting.removeAll()
            isUrgent = false
            reduceSeconds = 0
            hasCatalogWaiting = false
            hasNamesWaiting = false
        }
    }
}

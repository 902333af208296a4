import Foundation
import VolumeCore
import VolumeUI

/// The dashboard's main loop on the main actor: keys and effect results meet in one stream, each action goes
/// through the pure reducer, effects go to the runner, and the new state is rendered and drawn.
@MainActor
public enum DashboardLoop {
    /// Runs the dashboard on `screen` until the user quits or the input ends: actions come from `queue` (the
    /// runner sends its results there), effects go to `runner`.
    public static func run(screen: DashboardScreen, state initial: AppState, runner: EffectRunner, queue: ActionQueue) async {
        var state = initial
        let size = screen.size
        _ = Dashboard.reduce(&state, .key(.resize(rows: size.rows, cols: size.cols)))

        let keys = Task { @MainActor in
            for await key in screen.events() { queue.send(.key(key)) }
        }
        let events = Task { await runner.followEvents() }
        defer {
            keys.cancel()
            events.cancel()
            queue.finish()
        }
        var grid = CellGrid(rows: size.rows, cols: size.cols)
        func draw() {
            if grid.rows != state.rows || grid.cols != state.cols {
                grid = CellGrid(rows: state.rows, cols: state.cols)
            }
            Dashboard.render(state, into: &grid)
            screen.draw(grid)
        }
        for effect in Dashboard.start(&state) { runner.run(effect) }
        draw()
        StartupTrace.mark("first frame")
        while let items = await queue.next() {
            for item in items {
                let action = item.action
                if case .catalogLoaded = action { StartupTrace.mark("catalog loaded") }
                let effects = Dashboard.reduce(&state, action)
                if state.shouldQuit || effects.contains(.quit) { return }
                for effect in effects { runner.run(effect) }
                draw()
                if case .catalogLoaded = action { StartupTrace.mark("frame with the catalog") }
                if case .volumesListed = action { StartupTrace.mark("frame with names") }
            }
        }
    }
}

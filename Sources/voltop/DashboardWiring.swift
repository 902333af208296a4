import DashboardRuntime
import Foundation
import Logging
import TerminalBackend
import VoltopConfig
import VolumeCore
import VolumeUI

/// Wires the dashboard together: the runner, the terminal and the loop (all in `DashboardRuntime`).
@MainActor
enum DashboardWiring {
    static func run(
        engine: DockerEngine, monochrome: Bool, source: SourcePreference, sizeRefresh: Double, config: VoltopConfig = VoltopConfig(),
        logger: Logger
    ) async throws {
        let queue = ActionQueue()
        let runner = EffectRunner(
            engine: engine, source: source, sizeRefresh: sizeRefresh, logger: logger,
            growth: { snapshot in queue.send(.growthUpdated(snapshot)) }, send: queue.send)
        // The helper container of an open file tree goes with the dashboard (after the terminal is restored).
        do {
            try await Terminal.withTerminal(monochrome: monochrome) { terminal in
                // Killed (TERM, HUP, QUIT, INT): the open file tree's helper container goes too, with one quick try
                // (at most 3 s); what is left, the next start removes. The runner does not need the main actor.
                terminal.onSignalExit = {
                    let done = DispatchSemaphore(value: 0)
                    Task.detached {
                        await runner.shutdown()
                        done.signal()
                    }
                    _ = done.wait(timeout: .now() + 3)
                }
                await DashboardLoop.run(
                    screen: terminal, state: initialState(engine, monochrome: monochrome, config: config), runner: runner, queue: queue)
            }
        } catch {
            await runner.shutdown()
            throw error
        }
        await runner.shutdown()
    }

    /// The state before anything is loaded: the header, read-only mode and colors.
    static func initialState(_ engine: DockerEngine, monochrome: Bool, config: VoltopConfig = VoltopConfig()) -> AppState {
        let target = engine.endpoint.contextName ?? engine.address
        let server = (engine.info.flavor == "podman" ? "Podman " : "Docker ") + engine.info.serverVersion
        var state = AppState(
            header: EngineHeader(target: target, server: server, apiVersion: engine.info.negotiatedAPIVersion),
            isReadOnly: engine.isReadOnly, now: Date())
        state.isMonochrome = monochrome
        state.palette = config.palette
        state.engineFlavor = engine.info.flavor
        state.standingWarning = engine.endpoint.insecureTLSWarning
        state.keyMap = config.keyMap
        if let sort = config.sort { _ = state.setSort(named: sort, reversed: config.reverse) }
        if let trash = try? Trash.current() {
            state.trash = TrashNote(retentionText: trash.policy.retentionText, maxVolumeBytes: trash.policy.maxVolumeBytes)
        }
        return state
    }
}

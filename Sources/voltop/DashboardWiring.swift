import DashboardRuntime
import Dispatch
import Logging
import TerminalBackend
import VoltopConfig
import VolumeCore
import VolumeUI

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

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
        let state = initialState(engine, monochrome: monochrome, config: config)
        try await show(state: state, runner: runner, queue: queue, monochrome: monochrome)
    }

    /// Runs the dashboard loop on the terminal, then shuts the runner down (also when the terminal cannot be set up).
    ///
    /// The start's effects (the catalog load first) go out before the terminal is set up: ncurses' start takes
    /// milliseconds that the engine spends answering. The helper container of an open file tree goes with the
    /// dashboard (after the terminal is restored).
    private static func show(state initial: AppState, runner: EffectRunner, queue: ActionQueue, monochrome: Bool) async throws {
        var state = initial
        for effect in Dashboard.start(&state) { runner.run(effect) }
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
                await DashboardLoop.run(screen: terminal, state: state, runner: runner, queue: queue, started: true)
            }
        } catch {
            await runner.shutdown()
            throw error
        }
        await runner.shutdown()
    }

    /// The dashboard over a fleet: every engine at once, one header line each (`FleetEngine`).
    static func runFleet(
        _ connections: [FleetConnection], readOnly: Bool, monochrome: Bool, source: SourcePreference, sizeRefresh: Double,
        config: VoltopConfig = VoltopConfig(), logger: Logger
    ) async throws {
        let queue = ActionQueue()
        var engines: [String: DockerEngine] = [:]
        var members: [FleetEngine.Member] = []
        for connection in connections {
            switch connection.result {
            case .success(let engine):
                engines[connection.label] = engine
                members.append(FleetEngine.Member(label: connection.label, engine: engine))
            case .failure(let error):
                // Tried again while the dashboard runs (the engine may be starting).
                let reconnect = connection.reconnect
                members.append(
                    FleetEngine.Member(label: connection.label, failure: error.message, reconnect: { try await reconnect() }))
            }
        }
        let fleet = FleetEngine(
            members: members, joined: { label, server in queue.send(.engineJoined(engine: label, server: server)) },
            report: { label, status in queue.send(.engineLinkChanged(engine: label, status)) })
        let runner = EffectRunner(
            fleet: fleet, engines: engines, source: source, sizeRefresh: sizeRefresh, logger: logger, send: queue.send)
        var state = initialState(fleet: connections, readOnly: readOnly, monochrome: monochrome, config: config)
        for (label, status) in fleet.linkStatuses {
            if let i = state.fleet.firstIndex(where: { $0.label == label }) { state.fleet[i].status = status }
        }
        try await show(state: state, runner: runner, queue: queue, monochrome: monochrome)
    }

    /// A fleet's state before anything is loaded: one header line per engine.
    static func initialState(
        fleet connections: [FleetConnection], readOnly: Bool, monochrome: Bool, config: VoltopConfig = VoltopConfig()
    ) -> AppState {
        var state = AppState(
            header: EngineHeader(target: "fleet", server: "", apiVersion: ""), isReadOnly: readOnly, now: Date())
        state.fleet = connections.map { connection in
            switch connection.result {
            case .success(let engine):
                let server = (engine.info.flavor == "podman" ? "Podman " : "Docker ") + engine.info.serverVersion
                return FleetMember(label: connection.label, server: server, status: .live)
            case .failure(let error): return FleetMember(label: connection.label, server: "", status: .error(error.message))
            }
        }
        state.isMonochrome = monochrome
        let warnings = connections.compactMap { try? $0.result.get().endpoint.insecureTLSWarning }
        state.standingWarning = warnings.first
        state.keyMap = config.keyMap
        if let sort = config.sort { _ = state.setSort(named: sort, reversed: config.reverse) }
        if let trash = try? Trash.current() {
            state.trash = TrashNote(retentionText: trash.policy.retentionText, maxVolumeBytes: trash.policy.maxVolumeBytes)
        }
        return state
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

import ArgumentParser
import DashboardRuntime
import Foundation
import Logging
import TerminalBackend
import VolumeCore
import VolumeUI

/// `voltop` with no subcommand: the live dashboard.
struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard", abstract: "Open the live dashboard (the default).")

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Draw without colors (as NO_COLOR does).")
    var noColor = false

    @Option(
        help: ArgumentHelp(
            "How the file tree reads a volume: auto (directly as root on the engine's host, else a helper container), direct, or helper.",
            valueName: "auto|direct|helper"))
    var source: SourcePreference = .auto

    /// Seconds between two looks at the sizes of the rows on screen (direct mode; 0: only on changes). Hidden: a
    /// knob for tests and benchmarks.
    @Option(name: .customLong("size-refresh"), help: .hidden)
    var sizeRefresh: Double = 15

    func run() async throws {
        guard Output.isInteractive else {
            Output.warn("the dashboard needs a terminal; for scripts use `voltop ls` (add --json for machine-readable output)")
            throw ExitCode(1)
        }
        // Logs must never reach the terminal while the dashboard runs: a file with --debug, nothing otherwise.
        // The file is opened now, so that a refused log path is reported before the screen is taken over.
        let log = global.debug ? try FileLogHandler.open() : nil
        let logger = Logger(label: "voltop") { label in
            log.map { FileLogHandler.make(label: label, handle: $0) } ?? SwiftLogNoOpLogHandler()
        }
        // Connect before taking over the screen, so an unreachable engine prints a plain message.
        StartupTrace.mark("parsed")
        let engine = try await global.connect(logger: logger)
        StartupTrace.mark("connected")
        // Helper containers of voltop runs that died (never those of a running voltop); in the background,
        // so startup does not wait for it.
        Task { _ = try? await engine.removeLeftoverHelpers() }
        let monochrome = noColor || !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        try await DashboardWiring.run(engine: engine, monochrome: monochrome, source: source, sizeRefresh: sizeRefresh, logger: logger)
    }
}

/// Wires the dashboard together: the runner, the terminal and the loop (all in `DashboardRuntime`).
@MainActor
enum DashboardWiring {
    static func run(engine: DockerEngine, monochrome: Bool, source: SourcePreference, sizeRefresh: Double, logger: Logger) async throws {
        let queue = ActionQueue()
        let runner = EffectRunner(engine: engine, source: source, sizeRefresh: sizeRefresh, logger: logger, send: queue.send)
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
                await DashboardLoop.run(screen: terminal, state: initialState(engine, monochrome: monochrome), runner: runner, queue: queue)
            }
        } catch {
            await runner.shutdown()
            throw error
        }
        await runner.shutdown()
    }

    /// The state before anything is loaded: the header, read-only mode and colors.
    static func initialState(_ engine: DockerEngine, monochrome: Bool) -> AppState {
        let target = engine.endpoint.contextName ?? engine.address
        let server = (engine.info.flavor == "podman" ? "Podman " : "Docker ") + engine.info.serverVersion
        var state = AppState(
            header: EngineHeader(target: target, server: server, apiVersion: engine.info.negotiatedAPIVersion),
            isReadOnly: engine.isReadOnly, now: Date())
        state.isMonochrome = monochrome
        state.engineFlavor = engine.info.flavor
        state.standingWarning = engine.endpoint.insecureTLSWarning
        return state
    }
}

/// A log handler that appends to `$XDG_STATE_HOME/voltop/voltop.log` (or `~/.local/state/voltop/voltop.log`).
enum FileLogHandler {
    /// Opens the log file (see `LogFile.open`: no symlink, a regular file of the user's, mode 0600).
    static func open() throws -> FileHandle {
        let fd = try LogFile.open(directory: LogFile.directory(environment: ProcessInfo.processInfo.environment))
        return FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    static func make(label: String, handle: FileHandle) -> LogHandler {
        var handler = StreamLogHandler(label: label, stream: FileStream(handle: handle))
        handler.logLevel = .debug
        return handler
    }
}

/// A `TextOutputStream` over a file handle, for the log file.
struct FileStream: TextOutputStream, @unchecked Sendable {
    let handle: FileHandle
    mutating func write(_ string: String) { handle.write(Data(string.utf8)) }
}

import ArgumentParser
import Foundation
import Logging
import TerminalBackend
import VolumeCore
import VolumeUI

#if canImport(Glibc)
    import Glibc
#endif

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
        try await DashboardLoop.run(engine: engine, monochrome: monochrome, source: source, sizeRefresh: sizeRefresh, logger: logger)
    }
}

/// The dashboard's main loop on the main actor: keys and effect results meet in one stream, each action goes
/// through the pure reducer, effects go to the runner, and the new state is rendered and drawn.
@MainActor
enum DashboardLoop {
    static func run(engine: DockerEngine, monochrome: Bool, source: SourcePreference, sizeRefresh: Double, logger: Logger) async throws {
        let (actions, sink) = AsyncStream.makeStream(of: Action.self, bufferingPolicy: .unbounded)
        let runner = EffectRunner(engine: engine, source: source, sizeRefresh: sizeRefresh, logger: logger) { sink.yield($0) }
        // The helper container of an open file tree goes with the dashboard (after the terminal is restored).
        do {
            try await loop(engine: engine, monochrome: monochrome, runner: runner, actions: actions, sink: sink)
        } catch {
            await runner.shutdown()
            throw error
        }
        await runner.shutdown()
    }

    private static func loop(
        engine: DockerEngine, monochrome: Bool, runner: EffectRunner, actions: AsyncStream<Action>,
        sink: AsyncStream<Action>.Continuation
    ) async throws {
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
            let target = engine.endpoint.contextName ?? engine.address
            let server = (engine.info.flavor == "podman" ? "Podman " : "Docker ") + engine.info.serverVersion
            var state = AppState(
                header: EngineHeader(target: target, server: server, apiVersion: engine.info.negotiatedAPIVersion),
                isReadOnly: engine.isReadOnly, now: Date())
            state.isMonochrome = monochrome
            state.engineFlavor = engine.info.flavor
            state.standingWarning = engine.endpoint.insecureTLSWarning
            let size = terminal.size
            _ = Dashboard.reduce(&state, .resize(rows: size.rows, cols: size.cols))

            let keys = Task { @MainActor in
                for await event in terminal.events() { sink.yield(Action(terminalEvent: event)) }
            }
            let events = Task { await runner.followEvents() }
            defer {
                keys.cancel()
                events.cancel()
                sink.finish()
            }
            var grid = CellGrid(rows: size.rows, cols: size.cols)
            @MainActor func draw() {
                if grid.rows != state.rows || grid.cols != state.cols {
                    grid = CellGrid(rows: state.rows, cols: state.cols)
                }
                Dashboard.render(state, into: &grid)
                terminal.draw(grid)
            }
            for effect in Dashboard.start(&state) { runner.run(effect) }
            draw()
            StartupTrace.mark("first frame")
            for await action in actions {
                if case .catalogLoaded = action { StartupTrace.mark("catalog loaded") }
                let effects = Dashboard.reduce(&state, action)
                if state.shouldQuit || effects.contains(.quit) { break }
                for effect in effects { runner.run(effect) }
                draw()
                if case .catalogLoaded = action { StartupTrace.mark("frame with the catalog") }
                if case .volumesListed = action { StartupTrace.mark("frame with names") }
            }
        }
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

/// With `VOLTOP_TRACE=FILE`, appends milliseconds since process start for each start-up step (for benchmarks).
enum StartupTrace {
    static let path = ProcessInfo.processInfo.environment["VOLTOP_TRACE"]

    static func mark(_ step: String) {
        guard let path, !path.isEmpty else { return }
        var start = timespec()
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        // The process start time, from /proc/self/stat field 22 (clock ticks since boot).
        let stat = (try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8)) ?? ""
        let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
        let startTicks = fields.count > 19 ? Double(fields[19]) ?? 0 : 0
        start.tv_sec = Int(startTicks / Double(sysconf(Int32(_SC_CLK_TCK))))
        let ms = (Double(now.tv_sec) * 1000 + Double(now.tv_nsec) / 1e6) - startTicks * 1000 / Double(sysconf(Int32(_SC_CLK_TCK)))
        let line = String(format: "%8.1f ms  %@\n", ms, step)
        if let handle = FileHandle(forWritingAtPath: path) ?? (FileManager.default.createFile(atPath: path, contents: nil) ? FileHandle(forWritingAtPath: path) : nil) {
            handle.seekToEndOfFile()
            handle.write(Data(line.utf8))
            try? handle.close()
        }
    }
}

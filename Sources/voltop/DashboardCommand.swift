import ArgumentParser
import DashboardRuntime
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

    /// Removes the helper containers of voltop runs that died (never those of a running voltop), in the background
    /// and a moment after start: the engine first answers the catalog load that the first screen waits for.
    static func removeLeftoverHelpersSoon(_ engine: DockerEngine) {
        Task {
            try? await Task.sleep(nanoseconds: 1_500_000_000)
            _ = try? await engine.removeLeftoverHelpers()
        }
    }

    func run() async throws {
        // A broken configuration is named first, wherever voltop runs.
        let config = try VoltopConfig.forDashboard()
        Trash.Policy.configure(config.trashPolicy)
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
        let monochrome = noColor || !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        // --size-refresh on the command line beats the file.
        let refresh = CommandLine.arguments.contains { $0.hasPrefix("--size-refresh") } ? sizeRefresh : (config.sizeRefresh ?? sizeRefresh)
        StartupTrace.mark("parsed")
        // The dashboard gives back the code it no longer runs after each trim (see FreedMemory.releaseProgramPages).
        FreedMemory.releasesProgramPages.store(true, ordering: .relaxed)
        if global.isFleet {
            // Every engine at once; the dashboard opens when at least one answers (the others show their error).
            let connections = try await global.connectFleet(logger: logger)
            StartupTrace.mark("connected")
            let connected = connections.compactMap { try? $0.result.get() }
            guard !connected.isEmpty else {
                for connection in connections {
                    if case .failure(let error) = connection.result { Output.warn("engine \(connection.label): \(error)") }
                }
                throw ExitCode(1)
            }
            for engine in connected { Self.removeLeftoverHelpersSoon(engine) }
            try await DashboardWiring.runFleet(
                connections, readOnly: global.readOnly, monochrome: monochrome, source: source, sizeRefresh: refresh, config: config,
                logger: logger)
            return
        }
        // Connect before taking over the screen, so an unreachable engine prints a plain message. The volume list
        // is asked for alongside the ping: the first names are what a user waits for.
        let engine = try await global.connect(logger: logger, listingVolumes: true)
        StartupTrace.mark("connected")
        Self.removeLeftoverHelpersSoon(engine)
        try await DashboardWiring.run(
            engine: engine, monochrome: monochrome, source: source, sizeRefresh: refresh, config: config, logger: logger)
    }
}

/// A log handler that appends to `$XDG_STATE_HOME/voltop/voltop.log` (or `~/.local/state/voltop/voltop.log`).
enum FileLogHandler {
    /// Opens the log file (see `LogFile.open`: no symlink, a regular file of the user's, mode 0600).
    static func open() throws -> FileDescriptorWriter {
        let fd = try LogFile.open(directory: LogFile.directory(environment: ProcessInfo.processInfo.environment))
        return FileDescriptorWriter(fd: fd)
    }

    static func make(label: String, handle: FileDescriptorWriter) -> LogHandler {
        var handler = StreamLogHandler(label: label, stream: FileStream(handle: handle))
        handler.logLevel = .debug
        return handler
    }
}

/// A `TextOutputStream` over a file handle, for the log file.
struct FileStream: TextOutputStream, @unchecked Sendable {
    let handle: FileDescriptorWriter
    mutating func write(_ string: String) { handle.write(string.utf8) }
}

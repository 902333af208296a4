import ArgumentParser
import DashboardRuntime
import Logging
import VolumeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// The `voltop` command: the dashboard by default, and subcommands for scripts.
struct Voltop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "voltop",
        abstract: "A live dashboard and CLI for Docker volumes: sizes, owners, contents and safe prune.",
        discussion: """
            The engine is found as the docker CLI finds it: --context, --host, DOCKER_HOST, DOCKER_CONTEXT, \
            currentContext in ~/.docker/config.json, then /var/run/docker.sock (and the rootless, Docker Desktop \
            and Podman sockets when that is missing).

            Exit codes: 0 success, 1 failure, 2 usage error.
            """,
        version: VoltopVersion.current,
        subcommands: [
            DashboardCommand.self, ListCommand.self, InspectCommand.self, CreateCommand.self, RemoveCommand.self,
            PruneCommand.self, DuCommand.self, ExportCommand.self, ImportCommand.self, CloneCommand.self, TrashCommand.self,
            RestoreCommand.self, LogCommand.self, ConfigCommand.self
        ],
        defaultSubcommand: DashboardCommand.self
    )

    /// The subcommands' names and aliases (`help` included).
    static var commandNames: Set<String> {
        var names: Set<String> = ["help"]
        for command in configuration.subcommands {
            names.insert(command._commandName)
            names.formUnion(command.configuration.aliases)
        }
        return names
    }
}

/// Options every subcommand shares.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: [.customShort("H"), .long],
        help:
            "Engine address: unix:///path, tcp://host:port or ssh://[user@]host[:port]. Repeat it (or mix with --context) for several engines in the dashboard and ls."
    )
    var host: [String] = []

    @Option(name: .long, help: "Docker context to use. Repeat it for several engines in the dashboard and ls.")
    var context: [String] = []

    @Flag(name: .long, help: "Every context in the docker config's contexts store, as one fleet (the dashboard and ls).")
    var allContexts = false

    @Flag(name: .long, help: "Refuse every change; only look.")
    var readOnly = false

    @Flag(
        name: .long,
        help: "Log engine requests: to standard error in the CLI; the dashboard writes them to ~/.local/state/voltop/voltop.log.")
    var debug = false

    /// The arguments with global options written before the subcommand (`voltop --read-only rm x`) moved after it,
    /// where the subcommand's option group reads them.
    static func movedAfterSubcommand(_ args: [String]) -> [String] {
        let index = globalPrefixCount(args)
        guard index > 0, index < args.count, !args[index].hasPrefix("-") else { return args }
        return [args[index]] + args[..<index] + Array(args[(index + 1)...])
    }

    /// How many of the first arguments are global options (with their values).
    static func globalPrefixCount(_ args: [String]) -> Int {
        let withValue: Set = ["-H", "--host", "--context"]
        let flags: Set = ["--read-only", "--debug", "--all-contexts"]
        var index = 0
        while index < args.count {
            let arg = args[index]
            if flags.contains(arg) {
                index += 1
            } else if withValue.contains(arg), index + 1 < args.count {
                index += 2
            } else if withValue.contains(where: { arg.hasPrefix($0 + "=") }) {
                index += 1
            } else {
                break
            }
        }
        return index
    }

    /// The commands that read and write only this machine's files (the trash, the audit log, the configuration).
    static let localCommands: Set = ["trash", "log", "config"]

    /// The arguments of a local command (`localCommands`) without the global options written before it, which it
    /// does not take (`voltop -H ssh://x trash ls`), and a note saying so; other arguments are returned as they are.
    /// `--read-only` before `trash purge` refuses it (the purge deletes for good).
    static func withoutGlobalsOfLocalCommand(_ args: [String]) throws -> (arguments: [String], note: String?) {
        let index = globalPrefixCount(args)
        guard index > 0, index < args.count, localCommands.contains(args[index]) else { return (args, nil) }
        let command = args[index]
        let globals = args[..<index]
        let rest = Array(args[(index + 1)...])
        if globals.contains("--read-only"), command == "trash", rest.contains("purge") {
            throw ValidationError("--read-only refuses changes, and voltop trash purge deletes items for good")
        }
        let options = globals.filter { $0.hasPrefix("-") }.map { $0.split(separator: "=").first.map(String.init) ?? $0 }
        let note = "voltop \(command) reads this machine's own files: \(options.joined(separator: ", ")) ignored"
        return ([command] + rest, note)
    }

    /// Whether these options name several engines (a fleet).
    var isFleet: Bool { allContexts || host.count + context.count > 1 }

    /// Connects to the engine these options name; logs go to standard error unless a logger is given.
    func connect(logger given: Logger? = nil, listingVolumes: Bool = false) async throws -> DockerEngine {
        guard !isFleet else {
            throw ValidationError(
                "this command works on one engine: give one --host or --context (several engines: the dashboard and ls)")
        }
        let endpoint = try EngineEndpoint.resolve(host: host.first, context: context.first)
        if let warning = endpoint.insecureTLSWarning { Output.warn(warning) }
        // The dashboard's connection may be under way already (see EarlyConnection): its engine, or its error.
        if listingVolumes, let early = EarlyConnection.take(endpoint: endpoint, readOnly: readOnly, debug: debug) {
            StartupTrace.mark("early connection taken")
            return try await early.value
        }
        return try await DockerEngine.connect(endpoint, readOnly: readOnly, logger: logger(given), listingVolumes: listingVolumes)
    }

    private func logger(_ given: Logger?) -> Logger {
        var logger = given ?? Logger(label: "voltop")
        if given == nil { logger.logLevel = debug ? .debug : .warning }
        return logger
    }

    /// Connects to every engine of a fleet at once, each within `timeout` seconds; one that cannot be reached is
    /// returned with its error, never holding up the others. Bad options (an unknown context, a label given twice)
    /// throw.
    func connectFleet(logger given: Logger? = nil, timeout: Double = 10) async throws -> [FleetConnection] {
        let endpoints = try EngineEndpoint.resolveFleet(hosts: host, contexts: context, allContexts: allContexts)
        for endpoint in endpoints { if let warning = endpoint.insecureTLSWarning { Output.warn(warning) } }
        let logger = logger(given)
        let readOnly = self.readOnly
        return await withTaskGroup(of: (Int, Result<DockerEngine, EngineError>).self) { group in
            for (index, endpoint) in endpoints.enumerated() {
                group.addTask {
                    do {
                        let engine = try await withThrowingTaskGroup(of: DockerEngine?.self) { race in
                            race.addTask { try await DockerEngine.connect(endpoint, readOnly: readOnly, logger: logger) }
                            race.addTask {
                                try await Task.sleep(for: .seconds(timeout))
                                return nil
                            }
                            defer { race.cancelAll() }
                            guard let first = try await race.next(), let engine = first else {
                                throw EngineError(.timeout, "no answer within \(Int(timeout)) s")
                            }
                            return engine
                        }
                        return (index, .success(engine))
                    } catch let error as EngineError {
                        return (index, .failure(error))
                    } catch {
                        return (index, .failure(EngineError(.engineFailure, "\(error)")))
                    }
                }
            }
            var results: [FleetConnection?] = Array(repeating: nil, count: endpoints.count)
            for await (index, result) in group {
                let endpoint = endpoints[index]
                results[index] = FleetConnection(
                    label: Sanitizer.inline(endpoint.label), result: result,
                    reconnect: { try await DockerEngine.connect(endpoint, readOnly: readOnly, logger: logger) })
            }
            return results.compactMap { $0 }
        }
    }
}

/// One engine of a fleet: its label and the engine, or why it could not be reached.
struct FleetConnection: Sendable {
    var label: String
    var result: Result<DockerEngine, EngineError>
    /// Connects to the same engine again (for one that could not be reached at start).
    var reconnect: @Sendable () async throws -> DockerEngine
}

@main
enum Main {
    static func main() async {
        StartupTrace.mark("main")  // the process's start before it: the dynamic loader and the runtime's set-up
        // One malloc arena for every thread (see FreedMemory.useOneArena): first, before threads allocate.
        FreedMemory.useOneArena()
        LoggingSystem.bootstrap { label in StreamLogHandler(label: label, stream: SanitizedStandardError()) }
        do {
            let arguments = Array(CommandLine.arguments.dropFirst())
            // The dashboard's connection starts now when the arguments can only mean the dashboard (checked after).
            EarlyConnection.start(arguments)
            // `voltop foo`: an unknown command, not an argument of the dashboard (whose usage would be shown).
            if let first = arguments.first, !first.hasPrefix("-"), !Voltop.commandNames.contains(first) {
                throw ValidationError(
                    "unknown command \"\(Sanitizer.inline(first))\": use one of \(Voltop.commandNames.sorted().joined(separator: ", ")), "
                        + "or no command for the dashboard (voltop --help lists them)")
            }
            let (local, note) = try GlobalOptions.withoutGlobalsOfLocalCommand(arguments)
            if let note { Output.warn(note) }
            // The dashboard with no subcommand (bare `voltop`, or only global options such as `-H URL`) skips the
            // root command: parsing the root walks every subcommand's arguments (and their protocol conformances)
            // before it picks the default one, about 4 ms of a start.
            let onlyGlobals = GlobalOptions.globalPrefixCount(arguments) == arguments.count
            var command: any ParsableCommand =
                onlyGlobals
                ? try DashboardCommand.parse(arguments) : try Voltop.parseAsRoot(GlobalOptions.movedAfterSubcommand(local))
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            exit(0)
        } catch let error as EngineError {
            Output.error(error)
            // Bad input from the user is a usage error; everything else a failure.
            exit(error.code == .invalidName || error.code == .invalidArgument ? 2 : 1)
        } catch let error as ExitCode {
            exit(error.rawValue)
        } catch {
            let code = Voltop.exitCode(for: error)
            let message = Voltop.fullMessage(for: error)
            if code == .success {
                Output.line(message)
                exit(0)
            }
            Output.text(message + "\n", to: STDERR_FILENO)
            // Usage errors (ValidationError, unknown options) exit with 2, as documented.
            exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}

/// Standard error as a stream for log lines (`--debug`, warnings), through the CLI's sanitising boundary: log
/// messages and metadata carry engine text (errors, paths, names).
struct SanitizedStandardError: TextOutputStream, Sendable {
    mutating func write(_ string: String) { Output.text(string, to: STDERR_FILENO) }
}

/// Writes to standard output and standard error: the one way the CLI prints, and its sanitising boundary.
///
/// Every text goes through `Sanitizer.multiline` (lines and tabs kept, every other control, bidi and invisible
/// character escaped) and every JSON document through `Sanitizer.jsonEscaped`, so engine messages, names,
/// container states and decoding errors never reach the terminal raw, whatever a caller forgot to escape.
///
/// Plain write(2): NIO ignores SIGPIPE, so a reader that goes away (`voltop ls --json | head`) makes writes fail
/// with EPIPE, and FileHandle would trap on that. Here EPIPE ends the process quietly, as `ls | head` does.
enum Output {
    static func line(_ text: String = "") {
        self.text(text + "\n", to: STDOUT_FILENO)
    }

    /// Writes lines to standard output in one write (10,000 rows are one system call, not 10,000).
    static func lines(_ lines: [String]) {
        guard !lines.isEmpty else { return }
        var text = String()
        text.reserveCapacity(lines.reduce(0) { $0 + $1.utf8.count + 1 })
        for line in lines {
            text += line
            text += "\n"
        }
        self.text(text, to: STDOUT_FILENO)
    }

    static func error(_ error: EngineError) {
        text("voltop: \(error)\n", to: STDERR_FILENO)
    }

    static func warn(_ text: String) {
        self.text("voltop: \(text)\n", to: STDERR_FILENO)
    }

    /// Writes text, sanitised (newlines and tabs kept), with no newline added.
    static func text(_ text: String, to fd: Int32) {
        write(Data(Sanitizer.multiline(text).utf8), to: fd)
    }

    /// Redraws the status line on standard error (`\r`, the text on one line, erase to the end of the line).
    static func statusLine(_ text: String) {
        write(Data(("\r" + Sanitizer.inline(text) + "\u{1B}[K").utf8), to: STDERR_FILENO)
    }

    /// Erases the status line on standard error.
    static func clearStatusLine() {
        write(Data("\r\u{1B}[K".utf8), to: STDERR_FILENO)
    }

    /// Writes a JSON document (UTF-8 text) with every unsafe scalar escaped as `\uXXXX`, then a newline.
    static func json(data: Data) {
        write(Data((Sanitizer.jsonEscaped(String(decoding: data, as: UTF8.self)) + "\n").utf8), to: STDOUT_FILENO)
    }

    /// Writes all bytes to a descriptor; exits quietly when the reader has gone.
    private static func write(_ data: Data, to fd: Int32) {
        data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, base + offset, raw.count - offset)
                if n > 0 {
                    offset += n
                } else if n < 0 && errno == EINTR {
                    continue
                } else if n < 0 && errno == EPIPE {
                    exit(0)
                } else {
                    return
                }
            }
        }
    }

    /// Encodes a value as pretty, key-sorted JSON on standard output.
    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        json(data: try encoder.encode(value))
    }

    /// Whether standard input and output are a terminal (a person can answer a question).
    static var isInteractive: Bool { isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 }
}

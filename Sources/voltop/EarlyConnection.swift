import Logging
import Synchronization
import VolumeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// The dashboard's connection (the ping and the volume list), started before the command line is parsed.
///
/// Parsing and reading the configuration take about 3.5 ms of a start, and until the engine has the volume list
/// request it cannot begin to build its answer, the longest wait before the first names. When the arguments can only
/// mean the dashboard on one engine (none, or only `-H`/`--host`, `--read-only`), `start` connects at once to the
/// endpoint they and the environment name, on the other core while this one parses.
///
/// It is a guess, checked afterwards: the dashboard takes it only when the parsed options name the same endpoint
/// with the same settings (`take`); otherwise it is cancelled and the dashboard connects as it always did. A failure
/// is reported where the dashboard's own connection would have reported it (after the configuration's errors), and
/// it is the same failure: the same endpoint, settings and environment (an unreachable engine is not waited for
/// twice). SSH endpoints are not started early (ssh may ask for a password before voltop has said anything), nor
/// endpoints that voltop warns about (TLS without verification), nor anything without a terminal.
enum EarlyConnection {
    /// A connection under way and what it was started for.
    struct Started: Sendable {
        var endpoint: EngineEndpoint
        var readOnly: Bool
        var task: Task<DockerEngine, any Error>
    }

    private static let started = Mutex<Started?>(nil)

    /// What the arguments say about the dashboard's one engine: nil when they are anything but global options naming
    /// at most one host (a subcommand, `--context`, `--all-contexts`, `--debug`, two hosts, anything unknown).
    static func plan(_ arguments: [String]) -> (host: String?, readOnly: Bool)? {
        var host: String?
        var readOnly = false
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            var value: String?
            if argument == "-H" || argument == "--host" {
                guard index + 1 < arguments.count else { return nil }
                value = arguments[index + 1]
                index += 2
            } else if argument.hasPrefix("--host=") {
                value = String(argument.dropFirst("--host=".count))
                index += 1
            } else if argument == "--read-only" {
                readOnly = true
                index += 1
                continue
            } else {
                return nil
            }
            guard host == nil, let value, !value.isEmpty, !value.hasPrefix("-") else { return nil }
            host = value
        }
        return (host, readOnly)
    }

    /// Starts connecting when `plan` allows it and the endpoint resolves to a socket or TCP; otherwise does nothing.
    static func start(_ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard let plan = plan(arguments),
            let endpoint = try? EngineEndpoint.resolve(host: plan.host, environment: environment)
        else { return }
        switch endpoint.transport {
        case .unix, .tcp: break
        case .ssh: return
        }
        // Not when the dashboard will refuse to start (no terminal), nor before the warning about TLS that is not
        // verified has been printed.
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1, endpoint.insecureTLSWarning == nil else { return }
        let readOnly = plan.readOnly
        // The dashboard's own logger without --debug: nothing is logged.
        let logger = Logger(label: "voltop") { _ in SwiftLogNoOpLogHandler() }
        let task = Task {
            try await DockerEngine.connect(
                endpoint, readOnly: readOnly, environment: environment, logger: logger, listingVolumes: true)
        }
        started.withLock { $0 = Started(endpoint: endpoint, readOnly: readOnly, task: task) }
    }

    /// The early connection when it was started for this endpoint and these settings, or nil (cancelled when it was
    /// started for anything else). Taken once.
    static func take(endpoint: EngineEndpoint, readOnly: Bool, debug: Bool) -> Task<DockerEngine, any Error>? {
        guard let early = started.withLock({ $0.take() }) else { return nil }
        guard early.endpoint == endpoint, early.readOnly == readOnly, !debug else {
            early.task.cancel()
            return nil
        }
        return early.task
    }
}

import Logging
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// Connecting: the ping, the API version, and the volume list asked for alongside.
extension DockerEngine {
    /// Connects: pings the engine, reads its API version and negotiates the lower of voltop's and the daemon's.
    ///
    /// When the endpoint is the default socket and it does not exist, the rootless, Docker Desktop and Podman
    /// sockets are tried in turn. `DOCKER_API_VERSION` fixes the version as it does for the docker CLI.
    ///
    /// With `listingVolumes`, `GET /volumes` goes out at the same moment as the ping, on a connection of its own, and
    /// the first `volumes()` without filters takes its answer: the dashboard's first names wait for the engine's
    /// listing, not for the ping's round trip and then the listing. The path has no version (the version is not
    /// known yet); Docker and Podman serve it at their own version, and the fields voltop reads are the same in
    /// every version it supports. A refused or failed early listing is asked again, versioned, as usual.
    public static func connect(
        _ endpoint: EngineEndpoint, readOnly: Bool = false,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger = Logger(label: "voltop.engine"), listingVolumes: Bool = false
    ) async throws -> DockerEngine {
        let counter = RequestCounter()
        var candidates: [String?] = [nil]
        if case .unix(let path) = endpoint.transport, !endpoint.fallbackSockets.isEmpty,
            SocketProbe.connectErrno(path) == ENOENT
        {
            candidates = endpoint.fallbackSockets.filter { FileManager.default.fileExists(atPath: $0) }.map { $0 }
            if candidates.isEmpty { candidates = [nil] }
        }
        var lastError: EngineError?
        for socket in candidates {
            let http = try EngineHTTP(endpoint: endpoint, socketPath: socket, logger: logger, counter: counter)
            let early = listingVolumes ? EarlyReply(Task { try await http.send(.GET, "/volumes") }) : nil
            do {
                return try await handshake(http, readOnly: readOnly, environment: environment, earlyVolumeList: early)
            } catch let error as EngineError {
                early?.cancel()
                lastError = error
                if error.code != .unreachable { throw error }
            } catch {
                // Cancelled (an early connection the dashboard did not take): the list is not wanted either.
                early?.cancel()
                throw error
            }
        }
        throw lastError ?? EngineError(.unreachable, "no engine found")
    }

    private static func handshake(
        _ http: EngineHTTP, readOnly: Bool, environment: [String: String], earlyVolumeList: EarlyReply?
    ) async throws -> DockerEngine {
        var reply = try await http.send(.HEAD, "/_ping", timeout: .seconds(5))
        if reply.status != 200 && reply.status != 500 {
            reply = try await http.send(.GET, "/_ping", timeout: .seconds(5))
        }
        guard reply.status == 200 || reply.status == 500 else {
            throw EngineError(
                .malformedResponse,
                "\(http.displayAddress) (found via \(http.endpoint.source)) answered HTTP \(reply.status) to /_ping: it does not look like a Docker engine"
            )
        }
        let (info, negotiated) = try negotiate(reply, address: http.displayAddress, environment: environment)
        return DockerEngine(
            http: http, info: info, apiVersion: negotiated, readOnly: readOnly, earlyVolumeList: earlyVolumeList,
            eventsStart: reply.header("Date").flatMap(eventsStart(httpDate:)))
    }

    /// `since` for the event stream: a second before an HTTP date (`Tue, 01 Dec 2026 20:09:08 GMT`, whole seconds),
    /// as Unix seconds; nil for anything else.
    static func eventsStart(httpDate text: String) -> String? {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", parts[1].count == 2, parts[3].count == 4, parts[4].count == 8,
            let month = months.firstIndex(of: String(parts[2]))
        else { return nil }
        let iso = "\(parts[3])-\(month < 9 ? "0" : "")\(month + 1)-\(parts[1])T\(parts[4])Z"
        // The strict reader (no day 31 in February, no hour 25).
        guard let seconds = EngineDate.fastSeconds(iso) else { return nil }
        return String(Int64(seconds) - 1)
    }

    /// Reads the ping reply's headers and picks the API version: the lower of voltop's newest and the daemon's,
    /// or `DOCKER_API_VERSION` when set.
    static func negotiate(_ reply: EngineReply, address: String, environment: [String: String]) throws -> (EngineInfo, APIVersion) {
        let serverText = reply.header("Api-Version") ?? "1.24"
        guard let server = APIVersion(serverText) else {
            throw EngineError(.malformedResponse, "the engine reported an unreadable API version \"\(Sanitizer.inline(serverText))\"")
        }
        let serverHeader = reply.header("Server") ?? ""
        let isPodman = reply.header("Libpod-API-Version") != nil || serverHeader.hasPrefix("Libpod")
        var negotiated = min(APIVersion.newestSupported, server)
        if let fixed = environment["DOCKER_API_VERSION"], !fixed.isEmpty {
            guard let v = APIVersion(fixed) else {
                throw EngineError(
                    .invalidArgument, "DOCKER_API_VERSION=\(Sanitizer.inline(fixed)) is not a version like 1.41: unset it or fix it")
            }
            negotiated = v
        }
        guard negotiated >= APIVersion.oldestSupported else {
            throw EngineError(
                .unsupportedAPIVersion,
                "the engine at \(address) speaks API \(negotiated), older than \(APIVersion.oldestSupported), the oldest voltop supports: "
                    + "upgrade the engine (Docker 19.03 or later)")
        }
        guard negotiated <= APIVersion.newestSupported else {
            throw EngineError(
                .unsupportedAPIVersion,
                "API \(negotiated) is newer than \(APIVersion.newestSupported), the newest voltop supports: unset DOCKER_API_VERSION")
        }
        // "Docker/20.10.24+dfsg1 (linux)" or "Libpod/5.8.2 (linux)"
        var product = serverHeader
        var os = "linux"
        if let space = serverHeader.firstIndex(of: " ") {
            product = String(serverHeader[..<space])
            os = serverHeader[space...].trimming { " ()".unicodeScalars.contains($0) }
        }
        let version = product.split(separator: "/", maxSplits: 1).dropFirst().first.map(String.init) ?? "unknown"
        let flavorName = isPodman ? "podman" : "docker"
        let info = EngineInfo(
            serverVersion: version, serverAPIVersion: server.description, minAPIVersion: nil,
            negotiatedAPIVersion: negotiated.description, flavor: flavorName, os: os)
        return (info, negotiated)
    }
}

/// A reply asked for ahead of its use, taken once (`DockerEngine.connect(…, listingVolumes: true)`).
final class EarlyReply: Sendable {
    private let task: Mutex<Task<EngineReply, any Error>?>

    init(_ task: Task<EngineReply, any Error>) { self.task = Mutex(task) }

    /// The request, the first time; nil after.
    func take() -> Task<EngineReply, any Error>? { task.withLock { $0.take() } }

    /// Cancels the request if nobody took it.
    func cancel() { take()?.cancel() }
}

import Logging
import NIOCore
import NIOHTTP1
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// A connection to one Docker-compatible engine with a negotiated API version.
///
/// Every path it sends is versioned. In read-only mode every write fails before any request is sent.
public final class DockerEngine: Sendable {
    /// Where the engine is and how it was found.
    public let endpoint: EngineEndpoint
    /// The server's identity and the negotiated version.
    public let info: EngineInfo
    /// The API version sent on every path.
    public let apiVersion: APIVersion
    /// Whether every write operation is refused.
    public let isReadOnly: Bool
    /// Counts the requests this engine has sent (the ping included).
    public let requests: RequestCounter
    let http: EngineHTTP
    private let diskUsageGate = DiskUsageGate()
    /// The volume list asked for alongside the ping (`connect(…, listingVolumes: true)`), for the first `volumes()`.
    private let earlyVolumeList: EarlyReply?
    /// Where the dashboard's event stream starts (`since`): a second before the engine's clock at the ping (its `Date`
    /// header), so that what changes between the first volume list and the stream's start is not lost; nil when the
    /// engine sent no date.
    public let eventsStart: String?
    /// The last unfiltered volume list and when it was read (`volumes(listedWithin:)`).
    private let lastVolumeList = Mutex<(at: ContinuousClock.Instant, volumes: [Volume])?>(nil)

    /// An engine over `http` after the handshake (see `connect` in DockerEngine+Connect.swift).
    init(
        http: EngineHTTP, info: EngineInfo, apiVersion: APIVersion, readOnly: Bool, earlyVolumeList: EarlyReply? = nil,
        eventsStart: String? = nil
    ) {
        self.http = http
        self.earlyVolumeList = earlyVolumeList
        self.eventsStart = eventsStart
        self.endpoint = http.endpoint
        self.info = info
        self.apiVersion = apiVersion
        self.isReadOnly = readOnly
        self.requests = http.counter
    }

    /// The address in use, e.g. `unix:///var/run/docker.sock`.
    public var address: String { http.displayAddress }

    // MARK: Requests

    func path(_ p: String) -> String { "/v\(apiVersion)\(p)" }

    static func filtersJSON(_ filters: [String: [String]]) -> String {
        let data = (try? JSONValue.object(filters.mapValues { .array($0.map(JSONValue.string)) }).encoded()) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// Sends a request that changes nothing.
    func read(_ p: String, query: [(String, String)] = [], timeout: TimeAmount = .seconds(60)) async throws -> EngineReply {
        try await http.send(.GET, path(p), query: query, timeout: timeout)
    }

    /// Sends a request that changes the engine's state; refused before sending in read-only mode.
    func write(
        _ method: HTTPMethod, _ p: String, operation: String, query: [(String, String)] = [], body: Data? = nil,
        timeout: TimeAmount = .seconds(60)
    ) async throws -> EngineReply {
        guard !isReadOnly else {
            throw EngineError(.readOnly, "read-only mode: \(operation) was not done. Run without --read-only to make changes")
        }
        return try await http.send(method, path(p), query: query, body: body, timeout: timeout)
    }

    /// The engine's `message` from an error body (JSON, or plain text for old versions).
    static func engineMessage(_ reply: EngineReply) -> String {
        if let message = JSONValue.parse(reply.body)?["message"]?.string {
            return message
        }
        return String(decoding: reply.body, as: UTF8.self).trimmingBlanksAndLineBreaks()
    }

    /// An error for a reply with a failing status, with context for the user.
    func failure(_ reply: EngineReply, _ context: String) -> EngineError {
        let message = Sanitizer.inline(Self.engineMessage(reply))
        switch reply.status {
        case 404: return EngineError(.notFound, "\(context): not found", cause: message)
        case 409: return EngineError(.conflict, "\(context): the engine refused because of a conflict", cause: message)
        case 400:
            if message.contains("too new") || message.contains("too old") {
                return EngineError(.unsupportedAPIVersion, "\(context): the engine does not accept API \(apiVersion)", cause: message)
            }
            return EngineError(.invalidArgument, "\(context): the engine rejected the request", cause: message)
        default: return EngineError(.engineFailure, "\(context): the engine failed (HTTP \(reply.status))", cause: message)
        }
    }

    func decode<T: Decodable>(_ type: T.Type, _ reply: EngineReply, _ what: String) throws -> T {
        do { return try JSONDecoder().decode(T.self, from: reply.body) } catch {
            throw EngineError(.malformedResponse, "the engine's answer to \(what) could not be read", cause: "\(error)")
        }
    }

    // MARK: Volumes

    /// All volumes, optionally narrowed by the engine's filters (`dangling`, `driver`, `label`, `name`).
    public func volumes(filters: [String: [String]] = [:]) async throws -> [Volume] {
        let query = filters.isEmpty ? [] : [("filters", Self.filtersJSON(filters))]
        let reply: EngineReply
        if filters.isEmpty, let task = earlyVolumeList?.take(),
            let early = try? await withTaskCancellationHandler(operation: { try await task.value }, onCancel: { task.cancel() }),
            early.status == 200
        {
            reply = early
        } else {
            reply = try await read("/volumes", query: query)
        }
        guard reply.status == 200 else { throw failure(reply, "listing volumes") }
        if StartupTrace.isEnabled { StartupTrace.mark("volume list received (\(reply.bodyCount) bytes)") }
        // Read by hand: JSONDecoder took about 5 times as long at 10,000 volumes, before the first name shows.
        let volumes: [Volume]
        do { volumes = try reply.withBody { try VolumeListDecoder.decode(bytes: $0) } } catch {
            throw EngineError(.malformedResponse, "the engine's answer to GET /volumes could not be read", cause: "\(error)")
        }
        if filters.isEmpty { lastVolumeList.withLock { $0 = (ContinuousClock.now, volumes) } }
        return volumes
    }

    /// All volumes: the last list read if it is at most `seconds` old, else a new one. The dashboard's size
    /// measurement starts right after a catalog load, which has just listed every volume (at 10,000 volumes a list is
    /// 2 MB that the engine builds and voltop reads).
    public func volumes(listedWithin seconds: Double) async throws -> [Volume] {
        if let last = lastVolumeList.withLock({ $0 }), ContinuousClock.now - last.at <= .milliseconds(Int64(seconds * 1000)) {
            return last.volumes
        }
        return try await volumes()
    }

    /// One volume and the engine's JSON for it.
    public func volume(_ name: String) async throws -> (volume: Volume, json: Data) {
        try VolumeName.checkNonEmpty(name)
        let reply = try await read("/volumes/\(EngineHTTP.encode(name))")
        if reply.status == 404 {
            throw EngineError(
                .notFound, "no such volume: \(Sanitizer.inline(name)). List volumes with `voltop ls`", cause: Self.engineMessage(reply))
        }
        guard reply.status == 200 else { throw failure(reply, "inspecting volume \(Sanitizer.inline(name))") }
        return (try decode(Volume.self, reply, "GET /volumes/{name}"), reply.body)
    }

    /// Creates a volume; without a name the engine makes an anonymous one.
    ///
    /// The engine answers a create of an existing name with the existing volume and silently drops the request's
    /// labels and options, so the name is looked up first: an existing volume throws `.conflict` ("already exists"),
    /// unless `allowingIdentical` is set and the request matches it exactly (driver, labels, options), which
    /// returns it unchanged.
    public func createVolume(_ request: VolumeCreateRequest, allowingIdentical: Bool = false) async throws -> Volume {
        try request.validate(flavor: info.flavor)
        // (In read-only mode the write below refuses before any request is sent.)
        if !isReadOnly, let name = request.name, let existing = try? await volume(name).volume {
            if allowingIdentical, Self.matches(request, existing) { return existing }
            var differences: [String] = []
            if existing.driver != request.driver { differences.append("driver \(Sanitizer.inline(existing.driver))") }
            if existing.labels != request.labels { differences.append("other labels") }
            if existing.options != request.options { differences.append("other driver options") }
            let how = differences.isEmpty ? "" : " (with \(differences.joined(separator: ", ")))"
            throw EngineError(
                .conflict,
                "volume \(Sanitizer.inline(name)) already exists\(how): nothing was created or changed. Pick another name, or remove it first"
            )
        }
        var body: [String: JSONValue] = [:]
        if let name = request.name { body["Name"] = .string(name) }
        body["Driver"] = .string(request.driver)
        body["Labels"] = JSONValue(request.labels)
        body["DriverOpts"] = JSONValue(request.options)
        let data = try JSONValue.object(body).encoded()
        let label = request.name.map { "creating volume \(Sanitizer.inline($0))" } ?? "creating an anonymous volume"
        // An unknown driver takes about 15 s to fail (plugin lookup retries).
        let reply = try await write(.POST, "/volumes/create", operation: label, body: data, timeout: .seconds(45))
        guard reply.status == 201 || reply.status == 200 else {
            let message = Self.engineMessage(reply)
            if reply.status == 404, message.contains("plugin") {
                throw EngineError(
                    .notFound,
                    "\(label): the engine has no volume driver \"\(Sanitizer.inline(request.driver))\"; use local or install the plugin",
                    cause: message)
            }
            if message.contains("invalid characters") || message.contains("too short") {
                throw EngineError(.invalidName, "\(label): \(VolumeName.ruleText)", cause: message)
            }
            throw failure(reply, label)
        }
        return try decode(Volume.self, reply, "POST /volumes/create")
    }

    /// Whether an existing volume is exactly what `request` asks for.
    static func matches(_ request: VolumeCreateRequest, _ volume: Volume) -> Bool {
        volume.driver == request.driver && volume.labels == request.labels && volume.options == request.options
    }

    /// Removes a volume. `force` only ignores a volume that is already gone: it never removes one in use.
    ///
    /// When the volume is in use the error names each owning container and its state.
    public func removeVolume(_ name: String, force: Bool = false) async throws {
        try VolumeName.checkNonEmpty(name)
        let label = "removing volume \(Sanitizer.inline(name))"
        let reply = try await write(
            .DELETE, "/volumes/\(EngineHTTP.encode(name))", operation: label, query: force ? [("force", "1")] : [])
        switch reply.status {
        case 204, 200: return
        case 404:
            throw EngineError(
                .notFound, "no such volume: \(Sanitizer.inline(name)). List volumes with `voltop ls`", cause: Self.engineMessage(reply))
        case 409:
            let owners =
                (try? await containers(filters: ["volume": [name]]).filter { container in
                    container.mounts.contains { $0.name == name }
                }) ?? []
            throw EngineError.inUse(volume: name, owners: owners, engineMessage: Self.engineMessage(reply))
        default:
            throw failure(reply, label)
        }
    }

    // MARK: Containers

    /// All containers, running and stopped.
    public func containers(filters: [String: [String]] = [:]) async throws -> [Container] {
        var query = [("all", "1")]
        if !filters.isEmpty { query.append(("filters", Self.filtersJSON(filters))) }
        let reply = try await read("/containers/json", query: query)
        guard reply.status == 200 else { throw failure(reply, "listing containers") }
        return try decode([Container].self, reply, "GET /containers/json")
    }

    /// The engine's JSON for one container.
    public func containerJSON(_ id: String) async throws -> Data {
        let reply = try await read("/containers/\(EngineHTTP.encode(id))/json")
        if reply.status == 404 {
            throw EngineError(.notFound, "no such container: \(Sanitizer.inline(id))", cause: Self.engineMessage(reply))
        }
        guard reply.status == 200 else { throw failure(reply, "inspecting container \(Sanitizer.inline(id))") }
        return reply.body
    }

    /// The `VOLUME` paths an image declares, from `GET /images/{name}/json`.
    public func imageVolumes(_ image: String) async throws -> [String] {
        let reply = try await read("/images/\(EngineHTTP.encode(image))/json")
        guard reply.status == 200 else { return [] }
        struct Image: Decodable {
            struct Config: Decodable { var Volumes: [String: AnyDecodable]? }
            var Config: Config?
        }
        return (try decode(Image.self, reply, "GET /images/{name}/json").Config?.Volumes ?? [:]).keys.sorted()
    }

    // MARK: Sizes

    /// Sizes of the volumes the engine can measure, from `GET /system/df`.
    ///
    /// Calls are serialized: a 20.10 engine fails a second concurrent call. Volumes missing from the answer
    /// (other drivers, driver options) are absent from the map; a size of -1 is kept as -1.
    public func diskUsage() async throws -> [String: (size: Int64, refCount: Int64)] {
        try await diskUsageGate.run {
            var query: [(String, String)] = []
            if apiVersion >= .v1_52 {
                query = [("type", "volume"), ("verbose", "1")]
            } else if apiVersion >= .v1_42 {
                query = [("type", "volume")]
            }
            var attempt = 0
            while true {
                let reply = try await read("/system/df", query: query, timeout: .seconds(300))
                if reply.status == 200 { return try DiskUsage.decode(reply.body) }
                let message = Self.engineMessage(reply)
                if reply.status == 500, message.contains("already running"), let delay = DiskUsageRetry.delay(afterAttempt: attempt) {
                    // Another client (docker system df, another voltop) is measuring: Docker 20.10 runs one at a time
                    // across all clients, and the in-process gate cannot prevent that. Wait quietly and try again.
                    attempt += 1
                    try await Task.sleep(nanoseconds: UInt64(delay * 1e9))
                    continue
                }
                throw failure(reply, "measuring volume sizes")
            }
        }
    }

    // MARK: Events

    /// The engine's volume and container events, from `since` (Unix seconds) on; ends when the stream drops.
    public func events(since: String? = nil) -> AsyncThrowingStream<EngineEvent, Error> {
        let http = self.http
        let p = path("/events")
        var items = [("filters", Self.filtersJSON(["type": ["volume", "container"]]))]
        if let since { items.append(("since", since)) }
        let query = items
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    let (status, body) = try await http.stream(p, query: query)
                    guard status == 200 else {
                        throw EngineError(.engineFailure, "the engine refused the event stream (HTTP \(status))")
                    }
                    var splitter = LineSplitter()
                    for try await chunk in body {
                        for line in splitter.feed(Array(chunk.readableBytesView)) {
                            if let event = EngineEvent.decode(line) { continuation.yield(event) }
                        }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

extension EngineError {
    /// The error for a volume that containers still reference, naming each and its state.
    static func inUse(volume: String, owners: [Container], engineMessage: String) -> EngineError {
        let list = owners.map {
            "\(Sanitizer.inline($0.name)) (\($0.isRunning ? "running" : $0.state.isEmpty ? "stopped" : "stopped: \($0.state)"))"
        }
        let who = list.isEmpty ? "a container" : list.joined(separator: ", ")
        let running = owners.contains { $0.isRunning }
        let advice =
            running
            ? "stop and remove those containers first (docker rm -f), then remove the volume"
            : "remove those stopped containers first (docker rm), then remove the volume"
        return EngineError(
            .inUse, "volume \(Sanitizer.inline(volume)) is in use by \(who): \(advice)", cause: Sanitizer.inline(engineMessage))
    }
}

import AsyncHTTPClient
import NIOCore
import NIOHTTP1

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// voltop's helper containers: created, never started, the volume mounted read-only at `/volume`.
///
/// Helpers are internal read machinery, so they are created and removed even in read-only mode (the engine's
/// `write()` guard is not used for them): the user's volumes, containers and images are never changed. The one
/// exception is importing the empty image `voltop-empty:latest` when the engine holds no image at all: that
/// leaves an image behind, so read-only mode refuses it and says how to proceed.
extension DockerEngine {
    /// The label every helper carries; its value is the volume's name.
    static let helperLabel = Container.helperLabel
    /// The label naming the voltop process that owns a helper: `HOST PID STARTTIME`.
    static let helperOwnerLabel = Container.helperOwnerLabel
    /// The image imported when the engine has none.
    static let emptyImage = "voltop-empty:latest"

    /// This process as a helper owner: host name, pid and the pid's start time (so a reused pid is told apart).
    static let currentOwner: String = "\(hostName) \(getpid()) \(processStartTime(getpid()) ?? 0)"

    private static var hostName: String {
        let size = 256
        var buffer = [CChar](repeating: 0, count: size)
        guard gethostname(&buffer, size - 1) == 0 else { return "unknown" }
        return String(cString: buffer)
    }

    /// Field 22 of `/proc/PID/stat` (start time in clock ticks since boot), nil when the process is gone.
    static func processStartTime(_ pid: Int32) -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the command: state is field 3, so start time (22) is index 19.
        return fields.count > 19 ? UInt64(fields[19]) : nil
    }

    /// Whether a helper's (well-formed) owner label names a voltop process that is gone: on this host, a pid that
    /// no longer runs or now runs another process (start time); on another host (which cannot be checked from
    /// here), a helper more than a day old. A malformed label is never a leftover: such a container is not voltop's.
    static func isLeftover(owner: String?, created: Int64, now: Int64 = Int64(Date().timeIntervalSince1970)) -> Bool {
        guard let owner, Container.isWellFormedOwner(owner) else { return false }
        let parts = owner.split(separator: " ")
        guard parts.count == 3, let pid = Int32(parts[1]), let start = UInt64(parts[2]) else { return false }
        guard parts[0] == Substring(hostName) else {
            return now - created > 24 * 3600
        }
        // kill(pid, 0): ESRCH means gone; EPERM means alive but another user's (hidepid hides its /proc entry).
        if kill(pid, 0) != 0 && errno == ESRCH { return true }
        guard start != 0, let now = processStartTime(pid) else { return false }
        return now != start
    }

    /// The engine process serving this engine's unix socket and the root of its mount namespace, or why its files
    /// cannot be reached from here (not a unix socket, a forwarder, another PID namespace; see `EngineDaemon`).
    public func engineDaemon() -> Result<EngineDaemon, EngineError> {
        guard let socket = http.socketPath else {
            return .failure(
                EngineError(
                    .invalidArgument,
                    "the engine at \(Sanitizer.inline(address)) is not on this machine: its volumes are read through a helper container"))
        }
        return EngineDaemon.locate(socketPath: socket)
    }

    /// Sends a request for helper machinery, bypassing the read-only guard (see the extension's comment).
    func helperRequest(
        _ method: HTTPMethod, _ p: String, query: [(String, String)] = [], body: Data? = nil, contentType: String = "application/json",
        timeout: TimeAmount = .seconds(60)
    ) async throws -> EngineReply {
        try await http.send(method, path(p), query: query, body: body, contentType: contentType, timeout: timeout)
    }

    /// An image to base helpers on: `voltop-empty:latest` if present, else the smallest local image that declares
    /// no `VOLUME` (creating a container from one that does makes an anonymous volume per path, even never
    /// started), else the empty image imported now.
    func helperImage() async throws -> String {
        let reply = try await read("/images/json")
        guard reply.status == 200 else { throw failure(reply, "listing images for a helper container") }
        struct Image: Decodable {
            var Id: String?
            var RepoTags: [String]?
            var Size: Int64?
        }
        let images = try decode([Image].self, reply, "GET /images/json")
        if images.contains(where: { $0.RepoTags?.contains(Self.emptyImage) == true }) { return Self.emptyImage }
        let bySize = images.filter { $0.Id != nil }.sorted { ($0.Size ?? .max) < ($1.Size ?? .max) }
        for image in bySize.prefix(8) {
            guard let id = image.Id else { continue }
            let reference = image.RepoTags?.first { $0 != "<none>:<none>" } ?? id
            if let declared = try? await imageVolumes(id), declared.isEmpty { return reference }
        }
        return try await importEmptyImage()
    }

    /// Imports `voltop-empty:latest`, an image whose rootfs is one empty directory (`POST /images/create?fromSrc=-`).
    @discardableResult
    func importEmptyImage() async throws -> String {
        guard !isReadOnly else {
            throw EngineError(
                .readOnly,
                "read-only mode: reading files through the engine needs an image for voltop's helper container, the engine has none, "
                    + "and importing the empty image \(Self.emptyImage) would leave it behind. Run once without --read-only, or pull any small image"
            )
        }
        let reply = try await helperRequest(
            .POST, "/images/create", query: [("fromSrc", "-"), ("repo", "voltop-empty"), ("tag", "latest")],
            body: Data(TarReader.emptyDirectoryArchive()), contentType: "application/x-tar")
        guard reply.status == 200 else { throw failure(reply, "importing the empty image \(Self.emptyImage)") }
        // The reply is a stream of JSON progress lines; a failure is reported in one of them.
        for line in reply.body.split(separator: 0x0A) {
            if let message = JSONValue.parse(Data(line))?["error"]?.string {
                throw EngineError(.engineFailure, "importing the empty image \(Self.emptyImage) failed", cause: Sanitizer.inline(message))
            }
        }
        return Self.emptyImage
    }

    /// Creates a never-started helper with `volume` mounted read-only at `/volume`; returns its id.
    ///
    /// A writing helper (`writable`) mounts it read-write at `/v` instead and carries `voltop.helper.mode=write`
    /// (and, when this run created the volume, `voltop.helper.created` with its `CreatedAt`).
    /// The caller must have checked that the volume exists: a mount of an unknown name creates the volume.
    func createHelper(volume: String, image: String, writable: Bool = false, createdVolumeAt: String? = nil) async throws -> String {
        let suffix = UUID().uuidString.prefix(8).lowercased()
        var labels = [Self.helperLabel: volume, Self.helperOwnerLabel: Self.currentOwner]
        if writable {
            labels[Container.helperModeLabel] = "write"
            if let createdVolumeAt { labels[Container.helperCreatedLabel] = createdVolumeAt }
        }
        let body: JSONValue = [
            "Image": .string(image),
            // As the entrypoint, so the image's own entrypoint never joins it: the listed command is exactly this.
            "Entrypoint": [.string(Container.helperCommand)],
            "Labels": JSONValue(labels),
            "NetworkDisabled": true,
            "HostConfig": [
                "NetworkMode": "none",
                "Mounts": [
                    [
                        "Type": "volume", "Source": .string(volume), "Target": .string(writable ? Container.writeMountPath : "/volume"),
                        "ReadOnly": .bool(!writable)
                    ]
                ]
            ]
        ]
        let data = try body.encoded()
        let reply = try await helperRequest(.POST, "/containers/create", query: [("name", Container.helperNamePrefix + suffix)], body: data)
        guard reply.status == 201 || reply.status == 200 else {
            let message = Self.engineMessage(reply)
            throw EngineError(
                reply.status == 404 ? .notFound : .engineFailure,
                "could not create voltop's helper container to read volume \(Sanitizer.inline(volume)): the engine refused (HTTP \(reply.status))",
                cause: Sanitizer.inline(message))
        }
        struct Created: Decodable { var Id: String? }
        guard let id = try decode(Created.self, reply, "POST /containers/create").Id, !id.isEmpty else {
            throw EngineError(.malformedResponse, "the engine created a helper container but gave no id")
        }
        return id
    }

    /// Force-removes a helper container this process created; a helper that is already gone is fine.
    ///
    /// `v=1` removes anonymous volumes the container itself made (an image `VOLUME`), never the browsed volume:
    /// the engine keeps every mount given with a `Source`, named or anonymous.
    func removeHelper(_ id: String, timeout: TimeAmount = .seconds(60)) async throws {
        let reply = try await helperRequest(
            .DELETE, "/containers/\(EngineHTTP.encode(id))", query: [("force", "1"), ("v", "1")], timeout: timeout)
        guard reply.status == 204 || reply.status == 200 || reply.status == 404 else {
            throw failure(reply, "removing voltop's helper container \(Sanitizer.inline(String(id.prefix(12))))")
        }
    }

    /// Removes a leftover helper of another voltop process: no `force` (a container that was started since the
    /// list is refused by the engine, not killed) and no `v` (the container's removal never takes a volume; see `removeHalfFilledVolume` for the one case a sweep does).
    func removeLeftover(_ id: String) async throws {
        let reply = try await helperRequest(.DELETE, "/containers/\(EngineHTTP.encode(id))", timeout: .seconds(30))
        guard reply.status == 204 || reply.status == 200 || reply.status == 404 else {
            throw failure(reply, "removing a leftover voltop helper container \(Sanitizer.inline(String(id.prefix(12))))")
        }
    }

    /// `HEAD /containers/{id}/archive?path=`: the stat of one path in the helper, nil when it does not exist.
    func archiveStat(_ id: String, path: [UInt8]) async throws -> ArchiveStat? {
        let reply = try await http.send(.HEAD, self.path("/containers/\(EngineHTTP.encode(id))/archive"), byteQuery: [("path", path)])
        if reply.status == 404 { return nil }
        guard reply.status == 200 else { throw failure(reply, "reading \(Sanitizer.inline(bytes: path)) through the helper container") }
        guard let header = reply.header("X-Docker-Container-Path-Stat"), let stat = ArchiveStat.decode(header: header) else {
            throw EngineError(.malformedResponse, "the engine's archive reply has no readable X-Docker-Container-Path-Stat header")
        }
        return stat
    }

    /// `GET /containers/{id}/archive?path=`: the tar stream of a path; nil when the path does not exist.
    ///
    /// The daemon holds the container's lock until the body is read to its end or dropped: read it fully, or
    /// drop it (which closes the connection).
    func archive(_ id: String, path: [UInt8]) async throws -> HTTPClientResponse.Body? {
        let (status, _, body) = try await http.open(
            .GET, self.path("/containers/\(EngineHTTP.encode(id))/archive"), byteQuery: [("path", path)])
        if status == 200 { return body }
        // Error bodies are small JSON.
        var collected = Data()
        for try await chunk in body {
            collected.append(contentsOf: chunk.readableBytesView)
            if collected.count > 1 << 16 { break }
        }
        if status == 404 { return nil }
        throw failure(
            EngineReply(status: status, headers: [], body: collected),
            "reading \(Sanitizer.inline(bytes: path)) through the helper container")
    }

    /// Removes helper containers left behind by voltop processes that are gone; returns how many. A leftover writing
    /// helper whose run created its volume (an import or clone killed midway) takes that half-filled volume with it.
    ///
    /// Only containers that are helpers by every mark voltop controls (`Container.isVoltopHelper`: name, never
    /// started, command, one read-only mount, owner label) are candidates; of those, a leftover's owner label names a
    /// process on this host that no longer runs, or another host and is more than a day old. Helpers of voltop
    /// processes still running (another dashboard browsing a volume) are kept. Nothing is swept in read-only mode.
    /// Call it when a dashboard or `voltop du` starts, never before each helper is created.
    public func removeLeftoverHelpers() async throws -> Int {
        guard !isReadOnly else { return 0 }
        let helpers = try await containers(filters: ["label": [Self.helperLabel]])
        var removed = 0
        for helper in helpers where helper.isVoltopHelper {
            guard Self.isLeftover(owner: helper.labels[Self.helperOwnerLabel], created: helper.created) else { continue }
            // One helper that cannot be removed now does not keep the others.
            guard (try? await removeLeftover(helper.id)) != nil else { continue }
            removed += 1
            if helper.isWritingHelper, helper.labels[Container.helperCreatedLabel] != nil, let volume = helper.labels[Self.helperLabel] {
                await removeHalfFilledVolume(volume)
            }
        }
        return removed
    }

    /// Removes the volume an import or clone created and never finished filling (its process was killed), right
    /// after its leftover writing helper: while that helper existed the engine could not remove the volume, so the
    /// name still meant that very volume (Docker 20.10 changes `CreatedAt` as files land, so it cannot tell). A
    /// volume that another container uses meanwhile is refused by the engine, never forced.
    func removeHalfFilledVolume(_ name: String) async {
        _ = try? await removeVolume(name)
    }
}

import VolumeCore
import VolumeUI

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension DockerEngine: DashboardEngine {
    /// `GET /volumes` without filters.
    public func listVolumes() async throws -> [Volume] { try await volumes() }

    /// A local engine (a unix socket) lists one thing at a time: see `EffectRunner.loadCatalog`.
    public var listsOneAtATime: Bool { endpoint.isLocal }

    /// `GET /containers/json?all=1` without filters.
    public func listContainers() async throws -> [Container] { try await containers() }

    /// Creates a volume (an identical existing one is an error).
    public func create(_ request: VolumeCreateRequest) async throws -> Volume { try await createVolume(request) }

    /// Removes exactly the previewed volumes, for good (the dashboard uses `pruneFromDashboard`).
    public func prune(_ plan: PrunePlan) async throws -> PruneResult { try await prune(plan, trash: nil, command: "prune") }

    /// Removes a volume through the user's trash (`removeVolumeKeeping`); the runner writes the audit line.
    public func removeVolumeFromDashboard(_ name: String, force: Bool, formerOwners: [String]) async throws -> Int64? {
        let trash = try Trash.current()
        let item = try await removeVolumeKeeping(name, trash: trash, command: "dashboard d", force: force, formerOwners: formerOwners)
        return item?.archiveBytes
    }

    /// Prunes through the user's trash; the runner writes the audit line.
    public func pruneFromDashboard(_ plan: PrunePlan) async throws -> PruneResult {
        try await prune(plan, trash: try Trash.current(), command: "dashboard prune")
    }

    /// The user's trash, expired items dropped first.
    public func trashItems() async throws -> [Trash.Item] {
        let trash = try Trash.current()
        _ = try? trash.expire()
        return try trash.items()
    }

    /// Deletes items from the user's trash.
    public func purgeTrash(_ items: [Trash.Item]) async throws {
        try Trash.current().purge(items)
    }

    /// `restore` from the user's trash.
    public func restoreFromTrash(_ item: Trash.Item, as name: String, progress: @escaping @Sendable (Int64) -> Void) async throws -> Int64 {
        try VolumeCreateRequest(name: name).validate()
        return try await restore(item, as: name, from: try Trash.current(), progress: progress).tarBytes
    }

    /// `cloneVolume`, as `voltop clone` runs it.
    public func cloneFromDashboard(_ source: String, to target: String, progress: @escaping @Sendable (Int64) -> Void) async throws -> Int64
    {
        try VolumeCreateRequest(name: target).validate()
        return try await cloneVolume(source, to: target, progress: progress).tarBytes
    }

    /// `exportVolume` into an archive file written under a temporary name and renamed when complete.
    public func exportFromDashboard(_ volume: String, toFile path: String, progress: @escaping @Sendable (Int64) -> Void) async throws
        -> Int64
    {
        let sink = try ArchiveSink(path: path)
        do {
            let result = try await exportVolume(volume, progress: progress, to: { try sink.write($0) })
            try sink.finish()
            return result.tarBytes
        } catch {
            sink.discard()
            throw error
        }
    }

    /// The endpoint's address.
    public var auditAddress: String { endpoint.address }

    /// `Docker VERSION` or `Podman VERSION`.
    public var serverDescription: String { (info.flavor == "podman" ? "Podman " : "Docker ") + info.serverVersion }

    /// The prune preview without label filters.
    public func previewPrune(_ mode: PruneMode) async throws -> PrunePlan { try await prunePreview(mode: mode) }

    /// The engine's JSON for a volume with a `Voltop` object holding owners, pretty-printed.
    public func inspectText(_ name: String) async throws -> String {
        let (found, raw) = try await self.volume(name)
        let all = try await self.containers()
        let catalog = Catalog(volumes: [found], containers: all, anonymity: anonymity)
        var object = JSONValue.parse(raw)?.object ?? [:]
        if let entry = catalog.entries.first {
            let (resolved, _) = try await resolveOwners(entry, in: catalog)
            object["Voltop"] = try JSONValue.of(VolumeJSON(resolved, engine: endpoint.label))
        }
        let data = try JSONValue.object(object).encoded(pretty: true)
        return String(decoding: data, as: UTF8.self)
    }

    /// A volume's owners with `--volumes-from` resolved, every owner's mounts, and the volume's origin.
    public func resolvedOwners(of name: String) async throws -> ResolvedOwners {
        let all = try await self.containers()
        let (found, _) = try await self.volume(name)
        let catalog = Catalog(volumes: [found], containers: all, anonymity: anonymity)
        guard let plain = catalog.entries.first else { throw EngineError(.notFound, "no such volume: \(name)") }
        let (entry, details) = try await resolveOwners(plain, in: catalog)
        return ResolvedOwners(entry: entry, details: details, origin: await origin(of: entry))
    }
}

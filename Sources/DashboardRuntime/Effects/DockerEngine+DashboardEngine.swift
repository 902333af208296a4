import Foundation
import VolumeCore
import VolumeUI

extension DockerEngine: DashboardEngine {
    /// `GET /volumes` without filters.
    public func listVolumes() async throws -> [Volume] { try await volumes() }

    /// `GET /containers/json?all=1` without filters.
    public func listContainers() async throws -> [Container] { try await containers() }

    /// Creates a volume (an identical existing one is an error).
    public func create(_ request: VolumeCreateRequest) async throws -> Volume { try await createVolume(request) }

    /// Removes exactly the previewed volumes, for good (the dashboard uses `pruneFromDashboard`).
    public func prune(_ plan: PrunePlan) async throws -> PruneResult { try await prune(plan, trash: nil, command: "prune") }

    /// Removes a volume through the user's trash (`removeVolumeKeeping`), and logs it in the audit log.
    public func removeVolumeFromDashboard(_ name: String, force: Bool) async throws {
        do {
            let trash = try Trash.current()
            let item = try await removeVolumeKeeping(name, trash: trash, command: "dashboard d", force: force)
            try? AuditLog.current().append(
                AuditLog.Entry(action: "rm", engine: endpoint.address, names: [name], bytes: item?.archiveBytes, result: "ok"))
        } catch {
            try? AuditLog.current().append(
                AuditLog.Entry(action: "rm", engine: endpoint.address, names: [name], result: "failed: \(error)"))
            throw error
        }
    }

    /// Prunes through the user's trash, and logs it in the audit log.
    public func pruneFromDashboard(_ plan: PrunePlan) async throws -> PruneResult {
        let result = try await prune(plan, trash: try Trash.current(), command: "dashboard prune")
        let failed = result.skipped.filter { $0.reason == "failed" || $0.reason == "not-kept" }
        try? AuditLog.current().append(
            AuditLog.Entry(
                action: "prune", engine: endpoint.address, names: result.removed, bytes: result.reclaimedBytes,
                result: failed.isEmpty ? "ok" : "failed: \(failed.count) not removed (\(failed.map(\.name).joined(separator: ", ")))"))
        return result
    }

    /// The prune preview without label filters.
    public func previewPrune(_ mode: PruneMode) async throws -> PrunePlan { try await prunePreview(mode: mode) }

    /// The engine's JSON for a volume with a `Voltop` object holding owners, pretty-printed.
    public func inspectText(_ name: String) async throws -> String {
        let (found, raw) = try await self.volume(name)
        let all = try await self.containers()
        let catalog = Catalog(volumes: [found], containers: all, anonymity: anonymity)
        var object = (try? JSONSerialization.jsonObject(with: raw) as? [String: Any]) ?? [:]
        if let entry = catalog.entries.first {
            let (resolved, _) = try await resolveOwners(entry, in: catalog)
            let extra = try JSONSerialization.jsonObject(with: JSONEncoder().encode(VolumeJSON(resolved, engine: endpoint.label)))
            object["Voltop"] = extra
        }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
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

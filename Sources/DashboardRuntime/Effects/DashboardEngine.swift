import VolumeCore
import VolumeUI

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What the effect runner asks of the engine; `DockerEngine` conforms, tests use a fake.
public protocol DashboardEngine: Sendable {
    /// How anonymous volumes are told apart on this engine.
    var anonymity: AnonymityRule { get }
    /// `GET /volumes`.
    func listVolumes() async throws -> [Volume]
    /// Whether the catalog's two lists are better asked for one after the other (the volumes first): an engine on
    /// this machine, whose CPU the two would share with voltop, rather than one a network away.
    var listsOneAtATime: Bool { get }
    /// `GET /containers/json?all=1`.
    func listContainers() async throws -> [Container]
    /// Volume sizes from `GET /system/df` (name → size and reference count).
    func diskUsage() async throws -> [String: (size: Int64, refCount: Int64)]
    /// Creates a volume.
    func create(_ request: VolumeCreateRequest) async throws -> Volume
    /// Removes a volume.
    func removeVolume(_ name: String, force: Bool) async throws
    /// The engine's JSON for a volume with a `Voltop` object holding its owners, pretty-printed.
    func inspectText(_ name: String) async throws -> String
    /// A volume's owners with `--volumes-from` resolved, their mounts, and the volume's origin.
    func resolvedOwners(of name: String) async throws -> ResolvedOwners
    /// All mounts of one container.
    func containerDetail(_ id: String) async throws -> ContainerDetail
    /// What a prune would remove.
    func previewPrune(_ mode: PruneMode) async throws -> PrunePlan
    /// Removes exactly the previewed volumes.
    func prune(_ plan: PrunePlan) async throws -> PruneResult
    /// Stops, starts or removes a container.
    func act(_ action: ContainerAction, onContainer id: String, named name: String) async throws
    /// The engine's event stream from `since` on (nil: from now).
    func events(since: String?) -> AsyncThrowingStream<EngineEvent, Error>
    /// Where the first event stream starts (`since`): before the first volume list was taken, in the engine's clock;
    /// nil: from now.
    var eventsStart: String? { get }
    /// Throws unless the engine answers within `seconds`.
    func ping(within seconds: Double) async throws
    /// Removes a volume as the dashboard's `d` and `D` do: through the trash when there is one, keeping
    /// `formerOwners` with its copy. Returns the bytes of the copy kept, nil when none was.
    func removeVolumeFromDashboard(_ name: String, force: Bool, formerOwners: [String]) async throws -> Int64?
    /// Removes the previewed volumes as the dashboard's prune does: through the trash when there is one.
    func pruneFromDashboard(_ plan: PrunePlan) async throws -> PruneResult
    /// The catalog as the dashboard shows it (a fleet gives each entry its own engine's anonymity rule and, once
    /// owners are joined in, leaves out the volumes of an engine whose containers could not be listed).
    func reconciled(_ catalog: Catalog, hasOwners: Bool) -> Catalog
    /// The trash's items, oldest first.
    func trashItems() async throws -> [Trash.Item]
    /// Deletes trash items for good.
    func purgeTrash(_ items: [Trash.Item]) async throws
    /// Restores a trash item under `name`; returns the archive bytes moved. Cancelling the task removes the half
    /// restored volume and the helper container.
    func restoreFromTrash(_ item: Trash.Item, as name: String, progress: @escaping @Sendable (Int64) -> Void) async throws -> Int64
    /// Clones a volume into a new one; returns the archive bytes moved. Cancelling removes the target and helpers.
    func cloneFromDashboard(_ source: String, to target: String, progress: @escaping @Sendable (Int64) -> Void) async throws -> Int64
    /// Exports a volume's files to an archive file; returns the bytes written. Cancelling leaves no file.
    func exportFromDashboard(_ volume: String, toFile path: String, progress: @escaping @Sendable (Int64) -> Void) async throws -> Int64
    /// The engine's address, for the audit log.
    var auditAddress: String { get }
    /// The server as a header shows it (`Docker 20.10.24+dfsg1`); empty when unknown.
    var serverDescription: String { get }
}

extension DashboardEngine {
    /// Both lists at once by default.
    public var listsOneAtATime: Bool { false }

    /// Unknown by default.
    public var serverDescription: String { "" }

    /// From now by default.
    public var eventsStart: String? { nil }

    /// Without a trash: `removeVolume`.
    public func removeVolumeFromDashboard(_ name: String, force: Bool, formerOwners: [String]) async throws -> Int64? {
        try await removeVolume(name, force: force)
        return nil
    }

    /// One engine: the catalog as it is.
    public func reconciled(_ catalog: Catalog, hasOwners: Bool) -> Catalog { catalog }

    /// Without a trash: `prune`.
    public func pruneFromDashboard(_ plan: PrunePlan) async throws -> PruneResult { try await prune(plan) }

    /// Without a trash: none.
    public func trashItems() async throws -> [Trash.Item] { [] }

    /// Without a trash: nothing to purge.
    public func purgeTrash(_ items: [Trash.Item]) async throws {
        throw EngineError(.notFound, "this engine keeps no trash")
    }

    /// Without a trash: nothing to restore.
    public func restoreFromTrash(_ item: Trash.Item, as name: String, progress: @escaping @Sendable (Int64) -> Void) async throws -> Int64 {
        throw EngineError(.notFound, "this engine keeps no trash")
    }

    /// Not offered.
    public func cloneFromDashboard(_ source: String, to target: String, progress: @escaping @Sendable (Int64) -> Void) async throws -> Int64
    {
        throw EngineError(.engineFailure, "clone is not offered on this engine")
    }

    /// Not offered.
    public func exportFromDashboard(_ volume: String, toFile path: String, progress: @escaping @Sendable (Int64) -> Void) async throws
        -> Int64
    {
        throw EngineError(.engineFailure, "export is not offered on this engine")
    }

    /// None known.
    public var auditAddress: String { "-" }
}

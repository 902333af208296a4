#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension DockerEngine {
    /// How this engine marks anonymous volumes.
    public var anonymity: AnonymityRule { AnonymityRule.of(apiVersion: apiVersion, flavor: info.flavor) }

    /// One snapshot: `GET /volumes` and `GET /containers/json?all=1`, plus `/system/df` when sizes are asked for.
    public func catalog(volumeFilters: [String: [String]] = [:], withSizes: Bool = false) async throws -> Catalog {
        async let volumes = self.volumes(filters: volumeFilters)
        async let containers = self.containers()
        let sizes = withSizes ? try await diskUsage() : nil
        return Catalog(volumes: try await volumes, containers: try await containers, sizes: sizes, anonymity: anonymity)
    }

    /// The catalog with the engine's sizes where the engine gives them: a failing `/system/df` (Podman fails it for
    /// the whole engine when one container is broken) leaves every size unknown and is returned, not thrown, so that
    /// the volumes are still listed (and measured directly where voltop can).
    public func catalogWithSizes(volumeFilters: [String: [String]] = [:]) async throws -> (catalog: Catalog, sizesError: EngineError?) {
        async let volumes = self.volumes(filters: volumeFilters)
        async let containers = self.containers()
        var sizesError: EngineError?
        var sizes: [String: (size: Int64, refCount: Int64)]?
        do {
            sizes = try await diskUsage()
        } catch {
            sizesError = error as? EngineError ?? EngineError(.engineFailure, "\(error)")
        }
        let catalog = Catalog(volumes: try await volumes, containers: try await containers, sizes: sizes, anonymity: anonymity)
        return (catalog, sizesError)
    }

    /// Fills `volumesFrom` for the entry's owners by inspecting only those containers (`HostConfig.VolumesFrom`),
    /// and returns each owner's detail (all mounts, tmpfs included) keyed by container id.
    ///
    /// A mount came through `--volumes-from S` when the container lists S in `VolumesFrom` and S mounts the same
    /// volume at the same destination.
    public func resolveOwners(_ entry: CatalogEntry, in catalog: Catalog) async throws -> (CatalogEntry, [String: ContainerDetail]) {
        var result = entry
        var details: [String: ContainerDetail] = [:]
        for index in result.owners.indices {
            let owner = result.owners[index]
            let detail = try await containerDetail(owner.containerID)
            details[owner.containerID] = detail
            for source in detail.volumesFrom {
                let sourceContainer = catalog.containers.first { $0.name == source || $0.id.hasPrefix(source) }
                let sourceMounts = sourceContainer?.mounts ?? []
                if sourceMounts.contains(where: { $0.name == entry.name && $0.destination == owner.destination }) {
                    result.owners[index].volumesFrom = sourceContainer?.name ?? source
                }
            }
        }
        return (result, details)
    }

    /// Whether an anonymous volume was created for a `VOLUME` its owner's image declares.
    public func origin(of entry: CatalogEntry) async -> VolumeOrigin {
        guard entry.isAnonymous else { return .named }
        for owner in entry.owners {
            if let declared = try? await imageVolumes(owner.image), declared.contains(owner.destination) {
                return .imageDeclared
            }
        }
        return .anonymous
    }
}

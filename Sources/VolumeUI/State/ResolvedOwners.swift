import VolumeCore

/// Owners of one volume with `--volumes-from` resolved, and every owner's full mounts.
public struct ResolvedOwners: Sendable, Equatable {
    /// The entry with `volumesFrom` filled in.
    public var entry: CatalogEntry
    /// Each owner's detail (mounts incl. tmpfs) by container id.
    public var details: [String: ContainerDetail]
    /// Whether the anonymous volume came from an image `VOLUME`.
    public var origin: VolumeOrigin

    /// Resolved owners from their parts.
    public init(entry: CatalogEntry, details: [String: ContainerDetail], origin: VolumeOrigin) {
        self.entry = entry
        self.details = details
        self.origin = origin
    }
}

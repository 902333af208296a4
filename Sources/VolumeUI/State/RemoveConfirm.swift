import VolumeCore

/// The `d` and `D` confirm: the volumes to remove with their sizes, and which of them cannot go and why.
struct RemoveConfirm: Sendable, Equatable {
    /// The volumes asked for, as they were when the dialog opened.
    var entries: [CatalogEntry]
    /// Whether this is `D` (marked volumes) rather than `d` (the selected one).
    var isBulk: Bool
    /// First visible line of the list.
    var scroll = 0
    /// The removal is in flight.
    var isRemoving = false

    /// The volumes the engine would remove.
    var removable: [CatalogEntry] { entries.filter { !$0.status.isInUse } }
    /// The volumes a container still references: the engine refuses them.
    var blocked: [CatalogEntry] { entries.filter { $0.status.isInUse } }
    /// Whether confirming would remove anything.
    var canConfirm: Bool { !isRemoving && !removable.isEmpty }
    /// Sum of the known sizes of what would go.
    var removableBytes: Int64 { removable.lazy.compactMap(\.size.knownBytes).saturatingSizeSum() }
}

import VolumeCore

/// The `o` dialog: the containers that hold a volume, to stop, start or remove one (each after a confirm naming it
/// and the other volumes it mounts), so "held by a stopped container" is one step from freeing the volume.
struct OwnersDialog: Sendable, Equatable {
    /// The volume whose owners these are.
    var volume: String
    /// Its owners, running first (refreshed with the catalog).
    var owners: [VolumeOwner]
    /// The owner under the cursor.
    var cursor = 0
    /// The action waiting for `y`, on the owner under the cursor.
    var pending: ContainerAction?
    /// An action is in flight.
    var isWorking = false
    /// What the last action did, or why it failed.
    var outcome: (text: String, isError: Bool)?

    static func == (a: OwnersDialog, b: OwnersDialog) -> Bool {
        a.volume == b.volume && a.owners == b.owners && a.cursor == b.cursor && a.pending == b.pending && a.isWorking == b.isWorking
            && a.outcome?.text == b.outcome?.text && a.outcome?.isError == b.outcome?.isError
    }

    /// The owner under the cursor, if any.
    var selected: VolumeOwner? { owners.indices.contains(cursor) ? owners[cursor] : nil }
}

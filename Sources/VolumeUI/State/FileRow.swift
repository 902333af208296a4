import VolumeCore

/// One visible line of the tree: an entry, how deep it sits, and its path (for keeping state across rescans).
struct FileRow: Sendable, Equatable {
    var node: ScanTree.Node
    /// 0 for the entries directly in the directory shown as the root (`_data`, or the one stepped into).
    var depth: Int
    /// The names from the volume's root down to the entry.
    var path: [[UInt8]]
    /// For each level above the entry (the shown root's children first): whether more entries follow at that level,
    /// so the guide there continues (`│`); then whether the entry itself is the last of its directory (`└─`).
    var guides: [Bool] = []
    var isLast = false
}

import VolumeCore

/// One visible line of the tree: an entry, how deep it sits, and its path (for keeping state across rescans).
struct FileRow: Sendable, Equatable {
    var node: ScanTree.Node
    /// 0 for the entries directly in `_data`.
    var depth: Int
    /// The names from the volume's root down to the entry.
    var path: [[UInt8]]
}

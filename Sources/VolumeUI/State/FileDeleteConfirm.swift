import VolumeCore

/// The confirm before deleting an entry inside a volume: what it is and how much goes with it.
struct FileDeleteConfirm: Sendable, Equatable {
    /// The volume the entry is in.
    var volume: String
    /// The entry's path below the volume's root (never empty).
    var path: [[UInt8]]
    /// What it is.
    var kind: ScanTree.Kind
    /// Counted bytes (the size kind the pane shows) and whether they are apparent.
    var bytes: Int64
    var isApparent: Bool
    /// Entries below it (directories).
    var items: Int
    /// The delete is in flight.
    var isDeleting = false

    /// The path made safe for a terminal, `/`-joined.
    var displayPath: String { Sanitizer.inline(bytes: Array(path.joined(separator: [UInt8(ascii: "/")]))) }
}

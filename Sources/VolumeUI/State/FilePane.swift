import VolumeCore

/// The file-tree pane of one volume: where its files come from, the last scan, and what the user expanded
/// and selected (kept by path, so a rescan with new node numbers keeps both).
struct FilePane: Sendable {
    /// The volume shown.
    var volume: String
    /// Where the files are read from, once `.filesOpened` said so.
    var source: FileSource?
    /// Why the files cannot be opened (missing volume, a driver that cannot be read).
    var openError: EngineError?
    /// The last finished scan.
    var tree: ScanTree?
    /// Why the last scan failed (the previous tree, if any, stays shown).
    var scanError: EngineError?
    /// How far the scan in flight has come.
    var progress: ScanProgress?
    /// A scan (or the open that starts one) is in flight.
    var isScanning = true
    /// Another scan is wanted once the one in flight ends (changes arrived meanwhile).
    var isRescanPending = false
    /// Paths of the expanded directories.
    var expanded: Set<[[UInt8]]> = []
    /// The visible lines, in order.
    var rows: [FileRow] = []
    /// Index into `rows`.
    var selection = 0
    /// First visible row.
    var scroll = 0
    var sortKey: FileSortKey = .size
    var isSortReversed = false
    /// Whether sizes are apparent (`st_size`) rather than disk usage (`st_blocks × 512`).
    var isApparent = false
    /// The directories last sent in `.watchFiles`, or nil before the first.
    var watched: [[[UInt8]]]?

    init(volume: String) {
        self.volume = volume
    }

    /// The row under the cursor.
    var selectedRow: FileRow? { rows.indices.contains(selection) ? rows[selection] : nil }

    /// Whether the pane shows a "rescanning" marker (a scan runs over a tree already on screen).
    var isRescanning: Bool { isScanning && tree != nil }

    /// Whether deleting is possible through the source.
    var canDelete: Bool { source?.canDelete == true }

    /// Counted bytes of an entry in the size kind shown.
    func bytes(of node: ScanTree.Node) -> Int64 {
        tree.map { $0.bytes(of: node, apparent: isApparent) } ?? 0
    }

    /// Whether the natural order of the sort key is reversed.
    var isDescending: Bool { (sortKey != .name) != isSortReversed }

    /// Rebuilds the visible rows from the tree, keeping the selected path (or its nearest surviving ancestor,
    /// or the same row number when nothing of it survives).
    mutating func rebuildRows(keeping selectedPath: [[UInt8]]?) {
        let previousRow = selection
        rows = []
        guard let tree else {
            selection = 0
            return
        }
        let key = sortKey.scanKey(isApparent: isApparent)
        func visit(_ node: ScanTree.Node, depth: Int, path: [[UInt8]]) {
            for child in tree.children(of: node, sortedBy: key, descending: isDescending) {
                let childPath = path + [tree.name(of: child)]
                rows.append(FileRow(node: child, depth: depth, path: childPath))
                if tree.kind(of: child) == .directory, expanded.contains(childPath) {
                    visit(child, depth: depth + 1, path: childPath)
                }
            }
        }
        visit(tree.root, depth: 0, path: [])
        if var path = selectedPath {
            while !path.isEmpty {
                if let row = rows.firstIndex(where: { $0.path == path }) {
                    selection = row
                    return
                }
                path.removeLast()
            }
        }
        selection = max(0, min(previousRow, rows.count - 1))
    }

    /// Takes a new scan: expanded directories that are gone are forgotten, the selection stays on its path.
    mutating func apply(_ newTree: ScanTree) {
        let selectedPath = selectedRow?.path
        tree = newTree
        expanded = expanded.filter { path in
            newTree.node(at: path).map { newTree.kind(of: $0) == .directory } ?? false
        }
        rebuildRows(keeping: selectedPath)
    }

    /// The directories to watch: the root and every expanded directory whose parents are all expanded
    /// (the ones on screen), in path order.
    var watchSet: [[[UInt8]]] {
        let shown = expanded.filter { path in
            (1..<path.count).allSatisfy { expanded.contains(Array(path.prefix($0))) }
        }
        return [[]] + shown.sorted { a, b in a.lexicographicallyPrecedes(b) { $0.lexicographicallyPrecedes($1) } }
    }
}

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
    /// The directory shown as the root (stepped into with Enter), as names below the volume's root; empty for `_data`.
    var base: [[UInt8]] = []
    /// The search over names (`/`), if one is typed or kept.
    var search = TreeSearch()

    /// The tree's `/` search: what is typed, and the matching entries below the shown root in the order shown.
    struct TreeSearch: Sendable, Equatable {
        /// The text; empty when no search is active.
        var input = TextInput()
        /// Whether the text is being typed.
        var isEditing = false
        /// Paths of the matching entries, in the tree's order (as if every directory were expanded).
        var matches: [[[UInt8]]] = []
        /// Whether there were more matches than `limit`.
        var isCapped = false

        /// Most matches kept (a search for `e` in a million files stays quick).
        static let limit = 1000

        var isActive: Bool { !input.text.isEmpty }
    }

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
        // The stepped-into directory, or its nearest ancestor that is still a directory.
        while !base.isEmpty, tree.node(at: base).map({ tree.kind(of: $0) != .directory }) ?? true { base.removeLast() }
        let start = tree.node(at: base) ?? tree.root
        func visit(_ node: ScanTree.Node, depth: Int, path: [[UInt8]], guides: [Bool]) {
            let children = tree.children(of: node, sortedBy: key, descending: isDescending)
            for (i, child) in children.enumerated() {
                let childPath = path + [tree.name(of: child)]
                let isLast = i == children.count - 1
                rows.append(FileRow(node: child, depth: depth, path: childPath, guides: guides, isLast: isLast))
                if tree.kind(of: child) == .directory, expanded.contains(childPath) {
                    visit(child, depth: depth + 1, path: childPath, guides: guides + [!isLast])
                }
            }
        }
        visit(start, depth: 0, path: base, guides: [])
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
        if search.isActive { findMatches() }
    }

    // MARK: Stepping in and out

    /// Shows a directory as the root (Enter on it); the cursor goes to its first entry.
    mutating func stepInto(_ path: [[UInt8]]) {
        base = path
        rebuildRows(keeping: nil)
        selection = 0
        scroll = 0
        if search.isActive { findMatches() }
    }

    /// Shows the parent of the shown root (Backspace); the cursor lands on the directory left. False at the top.
    mutating func stepOut() -> Bool {
        guard !base.isEmpty else { return false }
        let left = base
        base.removeLast()
        rebuildRows(keeping: left)
        if search.isActive { findMatches() }
        return true
    }

    // MARK: Search

    /// Finds the entries below the shown root whose names contain the search text, in the order the tree shows them.
    mutating func findMatches() {
        guard let tree, search.isActive, let start = tree.node(at: base) else {
            search.matches = []
            search.isCapped = false
            return
        }
        let limit = TreeSearch.limit
        var nodes = tree.nodes(below: start, whereNameContains: search.input.text, limit: limit + 1)
        search.isCapped = nodes.count > limit
        nodes = Array(nodes.prefix(limit))
        let key = sortKey.scanKey(isApparent: isApparent)
        let descending = isDescending
        func chain(_ node: ScanTree.Node) -> [ScanTree.Node] {
            var out: [ScanTree.Node] = []
            var n: ScanTree.Node? = node
            while let current = n, current != start {
                out.append(current)
                n = tree.parent(of: current)
            }
            return out.reversed()
        }
        let chains = nodes.map(chain)
        let order = chains.indices.sorted { Self.shownBefore(chains[$0], chains[$1], tree, key, descending) }
        search.matches = order.map { chains[$0].reduce(into: base) { path, node in path.append(tree.name(of: node)) } }
    }

    /// Whether an entry (its chain of nodes from the shown root down) comes before another in the tree's order.
    private static func shownBefore(
        _ a: [ScanTree.Node], _ b: [ScanTree.Node], _ tree: ScanTree, _ key: ScanTree.ChildOrder, _ descending: Bool
    ) -> Bool {
        for (x, y) in zip(a, b) where x != y { return tree.precedes(x, y, sortedBy: key, descending: descending) }
        return a.count < b.count
    }

    /// Takes the cursor to the next (or previous) match after (before) the selected row, wrapping around, and
    /// expands the directories above it. False when nothing matches.
    mutating func jumpToMatch(forward: Bool, includingSelection: Bool = false) -> Bool {
        guard !search.matches.isEmpty else { return false }
        let matches = search.matches
        let index: Int
        if let path = selectedRow?.path, let tree {
            let here = Self.chain(of: path, below: base, tree)
            let key = sortKey.scanKey(isApparent: isApparent)
            let descending = isDescending
            func isAfter(_ match: [[UInt8]]) -> Bool {
                if includingSelection && match == path { return true }
                return Self.shownBefore(here, Self.chain(of: match, below: base, tree), tree, key, descending)
            }
            if forward {
                index = matches.firstIndex(where: isAfter) ?? 0
            } else {
                let firstAfter = matches.firstIndex { match in match == path || isAfter(match) } ?? matches.count
                index = firstAfter > 0 ? firstAfter - 1 : matches.count - 1
            }
        } else {
            index = forward ? 0 : matches.count - 1
        }
        reveal(matches[index])
        return true
    }

    /// The nodes from the shown root (exclusive) down to a path.
    private static func chain(of path: [[UInt8]], below base: [[UInt8]], _ tree: ScanTree) -> [ScanTree.Node] {
        var out: [ScanTree.Node] = []
        for depth in base.count..<path.count {
            guard let node = tree.node(at: Array(path.prefix(depth + 1))) else { break }
            out.append(node)
        }
        return out
    }

    /// Expands every directory above a path (below the shown root) and selects it.
    mutating func reveal(_ path: [[UInt8]]) {
        for depth in (base.count + 1)..<max(base.count + 1, path.count) { expanded.insert(Array(path.prefix(depth))) }
        rebuildRows(keeping: path)
    }

    /// The directories to watch: the root and every expanded directory whose parents are all expanded
    /// (the ones on screen), in path order.
    var watchSet: [[[UInt8]]] {
        // The volume's root (for the totals), the shown root, and the expanded directories shown below it.
        let shown = expanded.filter { path in
            path.count > base.count && Array(path.prefix(base.count)) == base
                && (base.count + 1..<path.count).allSatisfy { expanded.contains(Array(path.prefix($0))) }
        }
        let roots: [[[UInt8]]] = base.isEmpty ? [[]] : [[], base]
        return roots + shown.sorted { a, b in a.lexicographicallyPrecedes(b) { $0.lexicographicallyPrecedes($1) } }
    }
}

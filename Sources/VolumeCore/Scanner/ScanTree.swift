#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Everything a scan found below its root, kept in compact columns, with the queries the file-tree pane needs.
///
/// Nodes are indexes. The root is always index 0; the children of a directory are contiguous. Sizes come in two
/// kinds: *own* (the entry's `lstat` values) and *counted* (what `du` would print for the entry: a directory's own
/// size plus everything below it, each hard-linked inode once, 0 for a name whose inode was counted elsewhere).
public struct ScanTree: Sendable {
    /// What an entry is, from its `lstat` mode.
    public enum Kind: UInt8, Sendable, CaseIterable {
        /// The entry could not be stat'ed and the directory listing gave no type.
        case unknown
        /// A regular file.
        case file
        /// A directory.
        case directory
        /// A symbolic link (never followed; its own size is counted).
        case symlink
        /// A named pipe.
        case fifo
        /// A unix socket.
        case socket
        /// A character device.
        case characterDevice
        /// A block device.
        case blockDevice

        /// The kind's name as used in JSON output.
        public var name: String {
            switch self {
            case .unknown: return "unknown"
            case .file: return "file"
            case .directory: return "directory"
            case .symlink: return "symlink"
            case .fifo: return "fifo"
            case .socket: return "socket"
            case .characterDevice: return "characterDevice"
            case .blockDevice: return "blockDevice"
            }
        }
    }

    /// One entry of the tree, by index.
    public struct Node: Hashable, Comparable, Sendable {
        let raw: UInt32
        init(_ raw: UInt32) { self.raw = raw }
        /// The node's position in the tree's columns (the root is 0).
        public var index: Int { Int(raw) }
        /// Orders nodes by index (the root first; a directory's children in listing order).
        public static func < (a: Node, b: Node) -> Bool { a.raw < b.raw }
    }

    /// An entry the scanner could not read, and why.
    public struct Unreadable: Sendable, Equatable {
        /// Path below the scan's root, components joined with `/`, as raw bytes (names need not be UTF-8).
        public var path: [UInt8]
        /// The `errno` of the failing call (`EACCES` for a directory without read permission).
        public var errno: Int32

        /// The path made safe for a terminal.
        public var displayPath: String { Sanitizer.inline(bytes: path) }
        /// The system's text for the error, for example "Permission denied".
        public var reason: String { String(cString: strerror(errno)) }
    }

    /// The sums over the whole tree, computed as `du -sb` / `du -sB1` compute them.
    public struct Totals: Sendable, Equatable {
        /// Sum of `st_size` over every entry (directories and the root included, each inode once).
        public var apparentBytes: Int64 = 0
        /// Sum of `st_blocks × 512` over every entry (each inode once).
        public var allocatedBytes: Int64 = 0
        /// Regular files, every name counted (hard links included).
        public var files = 0
        /// Directories, the root included (mount points left out, as `du -x` leaves them out).
        public var directories = 0
        /// Symbolic links.
        public var symlinks = 0
        /// FIFOs, sockets and device nodes.
        public var others = 0
        /// Names whose inode had already been counted under another name (not added to the byte sums).
        public var hardlinksSkipped = 0
        /// Directories on another filesystem (mount points): neither entered nor counted, as with `du -x`.
        public var otherFilesystems = 0
        /// Entries that could not be stat'ed and directories that could not be opened or read.
        public var unreadable: [Unreadable] = []
        /// The newest modification time of any entry, in seconds since 1970.
        public var newestMtime: Int64?

        /// Every entry that was stat'ed: files, directories, symlinks and others.
        public var entries: Int { files + directories + symlinks + others }
    }

    /// Where the scan started, as given.
    public let rootPath: String
    /// The components below `rootPath` that the tree's root stands for (empty when the root is `rootPath` itself).
    public let relativePath: [[UInt8]]
    /// The sums over the whole tree.
    public let totals: Totals

    /// Whether the tree was built from the engine's tar stream (helper mode) rather than by walking the files.
    ///
    /// A tar archive holds lengths, not block counts, and no size for directories. So for such a tree:
    /// apparent bytes are exact for files and symlinks (the target's length, as `du -b` counts it) while every
    /// directory's own apparent size is 0; allocated bytes are an estimate, each regular file's length rounded up
    /// to 4096 plus 4096 per directory (symlinks, devices and FIFOs 0), so sparse and compressed files look
    /// larger than they are. Sockets are not in the archive at all; hard links are counted once, as in a walk.
    public let isFromArchive: Bool
    /// When the walk read the files, on the monotonic clock (`MonotonicClock`): from the moment
    /// its first thread began to the moment its last one finished, without the time spent waiting for a thread
    /// before or for the caller after. Nil for a tree built from an archive.
    public let walked: ClosedRange<Double>?

    let store: ScanStore

    init(
        rootPath: String, relativePath: [[UInt8]], totals: Totals, store: ScanStore, isFromArchive: Bool = false,
        walked: ClosedRange<Double>? = nil
    ) {
        self.rootPath = rootPath
        self.relativePath = relativePath
        self.totals = totals
        self.store = store
        self.isFromArchive = isFromArchive
        self.walked = walked
    }

    /// The directory the scan started in.
    public var root: Node { Node(0) }
    /// How many nodes the tree holds, the root included.
    public var count: Int { store.entryCount }
    /// Bytes of memory the tree's columns occupy (names included).
    public var memoryFootprint: Int { store.footprint }

    /// What removing the volume gives back: its disk usage (blocks, hard links once, directories included), as
    /// `du -s` counts it. The one size voltop shows for a volume wherever it can read it (table, totals, dialogs,
    /// `ls --size`, the file tree, `du`); the engine's figure (`engineStyleBytes`) counts file lengths only and can
    /// understate many small files by orders of magnitude.
    public var diskUsageBytes: Int64 { max(0, totals.allocatedBytes) }

    /// Apparent bytes as the engine's `/system/df` counts a volume: files and symlinks, hard links once, the
    /// directories' own sizes left out (so an empty volume is 0 bytes, as `docker system df -v` says).
    public var engineStyleBytes: Int64 {
        var bytes = totals.apparentBytes
        for i in 0..<count where store.kind(i) == .directory && store.meta[i] & ScanStore.Meta.statFailed == 0 {
            bytes = bytes.saturatingSubtract(store.apparent[i])
        }
        return max(0, bytes)
    }

    // MARK: Per-node facts

    /// The entry's kind.
    public func kind(of node: Node) -> Kind { store.kind(node.index) }

    /// The directory holding the entry; nil for the root.
    public func parent(of node: Node) -> Node? {
        let p = store.parent[node.index]
        return p == ScanStore.noParent ? nil : Node(p)
    }

    /// The entry's name exactly as the filesystem holds it (empty for the root).
    public func name(of node: Node) -> [UInt8] { Array(store.nameBuffer(node.index)) }

    /// The name made safe for a terminal: control characters and invalid UTF-8 bytes escaped (`\e`, `\xFF`).
    public func displayName(of node: Node) -> String { Sanitizer.inline(bytes: store.nameBuffer(node.index)) }

    /// The names from the root (exclusive) down to the entry; empty for the root.
    public func pathComponents(of node: Node) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var i = node.raw
        while i != 0, i != ScanStore.noParent {
            out.append(Array(store.nameBuffer(Int(i))))
            i = store.parent[Int(i)]
        }
        return out.reversed()
    }

    /// The path below the root as raw bytes joined with `/`; empty for the root.
    public func path(of node: Node) -> [UInt8] {
        Array(pathComponents(of: node).joined(separator: [UInt8(ascii: "/")]))
    }

    /// The path below the root made safe for a terminal.
    public func displayPath(of node: Node) -> String { Sanitizer.inline(bytes: path(of: node)) }

    /// Where a symlink points, exactly as `readlink` (or the archive's link name) gave it; nil for anything else,
    /// or when it could not be read. Never followed: it is text, and untrusted (see `displayLinkTarget(of:)`).
    public func linkTarget(of node: Node) -> [UInt8]? { store.linkTargets[node.raw] }

    /// A symlink's target made safe for a terminal; nil for anything else.
    public func displayLinkTarget(of node: Node) -> String? { linkTarget(of: node).map { Sanitizer.inline(bytes: $0) } }

    /// The entry's own `st_size` (for a directory, the directory file itself).
    public func ownApparentBytes(of node: Node) -> Int64 { store.apparent[node.index] }

    /// The entry's own `st_blocks × 512`.
    public func ownAllocatedBytes(of node: Node) -> Int64 { store.allocated[node.index] }

    /// Apparent bytes counted for the entry: everything below a directory plus its own size, as `du -b` prints it.
    /// 0 for a hard link counted under another name, an entry that could not be stat'ed, and a mount point.
    public func apparentBytes(of node: Node) -> Int64 {
        let m = store.meta[node.index]
        if let d = directoryOrdinal(node.index, m) { return store.dirApparent[d] }
        return m & (ScanStore.Meta.duplicateLink | ScanStore.Meta.statFailed) != 0 ? 0 : store.apparent[node.index]
    }

    /// Allocated bytes counted for the entry, as `du -B1` prints it (see `apparentBytes(of:)`).
    public func allocatedBytes(of node: Node) -> Int64 {
        let m = store.meta[node.index]
        if let d = directoryOrdinal(node.index, m) { return store.dirAllocated[d] }
        return m & (ScanStore.Meta.duplicateLink | ScanStore.Meta.statFailed) != 0 ? 0 : store.allocated[node.index]
    }

    /// Counted bytes of either kind.
    public func bytes(of node: Node, apparent: Bool) -> Int64 {
        apparent ? apparentBytes(of: node) : allocatedBytes(of: node)
    }

    /// How many entries lie below the node, at any depth (0 for anything but a directory).
    public func itemCount(of node: Node) -> Int {
        let m = store.meta[node.index]
        guard let d = directoryOrdinal(node.index, m) else { return 0 }
        return Int(store.dirItems[d])
    }

    /// The entry's own modification time, in seconds since 1970 (0 when it could not be stat'ed).
    public func modified(of node: Node) -> Int64 { store.mtime[node.index] }

    /// The newest modification time of the entry and everything below it.
    public func newestModified(of node: Node) -> Int64 {
        let m = store.meta[node.index]
        if let d = directoryOrdinal(node.index, m) { return store.dirNewest[d] }
        return store.mtime[node.index]
    }

    /// Whether the entry is a hard link to an inode already counted under another name.
    public func isCountedElsewhere(_ node: Node) -> Bool { store.meta[node.index] & ScanStore.Meta.duplicateLink != 0 }

    /// Whether the entry is a directory on another filesystem (a mount point): not entered, and counted as 0.
    public func isOnOtherFilesystem(_ node: Node) -> Bool { store.meta[node.index] & ScanStore.Meta.otherFilesystem != 0 }

    /// The `errno` that kept the entry from being stat'ed, or the directory from being read; nil when it was read.
    public func error(of node: Node) -> Int32? {
        let m = store.meta[node.index]
        let failed = ScanStore.Meta.statFailed | ScanStore.Meta.openFailed | ScanStore.Meta.cycle
        guard m & failed != 0 else { return nil }
        // A directory keeps its errno in its record (aux holds the ordinal); anything else in aux.
        if let d = directoryOrdinal(node.index, m) { return store.dirError[d] }
        return Int32(bitPattern: store.aux[node.index])
    }

    // MARK: Children

    /// How many entries a directory holds directly.
    public func childCount(of node: Node) -> Int {
        guard let d = directoryOrdinal(node.index, store.meta[node.index]) else { return 0 }
        return Int(store.dirChildCount[d])
    }

    /// The entries a directory holds directly, in the order the filesystem listed them.
    public func children(of node: Node) -> [Node] {
        guard let d = directoryOrdinal(node.index, store.meta[node.index]) else { return [] }
        let first = store.dirFirstChild[d]
        return (0..<store.dirChildCount[d]).map { Node(first + $0) }
    }

    /// What to sort children by.
    public enum ChildOrder: Sendable, CaseIterable {
        /// Counted apparent bytes.
        case apparentSize
        /// Counted allocated bytes.
        case allocatedSize
        /// Name, bytewise.
        case name
        /// Newest modification time at or below the entry.
        case modified
        /// Entries below (directories first by their content).
        case itemCount

        /// The order used when none is given: largest, newest and most first; names A to Z.
        public var descendsByDefault: Bool { self != .name }
    }

    /// A directory's entries sorted by a key; ties are broken by name so the order is stable.
    public func children(of node: Node, sortedBy key: ChildOrder, descending: Bool? = nil) -> [Node] {
        let desc = descending ?? key.descendsByDefault
        var nodes = children(of: node)
        nodes.sort { a, b in precedes(a, b, sortedBy: key, descending: desc) }
        return nodes
    }

    /// Whether `a` comes before `b` among siblings sorted by a key (ties broken by name), as
    /// `children(of:sortedBy:descending:)` orders them.
    public func precedes(_ a: Node, _ b: Node, sortedBy key: ChildOrder, descending: Bool) -> Bool {
        func nameOrder(_ a: Node, _ b: Node) -> Bool {
            store.nameBuffer(a.index).lexicographicallyPrecedes(store.nameBuffer(b.index))
        }
        func by<T: Comparable>(_ value: (Node) -> T) -> Bool {
            let (x, y) = (value(a), value(b))
            if x != y { return descending ? x > y : x < y }
            return nameOrder(a, b)
        }
        switch key {
        case .apparentSize: return by(apparentBytes(of:))
        case .allocatedSize: return by(allocatedBytes(of:))
        case .modified: return by(newestModified(of:))
        case .itemCount: return by(itemCount(of:))
        case .name: return descending ? nameOrder(b, a) : nameOrder(a, b)
        }
    }

    /// The entries below `ancestor` (at any depth, `ancestor` left out) whose name contains `needle`, ignoring
    /// case, in node order; at most `limit` of them. ASCII names are compared byte by byte; others as
    /// displayed (escaped).
    public func nodes(below ancestor: Node, whereNameContains needle: String, limit: Int) -> [Node] {
        let lowered = needle.lowercased()
        let bytes = Array(lowered.utf8)
        guard !bytes.isEmpty, limit > 0 else { return [] }
        let isASCII = bytes.allSatisfy { $0 < 0x80 }
        func lower(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5A ? c | 0x20 : c }
        func contains(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
            guard name.count >= bytes.count else { return false }
            if name.allSatisfy({ $0 < 0x80 }) && isASCII {
                for start in 0...(name.count - bytes.count) {
                    var i = 0
                    while i < bytes.count && lower(name[start + i]) == bytes[i] { i += 1 }
                    if i == bytes.count { return true }
                }
                return false
            }
            return Sanitizer.inline(bytes: name).lowercased().contains(lowered)
        }
        func isBelow(_ i: Int) -> Bool {
            var p = store.parent[i]
            while p != ScanStore.noParent {
                if p == ancestor.raw { return true }
                p = store.parent[Int(p)]
            }
            return false
        }
        var out: [Node] = []
        for i in 1..<max(1, count) where contains(store.nameBuffer(i)) && isBelow(i) {
            out.append(Node(UInt32(i)))
            if out.count == limit { break }
        }
        return out
    }

    /// The node reached from the root through the given names, without following symlinks; nil when missing.
    public func node(at components: [[UInt8]]) -> Node? {
        var current = root
        for component in components {
            guard let d = directoryOrdinal(current.index, store.meta[current.index]) else { return nil }
            let first = Int(store.dirFirstChild[d])
            let end = first + Int(store.dirChildCount[d])
            guard let hit = (first..<end).first(where: { store.nameBuffer($0).elementsEqual(component) }) else { return nil }
            current = Node(UInt32(hit))
        }
        return current
    }

    @inline(__always) private func directoryOrdinal(_ i: Int, _ meta: UInt32) -> Int? {
        (meta & ScanStore.Meta.kindMask) >> ScanStore.Meta.kindShift == UInt32(Kind.directory.rawValue) ? Int(store.aux[i]) : nil
    }
}

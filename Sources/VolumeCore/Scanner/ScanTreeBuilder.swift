/// Builds a `ScanTree` from entries given one by one by path (the tar headers of a helper container's archive),
/// laid out and summed exactly as `ScanWalk` lays out and sums a walk.
///
/// Entries may come in any order: a directory missing from the list is made up (sizes 0) when something below it
/// arrives, and filled in if it arrives later; an entry given twice keeps the later facts. `build()` lays the
/// nodes out breadth first, so each directory's children are contiguous (as `ScanStore` requires), numbers
/// directories in that order (`aux` holds a directory's ordinal), and sums every directory bottom-up with the
/// walker's own `ScanStore.aggregate()`.
struct ScanTreeBuilder {
    private struct Record {
        var name: [UInt8]
        var parent: Int32
        var kind: ScanTree.Kind
        var apparent: Int64 = 0
        var allocated: Int64 = 0
        var mtime: Int64 = 0
        var isDuplicateLink = false
        /// A symlink's target (nil for anything else).
        var linkTarget: [UInt8]?
        var children: [Int32] = []
    }

    private struct Key: Hashable {
        var parent: Int32
        var name: [UInt8]
    }

    let rootPath: String
    let relativePath: [[UInt8]]
    /// Most entries held (the root included); `add` throws beyond it, so a huge volume cannot exhaust memory.
    var maxEntries = 5_000_000
    private var records: [Record]
    private var index: [Key: Int32] = [:]

    /// A builder holding only the root directory (sizes 0 until `setRoot`).
    init(rootPath: String, relativePath: [[UInt8]] = []) {
        self.rootPath = rootPath
        self.relativePath = relativePath
        records = [Record(name: [], parent: -1, kind: .directory)]
    }

    /// How many entries the builder holds, the root included.
    var count: Int { records.count }

    /// Sets the root directory's own sizes and time.
    mutating func setRoot(apparent: Int64, allocated: Int64, mtime: Int64) {
        records[0].apparent = apparent
        records[0].allocated = allocated
        records[0].mtime = mtime
    }

    /// Adds (or updates) the entry at `components` below the root; returns its id.
    ///
    /// - Throws: `EngineError.malformedResponse` for an empty, over-long or `.`/`..` component, or a path that
    ///   runs through something that is not a directory.
    @discardableResult
    mutating func add(
        _ components: [[UInt8]], kind: ScanTree.Kind, apparent: Int64, allocated: Int64, mtime: Int64, isDuplicateLink: Bool = false,
        linkTarget: [UInt8]? = nil
    ) throws -> Int {
        let linkTarget = kind == .symlink ? linkTarget.map { Array($0.prefix(4096)) } : nil
        guard !components.isEmpty else {
            setRoot(apparent: apparent, allocated: allocated, mtime: mtime)
            return 0
        }
        var parent: Int32 = 0
        for (depth, component) in components.enumerated() {
            guard !component.isEmpty, component.count <= 255, component != [0x2E], component != [0x2E, 0x2E], !component.contains(0x2F)
            else {
                throw EngineError(
                    .malformedResponse,
                    "the engine's archive names an entry \"\(Sanitizer.inline(bytes: Array(components.joined(separator: [0x2F]))))\" that is not a plain path"
                )
            }
            let isLast = depth == components.count - 1
            let key = Key(parent: parent, name: component)
            if let existing = index[key] {
                if isLast {
                    let e = Int(existing)
                    if kind != .directory && !records[e].children.isEmpty {
                        throw EngineError(.malformedResponse, "the engine's archive lists entries below a non-directory")
                    }
                    records[e].kind = kind
                    records[e].apparent = apparent
                    records[e].allocated = allocated
                    records[e].mtime = mtime
                    records[e].isDuplicateLink = isDuplicateLink
                    records[e].linkTarget = linkTarget
                    return e
                }
                guard records[Int(existing)].kind == .directory else {
                    throw EngineError(.malformedResponse, "the engine's archive lists entries below a non-directory")
                }
                parent = existing
                continue
            }
            guard records.count < maxEntries else {
                throw EngineError(
                    .engineFailure,
                    "the volume holds more than \(maxEntries) entries, more than voltop reads through a helper container "
                        + "(about 200 bytes of memory each); run voltop as root on the engine's host to read it directly")
            }
            let id = Int32(records.count)
            var record = Record(name: component, parent: parent, kind: isLast ? kind : .directory)
            if isLast {
                record.apparent = apparent
                record.allocated = allocated
                record.mtime = mtime
                record.isDuplicateLink = isDuplicateLink
                record.linkTarget = linkTarget
            }
            records.append(record)
            records[Int(parent)].children.append(id)
            index[key] = id
            parent = id
        }
        return Int(parent)
    }

    /// The id of the entry at `components`, if it was added.
    func find(_ components: [[UInt8]]) -> Int? {
        var current: Int32 = 0
        for component in components {
            guard let next = index[Key(parent: current, name: component)] else { return nil }
            current = next
        }
        return Int(current)
    }

    /// The own apparent size, allocated size and time recorded for an entry.
    func sizes(of id: Int) -> (apparent: Int64, allocated: Int64, mtime: Int64) {
        (records[id].apparent, records[id].allocated, records[id].mtime)
    }

    /// Lays the entries out, sums them and returns the tree.
    func build(isFromArchive: Bool = true) throws -> ScanTree {
        let store = try ScanStore(entryCapacity: records.count, minimumCapacity: records.count)
        guard store.entryCapacity >= records.count else {
            throw EngineError(
                .engineFailure, "cannot reserve memory for a tree of \(records.count) entries: raise `ulimit -v` or free memory")
        }
        var order: [Int32] = [0]
        order.reserveCapacity(records.count)
        var position = [Int32](repeating: 0, count: records.count)
        var totals = ScanTree.Totals()
        var nameBytes = 0
        var directories = 0
        var next = 0
        while next < order.count {
            let id = Int(order[next])
            let p = next
            next += 1
            let r = records[id]
            position[id] = Int32(p)
            store.parent[p] = p == 0 ? ScanStore.noParent : UInt32(position[Int(r.parent)])
            store.nameOffset[p] = UInt32(truncatingIfNeeded: nameBytes)
            r.name.withUnsafeBufferPointer { src in
                if let base = src.baseAddress { (store.names + nameBytes).update(from: base, count: src.count) }
            }
            nameBytes += r.name.count
            store.meta[p] = ScanStore.Meta.make(
                kind: r.kind, nameLength: r.name.count, flags: r.isDuplicateLink && r.kind != .directory ? ScanStore.Meta.duplicateLink : 0)
            store.apparent[p] = r.apparent
            store.allocated[p] = r.allocated
            store.mtime[p] = r.mtime
            switch r.kind {
            case .directory:
                let d = directories
                directories += 1
                store.aux[p] = UInt32(d)
                store.dirNode[d] = UInt32(p)
                store.dirFirstChild[d] = UInt32(order.count)
                store.dirChildCount[d] = UInt32(r.children.count)
                store.dirError[d] = 0
                store.dirItems[d] = 0
                store.dirApparent[d] = 0
                store.dirAllocated[d] = 0
                store.dirNewest[d] = 0
                order.append(contentsOf: r.children)
                totals.directories += 1
            case .file: totals.files += 1
            case .symlink:
                totals.symlinks += 1
                if let target = r.linkTarget { store.linkTargets[UInt32(p)] = target }
            default: totals.others += 1
            }
            if r.kind != .directory {
                store.aux[p] = 0
                if r.isDuplicateLink { totals.hardlinksSkipped += 1 }
            }
        }
        store.finish(entries: order.count, nameBytes: nameBytes, directories: directories)
        store.aggregate()
        totals.apparentBytes = store.dirApparent[0]
        totals.allocatedBytes = store.dirAllocated[0]
        totals.newestMtime = store.dirNewest[0]
        return ScanTree(rootPath: rootPath, relativePath: relativePath, totals: totals, store: store, isFromArchive: isFromArchive)
    }
}

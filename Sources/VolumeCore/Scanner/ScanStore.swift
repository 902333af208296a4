#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The columns a scan writes: one array per field, for entries and for directories (struct of arrays).
///
/// Each column is address space reserved up front with `mmap(MAP_NORESERVE)`; pages are committed only when
/// written, so memory follows the entries actually stored, nothing is ever copied to grow a column, and workers
/// write their reserved ranges without locks. After the scan the unused tail of each column is returned.
///
/// Per entry: parent 4, name offset 4, meta 4 (name length, kind, flags), apparent 8, allocated 8, mtime 8,
/// aux 4 (directory ordinal, or errno when the entry could not be stat'ed) = 40 bytes plus the name's bytes.
/// Per directory: node 4, first child 4, child count 4, error 4, items 4, apparent 8, allocated 8, newest 8 = 44.
final class ScanStore: @unchecked Sendable {
    /// Bits of `meta`.
    enum Meta {
        static let nameLengthMask: UInt32 = 0xFFFF
        static let kindShift: UInt32 = 16
        static let kindMask: UInt32 = 0xF << 16
        /// A hard link whose inode was already counted under another name.
        static let duplicateLink: UInt32 = 1 << 20
        /// `fstatat` failed: no sizes; `aux` holds the errno.
        static let statFailed: UInt32 = 1 << 21
        /// A directory that could not be opened or read to the end; its record's `error` holds the errno.
        static let openFailed: UInt32 = 1 << 22
        /// A directory on another filesystem (a mount point), not descended.
        static let otherFilesystem: UInt32 = 1 << 23
        /// A directory seen before (a bind-mount loop), not descended.
        static let cycle: UInt32 = 1 << 24
        /// Scratch only: a directory that should be read.
        static let descend: UInt32 = 1 << 25

        static func make(kind: ScanTree.Kind, nameLength: Int, flags: UInt32 = 0) -> UInt32 {
            UInt32(truncatingIfNeeded: nameLength) & nameLengthMask | UInt32(kind.rawValue) << kindShift | flags
        }
    }

    static let bytesPerEntry = 4 + 4 + 4 + 8 + 8 + 8 + 4
    static let bytesPerDirectory = 4 + 4 + 4 + 4 + 4 + 8 + 8 + 8
    static let noParent = UInt32.max

    let entryCapacity: Int
    let nameCapacity: Int

    let parent: UnsafeMutablePointer<UInt32>
    let nameOffset: UnsafeMutablePointer<UInt32>
    let meta: UnsafeMutablePointer<UInt32>
    let apparent: UnsafeMutablePointer<Int64>
    let allocated: UnsafeMutablePointer<Int64>
    let mtime: UnsafeMutablePointer<Int64>
    let aux: UnsafeMutablePointer<UInt32>
    let names: UnsafeMutablePointer<UInt8>

    let dirNode: UnsafeMutablePointer<UInt32>
    let dirFirstChild: UnsafeMutablePointer<UInt32>
    let dirChildCount: UnsafeMutablePointer<UInt32>
    let dirError: UnsafeMutablePointer<Int32>
    let dirItems: UnsafeMutablePointer<UInt32>
    let dirApparent: UnsafeMutablePointer<Int64>
    let dirAllocated: UnsafeMutablePointer<Int64>
    let dirNewest: UnsafeMutablePointer<Int64>

    /// Set once by `finish`, read-only afterwards.
    private(set) var entryCount = 0
    private(set) var nameByteCount = 0
    private(set) var directoryCount = 0
    /// The targets of the symlinks, by node (only symlinks take room), as `readlink` gave them; set once before
    /// the tree is handed out.
    var linkTargets: [UInt32: [UInt8]] = [:]

    private var regions: [(base: UnsafeMutableRawPointer, length: Int)] = []

    /// Reserves room for `entryCapacity` entries; asks for less address space when the system refuses
    /// (a `ulimit -v`, strict overcommit), down to `minimumCapacity`.
    init(entryCapacity requested: Int, minimumCapacity: Int = 1 << 16) throws {
        var capacity = max(requested, 2)
        var regions: [(base: UnsafeMutableRawPointer, length: Int)]
        while true {
            if let reserved = Self.reserveAll(capacity) {
                regions = reserved
                break
            }
            guard capacity / 2 >= minimumCapacity else {
                throw EngineError(
                    .engineFailure,
                    "cannot reserve address space for a scan of \(capacity) entries: raise `ulimit -v` or free memory",
                    cause: String(cString: strerror(ENOMEM)))
            }
            capacity /= 2
        }
        entryCapacity = capacity
        nameCapacity = Self.nameCapacity(for: capacity)
        self.regions = regions
        func column<T>(_ i: Int, _: T.Type) -> UnsafeMutablePointer<T> { regions[i].base.assumingMemoryBound(to: T.self) }
        parent = column(0, UInt32.self)
        nameOffset = column(1, UInt32.self)
        meta = column(2, UInt32.self)
        apparent = column(3, Int64.self)
        allocated = column(4, Int64.self)
        mtime = column(5, Int64.self)
        aux = column(6, UInt32.self)
        names = column(7, UInt8.self)
        dirNode = column(8, UInt32.self)
        dirFirstChild = column(9, UInt32.self)
        dirChildCount = column(10, UInt32.self)
        dirError = column(11, Int32.self)
        dirItems = column(12, UInt32.self)
        dirApparent = column(13, Int64.self)
        dirAllocated = column(14, Int64.self)
        dirNewest = column(15, Int64.self)
    }

    deinit {
        for region in regions where region.length > 0 { munmap(region.base, region.length) }
    }

    /// Element sizes of the 16 columns, in the order of the properties above; the name column is bytes.
    private static let elementSizes = [4, 4, 4, 8, 8, 8, 4, 1, 4, 4, 4, 4, 4, 8, 8, 8]

    private static func nameCapacity(for entries: Int) -> Int {
        // Names are at most 255 bytes; offsets are UInt32.
        min(entries &* 256, Int(UInt32.max))
    }

    private static func reserveAll(_ capacity: Int) -> [(base: UnsafeMutableRawPointer, length: Int)]? {
        var out: [(base: UnsafeMutableRawPointer, length: Int)] = []
        for (i, size) in elementSizes.enumerated() {
            let length = i == 7 ? nameCapacity(for: capacity) : capacity * size
            let p = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
            guard let p, p != MAP_FAILED else {
                for r in out { munmap(r.base, r.length) }
                return nil
            }
            out.append((p, length))
        }
        return out
    }

    /// Records the final counts and gives back the address space past them.
    func finish(entries: Int, nameBytes: Int, directories: Int) {
        entryCount = entries
        nameByteCount = nameBytes
        directoryCount = directories
        let page = max(Int(sysconf(Int32(_SC_PAGESIZE))), 4096)
        for i in regions.indices {
            let used = i == 7 ? nameBytes : (i < 7 ? entries : directories) * Self.elementSizes[i]
            let keep = (used + page - 1) / page * page
            if keep < regions[i].length {
                munmap(regions[i].base + keep, regions[i].length - keep)
                regions[i].length = keep
            }
        }
    }

    /// Bytes the stored tree occupies: the used part of every column.
    var footprint: Int {
        entryCount * Self.bytesPerEntry + nameByteCount + directoryCount * Self.bytesPerDirectory
            + linkTargets.values.reduce(0) { $0 + $1.count + 16 }
    }

    @inline(__always) func kind(_ i: Int) -> ScanTree.Kind {
        ScanTree.Kind(rawValue: UInt8((meta[i] & Meta.kindMask) >> Meta.kindShift)) ?? .unknown
    }

    @inline(__always) func nameBuffer(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: names + Int(nameOffset[i]), count: Int(meta[i] & Meta.nameLengthMask))
    }

    /// Sums every directory's subtree, children before parents (reverse breadth-first order).
    func aggregate() {
        let s = self
        var order: [UInt32] = [0]
        order.reserveCapacity(s.directoryCount)
        var next = 0
        let directoryKind = UInt32(ScanTree.Kind.directory.rawValue)
        while next < order.count {
            let d = Int(order[next])
            next += 1
            let first = Int(s.dirFirstChild[d])
            for c in first..<first + Int(s.dirChildCount[d])
            where (s.meta[c] & ScanStore.Meta.kindMask) >> ScanStore.Meta.kindShift == directoryKind {
                order.append(s.aux[c])
            }
        }
        let uncounted = ScanStore.Meta.duplicateLink | ScanStore.Meta.statFailed
        for d in order.reversed().lazy.map(Int.init) {
            let node = Int(s.dirNode[d])
            if s.meta[node] & ScanStore.Meta.otherFilesystem != 0 {
                // `du -x` counts nothing for a mount point, not even the directory itself.
                s.dirNewest[d] = s.mtime[node]
                continue
            }
            var apparent = s.apparent[node]
            var allocated = s.allocated[node]
            var newest = s.mtime[node]
            var items: UInt32 = 0
            let first = Int(s.dirFirstChild[d])
            for c in first..<first + Int(s.dirChildCount[d]) {
                let m = s.meta[c]
                if (m & ScanStore.Meta.kindMask) >> ScanStore.Meta.kindShift == directoryKind {
                    let sub = Int(s.aux[c])
                    apparent = apparent.saturatingAdd(s.dirApparent[sub])
                    allocated = allocated.saturatingAdd(s.dirAllocated[sub])
                    items &+= 1 &+ s.dirItems[sub]
                    newest = max(newest, s.dirNewest[sub])
                } else {
                    items &+= 1
                    if m & uncounted == 0 {
                        apparent = apparent.saturatingAdd(s.apparent[c])
                        allocated = allocated.saturatingAdd(s.allocated[c])
                    }
                    if m & ScanStore.Meta.statFailed == 0 { newest = max(newest, s.mtime[c]) }
                }
            }
            s.dirApparent[d] = apparent
            s.dirAllocated[d] = allocated
            s.dirNewest[d] = newest
            s.dirItems[d] = items
        }
    }
}

import VolumeCore

/// What the volumes table is sorted by; `s` cycles through the cases in order.
enum VolumeSortKey: String, Sendable, CaseIterable {
    case name, size, created, owners, status, growth

    /// The next key in the cycle.
    var next: VolumeSortKey {
        let all = Self.allCases
        let index = all.firstIndex(of: self) ?? 0
        return all[(index + 1) % all.count]
    }

    /// Whether the natural order is ascending: names A→Z; largest, newest, most owned and leaked first otherwise.
    var isNaturallyAscending: Bool { self == .name }

    /// The entries' indices in this key's natural order, ties broken by name.
    ///
    /// `nameRanks` gives each entry's place in name order (parallel to `entries`; computed from the names when its
    /// count differs), so sorting compares integers, never strings.
    func sorted(
        _ entries: [CatalogEntry], createdTimes: [Double?], nameRanks: [Int]? = nil, growth: GrowthSnapshot? = nil
    ) -> [Int] {
        let ranks: [Int]
        if let nameRanks, nameRanks.count == entries.count {
            ranks = nameRanks
        } else {
            ranks = AppState.nameRanks(entries)
        }
        switch self {
        case .name:
            var order = Array(entries.indices)
            for (i, rank) in ranks.enumerated() { order[rank] = i }
            return order
        case .size:
            // Known sizes largest first, then the ones the engine cannot size, then those not measured yet.
            func rank(_ s: VolumeSize) -> Pair {
                switch s {
                case .bytes(let b): return Pair(0, -b)
                case .unknown: return Pair(1, 0)
                case .notRequested: return Pair(2, 0)
                }
            }
            return Self.order(entries.map { rank($0.size) }, by: <, ties: ranks)
        case .created:
            let dates = entries.indices.map { i in (i < createdTimes.count ? createdTimes[i] : nil) ?? -.infinity }
            return Self.order(dates, by: >, ties: ranks)
        case .owners:
            let counts = entries.map { Pair($0.owners.count, Int64($0.runningOwnerCount)) }
            return Self.order(counts, by: >, ties: ranks)
        case .status:
            func rank(_ s: VolumeStatus) -> Int {
                switch s {
                case .unusedAnonymous: return 0
                case .unused: return 1
                case .inUseStopped: return 2
                case .inUse: return 3
                }
            }
            return Self.order(entries.map { rank($0.status) }, by: <, ties: ranks)
        case .growth:
            // Fastest growing first (over the short window), shrinking ones last, what nothing can write after.
            let rates = entries.map { entry -> Double in
                guard let volume = growth?.volumes[entry.name] else { return -.infinity }
                return volume.shortRate ?? -.greatestFiniteMagnitude
            }
            return Self.order(rates, by: >, ties: ranks)
        }
    }

    /// Two numbers compared in order.
    private struct Pair: Comparable {
        var major: Int
        var minor: Int64
        init(_ major: Int, _ minor: Int64) {
            self.major = major
            self.minor = minor
        }
        static func < (a: Pair, b: Pair) -> Bool { a.major != b.major ? a.major < b.major : a.minor < b.minor }
    }

    /// Indices ordered by `keys` (parallel to the entries) with `isBefore`, equal keys by name rank.
    private static func order<Key: Equatable>(_ keys: [Key], by isBefore: (Key, Key) -> Bool, ties ranks: [Int]) -> [Int] {
        // Sorting (key, rank, index) records keeps the comparisons on contiguous memory.
        var records = keys.indices.map { (key: keys[$0], rank: ranks[$0], index: $0) }
        records.sort { $0.key != $1.key ? isBefore($0.key, $1.key) : $0.rank < $1.rank }
        return records.map(\.index)
    }
}

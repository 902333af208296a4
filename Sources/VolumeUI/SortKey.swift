import VolumeCore

/// What the volumes table is sorted by; `s` cycles through the cases in order.
enum SortKey: String, Sendable, CaseIterable {
    case name, size, created, owners, status

    /// The next key in the cycle.
    var next: SortKey {
        let all = Self.allCases
        let index = all.firstIndex(of: self) ?? 0
        return all[(index + 1) % all.count]
    }

    /// Whether the natural order is ascending: names A→Z; largest, newest, most owned and leaked first otherwise.
    var isNaturallyAscending: Bool { self == .name }

    /// The entries' indices in this key's natural order, ties broken by name.
    func sorted(_ entries: [CatalogEntry], createdTimes: [Double?]) -> [Int] {
        let indices = Array(entries.indices)
        switch self {
        case .name:
            return indices.sorted { entries[$0].name < entries[$1].name }
        case .size:
            // Known sizes largest first, then the ones the engine cannot size, then those not measured yet.
            func rank(_ s: VolumeSize) -> (Int, Int64) {
                switch s {
                case .bytes(let b): return (0, -b)
                case .unknown: return (1, 0)
                case .notRequested: return (2, 0)
                }
            }
            let ranks = entries.map { rank($0.size) }
            return indices.sorted {
                ranks[$0] != ranks[$1] ? ranks[$0] < ranks[$1] : entries[$0].name < entries[$1].name
            }
        case .created:
            let dates = entries.indices.map { i in (i < createdTimes.count ? createdTimes[i] : nil) ?? -.infinity }
            return indices.sorted {
                dates[$0] != dates[$1] ? dates[$0] > dates[$1] : entries[$0].name < entries[$1].name
            }
        case .owners:
            let counts = entries.map { ($0.owners.count, $0.runningOwnerCount) }
            return indices.sorted {
                counts[$0] != counts[$1] ? counts[$0] > counts[$1] : entries[$0].name < entries[$1].name
            }
        case .status:
            func rank(_ s: VolumeStatus) -> Int {
                switch s {
                case .unusedAnonymous: return 0
                case .unused: return 1
                case .inUseStopped: return 2
                case .inUse: return 3
                }
            }
            let ranks = entries.map { rank($0.status) }
            return indices.sorted {
                ranks[$0] != ranks[$1] ? ranks[$0] < ranks[$1] : entries[$0].name < entries[$1].name
            }
        }
    }
}

import VolumeCore

/// What the file-tree pane is sorted by; `s` cycles through the cases in order.
enum FileSortKey: String, Sendable, CaseIterable {
    case size, name, modified, items

    /// The next key in the cycle.
    var next: FileSortKey {
        let all = Self.allCases
        let index = all.firstIndex(of: self) ?? 0
        return all[(index + 1) % all.count]
    }

    /// The scanner's key for this one, with the size kind the pane shows.
    func scanKey(isApparent: Bool) -> ScanTree.ChildOrder {
        switch self {
        case .size: return isApparent ? .apparentSize : .allocatedSize
        case .name: return .name
        case .modified: return .modified
        case .items: return .itemCount
        }
    }
}

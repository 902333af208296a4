/// What the table's rows were last filtered by, to tell whether a new filter only narrows it.
struct FilterKey: Sendable, Equatable {
    var filter: VolumeFilter?
    var isUnusedOnly: Bool

    /// Whether every row this key keeps is among the rows `previous` kept.
    func narrows(_ previous: FilterKey) -> Bool {
        guard isUnusedOnly == previous.isUnusedOnly || isUnusedOnly else { return false }
        guard let old = previous.filter else { return true }
        guard let new = filter, !old.isInverted, !new.isInverted else { return false }
        return new.needle.contains(old.needle)
    }
}

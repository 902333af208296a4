/// The volumes table's own state: which rows it shows in which order, its cursor, its sort and its filter.
struct VolumeTableState: Sendable {
    /// The selected row and the first row shown (rows are indices into `visibleIndices`).
    var cursor = RowCursor()
    /// What the rows are sorted by.
    var sortKey: VolumeSortKey = .name
    /// Whether the sort runs against its natural order.
    var isSortReversed = false
    /// Whether only volumes no container references are shown.
    var isUnusedOnly = false
    /// The filter as typed; a leading `!` inverts it.
    var filter = TextInput()
    /// The filter line has the keyboard.
    var isEditingFilter = false
    /// Indices into `catalog.entries` in the current sort order (all entries).
    var sortedIndices: [Int] = []
    /// Indices into `catalog.entries` that the table shows: sorted, filtered, unused-only applied.
    var visibleIndices: [Int] = []
    /// What `visibleIndices` was filtered by; nil after a sort (then the next filter starts from all rows).
    var filteredBy: FilterKey?
}

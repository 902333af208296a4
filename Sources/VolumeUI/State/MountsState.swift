/// The mounts view's own state: the container list's cursor and the mounts pane's scroll.
struct MountsState: Sendable, Equatable {
    /// The selected container and the first one shown (rows are indices into `catalog.containers`).
    var cursor = RowCursor()
    /// First visible line of the mounts pane.
    var detailScroll = 0
    /// The container whose volume Enter last showed in the table, and which of its volumes (Enter again: the next).
    var lastShown: (container: String, index: Int)?

    static func == (a: MountsState, b: MountsState) -> Bool {
        a.cursor == b.cursor && a.detailScroll == b.detailScroll && a.lastShown?.container == b.lastShown?.container
            && a.lastShown?.index == b.lastShown?.index
    }
}

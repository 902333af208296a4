/// The mounts view's own state: the container list's cursor and the mounts pane's scroll.
struct MountsState: Sendable, Equatable {
    /// The selected container and the first one shown (rows are indices into `catalog.containers`).
    var cursor = RowCursor()
    /// First visible line of the mounts pane.
    var detailScroll = 0
}

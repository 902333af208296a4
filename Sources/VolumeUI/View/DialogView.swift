/// A dialog laid out for one screen: its box, fixed lines above and below, and a scrollable list between.
struct DialogView: Sendable, Equatable {
    /// The box, borders included.
    var frame: Rect
    /// The title in the top border.
    var title: String
    /// Lines above the list.
    var top: [StyledLine]
    /// The scrollable lines.
    var list: [StyledLine]
    /// Rows the list gets.
    var listHeight: Int
    /// First list line shown.
    var scroll: Int
    /// Lines below the list.
    var bottom: [StyledLine]

    /// Columns inside the box, padding excluded.
    static func innerWidth(of width: Int) -> Int { width - 4 }

    /// Lays out a dialog `width` columns wide on a screen, giving the list the rows that remain
    /// (all of them when `fillsHeight`).
    init(
        title: String, width: Int, rows: Int, cols: Int, top: [StyledLine], list: [StyledLine], bottom: [StyledLine],
        scroll: Int, fillsHeight: Bool = false
    ) {
        self.title = title
        self.top = top
        self.list = list
        self.bottom = bottom
        let maxHeight = max(4, rows - 2)
        let fixed = 2 + 1 + top.count + bottom.count + 1
        let room = max(1, maxHeight - fixed)
        listHeight = fillsHeight ? room : min(list.count, room)
        self.scroll = max(0, min(scroll, list.count - listHeight))
        let height = min(maxHeight, fixed + listHeight)
        let row = max(1, (rows - 1 - height) / 2)
        frame = Rect(row: row, col: max(0, (cols - width) / 2), height: height, width: width)
    }
}

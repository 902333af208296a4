/// The cursor of a list on screen: the selected row and the first row shown.
///
/// The volumes table and the mounts view's container list both move it with the same keys (`j` `k` PgDn PgUp `g`
/// `G`), wheel and clicks, and keep it on screen the same way: written once, here.
struct RowCursor: Sendable, Equatable {
    /// The selected row.
    var selection = 0
    /// The first row shown.
    var scroll = 0

    /// The row a movement command leads to from `current` in a list of `count` rows, `page` rows per page.
    static func target(of command: Command, from current: Int, count: Int, page: Int) -> Int {
        guard count > 0 else { return 0 }
        let next: Int
        switch command {
        case .moveUp: next = current - 1
        case .moveDown: next = current + 1
        case .pageUp: next = current - page
        case .pageDown: next = current + page
        case .moveTop: next = 0
        case .moveBottom: next = count - 1
        default: next = current
        }
        return min(max(0, next), count - 1)
    }

    /// Moves the selection by a movement command in a list of `count` rows; returns whether it changed.
    @discardableResult
    mutating func move(_ command: Command, count: Int, page: Int) -> Bool {
        select(Self.target(of: command, from: selection, count: count, page: page), count: count)
    }

    /// Selects a row (clamped to the list); returns whether the selection changed.
    @discardableResult
    mutating func select(_ row: Int, count: Int) -> Bool {
        let row = max(0, min(row, count - 1))
        defer { selection = row }
        return row != selection
    }

    /// The row a mouse event in the list leads to: the selection moved by `wheel` rows (unclamped), or the row a
    /// click hits; nil when a click hits no row (outside `body`, the list's rows on screen, or below the last row).
    func target(ofWheel wheel: Int, at event: MouseEvent, body: Rect, count: Int) -> Int? {
        if wheel != 0 { return selection + wheel }
        guard body.contains(row: event.row, col: event.col) else { return nil }
        return row(atScreenRow: event.row, bodyRow: body.row, count: count)
    }

    /// The row a click on screen row `screenRow` hits, in a list whose first row is drawn at `bodyRow`; nil below
    /// the last row.
    func row(atScreenRow screenRow: Int, bodyRow: Int, count: Int) -> Int? {
        let row = scroll + screenRow - bodyRow
        return row < count ? row : nil
    }

    /// Keeps the selection within `count` rows and on screen in a list `height` rows tall.
    mutating func clamp(count: Int, height: Int) {
        selection = max(0, min(selection, count - 1))
        scroll = Self.visibleOffset(selection: selection, offset: scroll, count: count, height: height)
    }

    /// The first row to show so that `selection` is visible, moving the view as little as possible.
    static func visibleOffset(selection: Int, offset: Int, count: Int, height: Int) -> Int {
        guard count > height else { return 0 }
        var top = min(offset, count - height)
        if selection < top { top = selection }
        if selection >= top + height { top = selection - height + 1 }
        return max(0, top)
    }
}

extension Dashboard {
    /// Lines of a pager (the inspect viewer, the file preview) laid out in rows of `width` columns.
    struct PagerRows: Sendable, Equatable {
        /// The rows to show, in order.
        var rows: [StyledLine] = []
        /// The first row of each line.
        var firstRow: [Int] = []
        /// Whether a line is wider than the width (cut while lines do not fold).
        var hasLongLines = false

        /// The line a row belongs to.
        func line(ofRow row: Int) -> Int { firstRow.lastIndex(notAfter: row) }
    }

    /// Lines laid out as `less` shows them: a line longer than the room folds into several rows (`wraps`), or is
    /// cut at the edge and shown from `column` on. `prefix(i, isFirstRow)` is drawn before each row (line
    /// numbers), `prefixWidth` columns wide, and never scrolls sideways.
    static func pagerRows(
        _ lines: [StyledLine], width: Int, wraps: Bool, column: Int, prefixWidth: Int = 0,
        prefix: ((Int, Bool) -> StyledLine)? = nil
    ) -> PagerRows {
        var out = PagerRows()
        let room = max(1, width - prefixWidth)
        out.firstRow.reserveCapacity(lines.count)
        for (i, line) in lines.enumerated() {
            out.firstRow.append(out.rows.count)
            let isLong = line.columns > room
            if isLong { out.hasLongLines = true }
            let pieces = wraps ? (isLong ? line.folded(width: room) : [line]) : (column > 0 ? [line.dropping(columns: column)] : [line])
            for (j, piece) in pieces.enumerated() {
                out.rows.append(prefix.map { $0(i, j == 0).adding(piece) } ?? piece)
            }
        }
        return out
    }

    /// The hint line of a pager: the first of `variants` that fits the width.
    static func pagerHint(_ variants: [String], width: Int) -> StyledLine {
        StyledLine(variants.first { CellGrid.columns(of: $0) <= width } ?? variants.last ?? "", .dim)
    }

    /// How far `h`/`l` scroll: half the room, as `less` does.
    static func sidewaysStep(width: Int) -> Int { max(1, width / 2) }
}

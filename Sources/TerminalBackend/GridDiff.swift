import VolumeUI

/// The cells to write to bring the screen from one grid to the next: runs of changed cells that share a style.
///
/// A wide character is one unit of two cells (its grapheme and the "" continuation after it): it is written
/// whole whenever either cell, or the cell after a wide character it replaces, changed. Each unit's text is
/// made safe for ncurses, which measures text per code point with `wcwidth`: see `drawable(_:columns:scalarWidth:)`.
struct GridDiff: Sendable {
    /// Consecutive cells of one row to write with one style.
    struct Run: Equatable, Sendable {
        /// Row, from 0.
        var row: Int
        /// First column, from 0.
        var col: Int
        /// Columns the run covers.
        var width: Int
        /// The style of every cell in the run.
        var style: CellStyle
        /// What to write: exactly `width` columns as ncurses measures them.
        var text: String
    }

    /// Columns one scalar takes for ncurses (`wcwidth`): -1 for unprintable, 0 for combining, 1 or 2.
    let scalarWidth: @Sendable (Unicode.Scalar) -> Int

    /// A diff that measures scalars with `scalarWidth`.
    init(scalarWidth: @escaping @Sendable (Unicode.Scalar) -> Int) {
        self.scalarWidth = scalarWidth
    }

    /// The runs that turn a screen showing `old` into one showing `new`; every cell when `old` is nil or another size.
    ///
    /// The cells are read in place (no copy of a cell per look) and each run's text grows in one string: this runs
    /// for every frame, and a first frame writes every cell.
    func runs(from old: CellGrid?, to new: CellGrid) -> [Run] {
        let previous = old.flatMap { $0.rows == new.rows && $0.cols == new.cols ? $0 : nil }
        let cols = new.cols
        var runs: [Run] = []
        var current: Run?
        new.cells.withUnsafeBufferPointer { cells in
            (previous?.cells ?? []).withUnsafeBufferPointer { before in
                let hasPrevious = previous != nil
                for row in 0..<new.rows {
                    let line = UnsafeBufferPointer(rebasing: cells[(row * cols)..<(row * cols + cols)])
                    let old = hasPrevious ? UnsafeBufferPointer(rebasing: before[(row * cols)..<(row * cols + cols)]) : nil
                    var col = 0
                    while col < cols {
                        let width = Self.unitWidth(line, col: col)
                        defer { col += width }
                        if let old, !Self.isDirty(col: col, width: width, old: old, new: line) { continue }
                        let text = drawable(line[col].text, columns: width)
                        if current != nil, current!.row == row, current!.col + current!.width == col, current!.style == line[col].style {
                            current!.width += width
                            current!.text += text
                        } else {
                            if let done = current { runs.append(done) }
                            current = Run(row: row, col: col, width: width, style: line[col].style, text: text)
                        }
                    }
                }
            }
        }
        if let done = current { runs.append(done) }
        return runs
    }

    /// `grid` cut off or padded with blank cells to `rows` × `cols` (the screen's size, when the grid is stale).
    static func fitted(_ grid: CellGrid, rows: Int, cols: Int) -> CellGrid {
        var result = CellGrid(rows: rows, cols: cols)
        for row in 0..<min(rows, grid.rows) {
            for col in 0..<min(cols, grid.cols) { result[row, col] = grid[row, col] }
        }
        return result
    }

    /// 2 for a wide character followed by its "" continuation, else 1.
    private static func unitWidth(_ line: UnsafeBufferPointer<Cell>, col: Int) -> Int {
        guard !line[col].text.isEmpty, col + 1 < line.count, line[col + 1].text.isEmpty else { return 1 }
        return 2
    }

    /// Whether the unit at `col` must be written: one of its cells changed, or the cell after it was the
    /// continuation of a wide character at `col` and changed (so the old wide character is gone).
    private static func isDirty(col: Int, width: Int, old: UnsafeBufferPointer<Cell>, new: UnsafeBufferPointer<Cell>) -> Bool {
        for c in col..<(col + width) where old[c] != new[c] { return true }
        let next = col + width
        if next < new.count, old[next].text.isEmpty, old[next] != new[next] { return true }
        return false
    }

    /// A grapheme rewritten so that ncurses draws it in exactly `columns` columns.
    ///
    /// The first scalar must be printable and no wider than `columns`, or the cell becomes "?". Zero-width scalars
    /// after it are kept (at most 4, ncurses' limit per cell); anything from the next spacing scalar on is dropped,
    /// so a ZWJ sequence shows its first emoji (the joiner itself is dropped too, so it cannot join the next cell).
    /// When ncurses would draw the grapheme narrower than the grid expects (a text symbol with U+FE0F), the
    /// selector is dropped and spaces pad it out, so that no terminal draws it wide.
    /// The "" of an orphaned continuation cell becomes spaces.
    func drawable(_ text: String, columns: Int) -> String {
        // Most cells: one printable ASCII character, drawn as it is.
        if columns == 1, text.utf8.count == 1, let byte = text.utf8.first, byte >= 0x20, byte < 0x7F { return text }
        let scalars = text.unicodeScalars
        guard let first = scalars.first else { return String(repeating: " ", count: columns) }
        let firstWidth = scalarWidth(first)
        guard firstWidth >= 1, firstWidth <= columns else { return "?" + String(repeating: " ", count: columns - 1) }
        let padding = columns - firstWidth
        var result = String.UnicodeScalarView([first])
        var marks = 0
        for scalar in scalars.dropFirst() {
            guard scalarWidth(scalar) == 0 else { break }
            if scalar.value == 0x200D || (padding > 0 && scalar.value == 0xFE0F) { continue }
            guard marks < 4 else { break }
            result.append(scalar)
            marks += 1
        }
        return String(result) + String(repeating: " ", count: padding)
    }
}

import VolumeCore

/// An in-memory screen that rendering writes into and the terminal backend draws (diffed against the last frame).
///
/// Text written into it is sanitized: control characters and escape sequences become visible escapes,
/// so nothing untrusted can reach the terminal raw.
public struct CellGrid: Sendable, Equatable {
    /// Number of rows.
    public private(set) var rows: Int
    /// Number of columns.
    public private(set) var cols: Int
    /// Cells row by row.
    public private(set) var cells: [Cell]

    /// A blank grid of the given size.
    public init(rows: Int, cols: Int) {
        self.rows = max(0, rows)
        self.cols = max(0, cols)
        cells = Array(repeating: .blank, count: self.rows * self.cols)
    }

    /// The cell at a position.
    public subscript(row: Int, col: Int) -> Cell {
        get { cells[row * cols + col] }
        set {
            guard row >= 0, row < rows, col >= 0, col < cols else { return }
            cells[row * cols + col] = newValue
        }
    }

    /// Fills a rectangle with spaces in a style.
    public mutating func fill(row: Int, col: Int, width: Int, height: Int = 1, style: CellStyle = .plain) {
        for r in max(0, row)..<min(rows, row + height) {
            for c in max(0, col)..<min(cols, col + width) { self[r, c] = Cell(" ", style: style) }
        }
    }

    /// Writes text from a position, clipped at `maxWidth` columns (and the grid's edge); returns the columns used.
    ///
    /// The text is sanitized first; wide characters take two cells and are never split at the edge.
    @discardableResult
    public mutating func put(_ text: String, row: Int, col: Int, style: CellStyle = .plain, maxWidth: Int? = nil) -> Int {
        guard row >= 0, row < rows, col < cols else { return 0 }
        let limit = min(cols - max(col, 0), maxWidth ?? Int.max)
        var used = 0
        var c = col
        for character in Sanitizer.inline(text) {
            let w = Self.width(of: character)
            if w == 0 {
                // A combining mark joins the previous cell.
                if c > col, c - 1 >= 0 { self[row, c - 1].text += String(character) }
                continue
            }
            if used + w > limit { break }
            if c >= 0 {
                self[row, c] = Cell(String(character), style: style)
                if w == 2 { self[row, c + 1] = Cell("", style: style) }
            }
            c += w
            used += w
        }
        return used
    }

    /// Columns one character (grapheme cluster) takes: the widest of its scalars.
    public static func width(of character: Character) -> Int {
        var w = 0
        for s in character.unicodeScalars { w = max(w, DisplayWidth.of(s)) }
        // Emoji presentation selector makes a narrow symbol wide on most terminals.
        if character.unicodeScalars.contains(where: { $0.value == 0xFE0F }) { w = max(w, 2) }
        return w
    }

    /// The grid's text, one line per row with trailing spaces removed (for golden screens).
    public var text: String {
        (0..<rows).map { r in
            var line = ""
            for c in 0..<cols { line += self[r, c].text }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }
}

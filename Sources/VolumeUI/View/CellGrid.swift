import VolumeCore

/// A terminal color, or the terminal's default.
public enum TermColor: Sendable, Hashable {
    /// The terminal's own foreground or background.
    case `default`
    case black, red, green, yellow, blue, magenta, cyan, white
    /// One of the 256 indexed colors.
    case indexed(UInt8)
}

/// How a cell is drawn.
public struct CellStyle: Sendable, Hashable {
    /// Foreground color.
    public var fg: TermColor
    /// Background color.
    public var bg: TermColor
    /// Bold text.
    public var bold: Bool
    /// Swapped foreground and background (selection in monochrome).
    public var reverse: Bool
    /// Dim text (disabled items).
    public var dim: Bool
    /// Underlined text.
    public var underline: Bool

    /// A style from its parts; all off by default.
    public init(
        fg: TermColor = .default, bg: TermColor = .default, bold: Bool = false, reverse: Bool = false, dim: Bool = false,
        underline: Bool = false
    ) {
        self.fg = fg
        self.bg = bg
        self.bold = bold
        self.reverse = reverse
        self.dim = dim
        self.underline = underline
    }

    /// The terminal's default look.
    public static let plain = CellStyle()
}

/// One screen cell: a grapheme (or "" for the right half of a wide character) and its style.
public struct Cell: Sendable, Hashable {
    /// What the cell shows; empty for the continuation of a wide character to its left.
    public var text: String
    /// How it is drawn.
    public var style: CellStyle

    /// A cell from its parts.
    public init(_ text: String = " ", style: CellStyle = .plain) {
        self.text = text
        self.style = style
    }

    /// A blank cell.
    public static let blank = Cell()
}

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

/// A mouse event in grid coordinates.
public struct MouseEvent: Sendable, Hashable {
    /// What happened.
    public enum Kind: Sendable, Hashable {
        case press, release, wheelUp, wheelDown
    }
    /// What happened.
    public var kind: Kind
    /// Row, from 0.
    public var row: Int
    /// Column, from 0.
    public var col: Int

    /// A mouse event from its parts.
    public init(kind: Kind, row: Int, col: Int) {
        self.kind = kind
        self.row = row
        self.col = col
    }
}

/// One key (or mouse or resize) from the terminal, decoded by the backend.
public enum KeyPress: Sendable, Hashable, CustomStringConvertible {
    /// A printable character.
    case char(Character)
    /// A control chord, e.g. `.ctrl("c")`.
    case ctrl(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, tab, backTab, escape, backspace, delete, insert
    /// A function key F1…F12.
    case function(Int)
    /// A mouse event.
    case mouse(MouseEvent)
    /// The terminal was resized to rows × cols.
    case resize(rows: Int, cols: Int)

    /// How the key is written in help and footers: `j`, `↑`, `Enter`, `Ctrl-C`, `F1`.
    public var description: String {
        switch self {
        case .char(" "): return "Space"
        case .char(let c): return String(c)
        case .ctrl(let c): return "Ctrl-\(c.uppercased())"
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .home: return "Home"
        case .end: return "End"
        case .enter: return "Enter"
        case .tab: return "Tab"
        case .backTab: return "Shift-Tab"
        case .escape: return "Esc"
        case .backspace: return "Backspace"
        case .delete: return "Del"
        case .insert: return "Ins"
        case .function(let n): return "F\(n)"
        case .mouse: return "Mouse"
        case .resize: return "Resize"
        }
    }
}

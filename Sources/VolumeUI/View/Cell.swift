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

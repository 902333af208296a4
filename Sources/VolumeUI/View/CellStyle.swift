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

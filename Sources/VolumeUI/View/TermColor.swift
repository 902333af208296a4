/// A terminal color, or the terminal's default.
public enum TermColor: Sendable, Hashable {
    /// The terminal's own foreground or background.
    case `default`
    case black, red, green, yellow, blue, magenta, cyan, white
    /// One of the 256 indexed colors.
    case indexed(UInt8)
}

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

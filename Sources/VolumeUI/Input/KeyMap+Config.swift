extension KeyMap {
    /// This keymap with `command`'s keys in `scope` replaced by `keys` (a user's configuration), or nil when nothing in
    /// that scope does `command`. Keys the new binding takes are removed from other bindings of the same scope only if
    /// `steal` is set; otherwise a repeat shows up in `duplicateKeys`, for the caller to report as a conflict.
    public func rebinding(_ command: Command, in scope: KeyBinding.Scope, to keys: [KeyPress]) -> KeyMap? {
        guard bindings.contains(where: { $0.scope == scope && $0.command == command }) else { return nil }
        var changed = bindings
        for i in changed.indices where changed[i].scope == scope && changed[i].command == command {
            changed[i].keys = keys
        }
        return KeyMap(bindings: changed)
    }
}

extension KeyBinding.Scope {
    /// The scope by its name in a configuration file (`volumes`, `files`, `treeSearch`…).
    public init?(configName: String) {
        self.init(rawValue: configName)
    }
}

extension KeyPress {
    /// A key from its name in a configuration file: a single character (`j`, `G`, `/`), `space`, `enter`, `esc`,
    /// `tab`, `shift-tab`, `backspace`, `delete`, `insert`, `up`, `down`, `left`, `right`, `pgup`, `pgdn`, `home`,
    /// `end`, `f1`…`f12`, or `ctrl-X` for a letter X.
    public init?(configName raw: String) {
        let name = raw.lowercased()
        switch name {
        case "space": self = .char(" ")
        case "enter", "return": self = .enter
        case "esc", "escape": self = .escape
        case "tab": self = .tab
        case "shift-tab", "backtab": self = .backTab
        case "backspace": self = .backspace
        case "delete", "del": self = .delete
        case "insert", "ins": self = .insert
        case "up": self = .up
        case "down": self = .down
        case "left": self = .left
        case "right": self = .right
        case "pgup", "pageup": self = .pageUp
        case "pgdn", "pagedown": self = .pageDown
        case "home": self = .home
        case "end": self = .end
        default:
            if raw.count == 1, let c = raw.first, !c.isWhitespace, c.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) {
                self = .char(c)
                return
            }
            if name.hasPrefix("ctrl-"), name.count == 6, let c = name.last, c.isASCII, c.isLetter {
                self = .ctrl(c)
                return
            }
            if name.hasPrefix("f"), let n = Int(name.dropFirst()), (1...12).contains(n) {
                self = .function(n)
                return
            }
            return nil
        }
    }

    /// The key's name in a configuration file (the inverse of `init(configName:)`).
    public var configName: String {
        switch self {
        case .char(" "): return "space"
        case .char(let c): return String(c)
        case .ctrl(let c): return "ctrl-\(c.lowercased())"
        case .up: return "up"
        case .down: return "down"
        case .left: return "left"
        case .right: return "right"
        case .pageUp: return "pgup"
        case .pageDown: return "pgdn"
        case .home: return "home"
        case .end: return "end"
        case .enter: return "enter"
        case .tab: return "tab"
        case .backTab: return "shift-tab"
        case .escape: return "esc"
        case .backspace: return "backspace"
        case .delete: return "delete"
        case .insert: return "insert"
        case .function(let n): return "f\(n)"
        case .mouse, .resize: return ""
        }
    }
}

extension AppState {
    /// Sorts the table by a column named as in `voltop ls --sort` (a user's default sort); false for an unknown name.
    public mutating func setSort(named name: String, reversed: Bool) -> Bool {
        guard let key = VolumeSortKey(rawValue: name) else { return false }
        table.sortKey = key
        table.isSortReversed = reversed
        return true
    }

    /// The sort columns a configuration may name.
    public static var sortNames: [String] { VolumeSortKey.allCases.map(\.rawValue) }
}

extension KeyPress {
    /// The key with equivalent spellings folded together, so bindings match however the backend decodes them:
    /// `\r` and Ctrl-M are Enter, `\t` and Ctrl-I are Tab, ESC is Escape, DEL and Ctrl-H are Backspace,
    /// and control chords are lowercase.
    var normalized: KeyPress {
        switch self {
        case .char("\r"), .char("\n"), .char("\r\n"), .ctrl("m"), .ctrl("M"), .ctrl("j"), .ctrl("J"): return .enter
        case .char("\t"), .ctrl("i"), .ctrl("I"): return .tab
        case .char("\u{1B}"), .ctrl("["): return .escape
        case .char("\u{7F}"), .char("\u{08}"), .ctrl("h"), .ctrl("H"), .ctrl("?"): return .backspace
        case .ctrl(let c):
            let lower = Character(c.lowercased())
            return lower == c ? self : .ctrl(lower)
        default: return self
        }
    }
}

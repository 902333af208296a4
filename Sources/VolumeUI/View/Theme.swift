/// The styles of the dashboard by role. Every role reads in monochrome (bold, reverse, dim, underline);
/// colors are only added on top, and not at all when `NO_COLOR` asks for monochrome.
struct Theme: Sendable {
    /// What a piece of text is.
    enum Role: Sendable, Equatable {
        case normal, dim, bold, accent
        /// The `voltop` badge at the top left.
        case brand
        /// The read-only badge.
        case readOnly
        /// A pane's title rule and its title.
        case rule, ruleTitle, ruleTitleFocused
        /// Column headers.
        case columnHeader
        /// The selected row (reverse video), focused or not.
        case selected, selectedUnfocused
        /// A marked volume's marker.
        case mark
        /// Leaked anonymous volumes.
        case leaked
        /// Running and stopped owners.
        case running, stopped
        /// Banners.
        case error, warning, info, success
        /// An inline problem (a form field, a failed load).
        case problem
        /// Footer and help: a key, its label, and disabled ones.
        case key, keyLabel, disabled
        /// A text field, its cursor, a search match, a section heading.
        case field, cursor, match, heading
    }

    /// Whether to use no color at all.
    var isMonochrome: Bool

    /// The style for a role.
    func style(_ role: Role) -> CellStyle {
        var s = monochrome(role)
        guard !isMonochrome else { return s }
        switch role {
        case .brand:
            s.fg = .black
            s.bg = .cyan
            s.reverse = false
        case .readOnly:
            s.fg = .white
            s.bg = .red
            s.reverse = false
        case .accent, .ruleTitleFocused, .key: s.fg = .cyan
        case .rule: s.fg = .blue
        case .ruleTitle: s.fg = .cyan
        case .columnHeader: s.fg = .cyan
        case .mark: s.fg = .magenta
        case .leaked: s.fg = .yellow
        case .running: s.fg = .green
        case .stopped: s.fg = .yellow
        case .error:
            s.fg = .white
            s.bg = .red
            s.reverse = false
        case .warning:
            s.fg = .black
            s.bg = .yellow
            s.reverse = false
        case .info: s.fg = .cyan
        case .success: s.fg = .green
        case .problem: s.fg = .red
        case .match:
            s.fg = .black
            s.bg = .yellow
            s.reverse = false
        case .heading: s.fg = .cyan
        default: break
        }
        return s
    }

    private func monochrome(_ role: Role) -> CellStyle {
        switch role {
        case .normal, .keyLabel, .field, .info, .success, .running: return .plain
        case .dim, .rule, .stopped, .disabled: return CellStyle(dim: true)
        case .bold, .accent, .ruleTitle, .mark, .key, .heading, .problem: return CellStyle(bold: true)
        case .brand, .readOnly, .warning, .error: return CellStyle(bold: true, reverse: true)
        case .ruleTitleFocused: return CellStyle(bold: true, reverse: true)
        case .columnHeader: return CellStyle(bold: true)
        case .selected, .cursor: return CellStyle(reverse: true)
        case .selectedUnfocused: return CellStyle(reverse: true, dim: true)
        case .leaked: return CellStyle(bold: true)
        case .match: return CellStyle(reverse: true, underline: true)
        }
    }
}

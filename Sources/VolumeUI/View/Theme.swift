/// The styles of the dashboard by role. Every role reads in monochrome (bold, reverse, dim, underline);
/// the palette's colors are only added on top, and not at all when `NO_COLOR` asks for monochrome.
struct Theme: Sendable {
    /// What a piece of text is; the raw value is the role's name in a theme file.
    enum Role: String, Sendable, Hashable, CaseIterable {
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

    /// The colors over the monochrome look (the built-in theme unless the user chose another).
    var palette = Palette.standard

    /// The style for a role.
    func style(_ role: Role) -> CellStyle {
        var s = monochrome(role)
        guard !isMonochrome, let paint = palette.paints[role] else { return s }
        paint.apply(to: &s)
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

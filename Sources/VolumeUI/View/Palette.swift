/// A theme's colors: what each role of the dashboard gets on top of its monochrome look. `NO_COLOR` (and
/// `--no-color`) draw none of it.
public struct Palette: Sendable, Equatable {
    /// What one role gets; each part only where set, the role's monochrome look otherwise.
    public struct Paint: Sendable, Equatable {
        /// Foreground color.
        public var fg: TermColor?
        /// Background color; one turns reverse video off unless `reverse` is set too.
        public var bg: TermColor?
        /// Bold text.
        public var bold: Bool?
        /// Reverse video.
        public var reverse: Bool?
        /// Dim text.
        public var dim: Bool?
        /// Underlined text.
        public var underline: Bool?

        /// A paint from its parts; unset parts keep the look underneath.
        public init(
            fg: TermColor? = nil, bg: TermColor? = nil, bold: Bool? = nil, reverse: Bool? = nil, dim: Bool? = nil,
            underline: Bool? = nil
        ) {
            self.fg = fg
            self.bg = bg
            self.bold = bold
            self.reverse = reverse
            self.dim = dim
            self.underline = underline
        }

        /// This paint's parts where set, `under`'s elsewhere.
        public func over(_ under: Paint) -> Paint {
            Paint(
                fg: fg ?? under.fg, bg: bg ?? under.bg, bold: bold ?? under.bold, reverse: reverse ?? under.reverse,
                dim: dim ?? under.dim, underline: underline ?? under.underline)
        }

        /// Paints a style: a background of its own replaces reverse video (the colors would swap otherwise).
        func apply(to s: inout CellStyle) {
            if let fg { s.fg = fg }
            if let bg {
                s.bg = bg
                if bg != .default { s.reverse = false }
            }
            if let bold { s.bold = bold }
            if let reverse { s.reverse = reverse }
            if let dim { s.dim = dim }
            if let underline { s.underline = underline }
        }
    }

    /// The paint of each role that has one.
    var paints: [Theme.Role: Paint]

    /// A palette without any color: the monochrome look.
    public init() { paints = [:] }

    /// The names of the roles, as a theme file spells them, in the order the help lists them.
    public static var roleNames: [String] { Theme.Role.allCases.map(\.rawValue) }

    /// What a role colors, for the generated documentation.
    public static func help(forRole name: String) -> String? {
        Theme.Role(rawValue: name).map(Self.help(_:))
    }

    /// The paint of the role named `name` (nil: none, or no such role).
    public subscript(roleNamed name: String) -> Paint? {
        Theme.Role(rawValue: name).flatMap { paints[$0] }
    }

    /// Paints the role named `name` with `paint` over what it had; false when there is no such role.
    public mutating func paint(roleNamed name: String, with paint: Paint) -> Bool {
        guard let role = Theme.Role(rawValue: name) else { return false }
        let painted = paint.over(paints[role] ?? Paint())
        paints[role] = painted == Paint() ? nil : painted
        return true
    }

    /// The built-in colors (the `default` theme).
    public static let standard: Palette = {
        var p = Palette()
        let cyan = Paint(fg: .cyan)
        for role: Theme.Role in [.accent, .ruleTitleFocused, .key, .ruleTitle, .columnHeader, .info, .heading] { p.paints[role] = cyan }
        p.paints[.brand] = Paint(fg: .black, bg: .cyan)
        p.paints[.readOnly] = Paint(fg: .white, bg: .red)
        p.paints[.rule] = Paint(fg: .blue)
        p.paints[.mark] = Paint(fg: .magenta)
        p.paints[.leaked] = Paint(fg: .yellow)
        p.paints[.running] = Paint(fg: .green)
        p.paints[.stopped] = Paint(fg: .yellow)
        p.paints[.error] = Paint(fg: .white, bg: .red)
        p.paints[.warning] = Paint(fg: .black, bg: .yellow)
        p.paints[.success] = Paint(fg: .green)
        p.paints[.problem] = Paint(fg: .red)
        p.paints[.match] = Paint(fg: .black, bg: .yellow)
        return p
    }()

    private static func help(_ role: Theme.Role) -> String {
        switch role {
        case .normal: return "ordinary text"
        case .dim: return "secondary text (field names, notes, spinners)"
        case .bold: return "emphasised text"
        case .accent: return "dialog borders and pointers"
        case .brand: return "the voltop badge at the top left"
        case .readOnly: return "the read-only badge"
        case .rule: return "a pane's title rule"
        case .ruleTitle: return "a pane's title"
        case .ruleTitleFocused: return "the focused pane's title"
        case .columnHeader: return "column headers"
        case .selected: return "the selected row of the focused pane"
        case .selectedUnfocused: return "the selected row of another pane"
        case .mark: return "a marked volume's marker"
        case .leaked: return "leaked anonymous volumes"
        case .running: return "running containers"
        case .stopped: return "stopped containers"
        case .error: return "error banners"
        case .warning: return "warning banners"
        case .info: return "information banners"
        case .success: return "success banners"
        case .problem: return "an inline problem (a form field, a failed load)"
        case .key: return "a key in the footer and the help"
        case .keyLabel: return "what a key does, in the footer and the help"
        case .disabled: return "a key that does nothing right now"
        case .field: return "a text field"
        case .cursor: return "a text field's cursor"
        case .match: return "a search match"
        case .heading: return "a section heading"
        }
    }
}

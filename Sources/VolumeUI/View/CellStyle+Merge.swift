extension CellStyle {
    /// The style with another's attributes turned on and its colors, where set, taking over.
    func merged(with other: CellStyle) -> CellStyle {
        var s = self
        if other.fg != .default { s.fg = other.fg }
        if other.bg != .default { s.bg = other.bg }
        s.bold = s.bold || other.bold
        s.reverse = s.reverse || other.reverse
        s.dim = s.dim || other.dim
        s.underline = s.underline || other.underline
        return s
    }
}

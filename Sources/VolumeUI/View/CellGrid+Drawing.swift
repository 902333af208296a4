import VolumeCore

extension CellGrid {
    /// Columns a text takes once sanitized, counted the way `put` places it.
    static func columns(of text: String) -> Int {
        var w = 0
        for c in Sanitizer.inline(text) { w += width(of: c) }
        return w
    }

    /// The text sanitized, cut to `width` columns with `…` when too long, and padded with spaces to exactly `width`.
    ///
    /// `keepTail` cuts from the front instead (for paths). A wide character never straddles the edge.
    static func fitted(_ text: String, to width: Int, alignRight: Bool = false, keepTail: Bool = false) -> String {
        guard width > 0 else { return "" }
        let clean = Sanitizer.inline(text)
        var total = 0
        for c in clean { total += Self.width(of: c) }
        var cut: String
        var used: Int
        if total <= width {
            cut = clean
            used = total
        } else if keepTail {
            var kept: [Character] = []
            used = 1
            for c in clean.reversed() {
                let w = Self.width(of: c)
                if used + w > width { break }
                kept.append(c)
                used += w
            }
            cut = "…" + String(kept.reversed())
        } else {
            cut = ""
            used = 0
            for c in clean {
                let w = Self.width(of: c)
                if used + w > width - 1 { break }
                cut.append(c)
                used += w
            }
            cut += "…"
            used += 1
        }
        let fill = String(repeating: " ", count: max(0, width - used))
        return alignRight ? fill + cut : cut + fill
    }

    /// Writes text into exactly `width` cells: cut with `…` or padded with spaces in the same style.
    mutating func put(
        fitted text: String, row: Int, col: Int, width: Int, style: CellStyle = .plain, alignRight: Bool = false,
        keepTail: Bool = false
    ) {
        guard width > 0 else { return }
        let used = put(
            Self.fitted(text, to: width, alignRight: alignRight, keepTail: keepTail), row: row, col: col, style: style, maxWidth: width)
        if used < width { fill(row: row, col: col + used, width: width - used, style: style) }
    }

    /// Writes a styled line from a position, clipped to `width` columns with `…`; returns the columns used.
    ///
    /// `overlay` is merged into every span's style (reverse video for a selected row).
    @discardableResult
    mutating func put(_ line: StyledLine, row: Int, col: Int, width: Int, theme: Theme, overlay: CellStyle? = nil) -> Int {
        var used = 0
        for span in line.spans {
            let remaining = width - used
            guard remaining > 0 else { break }
            var style = theme.style(span.role)
            if let overlay { style = style.merged(with: overlay) }
            let w = Self.columns(of: span.text)
            if w <= remaining {
                used += put(span.text, row: row, col: col + used, style: style, maxWidth: remaining)
            } else {
                used += put(Self.fitted(span.text, to: remaining), row: row, col: col + used, style: style, maxWidth: remaining)
                break
            }
        }
        return used
    }

    /// A horizontal rule.
    mutating func rule(row: Int, col: Int, width: Int, style: CellStyle) {
        guard width > 0 else { return }
        for c in col..<(col + width) { self[row, c] = Cell("─", style: style) }
    }

    /// A vertical rule.
    mutating func verticalRule(col: Int, row: Int, height: Int, style: CellStyle) {
        guard height > 0 else { return }
        for r in row..<(row + height) { self[r, col] = Cell("│", style: style) }
    }

    /// A pane title rule: `─ Title ───── right ─`.
    mutating func titleRule(row: Int, col: Int, width: Int, title: String, right: String = "", theme: Theme, isFocused: Bool) {
        let ruleStyle = theme.style(.rule)
        rule(row: row, col: col, width: width, style: ruleStyle)
        guard width > 4 else { return }
        let titleRoom = width - 4
        let titleText = " \(title) "
        let titleWidth = min(Self.columns(of: titleText), titleRoom)
        put(fitted: titleText, row: row, col: col + 1, width: titleWidth, style: theme.style(isFocused ? .ruleTitleFocused : .ruleTitle))
        let rightText = right.isEmpty ? "" : " \(right) "
        let rightWidth = Self.columns(of: rightText)
        if !rightText.isEmpty, titleWidth + rightWidth + 4 <= width {
            put(rightText, row: row, col: col + width - 1 - rightWidth, style: theme.style(.normal))
        }
    }

    /// A box with an optional title in its top border; the inside is cleared.
    mutating func box(_ rect: Rect, title: String?, theme: Theme) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let border = theme.style(.accent)
        fill(row: rect.row, col: rect.col, width: rect.width, height: rect.height)
        self[rect.row, rect.col] = Cell("┌", style: border)
        self[rect.row, rect.right - 1] = Cell("┐", style: border)
        self[rect.bottom - 1, rect.col] = Cell("└", style: border)
        self[rect.bottom - 1, rect.right - 1] = Cell("┘", style: border)
        rule(row: rect.row, col: rect.col + 1, width: rect.width - 2, style: border)
        rule(row: rect.bottom - 1, col: rect.col + 1, width: rect.width - 2, style: border)
        verticalRule(col: rect.col, row: rect.row + 1, height: rect.height - 2, style: border)
        verticalRule(col: rect.right - 1, row: rect.row + 1, height: rect.height - 2, style: border)
        if let title, rect.width > 6 {
            put(
                fitted: " \(title) ", row: rect.row, col: rect.col + 2, width: min(Self.columns(of: " \(title) "), rect.width - 4),
                style: theme.style(.bold))
        }
    }

    /// Text cut into lines of at most `width` columns at spaces (words longer than a line are cut).
    static func wrapped(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var line = ""
        var lineWidth = 0
        for word in Sanitizer.inline(text).split(separator: " ") {
            var word = String(word)
            var w = columns(of: word)
            while w > width {
                // A word longer than a line: flush, then cut it.
                if !line.isEmpty {
                    lines.append(line)
                    line = ""
                    lineWidth = 0
                }
                var head = ""
                var used = 0
                var rest = Substring(word)
                while let c = rest.first, used + Self.width(of: c) <= width {
                    head.append(c)
                    used += Self.width(of: c)
                    rest = rest.dropFirst()
                }
                // A character wider than the whole line (a wide one in a 1-column line) goes alone on its line, for
                // the grid to cut: else nothing moved and this loop never ended (the monkey froze the dashboard so,
                // with CJK typed into the create form on a 19-column terminal).
                if head.isEmpty, let c = rest.first {
                    head.append(c)
                    rest = rest.dropFirst()
                }
                lines.append(head)
                word = String(rest)
                w = columns(of: word)
            }
            if word.isEmpty { continue }
            if lineWidth == 0 {
                line = word
                lineWidth = w
            } else if lineWidth + 1 + w <= width {
                line += " " + word
                lineWidth += 1 + w
            } else {
                lines.append(line)
                line = word
                lineWidth = w
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}

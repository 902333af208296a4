extension Dashboard {
    /// Width of the key column on the help screen.
    static let helpKeyWidth = 22

    /// The help screen: every binding of the keymap by scope, then a legend.
    static func helpLines(_ s: AppState, width: Int) -> [StyledLine] {
        var lines: [StyledLine] = []
        for scope in KeyBinding.Scope.allCases {
            let bindings = s.keyMap.bindings(in: scope)
            guard !bindings.isEmpty else { continue }
            if !lines.isEmpty { lines.append(.blank) }
            lines.append(StyledLine(" \(scope.title)", .heading))
            for binding in bindings {
                let isDisabled = binding.command.isDestructive && s.isReadOnly
                let text = binding.help + (isDisabled ? " (disabled: \(readOnlyReason))" : "")
                let wrapped = CellGrid.wrapped(text, width: max(20, width - helpKeyWidth - 4))
                for (i, part) in wrapped.enumerated() {
                    let key = i == 0 ? CellGrid.fitted(binding.keyLabel, to: helpKeyWidth) : String(repeating: " ", count: helpKeyWidth)
                    lines.append(
                        StyledLine("   ").adding(key, isDisabled ? .disabled : .key).adding(part, isDisabled ? .disabled : .normal))
                }
            }
        }
        lines.append(.blank)
        lines.append(StyledLine(" Legend", .heading))
        let legend: [(String, String)] = [
            ("*", "marked volume (Space marks, D removes all marked)"),
            ("! unused anonymous", "an anonymous volume no container uses: usually left behind by a removed container"),
            ("2 (1r 1s)", "owners: 2 containers, 1 running and 1 stopped"),
            ("12.0 MiB", "a volume's size is its disk usage, what removing it gives back, measured by voltop where it can read the volume"),
            (
                "~40.8 KiB",
                "the engine's figure, where voltop cannot read the volume: file lengths only, so many small files count far less than their disk usage"
            ),
            ("-  n/a  ⠋", "size not measured yet · the engine cannot measure it · being measured"),
            ("in use (stopped)", "only stopped containers use it; the engine still refuses to remove it")
        ]
        for (key, text) in legend {
            for (i, part) in CellGrid.wrapped(text, width: max(20, width - helpKeyWidth - 4)).enumerated() {
                let head = i == 0 ? CellGrid.fitted(key, to: helpKeyWidth) : String(repeating: " ", count: helpKeyWidth)
                lines.append(StyledLine("   ").adding(head, .bold).adding(part))
            }
        }
        lines.append(.blank)
        let editing = "Text fields: ←/→ move, Backspace/Del erase, Ctrl-U clears to the start, Ctrl-W erases a word."
        lines += CellGrid.wrapped(editing, width: max(20, width - 2)).map { StyledLine(" " + $0, .dim) }
        return lines
    }

    /// The help screen in one column, or two on wide screens (split at a section break near the middle).
    static func helpColumns(_ s: AppState, width: Int) -> [[StyledLine]] {
        guard width >= 140 else { return [helpLines(s, width: width)] }
        let columnWidth = (width - 3) / 2
        let lines = helpLines(s, width: columnWidth)
        let breaks = lines.indices.filter { lines[$0] == .blank }
        let half = lines.count / 2
        guard let split = breaks.min(by: { abs($0 - half) < abs($1 - half) }) else { return [lines] }
        return [Array(lines[..<split]), Array(lines[(split + 1)...])]
    }

    static func renderHelp(_ s: AppState, _ rect: Rect, _ grid: inout CellGrid, _ theme: Theme) {
        let columns = helpColumns(s, width: rect.width)
        let count = columns.map(\.count).max() ?? 0
        let view = rect.height - 1
        let offset = max(0, min(s.helpScroll, count - view))
        var right = "Esc closes"
        if count > view { right = "\(offset + 1)-\(min(count, offset + view)) of \(count) · j/k scroll · " + right }
        grid.titleRule(
            row: rect.row, col: rect.col, width: rect.width, title: "Help: every key", right: right, theme: theme, isFocused: true)
        let columnWidth = columns.count == 1 ? rect.width - 1 : (rect.width - 3) / 2
        for (c, lines) in columns.enumerated() {
            let x = rect.col + c * (columnWidth + 3)
            for (i, line) in lines.dropFirst(offset).prefix(view).enumerated() {
                grid.put(line, row: rect.row + 1 + i, col: x, width: columnWidth, theme: theme)
            }
        }
    }
}

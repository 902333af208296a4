import VolumeCore

extension Dashboard {
    /// Spinner frames (braille, one column each).
    static let spinnerFrames: [Character] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    /// Draws the whole screen for a state into a grid (of the terminal's size).
    public static func render(_ state: AppState, into grid: inout CellGrid) {
        let theme = Theme(isMonochrome: state.isMonochrome, palette: state.palette)
        grid.fill(row: 0, col: 0, width: grid.cols, height: grid.rows)
        let layout = PaneLayout(state, rows: grid.rows, cols: grid.cols)
        guard !layout.isTooSmall else {
            renderTooSmall(grid: &grid, theme: theme)
            return
        }
        renderHeader(state, layout.header, &grid, theme)
        renderBanners(state, layout.banners, &grid, theme)
        switch state.mode {
        case .volumes:
            renderTable(state, layout, &grid, theme)
            if let pane = layout.detail { renderDetail(state, pane, &grid, theme) }
        case .mounts:
            renderContainers(state, layout, &grid, theme)
            if let pane = layout.detail { renderMounts(state, pane, &grid, theme) }
        case .help:
            renderHelp(state, layout.main, &grid, theme)
        case .files:
            renderFiles(state, layout.main, &grid, theme)
        case .trash:
            renderTrashList(state, layout, &grid, theme)
            if let pane = layout.detail { renderTrashDetail(state, pane, &grid, theme) }
        }
        if let col = layout.separatorCol {
            grid.verticalRule(col: col, row: layout.main.row, height: layout.main.height, style: theme.style(.rule))
            grid[layout.main.row, col] = Cell("┬", style: theme.style(.rule))
        }
        renderFooter(state, layout.footer, &grid, theme)
        if let view = dialogView(state, rows: grid.rows, cols: grid.cols) {
            renderDialog(view, &grid, theme)
        }
    }

    static func spinner(_ state: AppState) -> String {
        String(spinnerFrames[state.spinnerFrame % spinnerFrames.count])
    }

    private static func renderTooSmall(grid: inout CellGrid, theme: Theme) {
        let lines = [
            "terminal too small (need \(PaneLayout.minCols)x\(PaneLayout.minRows))", "now \(grid.cols)x\(grid.rows) · q quits"
        ]
        let top = max(0, grid.rows / 2 - 1)
        for (i, line) in lines.enumerated() {
            let w = CellGrid.columns(of: line)
            grid.put(line, row: top + i, col: max(0, (grid.cols - w) / 2), style: theme.style(i == 0 ? .bold : .dim))
        }
    }

    // MARK: Header

    private static func renderHeader(_ s: AppState, _ rect: Rect, _ grid: inout CellGrid, _ theme: Theme) {
        // Row 1: who we talk to.
        var engine = StyledLine(" voltop ", .brand).adding("  ")
        if s.isFleet {
            engine = engine.adding("fleet of \(s.fleet.count) engines", .bold)
        } else {
            engine = engine.adding(s.header.target, .bold)
            if !s.header.server.isEmpty { engine = engine.adding("  ·  ", .dim).adding(s.header.server) }
            if !s.header.apiVersion.isEmpty { engine = engine.adding("  ·  ", .dim).adding("API \(s.header.apiVersion)") }
        }
        var right = StyledLine()
        let down = s.fleet.filter { !$0.status.isLive }.count
        if s.isFleet, down > 0 {
            right = right.adding("○ \(down) of \(s.fleet.count) down", .warning)
        } else if case .disconnected = s.eventStream {
            right = right.adding("○ offline", .warning)
        } else if s.hasLoadedCatalog {
            right = right.adding("● live", .success)
        }
        if s.isReadOnly { right = right.adding("  ").adding(" READ-ONLY ", .readOnly) }
        let rightWidth = CellGrid.columns(of: right.text)
        grid.put(engine, row: rect.row, col: 0, width: max(0, rect.width - rightWidth - 2), theme: theme)
        grid.put(right, row: rect.row, col: rect.width - rightWidth - 1, width: rightWidth, theme: theme)

        // A fleet: one row per engine.
        let engineRows = rect.height - 2
        for (i, member) in s.fleet.prefix(engineRows).enumerated() {
            var line = fleetLine(member, count: s.hasLoadedCatalog ? s.fleetCounts[member.label] ?? 0 : nil, width: rect.width)
            if i == engineRows - 1, s.fleet.count > engineRows {
                line = line.adding("   +\(s.fleet.count - engineRows) more", .dim)
            }
            grid.put(line, row: rect.row + 1 + i, col: 0, width: rect.width, theme: theme)
        }

        // Last row: totals.
        let row = rect.row + rect.height - 1
        guard s.hasLoadedCatalog else {
            let text = s.isLoadingCatalog ? "\(spinner(s)) loading volumes…" : "no catalog yet"
            grid.put(StyledLine(" " + text, .dim), row: row, col: 0, width: rect.width, theme: theme)
            return
        }
        let totals = headerTotals(s)
        var status = StyledLine()
        if s.isLoadingSizes && s.summary.notRequestedCount > 0 {
            status = StyledLine("\(spinner(s)) measuring sizes", .dim)
        } else if s.isLoadingCatalog || s.isLoadingSizes {
            status = StyledLine("\(spinner(s)) refreshing", .dim)
        }
        let statusWidth = CellGrid.columns(of: status.text)
        let room = rect.width - (statusWidth > 0 ? statusWidth + 3 : 0)
        let line = totals.first { CellGrid.columns(of: $0.text) <= room } ?? totals[totals.count - 1]
        grid.put(line, row: row, col: 0, width: room, theme: theme)
        if statusWidth > 0 { grid.put(status, row: row, col: rect.width - statusWidth - 1, width: statusWidth, theme: theme) }
    }

    /// One engine's header row in a fleet: its mark, label, server, status and volume count.
    static func fleetLine(_ member: FleetMember, count: Int?, width: Int) -> StyledLine {
        var line = StyledLine("  ")
        switch member.status {
        case .live: line = line.adding("● ", .success)
        case .reconnecting: line = line.adding("○ ", .warning)
        case .error: line = line.adding("✗ ", .problem)
        }
        line = line.adding(member.label, .bold)
        if !member.server.isEmpty { line = line.adding("  ·  ", .dim).adding(member.server) }
        line = line.adding("  ·  ", .dim)
        switch member.status {
        case .live:
            line = line.adding("live", .success)
            if let count { line = line.adding("  ·  ", .dim).adding("\(count)", .bold).adding(count == 1 ? " volume" : " volumes") }
        case .reconnecting(let reason, let retryIn):
            line = line.adding("reconnecting (retry in \(Int(retryIn.rounded(.up))) s): ", .warning).adding(reason, .dim)
        case .error(let reason):
            line = line.adding("error: ", .problem).adding(reason, .dim)
        }
        return line
    }

    /// The totals line in decreasing detail; the header shows the first that fits.
    static func headerTotals(_ s: AppState) -> [StyledLine] {
        let entries = s.catalog.entries
        if s.areOwnersLoading {
            let volumes = StyledLine(" ").adding("\(entries.count)", .bold).adding(entries.count == 1 ? " volume" : " volumes")
            return [volumes.adding("   ", .dim).adding("\(spinner(s)) loading owners…", .dim), volumes]
        }
        let unused = s.summary.unusedCount
        let leaked = s.summary.leakedCount
        let measured = !s.sizes.isEmpty
        let running = s.catalog.containers.lazy.filter(\.isRunning).count
        let volumes = StyledLine(" ").adding("\(entries.count)", .bold).adding(entries.count == 1 ? " volume" : " volumes")
        // "~" when some of the sizes are the engine's figures (file lengths), not disk usage.
        let mark = s.hasEngineFigures ? "~" : ""
        let total = measured ? mark + Format.bytes(s.summary.totalKnownBytes) : "-"
        let reclaimable = measured ? mark + Format.bytes(s.summary.reclaimableBytes) : "-"
        let containers = "\(s.catalog.containers.count) container\(s.catalog.containers.count == 1 ? "" : "s")"
        func build(separator: String, totalWord: Bool, leakedNote: Bool, containerPart: Int) -> StyledLine {
            var line = volumes.adding(separator, .dim).adding(total, .bold).adding(totalWord ? " total" : "")
                .adding(separator, .dim).adding(reclaimable, .bold).adding(" reclaimable in ").adding("\(unused)", .bold)
                .adding(" unused")
            if leakedNote && leaked > 0 { line = line.adding(" (").adding("\(leaked) anonymous", .leaked).adding(")") }
            if containerPart > 0 {
                line = line.adding(separator, .dim).adding(containers)
                if containerPart > 1 { line = line.adding(" (\(running) running)") }
            }
            return line
        }
        return [
            build(separator: "   ", totalWord: true, leakedNote: true, containerPart: 2),
            build(separator: " · ", totalWord: true, leakedNote: true, containerPart: 2),
            build(separator: " · ", totalWord: true, leakedNote: true, containerPart: 1),
            build(separator: " · ", totalWord: false, leakedNote: true, containerPart: 1),
            build(separator: " · ", totalWord: false, leakedNote: true, containerPart: 0),
            build(separator: " · ", totalWord: false, leakedNote: false, containerPart: 0)
        ]
    }

    // MARK: Banners

    private static func renderBanners(_ s: AppState, _ rect: Rect, _ grid: inout CellGrid, _ theme: Theme) {
        for (i, line) in s.bannerLines(width: rect.width).prefix(rect.height).enumerated() {
            let row = rect.row + i
            let style = theme.style(line.role)
            if line.isBar { grid.fill(row: row, col: 0, width: rect.width, style: style) }
            let hintWidth = CellGrid.columns(of: line.hint)
            grid.put(fitted: line.text, row: row, col: 0, width: rect.width - hintWidth - 1, style: style)
            if hintWidth > 0 { grid.put(line.hint, row: row, col: rect.width - hintWidth - 1, style: style) }
        }
    }

    // MARK: Footer

    /// The footer's key items for the current scopes, with disabled ones flagged.
    static func footerItems(_ s: AppState) -> [(binding: KeyBinding, isDisabled: Bool)] {
        s.keyMap.footerBindings(for: s.keyScopes).compactMap { binding in
            if binding.command == .quit && binding.scope == .global { return nil }
            var disabled = binding.command.isDestructive && s.isReadOnly
            if binding.command == .deleteEntry, s.files?.canDelete != true { disabled = true }
            if binding.scope == .files, s.files?.tree == nil, ![.back, .refresh, .help].contains(binding.command) { return nil }
            // Footers show only keys that act: a confirm with nothing to confirm is left out, not greyed.
            if case .deleteFile(let confirm)? = s.dialog, binding.command == .confirm, confirm.isDeleting { return nil }
            if case .remove(let confirm)? = s.dialog, binding.command == .confirm, !confirm.canConfirm { return nil }
            if case .prune(let prune)? = s.dialog {
                if prune.result != nil {
                    if binding.command == .confirm || binding.command == .toggleMode { return nil }
                } else if binding.command == .confirm, !prune.canConfirm {
                    return nil
                }
            }
            if case .owners(let owners)? = s.dialog {
                if binding.command == .confirm, owners.pending == nil { return nil }
                let running = owners.selected?.isRunning ?? false
                if binding.command == .stopOwner, !running || owners.pending != nil { return nil }
                if binding.command == .startOwner || binding.command == .removeOwner, running || owners.pending != nil { return nil }
            }
            if case .create(let form)? = s.dialog, binding.command == .submit {
                disabled = form.problem != nil || form.isSubmitting
            }
            return (binding, disabled)
        }
    }

    private static func renderFooter(_ s: AppState, _ rect: Rect, _ grid: inout CellGrid, _ theme: Theme) {
        var col = 0
        if s.table.isEditingFilter && s.dialog == nil {
            var line = StyledLine(" Filter ", .ruleTitleFocused).adding(" /")
            line.spans += inputSpans(s.table.filter, width: max(10, rect.width / 3), isFocused: true)
            col = grid.put(line, row: rect.row, col: 0, width: rect.width, theme: theme) + 2
        }
        let items = footerItems(s)
        func width(_ item: (binding: KeyBinding, isDisabled: Bool)) -> Int {
            CellGrid.columns(of: item.binding.keys[0].description) + 1 + CellGrid.columns(of: item.binding.footer ?? "") + 2
        }
        // Keep help and quit; drop others from the end until the rest fits.
        var shown = items
        let room = rect.width - col - 1
        while shown.reduce(0, { $0 + width($1) }) > room,
            let drop = shown.lastIndex(where: { $0.binding.command != .help && $0.binding.command != .quit })
        {
            shown.remove(at: drop)
        }
        // Keys left out: `?` says the help lists more (it lists every key of every scope).
        let isCut = shown.count < items.count
        var line = StyledLine(" ")
        for item in shown {
            let label = isCut && item.binding.command == .help ? "more" : (item.binding.footer ?? "")
            line = line.adding(item.binding.keys[0].description, item.isDisabled ? .disabled : .key)
                .adding(" " + label + "  ", item.isDisabled ? .disabled : .keyLabel)
        }
        grid.put(line, row: rect.row, col: col, width: rect.width - col, theme: theme)
    }

    /// A text field as spans: the visible part of the text with the cursor as a reverse cell.
    static func inputSpans(_ input: TextInput, width: Int, isFocused: Bool) -> [StyledLine.Span] {
        let chars = Array(input.text)
        let cursor = min(input.cursor, chars.count)
        // Show as much before the cursor as fits, so the cursor stays in view.
        var start = cursor
        var used = 0
        while start > 0 {
            let w = CellGrid.width(of: chars[start - 1])
            if used + w > width - 1 { break }
            used += w
            start -= 1
        }
        let before = String(chars[start..<cursor])
        let at = cursor < chars.count ? String(chars[cursor]) : " "
        var afterText = ""
        var afterWidth = CellGrid.columns(of: before) + CellGrid.columns(of: at)
        if cursor + 1 < chars.count {
            for c in chars[(cursor + 1)...] {
                let w = CellGrid.width(of: c)
                if afterWidth + w > width { break }
                afterText.append(c)
                afterWidth += w
            }
        }
        var spans = [StyledLine.Span(text: before, role: .field)]
        spans.append(StyledLine.Span(text: at, role: isFocused ? .cursor : .field))
        spans.append(StyledLine.Span(text: afterText, role: .field))
        let pad = max(0, width - afterWidth)
        if pad > 0 { spans.append(StyledLine.Span(text: String(repeating: " ", count: pad), role: .field)) }
        return spans
    }
}

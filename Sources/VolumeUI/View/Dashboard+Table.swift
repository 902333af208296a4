import VolumeCore

extension Dashboard {
    /// The right side of the table's title rule: sort, filter, unused-only, marks.
    static func tableStatus(_ s: AppState) -> String {
        let ascending = s.table.sortKey.isNaturallyAscending != s.table.isSortReversed
        var parts = ["sort: \(s.table.sortKey.rawValue) \(ascending ? "▲" : "▼")"]
        if let filter = VolumeFilter(s.table.filter.text) {
            parts.append("filter: \(filter.isInverted ? "not " : "")\"\(filter.needle)\"")
        }
        if s.table.isUnusedOnly { parts.append("unused only") }
        if !s.marked.isEmpty { parts.append("\(s.marked.count) marked") }
        return parts.joined(separator: " · ")
    }

    static func renderTable(_ s: AppState, _ layout: PaneLayout, _ grid: inout CellGrid, _ theme: Theme) {
        let rect = layout.main
        guard rect.height >= 3 else { return }
        let total = s.catalog.entries.count
        let shown = s.table.visibleIndices.count
        let title = shown == total ? "Volumes (\(total))" : "Volumes (\(shown) of \(total))"
        var status = tableStatus(s)
        if shown > layout.tableBody.height { status = "\(s.table.cursor.selection + 1)/\(shown) · " + status }
        grid.titleRule(
            row: rect.row, col: rect.col, width: rect.width, title: title, right: status, theme: theme,
            isFocused: s.focus == .table && s.dialog == nil)
        let table = VolumeTable(
            width: rect.width, isWide: grid.cols >= PaneLayout.wideTableCols, showsGrowth: s.growth != nil,
            engineWidth: s.isFleet ? engineColumnWidth(s) : nil)
        let headerStyle = theme.style(.columnHeader)
        for placed in table.columns {
            grid.put(
                fitted: placed.column.title, row: rect.row + 1, col: rect.col + placed.col, width: placed.width,
                style: headerStyle, alignRight: placed.column.isRightAligned)
        }
        let body = layout.tableBody
        guard shown > 0 else {
            let message: String
            if !s.hasLoadedCatalog {
                message = s.isLoadingCatalog ? "\(spinner(s)) loading volumes…" : "no volumes loaded"
            } else if total == 0 {
                message = "no volumes yet · c creates one"
            } else {
                message = "no volume matches · Esc clears the filter"
            }
            grid.put(message, row: body.row + 1, col: rect.col + VolumeTable.markWidth, style: theme.style(.dim))
            return
        }
        let offset = visibleOffset(selection: s.table.cursor.selection, offset: s.table.cursor.scroll, count: shown, height: body.height)
        for i in 0..<min(body.height, shown - offset) {
            let rowIndex = offset + i
            let entryIndex = s.table.visibleIndices[rowIndex]
            let entry = s.catalog.entries[entryIndex]
            let created = s.createdDate(entryIndex)
            let row = body.row + i
            let isSelected = rowIndex == s.table.cursor.selection
            let overlay: CellStyle? = isSelected ? theme.style(s.focus == .table ? .selected : .selectedUnfocused) : nil
            if let overlay { grid.fill(row: row, col: rect.col, width: rect.width, style: overlay) }
            if s.marked.contains(entry.name) {
                grid.put("*", row: row, col: rect.col, style: theme.style(.mark).merged(with: overlay ?? .plain))
            }
            for placed in table.columns {
                let cell = table.cell(placed.column, entry, created: created, state: s, width: placed.width)
                let x = rect.col + placed.col
                if placed.column.isRightAligned {
                    let text = CellGrid.fitted(cell.text, to: placed.width, alignRight: true)
                    let role = cell.spans.first?.role ?? .normal
                    grid.put(StyledLine(text, role), row: row, col: x, width: placed.width, theme: theme, overlay: overlay)
                } else {
                    grid.put(cell, row: row, col: x, width: placed.width, theme: theme, overlay: overlay)
                }
            }
        }
    }

    /// The ENGINE column's width: the longest label of the engines whose volumes are listed (an engine in error
    /// lists none), all labels before the first catalog.
    static func engineColumnWidth(_ s: AppState) -> Int {
        let listed = s.fleetCounts.keys
        let labels = listed.isEmpty ? s.fleet.map(\.label) : Array(listed)
        return labels.reduce(0) { max($0, CellGrid.columns(of: $1)) }
    }
}

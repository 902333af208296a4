extension Dashboard {
    /// Lines one wheel notch scrolls.
    static let wheelStep = 3

    /// A click selects the row under it (and focuses its pane); the wheel scrolls the region under it.
    static func handleMouse(_ event: MouseEvent, _ s: inout AppState) -> [Effect] {
        let wheel: Int
        switch event.kind {
        case .wheelUp: wheel = -wheelStep
        case .wheelDown: wheel = wheelStep
        case .press: wheel = 0
        case .release: return []
        }
        if case .preview? = s.dialog, wheel != 0 {
            // Line by line, so the wheel reads on past the end of the window as j and k do.
            return (0..<abs(wheel)).flatMap { _ in performInPreview(wheel > 0 ? .moveDown : .moveUp, &s) }
        }
        if s.dialog != nil {
            if wheel != 0 { setScroll(.dialog, scrollOffset(.dialog, s) + wheel, &s) }
            return []
        }
        let layout = PaneLayout(s, rows: s.rows, cols: s.cols)
        guard !layout.isTooSmall else { return [] }
        switch s.mode {
        case .files:
            guard var pane = s.files, layout.main.contains(row: event.row, col: event.col) else { return [] }
            let body = fileTreeBody(layout.main)
            if wheel != 0 {
                pane.selection = max(0, min(pane.selection + wheel, pane.rows.count - 1))
            } else if body.contains(row: event.row, col: event.col) {
                let row = pane.scroll + event.row - body.row
                guard row < pane.rows.count else { return [] }
                pane.selection = row
            }
            s.files = pane
        case .help:
            if wheel != 0 { setScroll(.help, s.helpScroll + wheel, &s) }
        case .trash:
            guard layout.main.contains(row: event.row, col: event.col) else { return [] }
            let count = s.trashView.items?.count ?? 0
            if let row = s.trashView.cursor.target(ofWheel: wheel, at: event, body: layout.tableBody, count: count) {
                if s.trashView.cursor.select(row, count: count) { s.trashView.detailScroll = 0 }
            }
        case .volumes:
            if let pane = layout.detail, pane.contains(row: event.row, col: event.col) {
                if wheel != 0 {
                    setScroll(.detail, s.detailScroll + wheel, &s)
                } else if s.selectedEntry != nil {
                    s.focus = .detail
                }
            } else if layout.main.contains(row: event.row, col: event.col) {
                let count = s.table.visibleIndices.count
                if let row = s.table.cursor.target(ofWheel: wheel, at: event, body: layout.tableBody, count: count) {
                    moveSelection(to: row, &s)
                    if wheel == 0 { s.focus = .table }
                }
            }
        case .mounts:
            if let pane = layout.detail, pane.contains(row: event.row, col: event.col) {
                if wheel != 0 { setScroll(.mountsDetail, s.mounts.detailScroll + wheel, &s) }
                return []
            }
            guard layout.main.contains(row: event.row, col: event.col) else { return [] }
            let count = s.catalog.containers.count
            if let row = s.mounts.cursor.target(ofWheel: wheel, at: event, body: layout.tableBody, count: count) {
                if s.mounts.cursor.select(row, count: count) { s.mounts.detailScroll = 0 }
            } else if layout.tableBody.contains(row: event.row, col: event.col) {
                return []
            }
            if let container = s.selectedContainer { return s.requestContainerDetail(container.id) }
        }
        return []
    }
}

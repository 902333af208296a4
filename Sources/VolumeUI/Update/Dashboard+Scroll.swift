extension Dashboard {
    /// A scrollable region.
    enum ScrollTarget {
        case detail, mountsDetail, help, inspect, dialog
    }

    /// How many lines a region holds and how many it shows, at the state's screen size.
    static func scrollMetrics(_ target: ScrollTarget, _ s: AppState) -> (content: Int, view: Int) {
        let layout = PaneLayout(s, rows: s.rows, cols: s.cols)
        switch target {
        case .detail:
            guard let pane = layout.detail, s.mode == .volumes else { return (0, 0) }
            return (detailLines(s, width: pane.width).count, pane.height - 1)
        case .mountsDetail:
            guard let pane = layout.detail, s.mode == .mounts else { return (0, 0) }
            return (mountLines(s, width: pane.width).count, pane.height - 1)
        case .help:
            return (helpColumns(s, width: layout.main.width).map(\.count).max() ?? 0, layout.main.height - 1)
        case .inspect, .dialog:
            guard let view = dialogView(s, rows: s.rows, cols: s.cols) else { return (0, 0) }
            return (view.list.count, view.listHeight)
        }
    }

    /// The scroll offset of a region.
    static func scrollOffset(_ target: ScrollTarget, _ s: AppState) -> Int {
        switch target {
        case .detail: return s.detailScroll
        case .mountsDetail: return s.mounts.detailScroll
        case .help: return s.helpScroll
        case .inspect, .dialog:
            switch s.dialog {
            case .inspect(let v)?: return v.scroll
            case .remove(let r)?: return r.scroll
            case .prune(let p)?: return p.scroll
            case .preview(let v)?: return v.scroll
            default: return 0
            }
        }
    }

    /// Sets the scroll offset of a region, clamped to its content.
    static func setScroll(_ target: ScrollTarget, _ offset: Int, _ s: inout AppState) {
        let (content, view) = scrollMetrics(target, s)
        let value = max(0, min(offset, content - max(1, view)))
        switch target {
        case .detail: s.detailScroll = value
        case .mountsDetail: s.mounts.detailScroll = value
        case .help: s.helpScroll = value
        case .inspect, .dialog:
            switch s.dialog {
            case .inspect(var v)?:
                v.scroll = value
                s.dialog = .inspect(v)
            case .remove(var r)?:
                r.scroll = value
                s.dialog = .remove(r)
            case .prune(var p)?:
                p.scroll = value
                s.dialog = .prune(p)
            case .preview(var v)?:
                v.scroll = value
                s.dialog = .preview(v)
            default: break
            }
        }
    }

    /// Scrolls a region by a movement command.
    static func scroll(_ target: ScrollTarget, _ command: Command, _ s: inout AppState) {
        let (content, view) = scrollMetrics(target, s)
        let current = scrollOffset(target, s)
        switch command {
        case .moveUp, .moveDown, .pageUp, .pageDown, .moveTop, .moveBottom: break
        default: return
        }
        // The same movement as the table's rows, over offsets 0...content.
        let next = RowCursor.target(of: command, from: current, count: content + 1, page: max(1, view - 1))
        setScroll(target, next, &s)
    }

    /// Keeps the selected rows on screen and every scroll offset within its content (after any action).
    static func clampScrolling(_ s: inout AppState) {
        layOutPreview(&s)
        let layout = PaneLayout(s, rows: s.rows, cols: s.cols)
        let bodyHeight = max(1, layout.tableBody.height)
        s.table.cursor.clamp(count: s.table.visibleIndices.count, height: bodyHeight)
        s.mounts.cursor.clamp(count: s.catalog.containers.count, height: bodyHeight)
        s.trashView.cursor.clamp(count: s.trashView.items?.count ?? 0, height: bodyHeight)
        if s.mode == .volumes, s.detailScroll > 0 { setScroll(.detail, s.detailScroll, &s) }
        if s.mode == .mounts, s.mounts.detailScroll > 0 { setScroll(.mountsDetail, s.mounts.detailScroll, &s) }
        if s.mode == .help, s.helpScroll > 0 { setScroll(.help, s.helpScroll, &s) }
        if var files = s.files {
            let height = max(1, fileTreeBody(layout.main).height)
            files.selection = max(0, min(files.selection, files.rows.count - 1))
            files.scroll = visibleOffset(selection: files.selection, offset: files.scroll, count: files.rows.count, height: height)
            s.files = files
        }
        if s.dialog != nil, scrollOffset(.dialog, s) > 0 { setScroll(.dialog, scrollOffset(.dialog, s), &s) }
    }

    /// The first row to show so that `selection` is visible, moving the view as little as possible.
    static func visibleOffset(selection: Int, offset: Int, count: Int, height: Int) -> Int {
        RowCursor.visibleOffset(selection: selection, offset: offset, count: count, height: height)
    }
}

import VolumeCore

extension Dashboard {
    /// A window of the previewed file arrived (or failed). A window nobody waits for any more is dropped.
    static func filePreviewLoaded(
        _ volume: String, _ path: [[UInt8]], _ result: Result<FilePreview, EngineError>, _ s: inout AppState
    ) -> [Effect] {
        guard case .preview(var viewer)? = s.dialog, viewer.volume == volume, viewer.path == path else { return [] }
        // Only the window asked for last is taken (or, unasked, the file's start again: the view goes to the top).
        let top = FilePreviewViewer.Pending(offset: 0, anchor: .byte(0, rows: 0))
        let pending: FilePreviewViewer.Pending
        switch (viewer.pending, result) {
        case (let asked?, .success(let window)) where window.offset == asked.offset: pending = asked
        case (let asked?, .failure): pending = asked
        case (nil, .success(let window)) where window.offset == 0: pending = top
        default: return []
        }
        viewer.pending = nil
        switch result {
        case .success(let window):
            viewer.load(window)
            viewer.scroll = 0
            viewer = laidOut(viewer, &s)
            do {
                let (laid, lines) = previewRows(viewer, cols: s.cols)
                s.dialog = .preview(viewer)
                switch pending.anchor {
                case .byte(let byte, let rows):
                    let line = lines.line(holding: byte)
                    if laid.firstRow.indices.contains(line) { viewer.scroll = max(0, laid.firstRow[line] + rows) }
                case .bottom:
                    viewer.scroll = max(0, laid.rows.count - scrollMetrics(.dialog, s).view)
                }
            }
        case .failure(let error):
            if viewer.preview == nil {
                viewer.error = error.description
            } else {
                s.notice = Notice(kind: .info, text: "could not read further: \(error.description)")
            }
        }
        s.dialog = .preview(viewer)
        setScroll(.dialog, viewer.scroll, &s)
        return []
    }

    /// The viewer laid out for the screen (and put back as the dialog).
    private static func laidOut(_ viewer: FilePreviewViewer, _ s: inout AppState) -> FilePreviewViewer {
        s.dialog = .preview(viewer)
        layOutPreview(&s)
        if case .preview(let laid)? = s.dialog { return laid }
        return viewer
    }

    /// The preview's keys: scroll (reading the next window past either end), fold or cut lines, scroll sideways.
    static func performInPreview(_ command: Command, _ s: inout AppState) -> [Effect] {
        guard case .preview(var viewer)? = s.dialog else { return [] }
        let (laid, lines) = previewRows(viewer, cols: s.cols)
        let isText = viewer.encoding == .text
        switch command {
        case .cancel:
            s.dialog = nil
        case .toggleWrap:
            guard isText else {
                s.notice = Notice(kind: .info, text: "a hex dump's rows always fit: nothing to fold")
                return []
            }
            let top = laid.line(ofRow: viewer.scroll)
            viewer.wraps.toggle()
            viewer.column = 0
            viewer = laidOut(viewer, &s)
            let again = previewRows(viewer, cols: s.cols).rows
            viewer.scroll = again.firstRow.indices.contains(top) ? again.firstRow[top] : 0
            s.dialog = .preview(viewer)
            setScroll(.dialog, viewer.scroll, &s)
        case .scrollLeft, .scrollRight:
            guard isText, !viewer.wraps else {
                s.notice = Notice(
                    kind: .info,
                    text: isText ? "long lines fold: w cuts them at the edge, then h/l scroll sideways" : "a hex dump's rows always fit")
                return []
            }
            let room = DialogView.innerWidth(of: previewWidth(cols: s.cols))
            let longest = lines.lines.reduce(0) { max($0, $1.columns) }
            viewer.column = sideways(command, column: viewer.column, room: room, longest: longest)
            viewer = laidOut(viewer, &s)
        case .moveUp, .moveDown, .pageUp, .pageDown, .moveTop, .moveBottom:
            if let request = nextWindow(command, viewer, laid, lines, s) {
                viewer.pending = request
                s.dialog = .preview(viewer)
                return [.previewFile(volume: viewer.volume, path: viewer.path, offset: request.offset)]
            }
            scroll(.dialog, command, &s)
        default:
            break
        }
        return []
    }

    /// The window to read when a movement goes past an end of the one shown, and where the view goes then:
    /// the next one starts at the top line (the half of the window already passed is dropped), the previous
    /// one ends there; `g` and `G` read the file's first and last windows. Nil when the movement stays inside.
    private static func nextWindow(
        _ command: Command, _ viewer: FilePreviewViewer, _ laid: PagerRows, _ lines: FilePreviewViewer.Lines, _ s: AppState
    ) -> FilePreviewViewer.Pending? {
        guard viewer.canPage, viewer.pending == nil, let window = viewer.preview, !lines.offsets.isEmpty else { return nil }
        let (content, view) = scrollMetrics(.dialog, s)
        let atBottom = viewer.scroll >= max(0, content - view)
        let atTop = viewer.scroll <= 0
        let step = command == .moveUp || command == .moveDown ? 1 : max(1, view - 1)
        let chunk = Int64(FilePreviewViewer.windowBytes)
        let topByte = lines.offsets[min(lines.offsets.count - 1, laid.line(ofRow: viewer.scroll))]
        // Page-aligned offsets; one byte before a line's start, so the window's first (cut) line is the one before.
        func aligned(_ n: Int64) -> Int64 { max(0, n) - max(0, n) % 4096 }
        let down = command == .moveDown || command == .pageDown
        let up = command == .moveUp || command == .pageUp
        if down, atBottom, viewer.hasMoreAfter {
            var offset = aligned(topByte - 1)
            if offset <= window.offset { offset = aligned(window.offset + chunk / 2) }
            return FilePreviewViewer.Pending(offset: offset, anchor: .byte(topByte, rows: step))
        }
        if command == .moveBottom, viewer.hasMoreAfter {
            // Aligned up, so one window reaches the end of the file.
            return FilePreviewViewer.Pending(offset: aligned(window.size - chunk + 4095), anchor: .bottom)
        }
        if up, atTop, viewer.hasMoreBefore {
            var offset = aligned(topByte - chunk * 3 / 4)
            if offset >= window.offset { offset = aligned(window.offset - chunk / 2) }
            return FilePreviewViewer.Pending(offset: offset, anchor: .byte(topByte, rows: -step))
        }
        if command == .moveTop, viewer.hasMoreBefore {
            return FilePreviewViewer.Pending(offset: 0, anchor: .byte(0, rows: 0))
        }
        return nil
    }
}

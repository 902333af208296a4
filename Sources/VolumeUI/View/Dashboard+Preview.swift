import VolumeCore

extension Dashboard {
    /// The preview's box width: the whole screen, so a hex dump gets 16 bytes a row from 80 columns.
    static func previewWidth(cols: Int) -> Int { cols }

    /// The preview's window as rows at a screen width, with the file offset of each line.
    static func previewRows(_ viewer: FilePreviewViewer, cols: Int) -> (rows: PagerRows, lines: FilePreviewViewer.Lines) {
        if let layout = viewer.layout, layout.cols == cols { return (layout.rows, layout.lines) }
        let inner = DialogView.innerWidth(of: previewWidth(cols: cols))
        let lines = viewer.lines(width: inner)
        // Hex rows are sized to fit: only text folds or scrolls sideways.
        let isText = viewer.encoding == .text
        return (pagerRows(lines.lines, width: inner, wraps: isText ? viewer.wraps : true, column: isText ? viewer.column : 0), lines)
    }

    /// Lays the preview out for the screen's width once, for every key and frame after (called after each action).
    static func layOutPreview(_ s: inout AppState) {
        guard case .preview(var viewer)? = s.dialog, viewer.preview != nil, viewer.layout?.cols != s.cols else { return }
        viewer.layout = nil
        let (rows, lines) = previewRows(viewer, cols: s.cols)
        viewer.layout = FilePreviewViewer.Layout(cols: s.cols, rows: rows, lines: lines)
        s.dialog = .preview(viewer)
    }

    /// A file offset for the status line: `0`, `64.0 KiB`.
    private static func offsetText(_ n: Int64) -> String { n == 0 ? "0" : Format.bytes(n) }

    static func previewView(_ viewer: FilePreviewViewer, _ s: AppState, rows: Int, cols: Int) -> DialogView {
        let width = previewWidth(cols: cols)
        let inner = DialogView.innerWidth(of: width)
        var top: [StyledLine] = []
        var list: [StyledLine] = []
        if let preview = viewer.preview {
            let isText = viewer.encoding == .text
            let kind = isText ? "text" : "binary: hex dump"
            let end = preview.offset + Int64(preview.bytes.count)
            var extent: String
            if !preview.isTruncated {
                extent = "all \(grouped(preview.bytes.count)) bytes"
            } else if !viewer.canPage {
                extent =
                    "first \(Format.bytes(Int64(preview.bytes.count))) of \(Format.bytes(preview.size)) (helper mode reads only the start of a file)"
            } else {
                extent = "bytes \(offsetText(preview.offset))–\(offsetText(end)) of \(Format.bytes(preview.size))"
            }
            if viewer.pending != nil { extent += " · \(spinner(s)) reading…" }
            top.append(StyledLine(kind, .bold).adding(" · " + extent, .dim))
            let pages = preview.isTruncated && viewer.canPage
            let scrolling = pages ? "j/k PgUp/PgDn g/G scroll through the file" : "j/k PgUp/PgDn g/G scroll"
            let hints =
                isText
                ? ["\(scrolling) · w wrap · Esc closes", "j/k PgUp/PgDn g/G · w wrap · Esc", "w wrap · Esc closes"]
                : ["\(scrolling) · * stands for rows repeating the one above · Esc closes", "\(scrolling) · Esc closes", "Esc closes"]
            top.append(pagerHint(hints, width: inner))
            let laid = previewRows(viewer, cols: cols)
            top.append(
                isText
                    ? wrapLine(wraps: viewer.wraps, column: viewer.column, room: inner, hasLongLines: laid.rows.hasLongLines, width: inner)
                    : .blank)
            list = laid.rows.rows
            if list.isEmpty { list = [StyledLine(preview.size == 0 ? "(empty file)" : "(nothing to show in these bytes)", .dim)] }
        } else if let error = viewer.error {
            list = paragraph("✗ \(error)", width: inner, .problem)
        } else {
            list = [StyledLine("\(spinner(s)) loading the first bytes of \(Format.bytes(viewer.scannedSize))…", .dim)]
        }
        return DialogView(
            title: "Preview \(viewer.displayPath)", width: width, rows: rows, cols: cols, top: top, list: list, bottom: [],
            scroll: viewer.scroll, fillsHeight: true)
    }
}

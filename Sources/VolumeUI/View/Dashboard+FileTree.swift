import VolumeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

extension Dashboard {
    /// The rows of the main area that hold tree lines: below the title rule, the breadcrumb and the column header,
    /// above the status line.
    static func fileTreeBody(_ main: Rect) -> Rect {
        Rect(row: main.row + 3, col: main.col, height: max(0, main.height - 4), width: main.width)
    }

    /// The tree's columns for a pane width: wide panes (120+) get absolute times and a longer bar.
    struct FileColumns {
        var isWide: Bool
        var size: Int { 10 }
        var percent: Int { isWide ? 6 : 4 }
        var bar: Int { isWide ? 20 : 10 }
        var items: Int { isWide ? 8 : 6 }
        var time: Int { isWide ? 16 : 4 }
        /// Columns left of the name (a leading space, each fixed column and a space after it).
        var nameCol: Int { 1 + size + 1 + percent + 1 + bar + 1 + items + 1 + time + 2 }

        init(width: Int) {
            isWide = width >= 120
        }
    }

    static func renderFiles(_ s: AppState, _ rect: Rect, _ grid: inout CellGrid, _ theme: Theme) {
        guard rect.height >= 4, let pane = s.files else { return }
        let body = fileTreeBody(rect)
        let isFocused = s.dialog == nil
        // Title: volume, source; right: totals, size kind, sort, and a rescanning marker.
        let name = s.catalog.entry(named: pane.volume).map(Format.shortName) ?? pane.volume
        let source = pane.source?.name ?? (pane.openError != nil ? "unavailable" : "opening…")
        let title = "Files \(name) · \(source)"
        // The right side in decreasing detail; the first that fits is shown (the rescanning marker always stays).
        var candidates: [[String]] = [[]]
        if let tree = pane.tree {
            let position = pane.rows.count > body.height ? ["\(pane.selection + 1)/\(pane.rows.count)"] : []
            let count = tree.totals.entries - 1
            let items = ["\(grouped(count)) item\(count == 1 ? "" : "s")"]
            let kind = pane.isApparent ? "apparent" : (tree.isFromArchive ? "on disk (est.)" : "on disk")
            let total = ["\(Format.bytes(pane.bytes(of: tree.root))) \(kind)"]
            let sort = ["sort: \(pane.sortKey.rawValue) \(pane.isDescending ? "▼" : "▲")"]
            candidates = [position + items + total + sort, items + total + sort, total + sort, total, []]
        }
        let marker = pane.isRescanning ? ["\(spinner(s)) rescanning…"] : []
        let room = rect.width - CellGrid.columns(of: title) - 8
        let right = candidates.map { (marker + $0).joined(separator: " · ") }.first { CellGrid.columns(of: $0) <= room } ?? ""
        grid.titleRule(
            row: rect.row, col: rect.col, width: rect.width, title: title, right: right, theme: theme, isFocused: isFocused)

        guard let tree = pane.tree else {
            renderFilesWithoutTree(s, pane, rect.droppingTop(1), &grid, theme)
            return
        }
        let columns = FileColumns(width: rect.width)
        grid.put(breadcrumbLine(s, pane, width: rect.width), row: rect.row + 1, col: rect.col, width: rect.width, theme: theme)
        let headerStyle = theme.style(.columnHeader)
        let header = rect.row + 2
        var x = rect.col + 1
        for (title, width, alignRight) in [
            ("SIZE", columns.size, true), ("%", columns.percent, true), ("", columns.bar, false), ("ITEMS", columns.items, true),
            (columns.isWide ? "MODIFIED" : "AGE", columns.time, !columns.isWide)
        ] {
            grid.put(fitted: title, row: header, col: x, width: width, style: headerStyle, alignRight: alignRight)
            x += width + 1
        }
        grid.put(
            fitted: "NAME", row: header, col: rect.col + columns.nameCol, width: rect.width - columns.nameCol, style: headerStyle)

        if pane.rows.isEmpty {
            grid.put(
                pane.base.isEmpty ? " the volume is empty" : " the directory is empty", row: body.row, col: rect.col,
                style: theme.style(.dim), maxWidth: rect.width)
            // A volume with driver options (tmpfs, nfs, cifs…) holds its files only while something mounts it.
            if let volume = s.catalog.entry(named: pane.volume)?.volume, !volume.options.isEmpty, body.height > 1 {
                let type = volume.options["type"].map { "type=\($0)" } ?? "driver options"
                grid.put(
                    " (\(type): its files exist only while a container mounts it, or live on the mounted device)",
                    row: body.row + 1, col: rect.col, style: theme.style(.dim), maxWidth: rect.width)
            }
        }
        let offset = visibleOffset(selection: pane.selection, offset: pane.scroll, count: pane.rows.count, height: body.height)
        for i in 0..<max(0, min(body.height, pane.rows.count - offset)) {
            let index = offset + i
            let overlay: CellStyle? = index == pane.selection ? theme.style(isFocused ? .selected : .selectedUnfocused) : nil
            let line = fileRowLine(pane.rows[index], pane, tree, s, columns)
            if let overlay { grid.fill(row: body.row + i, col: rect.col, width: rect.width, style: overlay) }
            grid.put(line, row: body.row + i, col: rect.col, width: rect.width, theme: theme, overlay: overlay)
        }
        grid.put(fileStatusLine(s, pane, tree), row: rect.bottom - 1, col: rect.col, width: rect.width, theme: theme)
    }

    /// One tree line: size, percent and bar of its parent, items, time, then the indented name.
    static func fileRowLine(_ row: FileRow, _ pane: FilePane, _ tree: ScanTree, _ s: AppState, _ columns: FileColumns) -> StyledLine {
        let node = row.node
        let kind = tree.kind(of: node)
        let bytes = pane.bytes(of: node)
        let parentBytes = tree.parent(of: node).map { pane.bytes(of: $0) } ?? bytes
        // Clamped: sizes are untrusted (a helper's archive, a wrapped sum), so a child can claim more than its parent.
        let fraction = parentBytes > 0 ? min(1, max(0, Double(bytes) / Double(parentBytes))) : 0
        let isCountedElsewhere = tree.isCountedElsewhere(node)
        var line = StyledLine(" ")
            .adding(CellGrid.fitted(Format.bytes(bytes), to: columns.size, alignRight: true), isCountedElsewhere ? .dim : .bold)
            .adding(" ")
            .adding(CellGrid.fitted(percent(fraction, isWide: columns.isWide), to: columns.percent, alignRight: true), .dim)
            .adding(" ")
            .adding(bar(fraction, width: columns.bar), .accent)
            .adding(" ")
            .adding(CellGrid.fitted(kind == .directory ? compactCount(tree.itemCount(of: node)) : "", to: columns.items, alignRight: true))
            .adding(" ")
        let mtime = tree.newestModified(of: node)
        let time: String
        if mtime <= 0 {
            time = "-"
        } else if columns.isWide {
            time = fileTime(mtime, timeZone: s.timeZone)
        } else {
            time = Format.age(Date(timeIntervalSince1970: Double(mtime)), now: s.now)
        }
        line = line.adding(CellGrid.fitted(time, to: columns.time, alignRight: !columns.isWide), .dim).adding("  ")
        // Guides as `tree` draws them: `│ ` where a level above goes on, `├─`/`└─` for the entry itself.
        let guides = row.guides.map { $0 ? "│ " : "  " }.joined() + (row.isLast ? "└─" : "├─")
        line = line.adding(guides, .dim)
        if kind == .directory {
            line = line.adding(pane.expanded.contains(row.path) ? "▾ " : "▸ ", .accent)
        } else {
            line = line.adding("─ ", .dim)
        }
        let name = tree.displayName(of: node)
        let isMatch = pane.search.isActive && name.lowercased().contains(pane.search.input.text.lowercased())
        line = line.adding(name, isMatch ? .match : (kind == .directory ? .bold : .normal))
        switch kind {
        case .directory: line = line.adding("/", .dim)
        case .symlink:
            // The link's own text (escaped), never where it leads.
            line = line.adding(" → ", .dim).adding(tree.displayLinkTarget(of: node) ?? "?", .dim)
        case .fifo: line = line.adding("|", .dim)
        case .socket: line = line.adding("=", .dim)
        default: break
        }
        if let errno = tree.error(of: node) {
            line = line.adding("  ✗ \(String(cString: strerror(errno)))", .problem)
        } else if isCountedElsewhere {
            line = line.adding("  (hard link, counted once)", .dim)
        } else if tree.isOnOtherFilesystem(node) {
            line = line.adding("  (another filesystem, not counted)", .dim)
        }
        return line
    }

    /// The line under the title: where the shown root is (`vol / a / b`), and the search being typed or kept.
    static func breadcrumbLine(_ s: AppState, _ pane: FilePane, width: Int) -> StyledLine {
        let name = s.catalog.entry(named: pane.volume).map(Format.shortName) ?? Sanitizer.inline(pane.volume)
        var crumbs = StyledLine(" ").adding(name, pane.base.isEmpty ? .bold : .dim)
        for (i, component) in pane.base.enumerated() {
            crumbs = crumbs.adding(" / ", .dim).adding(Sanitizer.inline(bytes: component), i == pane.base.count - 1 ? .bold : .dim)
        }
        if !pane.base.isEmpty { crumbs = crumbs.adding("   Backspace: up", .dim) }
        let search = pane.search
        guard search.isEditing || search.isActive else { return crumbs }
        var right = StyledLine("/", .key)
        if search.isEditing {
            right.spans += inputSpans(search.input, width: max(10, min(30, width / 4)), isFocused: true)
        } else {
            right = right.adding(search.input.text, .match)
        }
        let count = search.matches.count
        let found: String
        if !search.isActive {
            found = ""
        } else if count == 0 {
            found = " no match"
        } else {
            // Where the cursor is among the matches (on one of them), whatever moved it there.
            let here = pane.selectedRow.flatMap { row in search.matches.firstIndex(of: row.path) }
            let position = here.map { "\($0 + 1) of " } ?? ""
            found = " \(position)\(count)\(search.isCapped ? "+" : "") match\(count == 1 ? "" : "es")" + (search.isEditing ? "" : " · n/N")
        }
        right = right.adding(found, .dim).adding(" ")
        // The search keeps its room; the breadcrumb keeps its end (the directory shown) when cut.
        let rightWidth = CellGrid.columns(of: right.text)
        let room = width - rightWidth - 1
        var left = crumbs
        if CellGrid.columns(of: crumbs.text) > room {
            left = StyledLine(" …", .dim).adding(String(crumbs.text.suffix(max(0, room - 2))), .bold)
        }
        let pad = max(1, width - CellGrid.columns(of: left.text) - rightWidth)
        return left.adding(String(repeating: " ", count: pad)).adding(right)
    }

    /// The line under the tree: the selected entry in full, why deleting is off in helper mode, or a failed rescan.
    static func fileStatusLine(_ s: AppState, _ pane: FilePane, _ tree: ScanTree) -> StyledLine {
        if let error = pane.scanError {
            return StyledLine(" ✗ the last rescan failed: \(error.description)", .problem)
        }
        guard let row = pane.selectedRow else { return StyledLine() }
        let kind = tree.kind(of: row.node)
        var facts = [kindWord(kind)]
        if kind == .directory {
            let count = tree.itemCount(of: row.node)
            facts.append("\(grouped(count)) item\(count == 1 ? "" : "s")")
        }
        let mtime = tree.modified(of: row.node)
        if mtime > 0 { facts.append(fileTime(mtime, timeZone: s.timeZone)) }
        let disk = tree.isFromArchive ? "disk (estimated; read-only helper)" : "disk"
        facts.append(
            "\(Format.bytes(tree.apparentBytes(of: row.node))) apparent / \(Format.bytes(tree.allocatedBytes(of: row.node))) \(disk)")
        var line = StyledLine(" ").adding(tree.displayPath(of: row.node), .bold)
        if kind == .symlink {
            line = line.adding(" → ", .dim).adding(tree.displayLinkTarget(of: row.node) ?? "?").adding(" (not followed)", .dim)
        }
        return line.adding("  ").adding(facts.joined(separator: " · "), .dim)
    }

    /// The pane before a tree exists: opening, the first scan's progress, or why it failed.
    private static func renderFilesWithoutTree(_ s: AppState, _ pane: FilePane, _ rect: Rect, _ grid: inout CellGrid, _ theme: Theme) {
        let width = rect.width - 2
        var lines: [StyledLine] = [.blank]
        let engineFigure: String
        if let measured = s.measuredSizes[pane.volume] {
            engineFigure = "\(Format.bytes(measured)) (measured by voltop)"
        } else {
            switch s.sizes[pane.volume] {
            case .bytes(let b)?: engineFigure = "\(Format.bytes(b)) (the engine's /system/df figure)"
            case .unknown(let reason)?: engineFigure = "n/a: \(reason)"
            default: engineFigure = "not known"
            }
        }
        if let error = pane.openError {
            lines.append(StyledLine("✗ cannot read the files of \(pane.volume)", .problem))
            lines += paragraph(error.description, width: width)
            lines.append(.blank)
            lines.append(StyledLine("Size: ", .dim).adding(engineFigure))
            lines.append(.blank)
            lines.append(StyledLine("r tries again · Esc returns to the table", .dim))
        } else if let error = pane.scanError {
            lines.append(StyledLine("✗ scanning \(pane.volume) failed", .problem))
            lines += paragraph(error.description, width: width)
            lines.append(.blank)
            lines.append(StyledLine("r scans again · Esc returns to the table", .dim))
        } else if let source = pane.source {
            lines.append(StyledLine("\(spinner(s)) scanning \(pane.volume) (\(source.name))…", .bold))
            lines.append(.blank)
            lines.append(progressLine(pane.progress, expected: expectedBytes(s, pane.volume), width: width))
        } else {
            lines.append(StyledLine("\(spinner(s)) opening \(pane.volume): choosing how to read its files…", .bold))
        }
        for (i, line) in lines.prefix(rect.height).enumerated() {
            grid.put(line, row: rect.row + i, col: rect.col + 2, width: width, theme: theme)
        }
    }

    /// The size the scan is likely to reach: voltop's own measurement, else the engine's.
    static func expectedBytes(_ s: AppState, _ volume: String) -> Int64? {
        if let measured = s.measuredSizes[volume] { return measured }
        if case .bytes(let b)? = s.sizes[volume], b > 0 { return b }
        return nil
    }

    /// `▕██████░░░░▏ 42%  12,345 entries · 1.2 MiB of ~2.9 GiB`; without an expected size, counts only.
    static func progressLine(_ progress: ScanProgress?, expected: Int64?, width: Int) -> StyledLine {
        let entries = progress?.entries ?? 0
        let bytes = progress?.apparentBytes ?? 0
        var counts = "\(grouped(entries)) entries · \(grouped(progress?.directories ?? 0)) directories · \(Format.bytes(bytes))"
        guard let expected else { return StyledLine(counts + " so far", .dim) }
        counts += " of ~\(Format.bytes(expected))"
        let fraction = min(0.99, max(0, Double(bytes) / Double(max(1, expected))))
        let barWidth = max(10, min(40, width - CellGrid.columns(of: counts) - 9))
        return StyledLine("▕", .dim).adding(bar(fraction, width: barWidth, track: "░"), .accent).adding("▏", .dim)
            .adding(DisplayWidth.pad(" \(Int(saturating: fraction * 100))%", to: 5), .bold).adding(
                " " + counts, .dim)
    }

    /// A bar of `width` cells filled to `fraction` in eighths.
    static func bar(_ fraction: Double, width: Int, track: Character = " ") -> String {
        guard width > 0 else { return "" }
        let eighths = fraction.isNaN ? 0 : Int(saturating: (max(0, min(1, fraction)) * Double(width * 8)).rounded())
        let partials: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        var text = String(repeating: "█", count: eighths / 8)
        if eighths % 8 > 0 { text.append(partials[eighths % 8 - 1]) }
        return text + String(repeating: track, count: width - text.count)
    }

    /// A share as `45%` (narrow) or `45.2%` (wide).
    static func percent(_ fraction: Double, isWide: Bool) -> String {
        let p = fraction * 100
        if isWide {
            let tenths = Int(saturating: (p * 10).rounded())
            return "\(tenths / 10).\(tenths % 10)%"
        }
        return "\(Int(saturating: p.rounded()))%"
    }

    /// A count with thousands separators, independent of the locale: `12,345`.
    static func grouped(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// A count in at most 6 columns: `999999`, `1.2M`.
    static func compactCount(_ n: Int) -> String {
        guard n >= 1_000_000 else { return String(n) }
        let tenths = (n + 50_000) / 100_000
        return "\(tenths / 10).\(tenths % 10)M"
    }

    /// A file time as `2026-11-29 14:02` in the state's zone.
    static func fileTime(_ seconds: Int64, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: Date(timeIntervalSince1970: Double(seconds)))
        func two(_ v: Int?) -> String {
            let v = v ?? 0
            return v < 10 ? "0\(v)" : "\(v)"
        }
        return "\(c.year ?? 0)-\(two(c.month))-\(two(c.day)) \(two(c.hour)):\(two(c.minute))"
    }

    // MARK: Dialogs

    static func deleteFileView(_ confirm: FileDeleteConfirm, _ s: AppState, rows: Int, cols: Int) -> DialogView {
        let width = min(cols - 6, 72)
        let inner = DialogView.innerWidth(of: width)
        let what = kindWord(confirm.kind)
        var top: [StyledLine] = []
        top.append(StyledLine("Delete this \(what) from volume ").adding(confirm.volume, .bold).adding("?"))
        top.append(.blank)
        top += wrappedField("Path", confirm.displayPath, width: inner - detailKeyWidth - 1, .bold)
        top.append(field("Size", "\(Format.bytes(confirm.bytes)) \(confirm.isApparent ? "apparent" : "on disk")", .bold))
        if confirm.kind == .directory {
            top.append(field("Contains", "\(grouped(confirm.items)) item\(confirm.items == 1 ? "" : "s"), all deleted with it"))
        }
        var bottom: [StyledLine] = [.blank]
        bottom += paragraph("It is deleted for good; containers using the volume see it vanish at once.", width: inner, .bold)
        if confirm.isDeleting { bottom.append(StyledLine("\(spinner(s)) deleting…", .dim)) }
        return DialogView(title: "Delete \(what)", width: width, rows: rows, cols: cols, top: top, list: [], bottom: bottom, scroll: 0)
    }
}

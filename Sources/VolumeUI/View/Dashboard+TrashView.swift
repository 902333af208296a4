import VolumeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The trash view (a list of removed volumes and the selected one's detail) and the prompts before long work.
extension Dashboard {
    /// The removal time of an item as an age (`5m ago`), or its text when it does not parse.
    static func removedAge(_ item: Trash.Item, now: Date) -> String {
        guard let removed = item.removed else { return Sanitizer.inline(item.removedAt) }
        return Format.age(removed, now: now) + " ago"
    }

    /// The owners an item recorded, or what to say when none were.
    static func ownersText(_ item: Trash.Item) -> String {
        item.owners.isEmpty ? "none recorded" : item.owners.map(Sanitizer.inline).joined(separator: ", ")
    }

    static func renderTrashList(_ s: AppState, _ layout: PaneLayout, _ grid: inout CellGrid, _ theme: Theme) {
        let rect = layout.main
        guard rect.height >= 3 else { return }
        let items = s.trashView.items ?? []
        let body = layout.tableBody
        var right = "Esc: volumes"
        if items.count > body.height { right = "\(s.trashView.cursor.selection + 1)/\(items.count) · " + right }
        grid.titleRule(
            row: rect.row, col: rect.col, width: rect.width, title: "Trash (\(items.count)) · removed volumes", right: right, theme: theme,
            isFocused: s.dialog == nil)
        let sizeWidth = 10
        let whenWidth = 9
        let byWidth = min(16, max(8, rect.width / 6))
        let ownersWidth = max(8, (rect.width - 2 - sizeWidth - whenWidth - byWidth - 4) * 2 / 5)
        let nameWidth = max(8, rect.width - 2 - sizeWidth - whenWidth - byWidth - ownersWidth - 4)
        let cols: [(String, Int)] = [
            ("NAME", nameWidth), (String(repeating: " ", count: sizeWidth - 4) + "SIZE", sizeWidth), ("REMOVED", whenWidth),
            ("BY", byWidth), ("OWNERS THEN", ownersWidth)
        ]
        var x = rect.col + 2
        for (title, w) in cols {
            grid.put(fitted: title, row: rect.row + 1, col: x, width: w, style: theme.style(.columnHeader))
            x += w + 1
        }
        guard !items.isEmpty else {
            let text: String
            if let error = s.trashView.error {
                text = "the trash could not be read: \(error)"
            } else if s.trashView.items == nil {
                text = "\(spinner(s)) reading the trash…"
            } else {
                text = "the trash is empty: volumes removed with d, D or prune are kept here for a while"
            }
            grid.put(fitted: text, row: body.row + 1, col: rect.col + 2, width: rect.width - 3, style: theme.style(.dim))
            return
        }
        let offset = visibleOffset(
            selection: s.trashView.cursor.selection, offset: s.trashView.cursor.scroll, count: items.count, height: body.height)
        for i in 0..<max(0, min(body.height, items.count - offset)) {
            let index = offset + i
            let item = items[index]
            let row = body.row + i
            let overlay: CellStyle? = index == s.trashView.cursor.selection ? theme.style(.selected) : nil
            if let overlay { grid.fill(row: row, col: rect.col, width: rect.width, style: overlay) }
            let size = Format.bytes(item.sizeBytes ?? item.archiveBytes)
            let cells: [StyledLine] = [
                StyledLine(Sanitizer.inline(item.name), .bold),
                StyledLine(String(repeating: " ", count: max(0, sizeWidth - CellGrid.columns(of: size))) + size),
                StyledLine(removedAge(item, now: s.now), .dim),
                StyledLine(Sanitizer.inline(item.command)),
                StyledLine(ownersText(item), item.owners.isEmpty ? .dim : .normal)
            ]
            var x = rect.col + 2
            for (cell, (_, w)) in zip(cells, cols) {
                grid.put(cell, row: row, col: x, width: w, theme: theme, overlay: overlay)
                x += w + 1
            }
        }
    }

    /// The detail pane's lines for the selected trash item.
    static func trashDetailLines(_ s: AppState, width: Int) -> [StyledLine] {
        guard let item = s.trashView.selected else { return [] }
        let valueWidth = max(8, width - detailKeyWidth - 1)
        var lines = wrappedField("Name", item.name, width: valueWidth, .bold)
        lines.append(field("Removed", removedAge(item, now: s.now)).adding(" · \(Sanitizer.inline(item.removedAt))", .dim))
        lines.append(field("By", Sanitizer.inline(item.command)).adding(" · \(Sanitizer.inline(item.removedBy))", .dim))
        lines += wrappedField("Owned by", ownersText(item), width: valueWidth, item.owners.isEmpty ? .dim : .normal)
        var size = field("Size", item.sizeBytes.map(Format.bytes) ?? "unknown", .bold)
        size = size.adding(" · archive \(Format.bytes(item.archiveBytes))", .dim)
        lines.append(size)
        lines.append(field("Driver", Sanitizer.inline(item.driver)))
        if item.labels.isEmpty {
            lines.append(field("Labels", "none", .dim))
        } else {
            for (i, key) in item.labels.keys.sorted().enumerated() {
                let text = Sanitizer.inline(key) + "=" + Sanitizer.inline(item.labels[key] ?? "")
                lines.append(i == 0 ? field("Labels", text) : StyledLine(String(repeating: " ", count: detailKeyWidth) + text))
            }
        }
        if !item.options.isEmpty {
            let text = item.options.keys.sorted().map { Sanitizer.inline($0) + "=" + Sanitizer.inline(item.options[$0] ?? "") }
            lines += wrappedField("Options", text.joined(separator: " "), width: valueWidth)
        }
        lines += wrappedField("Engine", item.engine, width: valueWidth, .dim)
        lines += wrappedField("ID", item.id, width: valueWidth, .dim)
        lines.append(.blank)
        let taken = s.entryIndexByName[item.name] != nil
        lines += paragraph(
            taken
                ? "A volume named \(Sanitizer.inline(item.name)) exists: restore it under a new name with R (it never overwrites)."
                : "r restores it (driver, labels, options and files); R under a new name; x purges it for good.",
            width: width - 1, .dim, indent: 1)
        return lines
    }

    static func renderTrashDetail(_ s: AppState, _ rect: Rect, _ grid: inout CellGrid, _ theme: Theme) {
        let lines = trashDetailLines(s, width: rect.width)
        let view = rect.height - 1
        let offset = max(0, min(s.trashView.detailScroll, lines.count - view))
        let title = s.trashView.selected.map { "Removed volume \(Sanitizer.inline($0.name))" } ?? "Removed volume"
        grid.titleRule(row: rect.row, col: rect.col, width: rect.width, title: title, theme: theme, isFocused: false)
        for (i, line) in lines.dropFirst(offset).prefix(view).enumerated() {
            grid.put(line, row: rect.row + 1 + i, col: rect.col, width: rect.width - 1, theme: theme)
        }
    }

    // MARK: Dialogs

    static func promptView(_ prompt: PromptDialog, _ s: AppState, rows: Int, cols: Int) -> DialogView {
        let width = min(cols - 6, 72)
        let inner = DialogView.innerWidth(of: width)
        var lines: [StyledLine] = []
        switch prompt.purpose {
        case .restoreAs(let item):
            lines.append(StyledLine("Restore ").adding(Sanitizer.inline(item.name), .bold).adding(" from the trash"))
            lines.append(StyledLine("removed \(removedAge(item, now: s.now)) · owners then: \(ownersText(item))", .dim))
        case .clone(let source):
            lines.append(
                StyledLine("Copy ").adding(Sanitizer.inline(source), .bold).adding(" into a new volume (same driver, labels, options)"))
            let writers = s.catalog.entry(named: source)?.owners.filter { $0.isRunning && $0.isReadWrite }.map(\.containerName) ?? []
            if !writers.isEmpty {
                lines += paragraph(
                    "⚠ \(writers.map(Sanitizer.inline).joined(separator: ", ")) \(writers.count == 1 ? "is" : "are") running and can write it: the copy may be inconsistent.",
                    width: inner, .warning)
            }
        case .export(let volume, _):
            lines.append(StyledLine("Write the files of ").adding(Sanitizer.inline(volume), .bold).adding(" as a tar archive"))
            lines.append(StyledLine("gzip when the name ends in .tar.gz or .tgz; relative to voltop's directory", .dim))
        }
        if let note = prompt.note {
            lines.append(.blank)
            lines += paragraph(note, width: inner, .bold)
        }
        lines.append(.blank)
        let label = prompt.fieldTitle
        var field = StyledLine("› ", .accent).adding(label + " ", .bold).adding("[", .dim)
        field.spans += inputSpans(prompt.input, width: max(10, inner - CellGrid.columns(of: label) - 5), isFocused: true)
        lines.append(field.adding("]", .dim))
        if let problem = prompt.problem {
            lines += paragraph("✗ " + problem, width: inner, .problem, indent: 2)
        } else {
            lines.append(StyledLine("  Enter starts · progress shows under the header · Esc there cancels", .dim))
        }
        return DialogView(title: prompt.title, width: width, rows: rows, cols: cols, top: lines, list: [], bottom: [], scroll: 0)
    }

    static func purgeView(_ confirm: TrashPurgeConfirm, _ s: AppState, rows: Int, cols: Int) -> DialogView {
        let width = min(cols - 6, 72)
        let inner = DialogView.innerWidth(of: width)
        let item = confirm.item
        var top: [StyledLine] = []
        top.append(StyledLine("Purge ").adding(Sanitizer.inline(item.name), .bold).adding(" from the trash?"))
        top.append(.blank)
        top.append(field("Removed", removedAge(item, now: s.now)).adding(" by \(Sanitizer.inline(item.command))", .dim))
        top.append(field("Archive", Format.bytes(item.archiveBytes), .bold))
        var bottom: [StyledLine] = [.blank]
        bottom += paragraph("Its copy is deleted for good: it can no longer be restored.", width: inner, .bold)
        if confirm.isPurging { bottom.append(StyledLine("\(spinner(s)) purging…", .dim)) }
        return DialogView(
            title: "Purge from the trash", width: width, rows: rows, cols: cols, top: top, list: [], bottom: bottom, scroll: 0)
    }
}

import VolumeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension Dashboard {
    /// The open dialog laid out for a screen, or nil when none is open.
    static func dialogView(_ s: AppState, rows: Int, cols: Int) -> DialogView? {
        switch s.dialog {
        case .create(let form)?: return createView(form, s, rows: rows, cols: cols)
        case .inspect(let viewer)?: return inspectView(viewer, s, rows: rows, cols: cols)
        case .remove(let confirm)?: return removeView(confirm, s, rows: rows, cols: cols)
        case .prune(let prune)?: return pruneView(prune, s, rows: rows, cols: cols)
        case .owners(let owners)?: return ownersView(owners, s, rows: rows, cols: cols)
        case .preview(let viewer)?: return previewView(viewer, s, rows: rows, cols: cols)
        case .deleteFile(let confirm)?: return deleteFileView(confirm, s, rows: rows, cols: cols)
        case .prompt(let prompt)?: return promptView(prompt, s, rows: rows, cols: cols)
        case .purgeTrash(let confirm)?: return purgeView(confirm, s, rows: rows, cols: cols)
        case nil: return nil
        }
    }

    static func renderDialog(_ view: DialogView, _ grid: inout CellGrid, _ theme: Theme) {
        let frame = view.frame
        // A blank column either side keeps the table behind from touching the border.
        grid.fill(row: frame.row, col: frame.col - 1, width: 1, height: frame.height)
        grid.fill(row: frame.row, col: frame.right, width: 1, height: frame.height)
        grid.box(frame, title: view.title, theme: theme)
        let x = frame.col + 2
        let width = DialogView.innerWidth(of: frame.width)
        var row = frame.row + 2
        let last = frame.bottom - 2
        func draw(_ line: StyledLine) {
            guard row <= last else { return }
            grid.put(line, row: row, col: x, width: width, theme: theme)
            row += 1
        }
        view.top.forEach(draw)
        for line in view.list.dropFirst(view.scroll).prefix(view.listHeight) { draw(line) }
        row = max(row, frame.row + 2 + view.top.count + view.listHeight)
        view.bottom.forEach(draw)
        if view.list.count > view.listHeight {
            let indicator = " \(view.scroll + 1)-\(min(view.list.count, view.scroll + view.listHeight)) of \(view.list.count) "
            let w = CellGrid.columns(of: indicator)
            grid.put(indicator, row: frame.bottom - 1, col: frame.right - w - 2, style: theme.style(.accent))
        }
    }

    /// Text wrapped to a width, each line with a role and an indent.
    static func paragraph(_ text: String, width: Int, _ role: Theme.Role = .normal, indent: Int = 0) -> [StyledLine] {
        let pad = String(repeating: " ", count: indent)
        return CellGrid.wrapped(text, width: max(1, width - indent)).map { StyledLine(pad + $0, role) }
    }

    // MARK: Create

    private static func createView(_ form: CreateForm, _ s: AppState, rows: Int, cols: Int) -> DialogView {
        let width = min(cols - 6, 76)
        let inner = DialogView.innerWidth(of: width)
        let labelWidth = 10
        let fieldWidth = inner - labelWidth - 2
        var lines: [StyledLine] = []
        for field in CreateForm.Field.allCases {
            let isFocused = form.focused == field
            var line = StyledLine(isFocused ? "› " : "  ", .accent)
                .adding(CellGrid.fitted(field.title, to: labelWidth - 2), isFocused ? .bold : .normal)
                .adding("[", .dim)
            line.spans += inputSpans(form[field], width: fieldWidth, isFocused: isFocused && !form.isSubmitting)
            lines.append(line.adding("]", .dim))
            if let problem = form.problem, problem.field == field {
                lines += paragraph("✗ " + problem.message, width: inner, .problem, indent: labelWidth + 1)
            } else {
                lines += paragraph(field.hint, width: inner, .dim, indent: labelWidth + 1)
            }
        }
        lines.append(.blank)
        if form.isSubmitting {
            lines.append(StyledLine("\(spinner(s)) creating…", .dim))
        } else if let error = form.engineError {
            lines += paragraph("✗ the engine refused: \(error.description)", width: inner, .problem)
        } else if form.problem != nil {
            lines.append(StyledLine("Fix the field marked ✗ to create the volume.", .dim))
        } else if case .success(let request) = form.request() {
            var what = request.name.map { "volume \($0)" } ?? "an anonymous volume"
            what += " (driver \(request.driver)"
            if !request.labels.isEmpty { what += ", \(request.labels.count) label\(request.labels.count == 1 ? "" : "s")" }
            if !request.options.isEmpty { what += ", \(request.options.count) option\(request.options.count == 1 ? "" : "s")" }
            what += ")"
            lines += paragraph("✓ Enter creates \(what)", width: inner, .success)
        }
        return DialogView(
            title: s.createTarget.map { "Create volume on \($0)" } ?? "Create volume", width: width, rows: rows, cols: cols, top: lines,
            list: [], bottom: [], scroll: 0)
    }

    // MARK: Inspect

    /// The inspect viewer's box width on a screen `cols` wide.
    static func inspectWidth(cols: Int) -> Int { min(cols - 6, 120) }

    /// The inspect viewer's text as rows: line numbers, the current match marked, long lines folded or cut.
    static func inspectRows(_ viewer: InspectViewer, cols: Int) -> PagerRows {
        guard let lines = viewer.lines else { return PagerRows() }
        let inner = DialogView.innerWidth(of: inspectWidth(cols: cols))
        let numberWidth = String(lines.count).count
        let current = viewer.currentMatchLine
        let blank = StyledLine(String(repeating: " ", count: numberWidth + 3))
        return pagerRows(
            lines.map { StyledLine(highlighted($0, query: viewer.query)) }, width: inner, wraps: viewer.wraps, column: viewer.column,
            prefixWidth: numberWidth + 3
        ) { i, isFirst in
            guard isFirst else { return blank }
            let number = String(i + 1)
            return StyledLine(String(repeating: " ", count: numberWidth - number.count) + number, i == current ? .bold : .dim)
                .adding(i == current ? " › " : "   ", .accent)
        }
    }

    /// The second line of a pager: how long lines are shown, and how to change it.
    static func wrapLine(wraps: Bool, column: Int, room: Int, hasLongLines: Bool, width: Int) -> StyledLine {
        if wraps {
            return hasLongLines
                ? pagerHint(["long lines fold · w cuts them at the edge instead", "w cuts long lines"], width: width) : .blank
        }
        let shown = "columns \(column + 1)–\(column + room)"
        return pagerHint(
            [
                "long lines cut at the edge · \(shown) · h/l ←/→ scroll sideways · w folds them",
                "lines cut · \(shown) · h/l scroll · w folds", "h/l scroll · w folds"
            ], width: width)
    }

    private static func inspectView(_ viewer: InspectViewer, _ s: AppState, rows: Int, cols: Int) -> DialogView {
        let width = inspectWidth(cols: cols)
        let inner = DialogView.innerWidth(of: width)
        var top: [StyledLine] = []
        if viewer.isEditingSearch {
            var line = StyledLine("Search /", .bold)
            line.spans += inputSpans(viewer.search, width: min(40, inner - 10), isFocused: true)
            top.append(line)
        } else if !viewer.query.isEmpty {
            let status =
                viewer.matches.isEmpty
                ? "no match · / searches again"
                : "match \((viewer.currentMatch ?? 0) + 1) of \(viewer.matches.count) · n next · N previous · / new search"
            top.append(StyledLine("Search ", .dim).adding("\"\(viewer.query)\"", .bold).adding("  " + status, .dim))
        } else {
            top.append(
                pagerHint(
                    [
                        "/ searches · n/N next/previous match · j/k PgUp/PgDn g/G scroll · w wrap · Esc closes",
                        "/ searches · j/k PgUp/PgDn g/G scroll · w wrap · Esc closes", "/ searches · w wrap · Esc closes"
                    ], width: inner))
        }
        var list: [StyledLine] = []
        var hasLongLines = false
        if let error = viewer.error {
            list = paragraph("✗ \(error)", width: inner, .problem)
        } else if viewer.lines != nil {
            let laid = inspectRows(viewer, cols: cols)
            list = laid.rows
            hasLongLines = laid.hasLongLines
        } else {
            list = [StyledLine("\(spinner(s)) loading…", .dim)]
        }
        let numberWidth = String(viewer.lines?.count ?? 0).count
        top.append(
            wrapLine(wraps: viewer.wraps, column: viewer.column, room: inner - numberWidth - 3, hasLongLines: hasLongLines, width: inner))
        return DialogView(
            title: "Inspect \(viewer.name)", width: width, rows: rows, cols: cols, top: top, list: list, bottom: [],
            scroll: viewer.scroll, fillsHeight: true)
    }

    /// A line's text with every case-insensitive occurrence of a query marked.
    static func highlighted(_ text: String, query: String) -> [StyledLine.Span] {
        guard !query.isEmpty else { return [StyledLine.Span(text: text, role: .normal)] }
        var spans: [StyledLine.Span] = []
        var rest = text[...]
        while let range = rest.firstRangeIgnoringCase(of: query) {
            if range.lowerBound > rest.startIndex {
                spans.append(StyledLine.Span(text: String(rest[..<range.lowerBound]), role: .normal))
            }
            spans.append(StyledLine.Span(text: String(rest[range]), role: .match))
            rest = rest[range.upperBound...]
        }
        if !rest.isEmpty { spans.append(StyledLine.Span(text: String(rest), role: .normal)) }
        return spans
    }

    // MARK: Remove

    /// A dialog's width: `base`, wider (up to the screen) when its longest line needs `needed` columns inside.
    static func dialogWidth(base: Int, needed: Int, cols: Int) -> Int {
        min(cols - 6, max(base, needed + 4))
    }

    private static func removeView(_ confirm: RemoveConfirm, _ s: AppState, rows: Int, cols: Int) -> DialogView {
        let longest = confirm.entries.reduce(0) { max($0, CellGrid.columns(of: Format.shortName($1))) }
        let width = dialogWidth(
            base: 72, needed: confirm.isBulk ? longest + 32 : CellGrid.columns(of: confirm.entries.first?.name ?? "") + 15, cols: cols)
        let inner = DialogView.innerWidth(of: width)
        var top: [StyledLine] = []
        var list: [StyledLine] = []
        var bottom: [StyledLine] = []
        let title: String
        if !confirm.isBulk, let entry = confirm.entries.first {
            let size = s.sizeText(entry)
            if entry.status.isInUse {
                title = "Cannot remove volume"
                let count = entry.owners.count
                if count > 0 {
                    top += paragraph(
                        "\(entry.name) (\(size)) is in use by \(count) container\(count == 1 ? "" : "s"). The engine refuses to remove a volume that any container references, even a stopped one.",
                        width: inner)
                    top.append(.blank)
                    list = ownerLines(entry, resolved: s.resolvedOwners[entry.name], width: inner - 2).map { StyledLine("  ").adding($0) }
                    let names = entry.owners.map(\.containerName).joined(separator: " ")
                    let running = entry.runningOwnerCount > 0
                    bottom.append(.blank)
                    bottom += paragraph(
                        running
                            ? "Stop and remove those containers first (docker rm -f \(names)), then remove the volume."
                            : "Remove those stopped containers first (docker rm \(names)), then remove the volume.",
                        width: inner, .bold)
                } else {
                    top += paragraph(
                        "\(entry.name) (\(size)) is held by a voltop helper container (measuring or browsing it). Try again when it is done.",
                        width: inner)
                }
            } else {
                title = "Remove volume"
                top.append(StyledLine("Remove volume ").adding(entry.name, .bold).adding("?"))
                top.append(.blank)
                top.append(field("Size", size, .bold))
                top.append(field("Status", VolumeTable.status(entry).text, VolumeTable.status(entry).spans.first?.role ?? .normal))
                top.append(field("Driver", entry.volume.driver))
                if entry.volume.createdAt != nil {
                    top.append(field("Created", Format.age(entry.volume.created, now: s.now) + " ago"))
                }
                bottom.append(.blank)
                if let trash = s.trash {
                    bottom += paragraph(trash.line(sizes: [s.measuredSizes[entry.name] ?? entry.size.knownBytes]), width: inner, .bold)
                } else {
                    bottom.append(StyledLine("Its data is deleted for good; this cannot be undone.", .bold))
                }
            }
        } else {
            let removable = confirm.removable
            let blocked = confirm.blocked
            title = "Remove marked volumes"
            let total = Format.bytes(confirm.removableBytes)
            if removable.isEmpty {
                top += paragraph(
                    "None of the \(confirm.entries.count) marked volumes can be removed: containers use them all.", width: inner, .bold)
            } else if blocked.isEmpty {
                top.append(StyledLine("Remove these \(removable.count) volumes (", .normal).adding(total, .bold).adding(")?"))
            } else {
                let kept = blocked.count == 1 ? "The 1 in use is kept." : "The \(blocked.count) in use are kept."
                top += paragraph(
                    "Remove \(removable.count) of the \(confirm.entries.count) marked volumes (\(total))? \(kept)", width: inner)
            }
            top.append(.blank)
            let sizeWidth = 10
            let nameWidth = inner - 2 - sizeWidth - 2 - 18
            for entry in removable {
                list.append(
                    StyledLine("  ").adding(CellGrid.fitted(Format.shortName(entry), to: nameWidth), .bold)
                        .adding(CellGrid.fitted(s.sizeText(entry), to: sizeWidth, alignRight: true))
                        .adding("  ").adding(VolumeTable.status(entry)))
            }
            if !blocked.isEmpty {
                if !removable.isEmpty { list.append(.blank) }
                list.append(StyledLine("In use, kept (\(blocked.count)):", .heading))
                for entry in blocked {
                    let who = entry.owners.isEmpty ? "a voltop helper" : entry.owners.map(\.containerName).joined(separator: ", ")
                    list.append(
                        StyledLine("  ").adding(CellGrid.fitted(Format.shortName(entry), to: nameWidth), .dim)
                            .adding(CellGrid.fitted(s.sizeText(entry), to: sizeWidth, alignRight: true), .dim)
                            .adding("  used by \(who)", .dim))
                }
            }
            if !removable.isEmpty {
                bottom.append(.blank)
                if let trash = s.trash {
                    bottom += paragraph(
                        trash.line(sizes: removable.map { s.measuredSizes[$0.name] ?? $0.size.knownBytes }), width: inner, .bold)
                } else {
                    bottom.append(StyledLine("Their data is deleted for good; this cannot be undone.", .bold))
                }
            }
        }
        if confirm.isRemoving { bottom.append(StyledLine("\(spinner(s)) removing…", .dim)) }
        return DialogView(title: title, width: width, rows: rows, cols: cols, top: top, list: list, bottom: bottom, scroll: confirm.scroll)
    }

    // MARK: Prune

    private static func pruneView(_ prune: PruneDialog, _ s: AppState, rows: Int, cols: Int) -> DialogView {
        let longest = (prune.plan?.candidates ?? []).reduce(0) {
            max($0, $1.isAnonymous && Volume.looksAnonymous($1.name) ? 13 : CellGrid.columns(of: $1.name))
        }
        let width = dialogWidth(base: 76, needed: longest + 16, cols: cols)
        let inner = DialogView.innerWidth(of: width)
        var top: [StyledLine] = []
        var list: [StyledLine] = []
        var bottom: [StyledLine] = []
        let sizeWidth = 10
        let nameWidth = inner - 2 - sizeWidth
        // The list row of the candidate under the cursor (a fleet's sub-headings push it down).
        var cursorRow = prune.cursor
        if let result = prune.result {
            let skipped = result.skipped.count
            top.append(
                StyledLine("Removed ").adding("\(result.removed.count)", .bold)
                    .adding(result.removed.count == 1 ? " volume" : " volumes").adding(", reclaimed ")
                    .adding(Format.bytes(result.reclaimedBytes), .bold)
                    .adding(skipped > 0 ? "; skipped \(skipped)" : "", skipped > 0 ? .bold : .normal)
                    .adding(s.trash != nil && !result.removed.isEmpty ? "; kept \(result.kept.count) in the trash" : ""))
            top.append(.blank)
            for name in result.removed {
                list.append(
                    StyledLine("  ").adding("✓ ", .success).adding(Format.shortName(name)))
            }
            if !result.skipped.isEmpty {
                if !result.removed.isEmpty { list.append(.blank) }
                list.append(StyledLine("Skipped (\(skipped)): still there", .heading))
                for skip in result.skipped {
                    let name = Format.shortName(skip.name)
                    list.append(StyledLine("  ").adding("✗ ", .problem).adding(name, .bold).adding("  \(skip.reason)", .bold))
                    list += paragraph(skip.message, width: inner, .dim, indent: 4)
                }
            }
            if result.removed.isEmpty && result.skipped.isEmpty { list.append(StyledLine("  nothing was removed", .dim)) }
            return DialogView(
                title: "Prune finished", width: width, rows: rows, cols: cols, top: top, list: list, bottom: bottom, scroll: prune.scroll)
        }
        let isAnonymous = prune.mode == .unusedAnonymous
        top.append(
            StyledLine("Mode  ", .dim)
                .adding(isAnonymous ? "(•) unused anonymous" : "( ) unused anonymous", isAnonymous ? .bold : .dim)
                .adding("   ")
                .adding(isAnonymous ? "( ) all unused" : "(•) all unused", isAnonymous ? .dim : .bold)
                .adding("   Tab switches", .dim))
        top.append(.blank)
        if let error = prune.error {
            list = paragraph("✗ \(error.description)", width: inner, .problem)
        } else if let plan = prune.plan {
            if plan.candidates.isEmpty {
                list.append(StyledLine("Nothing to prune: no \(plan.mode.title) (local driver, no driver options).", .dim))
            }
            let ticked = prune.tickedPlan ?? plan
            // A fleet: a sub-heading per engine (the candidates come sorted by `ENGINE/name`), names without it.
            var groups: [String: (count: Int, bytes: Int64)] = [:]
            if s.isFleet {
                for candidate in plan.candidates {
                    let engine = FleetName.engine(of: candidate.name) ?? ""
                    let group = groups[engine] ?? (0, 0)
                    groups[engine] = (group.count + 1, group.bytes.saturatingAdd(max(0, candidate.sizeBytes ?? 0)))
                }
            }
            var currentEngine: String?
            for (i, candidate) in plan.candidates.enumerated() {
                if s.isFleet, let engine = FleetName.engine(of: candidate.name), engine != currentEngine {
                    currentEngine = engine
                    let group = groups[engine] ?? (0, 0)
                    if !list.isEmpty { list.append(.blank) }
                    list.append(
                        StyledLine(engine, .heading).adding(
                            "  \(group.count) volume\(group.count == 1 ? "" : "s") · \(Format.bytes(group.bytes))", .dim))
                }
                if i == prune.cursor { cursorRow = list.count }
                let own = FleetName.bare(candidate.name)
                let name = candidate.isAnonymous && Volume.looksAnonymous(own) ? String(own.prefix(12)) + "…" : own
                let isTicked = !prune.unticked.contains(candidate.name)
                var line = StyledLine(isTicked ? "[x] " : "[ ] ", isTicked ? .bold : .dim)
                    .adding(CellGrid.fitted(name, to: nameWidth - 4), isTicked ? (candidate.isAnonymous ? .leaked : .normal) : .dim)
                    .adding(
                        CellGrid.fitted(
                            candidate.sizeBytes.map { (s.measuredSizes[candidate.name] == nil ? "~" : "") + Format.bytes($0) } ?? "n/a",
                            to: sizeWidth,
                            alignRight: true), isTicked ? .normal : .dim)
                if i == prune.cursor, prune.result == nil { line = StyledLine("").adding(line.text, .selected) }
                list.append(StyledLine("  ").adding(line))
            }
            if !plan.candidates.isEmpty {
                bottom.append(StyledLine(String(repeating: "─", count: inner), .dim))
                let kept = plan.candidates.count - ticked.candidates.count
                let count =
                    "\(ticked.candidates.count) volume\(ticked.candidates.count == 1 ? "" : "s")"
                    + (kept > 0 ? " (\(kept) unticked, kept)" : "")
                let unknown = ticked.unknownSizeCount > 0 ? " (\(ticked.unknownSizeCount) of unknown size)" : ""
                let engineFigures = ticked.candidates.contains { $0.sizeBytes != nil && s.measuredSizes[$0.name] == nil }
                let total = "total " + (engineFigures ? "~" : "") + Format.bytes(ticked.totalBytes)
                let gap = max(2, inner - CellGrid.columns(of: count + unknown) - CellGrid.columns(of: total))
                bottom.append(
                    StyledLine(count, .bold).adding(unknown, .dim).adding(String(repeating: " ", count: gap)).adding(total, .bold))
            }
            if plan.mode == .unusedAnonymous, plan.anonymity == .labelOrNameShape {
                bottom += paragraph("Anonymous means a 64-hex name here: this engine labels none.", width: inner, .dim)
            }
            if !plan.excluded.isEmpty {
                bottom += paragraph(
                    "Never pruned (other driver or driver options): " + plan.excluded.joined(separator: ", "), width: inner, .dim)
            }
            if !plan.candidates.isEmpty {
                bottom.append(.blank)
                bottom += paragraph(
                    "y removes exactly the ticked volumes (Space unticks), one by one; one that comes into use meanwhile is skipped.",
                    width: inner, .dim)
                if let trash = s.trash {
                    bottom += paragraph(trash.line(sizes: ticked.candidates.map(\.sizeBytes)), width: inner, .bold)
                }
            }
        } else {
            list = [StyledLine("\(spinner(s)) previewing \(prune.mode.title)…", .dim)]
        }
        if prune.isExecuting { bottom.append(StyledLine("\(spinner(s)) pruning…", .dim)) }
        let scope = prune.scope.map { " \($0.description)" } ?? ""
        var view = DialogView(
            title: "Prune \(prune.mode.title)\(scope)", width: width, rows: rows, cols: cols, top: top, list: list, bottom: bottom,
            scroll: prune.scroll)
        // Keep the cursor in view.
        if prune.result == nil, prune.plan?.candidates.isEmpty == false, view.listHeight > 0 {
            let row = cursorRow
            if row >= view.scroll + view.listHeight { view.scroll = row - view.listHeight + 1 }
            if row < view.scroll { view.scroll = row }
        }
        return view
    }
}

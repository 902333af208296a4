import VolumeCore

extension Dashboard {
    /// One mount of a container as the mounts view lists it.
    struct MountRow: Sendable, Equatable {
        /// `volume`, `bind`, `tmpfs`, …
        var type: String
        /// `SOURCE:DESTINATION` (`HOST-DIR:CONTAINER-DIR` for binds), or the tmpfs path and options.
        var text: String
        /// `rw` or `ro`.
        var access: String
        /// The volume's name, for a volume mount.
        var volume: String? = nil
        /// The container named in `--volumes-from` that the mount came through, once the detail is loaded.
        var via: String? = nil
    }

    /// Every mount of a container: the list's mounts, plus `--tmpfs` ones once its detail is loaded. A volume
    /// mount that one of its `--volumes-from` containers has at the same place came through that container.
    static func mountRows(_ container: Container, detail: ContainerDetail?, containers: [Container] = []) -> [MountRow] {
        let mounts = detail?.mounts ?? container.mounts.sorted { $0.destination < $1.destination }
        let sources = (detail?.volumesFrom ?? []).compactMap { from in
            containers.first { $0.name == from || $0.id == from || (from.count >= 12 && $0.id.hasPrefix(from)) }
        }
        var rows = mounts.map { m -> MountRow in
            let access = m.isReadWrite ? "rw" : "ro"
            switch m.type {
            case "volume":
                let name = m.name ?? "?"
                let shown = Format.shortName(name, withEngine: false)
                let via = sources.first { source in
                    source.mounts.contains { $0.type == "volume" && $0.name == m.name && $0.destination == m.destination }
                }
                return MountRow(type: "volume", text: "\(shown):\(m.destination)", access: access, volume: m.name, via: via?.name)
            case "bind":
                return MountRow(type: "bind", text: "\(m.source):\(m.destination)", access: access)
            case "tmpfs":
                return MountRow(type: "tmpfs", text: m.destination, access: access)
            default:
                let source = m.source.isEmpty ? "" : "\(m.source):"
                return MountRow(type: m.type, text: source + m.destination, access: access)
            }
        }
        for t in detail?.tmpfs ?? [] {
            rows.append(MountRow(type: "tmpfs", text: t.destination + (t.options.isEmpty ? "" : "  (\(t.options))"), access: "rw"))
        }
        return rows
    }

    /// `2 volumes · 1 bind · 1 tmpfs`.
    static func mountSummary(_ rows: [MountRow]) -> String {
        guard !rows.isEmpty else { return "none" }
        var counts: [(String, Int)] = []
        for row in rows {
            if let i = counts.firstIndex(where: { $0.0 == row.type }) { counts[i].1 += 1 } else { counts.append((row.type, 1)) }
        }
        let order = ["volume", "bind", "tmpfs"]
        counts.sort { (order.firstIndex(of: $0.0) ?? 9, $0.0) < (order.firstIndex(of: $1.0) ?? 9, $1.0) }
        return counts.map { type, n in "\(n) \(type == "volume" ? "vol" : type)" }.joined(separator: " · ")
    }

    static func renderContainers(_ s: AppState, _ layout: PaneLayout, _ grid: inout CellGrid, _ theme: Theme) {
        let rect = layout.main
        guard rect.height >= 3 else { return }
        let containers = s.catalog.containers
        let body = layout.tableBody
        var right = "m or Esc: volumes"
        if containers.count > body.height { right = "\(s.mounts.cursor.selection + 1)/\(containers.count) · " + right }
        grid.titleRule(
            row: rect.row, col: rect.col, width: rect.width, title: "Containers (\(containers.count)) · mounts",
            right: right, theme: theme, isFocused: s.dialog == nil)
        let stateWidth = 10
        let mountsWidth = min(30, max(24, rect.width / 4))
        let flex = rect.width - 2 - stateWidth - mountsWidth - 3
        let nameWidth = max(10, flex * 9 / 20)
        let imageWidth = max(8, flex - nameWidth)
        let cols: [(String, Int)] = [("NAME", nameWidth), ("STATE", stateWidth), ("IMAGE", imageWidth), ("MOUNTS", mountsWidth)]
        var x = rect.col + 2
        for (title, w) in cols {
            grid.put(fitted: title, row: rect.row + 1, col: x, width: w, style: theme.style(.columnHeader))
            x += w + 1
        }
        guard !containers.isEmpty else {
            grid.put(
                s.hasLoadedCatalog ? "no containers" : "\(spinner(s)) loading…", row: body.row + 1, col: rect.col + 2,
                style: theme.style(.dim))
            return
        }
        let offset = visibleOffset(
            selection: s.mounts.cursor.selection, offset: s.mounts.cursor.scroll, count: containers.count, height: body.height)
        for i in 0..<min(body.height, containers.count - offset) {
            let index = offset + i
            let container = containers[index]
            let row = body.row + i
            let overlay: CellStyle? = index == s.mounts.cursor.selection ? theme.style(.selected) : nil
            if let overlay { grid.fill(row: row, col: rect.col, width: rect.width, style: overlay) }
            let rows = mountRows(container, detail: s.containerDetails[container.id], containers: s.catalog.containers)
            let cells: [StyledLine] = [
                StyledLine(container.name, .bold),
                StyledLine(container.state, container.isRunning ? .running : .stopped),
                StyledLine(container.image, .dim),
                StyledLine(mountSummary(rows))
            ]
            var x = rect.col + 2
            for (cell, (_, w)) in zip(cells, cols) {
                grid.put(cell, row: row, col: x, width: w, theme: theme, overlay: overlay)
                x += w + 1
            }
        }
    }

    /// The mounts pane's lines for the selected container: its mounts first, then what it is.
    static func mountLines(_ s: AppState, width: Int) -> [StyledLine] {
        guard let container = s.selectedContainer else { return [] }
        var lines: [StyledLine] = []
        let detail = s.containerDetails[container.id]
        let rows = mountRows(container, detail: detail, containers: s.catalog.containers)
        let typeWidth = 8
        let textWidth = max(10, width - 1 - 1 - typeWidth - 3)
        lines.append(
            StyledLine(
                " " + CellGrid.fitted("TYPE", to: typeWidth) + CellGrid.fitted("SOURCE:DESTINATION", to: textWidth) + " RW", .columnHeader))
        if rows.isEmpty { lines.append(StyledLine(" no mounts", .dim)) }
        for row in rows {
            lines.append(
                StyledLine(" ").adding(CellGrid.fitted(row.type, to: typeWidth), row.type == "volume" ? .bold : .normal)
                    .adding(CellGrid.fitted(row.text, to: textWidth)).adding(" " + row.access, row.access == "ro" ? .bold : .dim))
            if let via = row.via {
                lines.append(
                    StyledLine(" " + String(repeating: " ", count: typeWidth)).adding("via --volumes-from ", .dim).adding(via, .bold))
            }
        }
        if detail == nil {
            if let error = s.containerDetailErrors[container.id] {
                lines.append(StyledLine(" --tmpfs mounts unknown: \(error)", .dim))
            } else {
                lines.append(StyledLine(" loading --tmpfs mounts…", .dim))
            }
        }
        lines.append(.blank)
        lines.append(
            field(
                "State", container.state + (container.status.isEmpty ? "" : " · \(container.status)"),
                container.isRunning ? .running : .stopped))
        lines.append(field("Image", container.image))
        if let project = container.composeProject {
            lines.append(field("Compose", project + (container.composeService.map { " / \($0)" } ?? "")))
        }
        lines.append(field("ID", String(container.id.prefix(12)), .dim))
        return lines
    }

    static func renderMounts(_ s: AppState, _ rect: Rect, _ grid: inout CellGrid, _ theme: Theme) {
        let lines = mountLines(s, width: rect.width)
        let view = rect.height - 1
        let offset = max(0, min(s.mounts.detailScroll, lines.count - view))
        let title = s.selectedContainer.map { "Mounts of \($0.name)" } ?? "Mounts"
        grid.titleRule(row: rect.row, col: rect.col, width: rect.width, title: title, theme: theme, isFocused: false)
        for (i, line) in lines.dropFirst(offset).prefix(view).enumerated() {
            grid.put(line, row: rect.row + 1 + i, col: rect.col, width: rect.width - 1, theme: theme)
        }
    }
}

import VolumeCore

extension Dashboard {
    /// Width of the key column in detail panes.
    static let detailKeyWidth = 12

    /// A `Key        value` line of a detail pane.
    static func field(_ key: String, _ value: String, _ role: Theme.Role = .normal) -> StyledLine {
        StyledLine(" " + CellGrid.fitted(key, to: detailKeyWidth - 1), .dim).adding(value, role)
    }

    /// The detail pane's lines for the selected volume: what matters most (status, size, owners) first.
    static func detailLines(_ s: AppState, width: Int) -> [StyledLine] {
        guard let entry = s.selectedEntry else { return [] }
        var lines: [StyledLine] = []
        let volume = entry.volume
        let keyPad = String(repeating: " ", count: detailKeyWidth)
        let valueWidth = max(8, width - detailKeyWidth - 1)
        let (engine, own) = FleetName.split(volume.name)
        if Volume.looksAnonymous(own) { lines += wrappedField("Name", own, width: valueWidth, .bold) }
        if let engine { lines += wrappedField("Engine", engine, width: valueWidth, .bold) }
        var status = s.areOwnersLoading ? StyledLine("\(spinner(s)) loading owners…", .dim) : VolumeTable.status(entry)
        let summary = " · " + ownerSummary(entry)
        if !entry.owners.isEmpty, detailKeyWidth + CellGrid.columns(of: status.text + summary) < width {
            status = status.adding(" · ", .dim).adding(ownerSummary(entry))
        }
        if entry.isPinnedByHelper { status = status.adding(" · held by a voltop helper", .dim) }
        lines.append(field("Status", "").adding(status))
        switch entry.size {
        case .bytes(let b):
            if s.measuredSizes[entry.name] != nil {
                lines.append(field("Size", Format.bytes(b), .bold).adding(" on disk (measured by voltop)", .dim))
            } else {
                lines.append(
                    field("Size", "~" + Format.bytes(b), .bold).adding(" the engine's figure: file lengths only, not disk usage", .dim))
            }
        case .unknown(let reason): lines.append(field("Size", "n/a: \(reason)", .dim))
        case .notRequested: lines.append(field("Size", s.isLoadingSizes ? "\(spinner(s)) measuring…" : "-", .dim))
        }
        if let growth = s.growth {
            if let g = growth.volumes[entry.name] {
                var rate = field("Growth", GrowthText.rate(g.shortRate), (g.shortRate ?? 0) > 0 ? .bold : .normal)
                if let long = g.longRate { rate = rate.adding(" over 10 s · \(GrowthText.rate(long)) over 1 min", .dim) }
                lines.append(rate)
                if g.history.contains(where: { $0 != nil }) {
                    lines.append(
                        field("Trend", GrowthText.sparkline(Array(g.history.drop { $0 == nil }))).adding("  size over 5 min", .dim))
                }
                if g.writers.isEmpty {
                    lines.append(field("Writers", g.writersSeen ? "none seen in the last 15 s" : "-", .dim))
                } else {
                    let title = g.writersSeen ? "Writers" : "May write"
                    for (i, writer) in g.writers.enumerated() {
                        var text = writer.label
                        if writer.container != nil, let pid = writer.pid {
                            let command = writer.command.map { $0 == "(exited)" ? "exited" : Sanitizer.inline($0) }
                            text += " (pid \(pid)\(command.map { ", " + $0 } ?? ""))"
                        }
                        lines.append(i == 0 ? field(title, text) : StyledLine(keyPad + text))
                    }
                }
            } else {
                lines.append(field("Growth", "- (no running container mounts it read-write)", .dim))
            }
        }

        let resolved = s.resolvedOwners[entry.name]
        if s.areOwnersLoading {
            lines.append(field("Owners", "loading…", .dim))
        } else if entry.owners.isEmpty {
            lines.append(field("Owners", "none: no container uses it", .dim))
        } else {
            var owners = ownerLines(entry, resolved: resolved, width: width - detailKeyWidth)
            owners[0] = field("Owners", "").adding(owners[0])
            for i in owners.indices.dropFirst() { owners[i] = StyledLine(keyPad).adding(owners[i]) }
            lines += owners
            if let error = s.resolveErrors[entry.name] {
                lines.append(StyledLine(keyPad + "--volumes-from unknown: \(error)", .dim))
            } else if resolved == nil {
                // Asked for as soon as the volume is selected; the owners' sources follow by themselves.
                let pending = s.requestedOwners.contains(entry.name) ? "resolving --volumes-from… · " : ""
                lines.append(StyledLine(keyPad + pending + "o acts on the owners", .dim))
            }
        }
        if let item = s.restored[entry.name] {
            // Restored from the trash this session: who owned it when it was removed, and when.
            lines += wrappedField("Owned by", ownersText(item), width: valueWidth, item.owners.isEmpty ? .dim : .normal)
            lines += wrappedField(
                "Restored", "from the trash; removed \(removedAge(item, now: s.now)) by \(item.command)", width: valueWidth, .success)
        }
        if entry.isAnonymous {
            let origin: String
            switch resolved?.origin {
            case .imageDeclared?: origin = "anonymous, from an image VOLUME"
            default:
                origin = "anonymous" + (entry.status == .unusedAnonymous && !s.areOwnersLoading ? ": no container uses it (leaked)" : "")
            }
            lines.append(field("Origin", origin, entry.status == .unusedAnonymous && !s.areOwnersLoading ? .leaked : .normal))
        }
        if let project = entry.composeProject {
            var compose = "project \(project)"
            if let v = volume.composeVolume { compose += " · volume \(v)" }
            lines.append(field("Compose", compose))
        }
        lines.append(field("Driver", "\(volume.driver) · scope \(volume.scope)"))
        lines += wrappedField("Mountpoint", volume.mountpoint.isEmpty ? "-" : volume.mountpoint, width: valueWidth)
        if let createdAt = volume.createdAt {
            lines.append(field("Created", "\(Format.age(s.selectedCreatedDate, now: s.now)) ago").adding(" · \(createdAt)", .dim))
            if let api = APIVersion(s.header.apiVersion), api < APIVersion.v1_42 {
                // Docker 20.10 reports the ctime of _data, which moves when its top level changes.
                lines.append(StyledLine(keyPad).adding("(Docker 20.10: _data's last change)", .dim))
            }
        }
        lines += keyValueLines("Labels", volume.labels, width: valueWidth)
        lines += keyValueLines("Options", volume.options, width: valueWidth)
        return lines
    }

    /// `Labels     key=value` lines, one pair each (long ones continued on the next line), or `none`.
    static func keyValueLines(_ title: String, _ pairs: [String: String], width: Int) -> [StyledLine] {
        guard !pairs.isEmpty else { return [field(title, "none", .dim)] }
        var lines: [StyledLine] = []
        for (i, key) in pairs.keys.sorted().enumerated() {
            lines += wrappedField(i == 0 ? title : "", "\(key)=\(pairs[key] ?? "")", width: width)
        }
        return lines
    }

    /// A field whose value is cut into pieces of `width` columns, continued under the value.
    static func wrappedField(_ key: String, _ value: String, width: Int, _ role: Theme.Role = .normal) -> [StyledLine] {
        let keyPad = String(repeating: " ", count: detailKeyWidth)
        let pieces = brokenAtBoundaries(Sanitizer.inline(Format.capped(value)), width: width)
        return pieces.prefix(4).enumerated().map { i, text in
            i == 0 ? field(key, text, role) : StyledLine(keyPad).adding(text, role)
        }
    }

    /// Text cut into pieces of at most `width` columns, each ending after a `/`, space, `,` or `=` where one
    /// falls in the second half of the piece (paths and `key=value` break between their parts, not mid-word).
    static func brokenAtBoundaries(_ text: String, width: Int) -> [String] {
        var pieces: [String] = []
        var piece: [Character] = []
        var used = 0
        for c in text {
            let w = CellGrid.width(of: c)
            if used + w > width, !piece.isEmpty {
                var cut = piece.count
                if let boundary = piece.lastIndex(where: { "/ ,=".contains($0) }), boundary + 1 < piece.count,
                    CellGrid.columns(of: String(piece[...boundary])) * 2 >= width
                {
                    cut = boundary + 1
                }
                pieces.append(String(piece[..<cut]))
                piece = Array(piece[cut...])
                used = CellGrid.columns(of: String(piece))
            }
            piece.append(c)
            used += w
        }
        pieces.append(String(piece))
        return pieces
    }

    /// `2 owners (1 running, 1 stopped)`.
    static func ownerSummary(_ entry: CatalogEntry) -> String {
        var parts: [String] = []
        if entry.runningOwnerCount > 0 { parts.append("\(entry.runningOwnerCount) running") }
        if entry.stoppedOwnerCount > 0 { parts.append("\(entry.stoppedOwnerCount) stopped") }
        let noun = entry.owners.count == 1 ? "owner" : "owners"
        return "\(entry.owners.count) \(noun) (\(parts.joined(separator: ", ")))"
    }

    /// One line per owner when the pane is wide (plus one for a `--volumes-from` source that does not fit),
    /// two or three when narrow.
    static func ownerLines(_ entry: CatalogEntry, resolved: ResolvedOwners?, width: Int) -> [StyledLine] {
        let sources = Dictionary(
            (resolved?.entry.owners ?? []).compactMap { o in o.volumesFrom.map { ("\(o.containerID)\u{0}\(o.destination)", $0) } },
            uniquingKeysWith: { a, _ in a })
        let nameWidth = min(24, entry.owners.map { CellGrid.columns(of: $0.containerName) }.max() ?? 4)
        let imageWidth = min(24, entry.owners.map { CellGrid.columns(of: $0.image) }.max() ?? 5)
        var lines: [StyledLine] = []
        for owner in entry.owners {
            let stateRole: Theme.Role = owner.isRunning ? .running : .stopped
            let marker = StyledLine(owner.isRunning ? "●" : "○", stateRole).adding(" ")
            let access = StyledLine(" " + (owner.isReadWrite ? "rw" : "ro"), owner.isReadWrite ? .normal : .bold)
            let source = owner.volumesFrom ?? sources["\(owner.containerID)\u{0}\(owner.destination)"]
            let via = source.map { StyledLine("via --volumes-from ", .dim).adding($0, .bold) }
            let service = owner.composeService.map { StyledLine("service ", .dim).adding($0) }
            if width >= 60 {
                let head = marker.adding(CellGrid.fitted(owner.containerName, to: nameWidth), .bold).adding("  ")
                    .adding(CellGrid.fitted(owner.state, to: 8), stateRole).adding("  ")
                let withImage = head.adding(CellGrid.fitted(owner.image, to: imageWidth), .dim).adding("  ")
                    .adding(owner.destination).adding(access)
                // Without room for all, the image goes first: where and how it is mounted matter more.
                let hasRoom = CellGrid.columns(of: withImage.text) <= width
                let line = hasRoom ? withImage : head.adding(owner.destination).adding(access)
                var full = line
                for extra in [hasRoom ? service : nil, via].compactMap({ $0 }) { full = full.adding("  ").adding(extra) }
                if CellGrid.columns(of: full.text) <= width {
                    lines.append(full)
                } else if let via {
                    lines.append(line)
                    lines.append(StyledLine("  ").adding(via))
                } else {
                    lines.append(line)
                }
            } else {
                lines.append(
                    marker.adding(owner.containerName, .bold).adding("  ").adding(owner.state, stateRole).adding("  ").adding(
                        owner.image, .dim))
                lines.append(StyledLine("  ").adding(owner.destination).adding(access))
                if let via { lines.append(StyledLine("  ").adding(via)) }
            }
        }
        return lines
    }

    static func renderDetail(_ s: AppState, _ rect: Rect, _ grid: inout CellGrid, _ theme: Theme) {
        let title = s.selectedEntry.map { Format.shortName($0) } ?? "Details"
        let isFocused = s.focus == .detail && s.dialog == nil
        let lines = detailLines(s, width: rect.width)
        let view = rect.height - 1
        let offset = max(0, min(s.detailScroll, lines.count - view))
        var right = ""
        if lines.count > view { right = "\(offset + 1)-\(min(lines.count, offset + view)) of \(lines.count)" }
        grid.titleRule(row: rect.row, col: rect.col, width: rect.width, title: title, right: right, theme: theme, isFocused: isFocused)
        guard s.selectedEntry != nil else {
            grid.put(
                " select a volume to see its owners, labels and options", row: rect.row + 1, col: rect.col, style: theme.style(.dim),
                maxWidth: rect.width)
            return
        }
        for (i, line) in lines.dropFirst(offset).prefix(view).enumerated() {
            grid.put(line, row: rect.row + 1 + i, col: rect.col, width: rect.width - 1, theme: theme)
        }
    }
}

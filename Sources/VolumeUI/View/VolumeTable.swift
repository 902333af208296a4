import VolumeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The volumes table's columns for a given width, and the text of each cell.
struct VolumeTable: Sendable {
    /// A table column.
    enum Column: Sendable, Equatable {
        case name, engine, driver, size, growth, owners, status, created, mountpoint, labels

        var title: String {
            switch self {
            case .name: return "NAME"
            case .engine: return "ENGINE"
            case .driver: return "DRIVER"
            case .size: return "SIZE"
            case .growth: return "GROWTH"
            case .owners: return "OWNERS"
            case .status: return "STATUS"
            case .created: return "CREATED"
            case .mountpoint: return "MOUNTPOINT"
            case .labels: return "LABELS"
            }
        }

        var isRightAligned: Bool { self == .size || self == .created || self == .growth }
    }

    /// A column placed at an offset from the table's left edge.
    struct Placed: Sendable, Equatable {
        var column: Column
        var col: Int
        var width: Int
    }

    /// Columns for the mark (`*`) in front of each row.
    static let markWidth = 2
    /// The narrowest NAME before other columns make way for it (on a screen under 80 columns).
    static let minNameWidth = 16

    /// The columns placed in order.
    let columns: [Placed]
    /// Whether OWNERS reads `2 (1 running, 1 stopped)` rather than `2 (1r 1s)`.
    let hasFullOwners: Bool

    /// The layout for a table `width` columns wide; `isWide` (a terminal of 140 columns or more) adds
    /// MOUNTPOINT and LABELS when they get room; `showsGrowth` (growth is followed) adds GROWTH after SIZE when
    /// the table is 90 columns or wider.
    /// `engineWidth` (a fleet: the longest engine label, at most 16) adds ENGINE after NAME; the engine gives way
    /// before DRIVER on a narrow table.
    init(width: Int, isWide: Bool, showsGrowth: Bool = false, engineWidth: Int? = nil) {
        hasFullOwners = width >= 130
        let gap = 1
        var fixed: [(Column, Int)] = [
            (.driver, isWide ? 8 : 6), (.size, 10), (.owners, hasFullOwners ? 24 : 10), (.status, 18), (.created, 7)
        ]
        // A narrow table keeps its room for names (the banner names the fastest-growing volume and the detail
        // pane shows each volume's growth; `w` sorts by it).
        // On a wide terminal GROWTH never costs MOUNTPOINT and LABELS their room.
        let roomBefore = width - Self.markWidth - fixed.reduce(0) { $0 + $1.1 + gap }
        let keepsExtras = !isWide || roomBefore < 20 + 2 * 12 + 2 * gap || roomBefore - 13 >= 20 + 2 * 12 + 2 * gap
        if showsGrowth && width >= 90 && keepsExtras { fixed.insert((.growth, 12), at: 2) }
        if let engineWidth { fixed.insert((.engine, max(6, min(16, engineWidth))), at: 0) }
        // Below 80 columns the table drops columns before NAME gets short, DRIVER first; NAME and SIZE stay.
        for dropped in [Column.driver, .growth, .created, .owners, .status, .engine] {
            guard width - Self.markWidth - fixed.reduce(0, { $0 + $1.1 + gap }) < Self.minNameWidth else { break }
            fixed.removeAll { $0.0 == dropped }
        }
        let fixedWidth = fixed.reduce(0) { $0 + $1.1 + gap }
        var flex = width - Self.markWidth - fixedWidth
        var name = flex
        var extra: [(Column, Int)] = []
        if isWide && flex >= 20 + 2 * 12 + 2 * gap {
            flex -= 2 * gap
            name = max(20, flex * 2 / 5)
            let mount = (flex - name) / 2
            extra = [(.mountpoint, mount), (.labels, flex - name - mount)]
        }
        fixed.insert((.name, max(8, name)), at: 0)
        var placed: [Placed] = []
        var x = Self.markWidth
        for (column, w) in fixed + extra {
            placed.append(Placed(column: column, col: x, width: w))
            x += w + gap
        }
        columns = placed
    }

    /// The text and role of one cell.
    func cell(_ column: Column, _ entry: CatalogEntry, created: Date?, state: AppState, width: Int) -> StyledLine {
        switch column {
        case .name:
            // In a fleet the ENGINE column names the engine.
            return Self.nameCell(Format.shortName(entry.name, withEngine: false), tag: Self.composeTag(entry), width: width)
        case .engine:
            return StyledLine(
                CellGrid.fitted(FleetName.engine(of: entry.name) ?? "", to: width, keepTail: true).trimmingTrailingSpaces, .dim)
        case .driver:
            return StyledLine(entry.volume.driver)
        case .size:
            if case .notRequested = entry.size, state.isLoadingSizes {
                return StyledLine(Dashboard.spinner(state), .dim)
            }
            if case .unknown = entry.size { return StyledLine("n/a", .dim) }
            return StyledLine(state.sizeText(entry), entry.size == .notRequested ? .dim : .normal)
        case .growth:
            guard let growth = state.growth?.volumes[entry.name] else { return StyledLine("-", .dim) }
            guard let rate = growth.shortRate else { return StyledLine("…", .dim) }
            return StyledLine(GrowthText.rate(rate), rate >= 1_048_576 ? .warning : rate == 0 ? .dim : .normal)
        case .owners:
            if state.areOwnersLoading { return StyledLine("…", .dim) }
            if entry.owners.isEmpty { return StyledLine(entry.isPinnedByHelper ? "helper" : "0", .dim) }
            return StyledLine(hasFullOwners ? Format.owners(entry) : Self.compactOwners(entry))
        case .status:
            if state.areOwnersLoading { return StyledLine("\(Dashboard.spinner(state)) loading", .dim) }
            return Self.status(entry)
        case .created:
            return StyledLine(Format.age(created, now: state.now))
        case .mountpoint:
            return StyledLine(Self.mountpointText(entry.volume.mountpoint, name: FleetName.bare(entry.name), width: width), .dim)
        case .labels:
            return StyledLine(Self.labelText(entry.volume.labels.filter { $0.key != Volume.anonymousLabel }), .dim)
        }
    }

    /// A name with its compose tag in a cell: both whole when they fit; else the tag keeps up to a third of
    /// the cell (cut with `…`) and the name the rest, so the tag never silently disappears.
    static func nameCell(_ name: String, tag: String?, width: Int) -> StyledLine {
        let nameWidth = CellGrid.columns(of: name)
        guard let tag else { return StyledLine(name) }
        let tagWidth = CellGrid.columns(of: tag) + 3
        if nameWidth + tagWidth <= width { return StyledLine(name).adding(" (\(tag))", .dim) }
        guard width >= 12 else { return StyledLine(name) }
        // The name keeps what it needs when the cut tag still shows 3 columns of its own; else two thirds.
        let nameRoom = nameWidth + 7 <= width ? nameWidth : max(width - min(tagWidth, max(7, width / 3)), width * 2 / 3)
        let tagRoom = width - nameRoom - 3
        let shownName = nameWidth <= nameRoom ? name : CellGrid.fitted(name, to: nameRoom)
        return StyledLine(shownName).adding(" (" + CellGrid.fitted(tag, to: tagRoom).trimmingTrailingSpaces + ")", .dim)
    }

    /// A Mountpoint in a cell: whole when it fits; else the part every volume shares (the engine's data root)
    /// gives way, from the volume's own directory on: `…/volumes/NAME/_data`, then `…/NAME/_data`.
    static func mountpointText(_ path: String, name: String, width: Int) -> String {
        guard CellGrid.columns(of: path) > width else { return path }
        guard let own = path.firstRange(of: "/" + name + "/") ?? path.lastRange(of: "/" + name) else {
            return CellGrid.fitted(path, to: width, keepTail: true).trimmingTrailingSpaces
        }
        let fromName = String(path[own.lowerBound...])
        let parent = path[..<own.lowerBound]
        if let slash = parent.lastIndex(of: "/") {
            let withParent = "…" + parent[slash...] + fromName
            if CellGrid.columns(of: withParent) <= width { return withParent }
        }
        return "…" + fromName
    }

    /// Owners as `2 (1r 1s)`, zero counts left out.
    static func compactOwners(_ entry: CatalogEntry) -> String {
        var parts: [String] = []
        if entry.runningOwnerCount > 0 { parts.append("\(entry.runningOwnerCount)r") }
        if entry.stoppedOwnerCount > 0 { parts.append("\(entry.stoppedOwnerCount)s") }
        return "\(entry.owners.count) (\(parts.joined(separator: " ")))"
    }

    /// The status with its role; leaked anonymous volumes get a `!` marker so they stand out without color.
    static func status(_ entry: CatalogEntry) -> StyledLine {
        switch entry.status {
        case .inUse: return StyledLine("in use", .running)
        case .inUseStopped: return StyledLine("in use (stopped)", .stopped)
        case .unused: return StyledLine("unused")
        case .unusedAnonymous: return StyledLine("! unused anonymous", .leaked)
        }
    }

    /// `project/service` for volumes compose made, when labelled and the name does not already say it.
    static func composeTag(_ entry: CatalogEntry) -> String? {
        guard let project = entry.composeProject else { return nil }
        if let volume = entry.volume.composeVolume {
            return FleetName.bare(entry.name) == "\(project)_\(volume)" ? nil : "\(project)/\(volume)"
        }
        if let service = entry.owners.lazy.compactMap(\.composeService).first { return "\(project)/\(service)" }
        return project
    }

    /// Labels as `k=v, k=v`, the user's own before compose's.
    static func labelText(_ labels: [String: String]) -> String {
        let keys = labels.keys.sorted { a, b in
            let ac = a.hasPrefix("com.docker.")
            let bc = b.hasPrefix("com.docker.")
            return ac != bc ? !ac : a < b
        }
        return keys.map { key in
            let value = Format.capped(labels[key] ?? "", limit: 256)
            return value.isEmpty ? Format.capped(key, limit: 256) : "\(Format.capped(key, limit: 256))=\(value)"
        }.joined(separator: ", ")
    }
}

extension String {
    /// The string without spaces at its end (`CellGrid.fitted` pads).
    var trimmingTrailingSpaces: String {
        var s = self
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }
}

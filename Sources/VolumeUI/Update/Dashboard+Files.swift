import VolumeCore

extension Dashboard {
    /// Why deleting is impossible through a helper container.
    static let helperDeleteReason = "the helper container mounts the volume read-only; run voltop as root on the engine host to delete"

    // MARK: Opening and closing

    /// `Enter` or `t` in the table: the file tree of the selected volume over the whole main area.
    static func openFiles(_ s: inout AppState) -> [Effect] {
        guard let entry = s.selectedEntry else {
            s.notice = Notice(kind: .info, text: "no volume is selected")
            return []
        }
        var effects: [Effect] = []
        if let open = s.files, open.volume != entry.name { effects.append(.closeFiles(volume: open.volume)) }
        s.files = FilePane(volume: entry.name)
        s.mode = .files
        effects.append(.openFiles(volume: entry.name))
        return effects
    }

    /// Esc or `q` in the tree: back to the table; the runtime stops scanning and watching.
    static func closeFiles(_ s: inout AppState) -> [Effect] {
        s.mode = .volumes
        guard let pane = s.files else { return [] }
        s.files = nil
        return [.closeFiles(volume: pane.volume)]
    }

    // MARK: Results

    static func filesOpened(_ volume: String, _ result: Result<FileSource, EngineError>, _ s: inout AppState) -> [Effect] {
        guard var pane = s.files, pane.volume == volume else { return [] }
        var effects: [Effect] = []
        switch result {
        case .success(let source):
            pane.source = source
            pane.openError = nil
            // Through the archive API only file lengths are known (disk usage would be an estimate): apparent first.
            if case .helper = source { pane.isApparent = true }
            // The scan follows at once; changes during it must not be missed.
            effects += watchIfChanged(&pane)
        case .failure(let error):
            pane.openError = error
            pane.isScanning = false
            pane.isRescanPending = false
            pane.progress = nil
        }
        s.files = pane
        return effects
    }

    static func filesProgress(_ volume: String, _ progress: ScanProgress, _ s: inout AppState) -> [Effect] {
        guard var pane = s.files, pane.volume == volume, pane.isScanning else { return [] }
        pane.progress = progress
        s.files = pane
        return []
    }

    static func filesScanned(_ volume: String, _ result: Result<ScanTree, EngineError>, _ s: inout AppState) -> [Effect] {
        guard var pane = s.files, pane.volume == volume else { return [] }
        pane.isScanning = false
        pane.progress = nil
        switch result {
        case .success(let tree):
            pane.apply(tree)
            pane.scanError = nil
            // A direct scan of the whole volume is the freshest measure of it: the table's SIZE follows the pane
            // (disk usage, as the column's own measurements are).
            if case .direct? = pane.source, tree.relativePath.isEmpty {
                s.apply(measured: [(volume, tree.diskUsageBytes)])
            }
        case .failure(let error):
            pane.scanError = error
        }
        var effects = watchIfChanged(&pane)
        if pane.isRescanPending {
            pane.isRescanPending = false
            effects += requestRescan(&pane)
        }
        s.files = pane
        return effects
    }

    static func filesChanged(_ volume: String, _ s: inout AppState) -> [Effect] {
        guard var pane = s.files, pane.volume == volume else { return [] }
        let effects = requestRescan(&pane)
        s.files = pane
        return effects
    }

    static func fileDeleted(_ volume: String, _ path: [[UInt8]], _ error: EngineError?, _ s: inout AppState) -> [Effect] {
        var what = Sanitizer.inline(bytes: Array(path.joined(separator: [UInt8(ascii: "/")])))
        if case .deleteFile(let confirm)? = s.dialog, confirm.volume == volume, confirm.path == path {
            s.dialog = nil
            what += " (\(Format.bytes(confirm.bytes)))"
        }
        if let error {
            s.errorBanner = error
            s.isErrorFromCatalog = false
        } else {
            s.notice = Notice(kind: .success, text: "deleted \(what)")
        }
        // Even a failed delete may have removed part of a directory: look again.
        guard var pane = s.files, pane.volume == volume else { return [] }
        let effects = requestRescan(&pane)
        s.files = pane
        return effects
    }

    static func volumeMeasured(_ name: String, _ result: Result<Int64, EngineError>, _ s: inout AppState) -> [Effect] {
        // A failure keeps the engine's figure.
        if case .success(let bytes) = result { s.apply(measured: [(name, bytes)]) }
        return []
    }

    /// A batch of measurements: applied together, with one sort and one summary for the whole batch.
    static func volumesMeasured(_ results: [String: Result<Int64, EngineError>], _ s: inout AppState) -> [Effect] {
        // A failure keeps the engine's figure.
        let batch = results.sorted { $0.key < $1.key }.compactMap { name, result -> (name: String, bytes: Int64)? in
            if case .success(let bytes) = result { return (name, bytes) }
            return nil
        }
        s.apply(measured: batch)
        return []
    }

    // MARK: Scans and watches

    /// Asks for a rescan unless one is in flight (then once more when it ends); nothing while the source is unknown.
    static func requestRescan(_ pane: inout FilePane) -> [Effect] {
        guard pane.source != nil, pane.openError == nil else { return [] }
        if pane.isScanning {
            pane.isRescanPending = true
            return []
        }
        pane.isScanning = true
        pane.progress = nil
        return [.rescanFiles(volume: pane.volume)]
    }

    /// A `.watchFiles` when the directories on screen differ from the ones last sent.
    static func watchIfChanged(_ pane: inout FilePane) -> [Effect] {
        guard pane.source != nil, pane.openError == nil else { return [] }
        let set = pane.watchSet
        guard set != pane.watched else { return [] }
        pane.watched = set
        return [.watchFiles(volume: pane.volume, directories: set)]
    }

    // MARK: Keys

    static func performInFiles(_ command: Command, _ s: inout AppState) -> [Effect] {
        guard var pane = s.files else { return closeFiles(&s) }
        var effects: [Effect] = []
        switch command {
        case .back:
            if pane.search.isActive {
                pane.search = FilePane.TreeSearch()
            } else if s.errorBanner != nil {
                s.errorBanner = nil
                return []
            } else {
                return closeFiles(&s)
            }
        case .stepInto:
            guard let tree = pane.tree, let row = pane.selectedRow else { return [] }
            guard tree.kind(of: row.node) == .directory else {
                s.files = pane
                return preview(&s)
            }
            pane.stepInto(row.path)
            effects += watchIfChanged(&pane)
        case .stepOut:
            if pane.stepOut() {
                effects += watchIfChanged(&pane)
            } else {
                s.notice = Notice(kind: .info, text: "already at the top of the volume (Esc returns to the table)")
            }
        case .search:
            pane.search = FilePane.TreeSearch(isEditing: true)
        case .nextMatch, .previousMatch:
            guard pane.search.isActive else {
                s.notice = Notice(kind: .info, text: "no search: press / and type part of a name")
                return []
            }
            if pane.jumpToMatch(forward: command == .nextMatch) {
                effects += watchIfChanged(&pane)
            } else {
                s.notice = Notice(kind: .info, text: "no name contains \"\(pane.search.input.text)\"")
            }
        case .moveUp, .moveDown, .pageUp, .pageDown, .moveTop, .moveBottom:
            let page = max(1, fileTreeBody(PaneLayout(s, rows: s.rows, cols: s.cols).main).height - 1)
            pane.selection = target(of: command, from: pane.selection, count: pane.rows.count, page: page)
        case .expand:
            guard let tree = pane.tree, let row = pane.selectedRow else { return [] }
            switch tree.kind(of: row.node) {
            case .directory:
                if !pane.expanded.contains(row.path) {
                    pane.expanded.insert(row.path)
                    pane.rebuildRows(keeping: row.path)
                    effects += watchIfChanged(&pane)
                } else if pane.rows.indices.contains(pane.selection + 1), pane.rows[pane.selection + 1].depth > row.depth {
                    pane.selection += 1
                }
            case .file:
                s.files = pane
                return preview(&s)
            default:
                s.files = pane
                return preview(&s)
            }
        case .collapse:
            guard let row = pane.selectedRow else { return [] }
            if pane.expanded.contains(row.path) {
                pane.expanded.remove(row.path)
                pane.rebuildRows(keeping: row.path)
                effects += watchIfChanged(&pane)
            } else if row.depth > 0, let parent = pane.rows[..<pane.selection].lastIndex(where: { $0.depth < row.depth }) {
                pane.selection = parent
            } else if pane.stepOut() {
                effects += watchIfChanged(&pane)
            }
        case .preview:
            s.files = pane
            return preview(&s)
        case .cycleSort:
            pane.sortKey = pane.sortKey.next
            pane.isSortReversed = false
            pane.rebuildRows(keeping: pane.selectedRow?.path)
        case .reverseSort:
            pane.isSortReversed.toggle()
            pane.rebuildRows(keeping: pane.selectedRow?.path)
        case .toggleApparent:
            pane.isApparent.toggle()
            pane.rebuildRows(keeping: pane.selectedRow?.path)
        case .deleteEntry:
            s.files = pane
            return confirmDelete(&s)
        case .refresh:
            if pane.openError != nil {
                let volume = pane.volume
                s.files = FilePane(volume: volume)
                return [.openFiles(volume: volume)]
            }
            effects += requestRescan(&pane)
        case .help:
            s.modeBeforeHelp = s.mode
            s.mode = .help
            s.helpScroll = 0
        default:
            break
        }
        s.files = pane
        return effects
    }

    /// `p` (or Enter on a file): its first bytes in an overlay.
    private static func preview(_ s: inout AppState) -> [Effect] {
        guard let pane = s.files, let tree = pane.tree, let row = pane.selectedRow else { return [] }
        if tree.kind(of: row.node) == .symlink {
            s.notice = Notice(kind: .info, text: symlinkNotice(tree, row.node))
            return []
        }
        guard tree.kind(of: row.node) == .file else {
            s.notice = Notice(
                kind: .info,
                text: "only regular files can be previewed; \(tree.displayName(of: row.node)) is a \(kindWord(tree.kind(of: row.node)))")
            return []
        }
        var canPage = true
        if case .helper? = pane.source { canPage = false }
        s.dialog = .preview(
            FilePreviewViewer(volume: pane.volume, path: row.path, scannedSize: tree.ownApparentBytes(of: row.node), canPage: canPage))
        return [.previewFile(volume: pane.volume, path: row.path)]
    }

    /// What Enter or `p` on a symlink says: where it points, and that voltop does not go there.
    static func symlinkNotice(_ tree: ScanTree, _ node: ScanTree.Node) -> String {
        let name = tree.displayName(of: node)
        guard let target = tree.displayLinkTarget(of: node) else {
            return "\(name) is a symlink (its target could not be read); voltop does not follow symlinks"
        }
        return "\(name) is a link to \(target), not followed (voltop never follows symlinks)"
    }

    /// `/` typed in the tree: Enter keeps the search (n and N step through it), Esc clears it.
    static func performInTreeSearch(_ command: Command, _ s: inout AppState) -> [Effect] {
        guard var pane = s.files else { return [] }
        switch command {
        case .applyInput:
            pane.search.isEditing = false
            if !pane.search.isActive {
                pane.search = FilePane.TreeSearch()
            } else if pane.search.matches.isEmpty {
                s.notice = Notice(kind: .info, text: "no name contains \"\(pane.search.input.text)\"")
            }
        case .discardInput:
            pane.search = FilePane.TreeSearch()
        default:
            break
        }
        s.files = pane
        return []
    }

    /// `d` in the tree: the confirm, or why deleting is impossible here.
    private static func confirmDelete(_ s: inout AppState) -> [Effect] {
        guard let pane = s.files, let tree = pane.tree, let row = pane.selectedRow, !row.path.isEmpty else {
            s.notice = Notice(kind: .info, text: "nothing is selected to delete")
            return []
        }
        guard pane.canDelete else {
            s.notice = Notice(kind: .disabled, text: "d delete is not available: \(helperDeleteReason)")
            return []
        }
        s.dialog = .deleteFile(
            FileDeleteConfirm(
                volume: pane.volume, path: row.path, kind: tree.kind(of: row.node), bytes: pane.bytes(of: row.node),
                isApparent: pane.isApparent, items: tree.itemCount(of: row.node)))
        return []
    }

    /// The confirm's keys: `y` deletes, Esc keeps.
    static func performInDeleteConfirm(_ command: Command, _ s: inout AppState) -> [Effect] {
        guard case .deleteFile(var confirm)? = s.dialog else { return [] }
        switch command {
        case .cancel:
            s.dialog = nil
        case .confirm:
            guard !confirm.isDeleting, !confirm.path.isEmpty else { return [] }
            guard !s.isReadOnly else {
                s.dialog = nil
                s.notice = Notice(kind: .disabled, text: "delete is disabled: \(readOnlyReason)")
                return []
            }
            confirm.isDeleting = true
            s.dialog = .deleteFile(confirm)
            return [.deleteFile(volume: confirm.volume, path: confirm.path, kind: confirm.kind)]
        default:
            break
        }
        return []
    }

    /// A kind as a word for messages: `directory`, `symlink`, `socket`.
    static func kindWord(_ kind: ScanTree.Kind) -> String {
        switch kind {
        case .unknown: return "entry of unknown type"
        case .file: return "file"
        case .directory: return "directory"
        case .symlink: return "symlink"
        case .fifo: return "named pipe"
        case .socket: return "socket"
        case .characterDevice: return "character device"
        case .blockDevice: return "block device"
        }
    }
}

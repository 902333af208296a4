import VolumeCore

extension Dashboard {
    /// The reason destructive keys give in read-only mode.
    static let readOnlyReason = "read-only mode (--read-only)"

    /// Takes the terminal's new size.
    static func resize(rows: Int, cols: Int, _ s: inout AppState) -> [Effect] {
        s.rows = max(0, rows)
        s.cols = max(0, cols)
        return []
    }

    /// Routes a key through the keymap's focused scopes, then to text fields. (A mouse event or resize wrapped as
    /// a key goes where `Action(terminalEvent:)` sends it.)
    static func handle(_ key: KeyPress, _ s: inout AppState) -> [Effect] {
        switch key {
        case .resize(let rows, let cols): return resize(rows: rows, cols: cols, &s)
        case .mouse(let event): return handleMouse(event, &s)
        default: break
        }
        s.notice = nil
        if let binding = s.keyMap.binding(for: key, in: s.keyScopes) {
            if binding.command.isDestructive && s.isReadOnly {
                let what = binding.footer ?? binding.help
                s.notice = Notice(kind: .disabled, text: "\(binding.keys[0]) \(what) is disabled: \(readOnlyReason)")
                return []
            }
            if s.areOwnersLoading, [.remove, .removeMarked, .toggleUnused].contains(binding.command) {
                s.notice = Notice(kind: .info, text: "the containers are still loading: owners are not known yet, try again in a moment")
                return []
            }
            return perform(binding.command, in: binding.scope, &s)
        }
        return edit(key.normalized, &s)
    }

    /// A key no binding took: typing into the focused text field, if there is one.
    static func edit(_ key: KeyPress, _ s: inout AppState) -> [Effect] {
        switch s.dialog {
        case .create(var form)?:
            guard !form.isSubmitting else { return [] }
            var field = form[form.focused]
            guard field.edit(key) else { return [] }
            form[form.focused] = field
            form.engineError = nil
            form.revalidate()
            s.dialog = .create(form)
        case .inspect(var viewer)?:
            guard viewer.isEditingSearch, viewer.search.edit(key) else { return [] }
            s.dialog = .inspect(viewer)
        case .prompt?:
            editPrompt(key, &s)
        case .some:
            return []
        case nil:
            if s.mode == .files, var pane = s.files, pane.search.isEditing {
                guard pane.search.input.edit(key) else { return [] }
                pane.findMatches()
                _ = pane.jumpToMatch(forward: true, includingSelection: true)
                let effects = watchIfChanged(&pane)
                s.files = pane
                return effects
            }
            guard s.table.isEditingFilter else { return [] }
            let name = s.selectedEntry?.name
            guard s.table.filter.edit(key) else { return [] }
            s.refilter(keeping: name)
        }
        return []
    }

    /// Runs a command from a binding of the given scope.
    static func perform(_ command: Command, in scope: KeyBinding.Scope, _ s: inout AppState) -> [Effect] {
        if command == .quit {
            s.shouldQuit = true
            return [.quit]
        }
        switch scope {
        case .global, .volumes: return performInTable(command, &s)
        case .detail:
            if command == .switchPane {
                s.focus = .table
                return []
            }
            scroll(.detail, command, &s)
        case .mounts: return performInMounts(command, &s)
        case .owners: return performInOwners(command, &s)
        case .trash: return performInTrash(command, &s)
        case .prompt: return performInPrompt(command, &s)
        case .transfer: return cancelTransfer(&s)
        case .help:
            if command == .back {
                s.mode = s.modeBeforeHelp == .files && s.files == nil ? .volumes : s.modeBeforeHelp
            } else {
                scroll(.help, command, &s)
            }
        case .filter:
            let name = s.selectedEntry?.name
            if command == .discardInput {
                s.table.filter = TextInput()
                s.refilter(keeping: name)
            }
            s.table.isEditingFilter = false
        case .form: return performInForm(command, &s)
        case .inspect, .search: performInInspect(command, &s)
        case .confirm:
            if case .deleteFile? = s.dialog { return performInDeleteConfirm(command, &s) }
            if case .purgeTrash? = s.dialog { return performInPurgeConfirm(command, &s) }
            return performInConfirm(command, &s)
        case .prune: return performInPrune(command, &s)
        case .files: return performInFiles(command, &s)
        case .treeSearch: return performInTreeSearch(command, &s)
        case .preview: return performInPreview(command, &s)
        }
        return []
    }

    private static func performInTable(_ command: Command, _ s: inout AppState) -> [Effect] {
        switch command {
        case .moveUp, .moveDown, .pageUp, .pageDown, .moveTop, .moveBottom:
            if s.table.cursor.move(command, count: s.table.visibleIndices.count, page: listPage(s)) { s.detailScroll = 0 }
        case .openFiles:
            return openFiles(&s)
        case .switchPane:
            guard let entry = s.selectedEntry else { return [] }
            s.focus = s.focus == .table ? .detail : .table
            if s.focus == .detail, s.resolvedOwners[entry.name] == nil, !s.requestedOwners.contains(entry.name) {
                s.requestedOwners.insert(entry.name)
                return [.resolveOwners(entry.name)]
            }
        case .back:
            if s.errorBanner != nil {
                s.errorBanner = nil
            } else if s.auditWarning != nil {
                s.auditWarning = nil
            } else if !s.table.filter.isEmpty {
                let name = s.selectedEntry?.name
                s.table.filter = TextInput()
                s.refilter(keeping: name)
            }
        case .toggleMark:
            guard let entry = s.selectedEntry else { return [] }
            if s.marked.remove(entry.name) == nil { s.marked.insert(entry.name) }
            moveSelection(to: min(s.table.cursor.selection + 1, s.table.visibleIndices.count - 1), &s)
        case .startFilter:
            s.table.isEditingFilter = true
        case .cycleSort:
            var next = s.table.sortKey.next
            // Growth only where it is followed.
            if next == .growth && s.growth == nil { next = next.next }
            s.table.sortKey = next
            s.table.isSortReversed = false
            s.resort(keeping: s.selectedEntry?.name)
        case .reverseSort:
            s.table.isSortReversed.toggle()
            s.resort(keeping: s.selectedEntry?.name)
        case .sortByGrowth:
            guard s.growth != nil else {
                s.notice = Notice(kind: .info, text: "growth is not followed on this engine")
                return []
            }
            s.table.sortKey = .growth
            s.table.isSortReversed = false
            s.resort(keeping: s.selectedEntry?.name)
        case .toggleUnused:
            s.table.isUnusedOnly.toggle()
            s.refilter(keeping: s.selectedEntry?.name)
        case .refresh:
            return s.requestCatalog() + s.requestSizes() + measureVolumes(s)
        case .mountsView:
            s.mode = .mounts
            s.focus = .table
            // At a container that uses the selected volume (the one Enter came from, if it does).
            if let entry = s.selectedEntry, !entry.owners.isEmpty,
                !(s.selectedContainer.map { c in entry.owners.contains { $0.containerID == c.id } } ?? false),
                let row = s.catalog.containers.firstIndex(where: { c in entry.owners.contains { $0.containerID == c.id } })
            {
                if s.mounts.cursor.select(row, count: s.catalog.containers.count) { s.mounts.detailScroll = 0 }
            }
            if let container = s.selectedContainer { return s.requestContainerDetail(container.id) }
        case .help:
            openHelp(&s)
        case .trashView:
            return openTrash(&s)
        case .clone, .export:
            return askForTransfer(command, &s)
        case .inspect:
            guard let entry = s.selectedEntry else { return noVolume(&s) }
            s.dialog = .inspect(InspectViewer(name: entry.name))
            return [.inspectVolume(entry.name)]
        case .create:
            s.dialog = .create(CreateForm(flavor: s.engineFlavor))
        case .remove:
            guard let entry = s.selectedEntry else { return noVolume(&s) }
            s.dialog = .remove(RemoveConfirm(entries: [entry], isBulk: false))
        case .removeMarked:
            let entries = s.catalog.entries.filter { s.marked.contains($0.name) }
            guard !entries.isEmpty else {
                s.notice = Notice(kind: .info, text: "no volumes are marked: mark them with Space, then press D")
                return []
            }
            s.dialog = .remove(RemoveConfirm(entries: entries, isBulk: true))
        case .ownersDialog:
            guard let entry = s.selectedEntry else { return noVolume(&s) }
            guard !entry.owners.isEmpty else {
                s.notice = Notice(kind: .info, text: "no container uses \(Sanitizer.inline(entry.name))")
                return []
            }
            s.dialog = .owners(OwnersDialog(volume: entry.name, owners: entry.owners))
        case .prune:
            // With a filter, the prune covers the rows the table shows, and says so.
            var scope: PruneDialog.Scope?
            if !s.table.filter.text.isEmpty {
                scope = PruneDialog.Scope(
                    names: Set(s.table.visibleIndices.map { s.catalog.entries[$0].name }), description: "matching /\(s.table.filter.text)")
            }
            s.dialog = .prune(PruneDialog(mode: .unusedAnonymous, scope: scope))
            return [.previewPrune(.unusedAnonymous)]
        default:
            break
        }
        return []
    }

    private static func noVolume(_ s: inout AppState) -> [Effect] {
        s.notice = Notice(kind: .info, text: "no volume is selected")
        return []
    }

    private static func performInMounts(_ command: Command, _ s: inout AppState) -> [Effect] {
        switch command {
        case .moveUp, .moveDown, .pageUp, .pageDown, .moveTop, .moveBottom:
            if s.mounts.cursor.move(command, count: s.catalog.containers.count, page: listPage(s)) { s.mounts.detailScroll = 0 }
            if let container = s.selectedContainer { return s.requestContainerDetail(container.id) }
        case .back:
            s.mode = .volumes
        case .showVolume:
            showVolume(&s)
        case .refresh:
            if let container = s.selectedContainer {
                s.containerDetails[container.id] = nil
                s.requestedContainerDetails.remove(container.id)
            }
            var effects = s.requestCatalog()
            if let container = s.selectedContainer { effects += s.requestContainerDetail(container.id) }
            return effects
        case .help:
            openHelp(&s)
        default:
            break
        }
        return []
    }

    /// Enter in the mounts view: the container's (next) volume selected in the table, the filter cleared if it hid it.
    private static func showVolume(_ s: inout AppState) {
        guard let container = s.selectedContainer else { return }
        let rows = mountRows(container, detail: s.containerDetails[container.id], containers: s.catalog.containers)
        let names = rows.compactMap(\.volume)
        guard !names.isEmpty else {
            s.notice = Notice(kind: .info, text: "\(Sanitizer.inline(container.name)) mounts no volume")
            return
        }
        var index = 0
        if let last = s.mounts.lastShown, last.container == container.id { index = (last.index + 1) % names.count }
        s.mounts.lastShown = (container.id, index)
        let name = names[index]
        guard let entryIndex = s.entryIndexByName[name] else {
            s.notice = Notice(kind: .info, text: "\(Sanitizer.inline(name)) is not in the table (yet): r reloads")
            return
        }
        if !s.table.visibleIndices.contains(entryIndex) {
            s.table.filter = TextInput()
            s.table.isUnusedOnly = false
            s.refilter(keeping: name)
        }
        if let row = s.table.visibleIndices.firstIndex(of: entryIndex) { moveSelection(to: row, &s) }
        s.mode = .volumes
        s.focus = .table
        let more = names.count > 1 ? "volume \(index + 1) of \(names.count) of \(Sanitizer.inline(container.name)); " : ""
        s.notice = Notice(kind: .info, text: "\(more)m returns to the mounts view")
    }

    private static func performInForm(_ command: Command, _ s: inout AppState) -> [Effect] {
        guard case .create(var form)? = s.dialog else { return [] }
        switch command {
        case .cancel:
            s.dialog = nil
            return []
        case .nextField, .previousField:
            let all = CreateForm.Field.allCases
            let step = command == .nextField ? 1 : all.count - 1
            form.focused = all[(form.focused.rawValue + step) % all.count]
        case .submit:
            guard !form.isSubmitting else { return [] }
            form.revalidate()
            guard case .success(var request) = form.request() else {
                s.dialog = .create(form)
                return []
            }
            // A fleet: the new volume goes to the selected volume's engine.
            if let engine = s.createTarget, let name = request.name { request.name = FleetName.qualified(name, engine: engine) }
            form.engineError = nil
            form.isSubmitting = true
            s.dialog = .create(form)
            return [.createVolume(request)]
        default:
            break
        }
        s.dialog = .create(form)
        return []
    }

    private static func performInInspect(_ command: Command, _ s: inout AppState) {
        guard case .inspect(var viewer)? = s.dialog else { return }
        let rows = inspectRows(viewer, cols: s.cols)
        switch command {
        case .cancel:
            s.dialog = nil
            return
        case .search:
            viewer.startSearch()
        case .applyInput:
            viewer.isEditingSearch = false
            viewer.applySearch(from: rows.line(ofRow: viewer.scroll))
            if let line = viewer.currentMatchLine, rows.firstRow.indices.contains(line) { viewer.scroll = max(0, rows.firstRow[line] - 2) }
        case .discardInput:
            viewer.isEditingSearch = false
        case .nextMatch, .previousMatch:
            viewer.step(forward: command == .nextMatch)
            if let line = viewer.currentMatchLine, rows.firstRow.indices.contains(line) { viewer.scroll = max(0, rows.firstRow[line] - 2) }
        case .toggleWrap:
            // The line at the top stays at the top.
            let top = rows.line(ofRow: viewer.scroll)
            viewer.wraps.toggle()
            viewer.column = 0
            let laid = inspectRows(viewer, cols: s.cols)
            viewer.scroll = laid.firstRow.indices.contains(top) ? laid.firstRow[top] : 0
        case .scrollLeft, .scrollRight:
            guard !viewer.wraps else {
                s.notice = Notice(kind: .info, text: "long lines fold: w cuts them at the edge, then h/l scroll sideways")
                return
            }
            let inner = DialogView.innerWidth(of: inspectWidth(cols: s.cols)) - String(viewer.lines?.count ?? 0).count - 3
            let longest = viewer.lines?.reduce(0) { max($0, CellGrid.columns(of: $1)) } ?? 0
            viewer.column = sideways(command, column: viewer.column, room: inner, longest: longest)
        default:
            s.dialog = .inspect(viewer)
            scroll(.inspect, command, &s)
            return
        }
        s.dialog = .inspect(viewer)
        setScroll(.inspect, viewer.scroll, &s)
    }

    /// Where `h`/`l` take the first shown column: half the room at a time, as `less` does, never past the point
    /// where the longest line's end is in view.
    static func sideways(_ command: Command, column: Int, room: Int, longest: Int) -> Int {
        let step = sidewaysStep(width: room)
        if command == .scrollLeft { return max(0, column - step) }
        guard column + room < longest else { return column }
        return column + step
    }

    private static func performInConfirm(_ command: Command, _ s: inout AppState) -> [Effect] {
        guard case .remove(var confirm)? = s.dialog else { return [] }
        switch command {
        case .cancel:
            s.dialog = nil
        case .confirm:
            guard confirm.canConfirm else { return [] }
            confirm.isRemoving = true
            s.dialog = .remove(confirm)
            let names = confirm.removable.map(\.name)
            var owners: [String: [String]] = [:]
            for name in names { if let seen = s.formerOwners[name], !seen.isEmpty { owners[name] = seen } }
            return [.removeVolumes(names, force: false, formerOwners: owners)]
        default:
            scroll(.dialog, command, &s)
        }
        return []
    }

    private static func performInPrune(_ command: Command, _ s: inout AppState) -> [Effect] {
        guard case .prune(var prune)? = s.dialog else { return [] }
        switch command {
        case .cancel:
            s.dialog = nil
        case .toggleMode, .modeAnonymous, .modeAll:
            guard prune.result == nil, !prune.isExecuting else { return [] }
            let mode: PruneMode
            switch command {
            case .modeAnonymous: mode = .unusedAnonymous
            case .modeAll: mode = .allUnused
            default: mode = prune.mode == .unusedAnonymous ? .allUnused : .unusedAnonymous
            }
            guard mode != prune.mode else { return [] }
            s.dialog = .prune(PruneDialog(mode: mode, scope: prune.scope))
            return [.previewPrune(mode)]
        case .confirm:
            if prune.result != nil {
                s.dialog = nil
                return []
            }
            guard prune.canConfirm, let plan = prune.tickedPlan else { return [] }
            prune.isExecuting = true
            s.dialog = .prune(prune)
            return [.executePrune(plan)]
        case .toggleMark:
            guard prune.result == nil, !prune.isExecuting, let plan = prune.plan, plan.candidates.indices.contains(prune.cursor) else {
                return []
            }
            let name = plan.candidates[prune.cursor].name
            if prune.unticked.contains(name) { prune.unticked.remove(name) } else { prune.unticked.insert(name) }
            prune.cursor = min(prune.cursor + 1, plan.candidates.count - 1)
            s.dialog = .prune(prune)
        case .moveUp, .moveDown, .pageUp, .pageDown, .moveTop, .moveBottom:
            guard prune.result == nil, let plan = prune.plan, !plan.candidates.isEmpty else {
                scroll(.dialog, command, &s)
                return []
            }
            prune.cursor = target(of: command, from: prune.cursor, count: plan.candidates.count, page: 10)
            s.dialog = .prune(prune)
        default:
            scroll(.dialog, command, &s)
        }
        return []
    }

    /// Where a movement command takes a cursor in a list of `count` rows.
    static func target(of command: Command, from current: Int, count: Int, page: Int) -> Int {
        RowCursor.target(of: command, from: current, count: count, page: page)
    }

    /// Rows a page key moves in the volumes table and the mounts view's container list (one less than shown).
    static func listPage(_ s: AppState) -> Int {
        max(1, PaneLayout(s, rows: s.rows, cols: s.cols).tableBody.height - 1)
    }

    /// Selects a table row; a different volume starts its detail pane at the top.
    static func moveSelection(to row: Int, _ s: inout AppState) {
        if s.table.cursor.select(row, count: s.table.visibleIndices.count) { s.detailScroll = 0 }
    }

    /// Opens the help at the section for where the user is (the file tree's keys from the tree, and so on).
    static func openHelp(_ s: inout AppState) {
        let scope: KeyBinding.Scope
        switch s.mode {
        case .files: scope = .files
        case .mounts: scope = .mounts
        case .trash: scope = .trash
        case .volumes, .help: scope = s.focus == .detail ? .detail : .volumes
        }
        s.modeBeforeHelp = s.mode
        s.mode = .help
        let lines = helpColumns(s, width: s.cols)
        let heading = StyledLine(" \(scope.title)", .heading)
        s.helpScroll = lines.count == 1 ? (lines[0].firstIndex(of: heading) ?? 0) : 0
    }
}

import VolumeCore

extension Dashboard {
    /// Keys in the owners dialog: move, pick an action (it waits for `y`), confirm, cancel or close.
    static func performInOwners(_ command: Command, _ s: inout AppState) -> [Effect] {
        guard case .owners(var dialog)? = s.dialog else { return [] }
        switch command {
        case .moveUp, .moveDown:
            guard !dialog.isWorking else { return [] }
            dialog.cursor = target(of: command, from: dialog.cursor, count: dialog.owners.count, page: 1)
            dialog.pending = nil
        case .stopOwner, .startOwner, .removeOwner:
            guard !dialog.isWorking, let owner = dialog.selected else { return [] }
            let name = Sanitizer.inline(owner.containerName)
            switch command {
            case .stopOwner where !owner.isRunning:
                dialog.outcome = ("\(name) is not running: nothing to stop", true)
            case .startOwner where owner.isRunning:
                dialog.outcome = ("\(name) is already running", true)
            case .removeOwner where owner.isRunning:
                dialog.outcome = ("\(name) is running: stop it first (s), then remove it", true)
            default:
                dialog.pending = command == .stopOwner ? .stop : command == .startOwner ? .start : .remove
                dialog.outcome = nil
            }
        case .confirm:
            guard !dialog.isWorking, let action = dialog.pending, let owner = dialog.selected else { return [] }
            dialog.isWorking = true
            dialog.pending = nil
            s.dialog = .owners(dialog)
            return [.actOnContainer(id: owner.containerID, name: owner.containerName, action)]
        case .cancel:
            if dialog.pending != nil {
                dialog.pending = nil
            } else {
                s.dialog = nil
                return []
            }
        default:
            return []
        }
        s.dialog = .owners(dialog)
        return []
    }

    static func containerActed(_ name: String, _ action: ContainerAction, _ error: EngineError?, _ s: inout AppState) -> [Effect] {
        let text = error.map { "✗ \($0.description)" } ?? "✓ \(action.done) \(Sanitizer.inline(name))"
        if case .owners(var dialog)? = s.dialog {
            dialog.isWorking = false
            dialog.outcome = (text, error != nil)
            s.dialog = .owners(dialog)
        } else if error == nil {
            s.notice = Notice(kind: .success, text: text)
        }
        // The engine's events refresh the catalog too; ask at once so the dialog follows.
        return s.requestCatalog()
    }

    /// The other volumes a container mounts, by name.
    static func otherVolumes(of owner: VolumeOwner, besides volume: String, in s: AppState) -> [String] {
        let container = s.catalog.containers.first { $0.id == owner.containerID }
        return (container?.mounts ?? []).compactMap { $0.type == "volume" ? $0.name : nil }.filter { $0 != volume }
    }

    static func ownersView(_ dialog: OwnersDialog, _ s: AppState, rows: Int, cols: Int) -> DialogView {
        let width = min(cols - 6, 76)
        let inner = DialogView.innerWidth(of: width)
        var top: [StyledLine] = []
        var list: [StyledLine] = []
        var bottom: [StyledLine] = []
        top += paragraph("Containers that hold \(dialog.volume): the engine keeps a volume while any of them exists, even stopped.", width: inner)
        top.append(.blank)
        for (i, owner) in dialog.owners.enumerated() {
            let state = owner.isRunning ? "running" : owner.state
            let text = CellGrid.fitted(owner.containerName, to: max(8, inner - 34)) + "  " + CellGrid.fitted(state, to: 9) + "  "
                + CellGrid.fitted(owner.destination + (owner.isReadWrite ? " rw" : " ro"), to: 19)
            let line = StyledLine("  ").adding(text, i == dialog.cursor ? .selected : (owner.isRunning ? .running : .stopped))
            list.append(line)
        }
        if dialog.owners.isEmpty {
            list.append(StyledLine("  no container holds it any more: Esc, then d removes the volume", .dim))
        }
        if dialog.selected == nil, let outcome = dialog.outcome {
            bottom.append(.blank)
            bottom += paragraph(outcome.text, width: inner, outcome.isError ? .problem : .success)
        }
        if let owner = dialog.selected {
            let others = otherVolumes(of: owner, besides: dialog.volume, in: s)
            bottom.append(.blank)
            if let action = dialog.pending {
                var question = "\(action.verb.prefix(1).uppercased() + action.verb.dropFirst()) container \(owner.containerName)?"
                if !others.isEmpty { question += " It also mounts: \(others.joined(separator: ", "))." }
                if action == .remove { question += " Its volumes stay." }
                bottom += paragraph(question + " y confirms, Esc cancels.", width: inner, .bold)
            } else if let outcome = dialog.outcome {
                bottom += paragraph(outcome.text, width: inner, outcome.isError ? .problem : .success)
            } else {
                bottom += paragraph(
                    (owner.isRunning ? "s stops it" : "S starts it · x removes it (its volumes stay)")
                        + (others.isEmpty ? "" : "; it also mounts \(others.joined(separator: ", "))"), width: inner, .dim)
            }
        }
        if dialog.isWorking { bottom.append(StyledLine("\(spinner(s)) working…", .dim)) }
        var view = DialogView(title: "Owners of \(dialog.volume)", width: width, rows: rows, cols: cols, top: top, list: list, bottom: bottom, scroll: 0)
        if dialog.cursor >= view.listHeight { view.scroll = dialog.cursor - view.listHeight + 1 }
        return view
    }
}

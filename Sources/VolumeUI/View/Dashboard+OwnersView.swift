import VolumeCore

extension Dashboard {
    /// The other volumes a container mounts, by name.
    static func otherVolumes(of owner: VolumeOwner, besides volume: String, in s: AppState) -> [String] {
        let container = s.catalog.containers.first { $0.id == owner.containerID }
        return (container?.mounts ?? []).compactMap { $0.type == "volume" ? $0.name : nil }.filter { $0 != volume }
    }

    static func ownersView(_ dialog: OwnersDialog, _ s: AppState, rows: Int, cols: Int) -> DialogView {
        let longest = dialog.owners.reduce(0) { max($0, CellGrid.columns(of: $1.containerName)) }
        let width = dialogWidth(base: 76, needed: longest + 34, cols: cols)
        let inner = DialogView.innerWidth(of: width)
        var top: [StyledLine] = []
        var list: [StyledLine] = []
        var bottom: [StyledLine] = []
        top += paragraph(
            "Containers that hold \(dialog.volume): the engine keeps a volume while any of them exists, even stopped.", width: inner)
        top.append(.blank)
        for (i, owner) in dialog.owners.enumerated() {
            let state = owner.isRunning ? "running" : owner.state
            let text =
                CellGrid.fitted(owner.containerName, to: max(8, inner - 34)) + "  " + CellGrid.fitted(state, to: 9) + "  "
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
        var view = DialogView(
            title: "Owners of \(dialog.volume)", width: width, rows: rows, cols: cols, top: top, list: list, bottom: bottom, scroll: 0)
        if dialog.cursor >= view.listHeight { view.scroll = dialog.cursor - view.listHeight + 1 }
        return view
    }
}

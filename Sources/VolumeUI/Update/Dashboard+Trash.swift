import VolumeCore

/// The trash view (browse, restore, purge) and the long work the dashboard starts (restore, clone, export).
extension Dashboard {
    /// `T`: the trash view, read afresh.
    static func openTrash(_ s: inout AppState) -> [Effect] {
        s.mode = .trash
        s.focus = .table
        return requestTrash(&s)
    }

    /// Reads the trash unless a read is in flight.
    static func requestTrash(_ s: inout AppState) -> [Effect] {
        guard !s.trashView.isLoading else { return [] }
        s.trashView.isLoading = true
        return [.loadTrash]
    }

    static func performInTrash(_ command: Command, _ s: inout AppState) -> [Effect] {
        switch command {
        case .moveUp, .moveDown, .pageUp, .pageDown, .moveTop, .moveBottom:
            if s.trashView.cursor.move(command, count: s.trashView.items?.count ?? 0, page: listPage(s)) { s.trashView.detailScroll = 0 }
        case .back:
            s.mode = .volumes
        case .refresh:
            return requestTrash(&s)
        case .help:
            openHelp(&s)
        case .restore, .restoreAs:
            guard let item = s.trashView.selected else { return emptyTrash(&s) }
            guard s.transfer == nil else { return busy(&s) }
            if command == .restoreAs {
                openPrompt(PromptDialog(purpose: .restoreAs(item), input: TextInput(freeName(item.name + "-restored", s))), &s)
                return []
            }
            // The engine decides whether the name is taken (the table may not have caught up with a removal yet);
            // when it is, `transferFinished` asks for a new name.
            return startTransfer(.restore(item, as: item.name), &s)
        case .purge:
            guard let item = s.trashView.selected else { return emptyTrash(&s) }
            s.dialog = .purgeTrash(TrashPurgeConfirm(item: item))
        default:
            break
        }
        return []
    }

    private static func emptyTrash(_ s: inout AppState) -> [Effect] {
        s.notice = Notice(kind: .info, text: s.trashView.items == nil ? "the trash is still loading" : "the trash is empty")
        return []
    }

    private static func busy(_ s: inout AppState) -> [Effect] {
        s.notice = Notice(kind: .info, text: "one transfer at a time: wait for the one that runs, or cancel it with Esc")
        return []
    }

    /// A name no volume in the table has: `base`, else `base-2`, `base-3`…
    static func freeName(_ base: String, _ s: AppState) -> String {
        guard s.entryIndexByName[base] != nil else { return base }
        for n in 2..<1000 where s.entryIndexByName["\(base)-\(n)"] == nil { return "\(base)-\(n)" }
        return base
    }

    /// Opens a prompt with its answer checked.
    static func openPrompt(_ prompt: PromptDialog, _ s: inout AppState) {
        var prompt = prompt
        prompt.problem = prompt.validate(flavor: s.engineFlavor) { s.entryIndexByName[$0] != nil }
        s.dialog = .prompt(prompt)
    }

    /// `C` and `e` in the table: ask for the clone's name or the archive's file.
    static func askForTransfer(_ command: Command, _ s: inout AppState) -> [Effect] {
        guard let entry = s.selectedEntry else {
            s.notice = Notice(kind: .info, text: "no volume is selected")
            return []
        }
        guard s.transfer == nil else { return busy(&s) }
        if command == .clone {
            openPrompt(PromptDialog(purpose: .clone(source: entry.name), input: TextInput(freeName(entry.name + "-copy", s))), &s)
        } else {
            let size = s.measuredSizes[entry.name] ?? entry.size.knownBytes
            let file = Sanitizer.inline(entry.name).replacingAll("/", with: "_") + ".tar"
            openPrompt(PromptDialog(purpose: .export(volume: entry.name, sizeBytes: size), input: TextInput(file)), &s)
        }
        return []
    }

    static func performInPrompt(_ command: Command, _ s: inout AppState) -> [Effect] {
        guard case .prompt(var prompt)? = s.dialog else { return [] }
        switch command {
        case .cancel:
            s.dialog = nil
        case .submit:
            prompt.problem = prompt.validate(flavor: s.engineFlavor) { s.entryIndexByName[$0] != nil }
            guard prompt.problem == nil else {
                s.dialog = .prompt(prompt)
                return []
            }
            guard s.transfer == nil else { return busy(&s) }
            s.dialog = nil
            let answer = prompt.input.text
            switch prompt.purpose {
            case .restoreAs(let item): return startTransfer(.restore(item, as: answer), &s)
            case .clone(let source): return startTransfer(.clone(source: source, target: answer), &s)
            case .export(let volume, let size): return startTransfer(.export(volume: volume, path: answer, sizeBytes: size), &s)
            }
        default:
            break
        }
        return []
    }

    /// A key no binding took, typed into the prompt's field.
    static func editPrompt(_ key: KeyPress, _ s: inout AppState) {
        guard case .prompt(var prompt)? = s.dialog, prompt.input.edit(key) else { return }
        prompt.problem = prompt.validate(flavor: s.engineFlavor) { s.entryIndexByName[$0] != nil }
        s.dialog = .prompt(prompt)
    }

    static func startTransfer(_ job: TransferJob, _ s: inout AppState) -> [Effect] {
        s.transfer = TransferStatus(verb: job.verb, total: job.total)
        return [.startTransfer(job)]
    }

    static func performInPurgeConfirm(_ command: Command, _ s: inout AppState) -> [Effect] {
        guard case .purgeTrash(var confirm)? = s.dialog else { return [] }
        switch command {
        case .cancel:
            s.dialog = nil
        case .confirm:
            guard !confirm.isPurging else { return [] }
            confirm.isPurging = true
            s.dialog = .purgeTrash(confirm)
            return [.purgeTrash([confirm.item])]
        default:
            break
        }
        return []
    }

    static func cancelTransfer(_ s: inout AppState) -> [Effect] {
        guard var transfer = s.transfer, !transfer.isCancelling else { return [] }
        transfer.isCancelling = true
        s.transfer = transfer
        return [.cancelTransfer]
    }

    // MARK: Results

    static func trashLoaded(_ result: Result<[Trash.Item], EngineError>, _ s: inout AppState) -> [Effect] {
        s.trashView.isLoading = false
        switch result {
        case .success(let items):
            let selectedID = s.trashView.selected?.id
            let newestFirst = Array(items.reversed())
            s.trashView.items = newestFirst
            s.trashView.error = nil
            let row = newestFirst.firstIndex { $0.id == selectedID } ?? min(s.trashView.cursor.selection, max(0, newestFirst.count - 1))
            _ = s.trashView.cursor.select(row, count: newestFirst.count)
        case .failure(let error):
            s.trashView.error = error.message
        }
        return []
    }

    static func trashPurged(_ items: [Trash.Item], _ error: EngineError?, _ s: inout AppState) -> [Effect] {
        if case .purgeTrash? = s.dialog { s.dialog = nil }
        if let error {
            s.errorBanner = error
            s.isErrorFromCatalog = false
        } else {
            let what = items.count == 1 ? Sanitizer.inline(items[0].name) : "\(items.count) items"
            s.notice = Notice(kind: .success, text: "purged \(what) from the trash for good")
        }
        return requestTrash(&s)
    }

    static func transferProgressed(bytes: Int64, elapsed: Double, _ s: inout AppState) -> [Effect] {
        s.transfer?.bytes = bytes
        s.transfer?.elapsed = elapsed
        return []
    }

    static func transferFinished(_ job: TransferJob, _ end: TransferEnd, _ s: inout AppState) -> [Effect] {
        s.transfer = nil
        var effects: [Effect] = []
        switch end {
        case .done(let bytes):
            switch job {
            case .restore(let item, let name):
                s.restored[name] = item
                for owner in item.owners where !(s.formerOwners[name]?.contains(owner) ?? false) {
                    s.formerOwners[name, default: []].append(owner)
                }
                s.pendingSelectionName = name
                s.notice = Notice(
                    kind: .success,
                    text: "restored \(Sanitizer.inline(name)) from the trash (\(Format.bytes(bytes)) of archive)"
                        + (s.mode == .trash ? " · Esc shows it in the table" : ""))
                effects += requestTrash(&s)
            case .clone(let source, let target):
                s.pendingSelectionName = target
                s.notice = Notice(
                    kind: .success,
                    text: "cloned \(Sanitizer.inline(source)) to \(Sanitizer.inline(target)) (\(Format.bytes(bytes)) of archive)")
            case .export(let volume, let path, _):
                s.notice = Notice(
                    kind: .success, text: "exported \(Sanitizer.inline(volume)) to \(Sanitizer.inline(path)) (\(Format.bytes(bytes)))")
            }
            if case .export = job {
            } else {
                s.needsSizesAfterCatalog = true
                effects += s.requestCatalog()
            }
        case .failed(let error):
            if case .restore(let item, let name) = job, error.code == .conflict {
                // Taken meanwhile: ask for another name, as when it was taken before.
                let note = "Volume \(Sanitizer.inline(name)) exists: restore never overwrites a volume. Restore it under a new name:"
                openPrompt(
                    PromptDialog(purpose: .restoreAs(item), input: TextInput(freeName(item.name + "-restored", s)), note: note), &s)
            } else {
                s.errorBanner = error
                s.isErrorFromCatalog = false
            }
        case .cancelled:
            s.notice = Notice(kind: .info, text: "\(job.verb) cancelled: nothing was left behind")
        }
        return effects
    }

    static func auditFailed(_ message: String, _ s: inout AppState) -> [Effect] {
        s.auditWarning = message
        return []
    }
}

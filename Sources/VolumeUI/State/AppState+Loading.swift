import VolumeCore

extension AppState {
    /// Asks for the catalog unless a load is in flight (then once more when it returns, after the events settle).
    /// `afterEvents`: the engine said something changed; the runtime waits for its events to settle first.
    mutating func requestCatalog(afterEvents: Bool = false) -> [Effect] {
        if isLoadingCatalog {
            isCatalogReloadPending = true
            return []
        }
        isLoadingCatalog = true
        return [afterEvents ? .refreshCatalog : .loadCatalog]
    }

    /// Asks for sizes unless a load is in flight (then once more when it returns).
    mutating func requestSizes() -> [Effect] {
        if isLoadingSizes {
            isSizeReloadPending = true
            return []
        }
        isLoadingSizes = true
        return [.loadSizes]
    }

    /// Asks for a container's detail (tmpfs mounts) unless it is known or on its way.
    mutating func requestContainerDetail(_ id: String) -> [Effect] {
        guard containerDetails[id] == nil, !requestedContainerDetails.contains(id) else { return [] }
        requestedContainerDetails.insert(id)
        containerDetailErrors[id] = nil
        return [.loadContainerDetail(id)]
    }

    /// Asks to resolve the selected volume's owners (`--volumes-from`) when the detail pane shows them and they are
    /// neither known nor on their way; once per volume until the catalog changes its owners.
    mutating func requestSelectedOwners() -> [Effect] {
        guard mode == .volumes, let entry = selectedEntry, !entry.owners.isEmpty, resolvedOwners[entry.name] == nil,
            resolveErrors[entry.name] == nil, !requestedOwners.contains(entry.name), PaneLayout(self, rows: rows, cols: cols).detail != nil
        else { return [] }
        requestedOwners.insert(entry.name)
        return [.resolveOwners(entry.name)]
    }

    /// Whether a spinner is on screen: first load, sizes being measured, or a dialog waiting for the engine.
    var isSpinning: Bool {
        if isLoadingCatalog && !hasLoadedCatalog { return true }
        if isLoadingSizes && summary.notRequestedCount > 0 { return true }
        if let files, files.isScanning, mode == .files { return true }
        if mode == .trash, trashView.items == nil, trashView.isLoading { return true }
        switch dialog {
        case .create(let form)?: return form.isSubmitting
        case .inspect(let viewer)?: return viewer.lines == nil && viewer.error == nil
        case .remove(let confirm)?: return confirm.isRemoving
        case .prune(let prune)?: return prune.isBusy
        case .preview(let viewer)?: return viewer.preview == nil && viewer.error == nil
        case .deleteFile(let confirm)?: return confirm.isDeleting
        case .owners(let owners)?: return owners.isWorking
        case .purgeTrash(let confirm)?: return confirm.isPurging
        case .prompt?: return false
        case nil: return false
        }
    }

    /// Seconds until the next tick, or nil when nothing moves (idle means idle).
    var tickInterval: Double? {
        if isSpinning { return 0.1 }
        if case .disconnected = eventStream, reconnectSeconds > 0 { return 1 }
        return secondsUntilAnAgeChanges
    }

    /// Seconds until the age shown for a row on screen (the CREATED column, the detail pane's "Created") reads
    /// differently: ages follow the clock with one redraw per change of text, never more often.
    var secondsUntilAnAgeChanges: Double? {
        guard mode == .volumes, hasLoadedCatalog, rows > 0 else { return nil }
        let body = PaneLayout(self, rows: rows, cols: cols).tableBody.height
        let nowSeconds = now.timeIntervalSince1970
        var soonest: Double?
        for i in table.visibleIndices.dropFirst(table.cursor.scroll).prefix(max(0, body)) {
            guard createdTimes.indices.contains(i), let created = createdTimes[i] else { continue }
            let next = Format.secondsUntilAgeChanges(nowSeconds - created)
            if let current = soonest, current <= next { continue }
            soonest = next
        }
        // A little after the boundary, so the new text is there when the tick lands.
        return soonest.map { $0 + 0.05 }
    }

    /// A `.scheduleTick` when something animates and no tick is on its way.
    mutating func scheduleTickIfAnimating() -> [Effect] {
        guard let interval = tickInterval else { return [] }
        let due = now.addingTimeInterval(interval)
        // A tick due sooner than needed (or at about the same time) already does it.
        if let tickDue, tickDue <= due.addingTimeInterval(0.01) { return [] }
        tickDue = due
        return [.scheduleTick(after: interval)]
    }
}

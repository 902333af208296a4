import VolumeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension Dashboard {
    static func volumesListed(_ catalog: Catalog, _ s: inout AppState) -> [Effect] {
        // Only the first load shows names early: later loads keep the last full catalog on screen until theirs.
        guard !s.hasLoadedCatalog, s.isLoadingCatalog else { return [] }
        if catalog.takenAt > s.now { s.now = catalog.takenAt }
        s.areOwnersLoading = true
        s.apply(catalog)
        s.hasLoadedCatalog = true
        return []
    }

    static func catalogLoaded(_ result: Result<Catalog, EngineError>, _ s: inout AppState) -> [Effect] {
        s.isLoadingCatalog = false
        var effects: [Effect] = []
        switch result {
        case .success(let catalog):
            s.hasLoadedCatalog = true
            s.areOwnersLoading = false
            if catalog.takenAt > s.now { s.now = catalog.takenAt }
            s.apply(catalog)
            // Who used each volume this session: its owners' history when it goes to the trash.
            for entry in s.catalog.entries where !entry.owners.isEmpty {
                for owner in entry.owners where !(s.formerOwners[entry.name]?.contains(owner.containerName) ?? false) {
                    s.formerOwners[entry.name, default: []].append(owner.containerName)
                }
            }
            if s.isErrorFromCatalog {
                s.errorBanner = nil
                s.isErrorFromCatalog = false
            }
            if s.needsSizesAfterCatalog {
                s.needsSizesAfterCatalog = false
                effects += s.requestSizes()
                effects += measureVolumes(s)
            }
            if case .owners(var owners)? = s.dialog {
                // The dialog follows the engine: a removed owner leaves the list, a stopped one reads stopped.
                owners.owners = s.catalog.entry(named: owners.volume)?.owners ?? []
                owners.cursor = min(owners.cursor, max(0, owners.owners.count - 1))
                s.dialog = .owners(owners)
            }
            if s.mode == .mounts, let container = s.selectedContainer {
                effects += s.requestContainerDetail(container.id)
            }
        case .failure(let error):
            s.errorBanner = error
            s.isErrorFromCatalog = true
        }
        if s.isCatalogReloadPending {
            s.isCatalogReloadPending = false
            effects += s.requestCatalog(afterEvents: true)
        }
        return effects
    }

    /// `.measureVolumes` with the rows on screen first (the runtime ignores it where it cannot read volumes).
    static func measureVolumes(_ s: AppState) -> [Effect] {
        let body = PaneLayout(s, rows: s.rows, cols: s.cols).tableBody
        let names = s.measureOrder(bodyHeight: body.height)
        return names.isEmpty ? [] : [.measureVolumes(names)]
    }

    static func sizesLoaded(_ result: Result<[String: VolumeSize], EngineError>, _ s: inout AppState) -> [Effect] {
        s.isLoadingSizes = false
        switch result {
        case .success(let sizes):
            s.apply(sizes: sizes)
        case .failure(let error):
            s.errorBanner = error
            s.isErrorFromCatalog = false
        }
        if s.isSizeReloadPending {
            s.isSizeReloadPending = false
            return s.requestSizes()
        }
        return []
    }

    static func eventReceived(_ event: EngineEvent, _ s: inout AppState) -> [Effect] {
        guard event.changesCatalog else { return [] }
        if event.type == "container" {
            s.containerDetails[event.subject] = nil
            s.requestedContainerDetails.remove(event.subject)
        }
        s.needsSizesAfterCatalog = true
        return s.requestCatalog(afterEvents: true)
    }

    static func eventStreamChanged(_ status: EventStreamStatus, _ s: inout AppState) -> [Effect] {
        let previous = s.eventStream
        s.eventStream = status
        s.reconnectAnchor = nil
        if case .disconnected = previous, status == .connected {
            // Events were missed while disconnected: list again.
            s.needsSizesAfterCatalog = true
            return s.requestCatalog()
        }
        return []
    }

    static func engineLinkChanged(_ engine: String, _ status: EngineLinkStatus, _ s: inout AppState) -> [Effect] {
        guard let index = s.fleet.firstIndex(where: { $0.label == engine }) else { return [] }
        let previous = s.fleet[index].status
        s.fleet[index].status = status
        if !previous.isLive, status.isLive {
            // Its events were missed while it was away: list again.
            s.needsSizesAfterCatalog = true
            return s.requestCatalog()
        }
        return []
    }

    static func volumeCreated(_ result: Result<Volume, EngineError>, _ s: inout AppState) -> [Effect] {
        switch result {
        case .success(let volume):
            if case .create? = s.dialog { s.dialog = nil }
            s.notice = Notice(kind: .success, text: "created volume \(volume.name)")
            s.pendingSelectionName = volume.name
            s.needsSizesAfterCatalog = true
            return s.requestCatalog()
        case .failure(let error):
            if case .create(var form)? = s.dialog {
                form.isSubmitting = false
                form.engineError = error
                s.dialog = .create(form)
            } else {
                s.errorBanner = error
                s.isErrorFromCatalog = false
            }
            return []
        }
    }

    static func volumesRemoved(_ outcome: [String: EngineError?], _ s: inout AppState) -> [Effect] {
        if case .remove? = s.dialog { s.dialog = nil }
        let removed = outcome.compactMap { name, error in error == nil ? name : nil }.sorted()
        let failed = outcome.compactMap { name, error in error.map { (name, $0) } }.sorted { $0.0 < $1.0 }
        s.marked.subtract(removed)
        if !removed.isEmpty {
            let catalog = s.catalog
            let bytes = removed.compactMap { catalog.entry(named: $0)?.size.knownBytes }.saturatingSizeSum()
            let what = removed.count == 1 ? "volume \(removed[0])" : "\(removed.count) volumes"
            s.notice = Notice(kind: .success, text: "removed \(what)" + (bytes > 0 ? " (\(Format.bytes(bytes)))" : ""))
        }
        if let (name, first) = failed.first {
            if failed.count == 1 {
                s.errorBanner = first
            } else {
                s.errorBanner = EngineError(
                    first.code, "\(failed.count) volumes were not removed; \(name): \(first.message)", cause: first.cause)
            }
            s.isErrorFromCatalog = false
        }
        s.needsSizesAfterCatalog = true
        return s.requestCatalog()
    }

    static func inspectLoaded(_ name: String, _ result: Result<String, EngineError>, _ s: inout AppState) -> [Effect] {
        guard case .inspect(var viewer)? = s.dialog, viewer.name == name else { return [] }
        switch result {
        case .success(let text): viewer.load(text)
        case .failure(let error): viewer.error = error.description
        }
        s.dialog = .inspect(viewer)
        return []
    }

    static func ownersResolved(_ name: String, _ result: Result<ResolvedOwners, EngineError>, _ s: inout AppState) -> [Effect] {
        s.requestedOwners.remove(name)
        switch result {
        case .success(let resolved):
            s.resolvedOwners[name] = resolved
            s.resolveErrors[name] = nil
            for (id, detail) in resolved.details { s.containerDetails[id] = detail }
        case .failure(let error):
            s.resolveErrors[name] = error.description
        }
        return []
    }

    static func containerDetailLoaded(_ id: String, _ result: Result<ContainerDetail, EngineError>, _ s: inout AppState) -> [Effect] {
        s.requestedContainerDetails.remove(id)
        switch result {
        case .success(let detail):
            s.containerDetails[id] = detail
            s.containerDetailErrors[id] = nil
        case .failure(let error):
            s.containerDetailErrors[id] = error.description
        }
        return []
    }

    static func prunePreviewLoaded(_ result: Result<PrunePlan, EngineError>, _ s: inout AppState) -> [Effect] {
        guard case .prune(var prune)? = s.dialog, prune.plan == nil, prune.result == nil, !prune.isExecuting else { return [] }
        switch result {
        case .success(let plan):
            // A preview for the other mode arrived after the user switched: wait for the right one.
            guard plan.mode == prune.mode else { return [] }
            var plan = plan
            // The same size as the table: voltop's disk usage where it measured the volume.
            for i in plan.candidates.indices {
                if let measured = s.measuredSizes[plan.candidates[i].name] { plan.candidates[i].sizeBytes = measured }
            }
            if let scope = prune.scope {
                plan.candidates.removeAll { !scope.names.contains($0.name) }
                plan.excluded.removeAll { !scope.names.contains($0) }
            }
            prune.plan = plan
            prune.cursor = 0
            prune.unticked = []
            prune.error = nil
        case .failure(let error):
            prune.error = error
        }
        s.dialog = .prune(prune)
        return []
    }

    static func pruneFinished(_ result: Result<PruneResult, EngineError>, _ s: inout AppState) -> [Effect] {
        if case .prune(var prune)? = s.dialog, prune.isExecuting {
            prune.isExecuting = false
            switch result {
            case .success(let outcome):
                prune.result = outcome
                prune.scroll = 0
            case .failure(let error):
                prune.error = error
            }
            s.dialog = .prune(prune)
        } else {
            switch result {
            case .success(let outcome):
                s.notice = Notice(
                    kind: .success,
                    text: "pruned \(outcome.removed.count) volumes, reclaimed \(Format.bytes(outcome.reclaimedBytes))")
            case .failure(let error):
                s.errorBanner = error
                s.isErrorFromCatalog = false
            }
        }
        if case .success(let outcome) = result { s.marked.subtract(outcome.removed) }
        s.needsSizesAfterCatalog = true
        return s.requestCatalog()
    }

    static func ticked(_ date: Date, _ s: inout AppState) -> [Effect] {
        if date > s.now { s.now = date }
        s.tickDue = nil
        s.spinnerFrame &+= 1
        if case .disconnected(_, let retryIn) = s.eventStream, s.reconnectAnchor == nil {
            s.reconnectAnchor = (date, retryIn)
        }
        return []
    }

    /// A new growth snapshot: kept for the GROWTH column, the banner and the detail pane; a table sorted by growth
    /// is sorted again.
    static func growthUpdated(_ snapshot: GrowthSnapshot, _ s: inout AppState) -> [Effect] {
        s.growth = snapshot
        // SIZE follows a growing volume: a size voltop measured moves with what its written files grew since.
        var moved: [String: Result<Int64, EngineError>] = [:]
        for (name, growth) in snapshot.volumes {
            guard let bytes = growth.bytes, let known = s.measuredSizes[name], known != bytes else { continue }
            moved[name] = .success(bytes)
        }
        var effects: [Effect] = []
        if !moved.isEmpty { effects = volumesMeasured(moved, &s) }
        if s.table.sortKey == .growth { s.resort(keeping: s.selectedEntry?.name) }
        return effects
    }
}

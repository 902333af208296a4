import VolumeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The dashboard's pure logic: `start`, `reduce` (state + action → effects) and `render` (state → cell grid).
///
/// Nothing here performs I/O or reads the clock; the runtime runs the effects and sends their results back.
public enum Dashboard {
    /// The effects to run when the dashboard opens: load the catalog (sizes follow once it arrives).
    public static func start(_ state: inout AppState) -> [Effect] {
        state.needsSizesAfterCatalog = true
        var effects = state.requestCatalog()
        effects += state.scheduleTickIfAnimating()
        return effects
    }

    /// Applies an action (a key or an effect's result) to the state and returns the effects to run next.
    public static func reduce(_ state: inout AppState, _ action: Action) -> [Effect] {
        var effects: [Effect]
        let selectedBefore = state.selectedEntry?.name
        switch action {
        case .key(let key): effects = handle(key, &state)
        case .mouse(let event): effects = handleMouse(event, &state)
        case .resize(let rows, let cols): effects = resize(rows: rows, cols: cols, &state)
        case .catalogLoadStarted:
            // Events that asked for a reload while the load waited for them to settle are in its answer.
            state.isCatalogReloadPending = false
            effects = []
        case .catalogLoaded(let result): effects = catalogLoaded(result, &state)
        case .volumesListed(let catalog): effects = volumesListed(catalog, &state)
        case .containerActed(let name, let action, let error): effects = containerActed(name, action, error, &state)
        case .sizesLoaded(let result): effects = sizesLoaded(result, &state)
        case .eventReceived(let event): effects = eventReceived(event, &state)
        case .eventStreamChanged(let status): effects = eventStreamChanged(status, &state)
        case .engineLinkChanged(let engine, let status): effects = engineLinkChanged(engine, status, &state)
        case .engineJoined(let engine, let server):
            if let i = state.fleet.firstIndex(where: { $0.label == engine }), !server.isEmpty { state.fleet[i].server = server }
            effects = []
        case .volumeCreated(let result): effects = volumeCreated(result, &state)
        case .volumesRemoved(let outcome): effects = volumesRemoved(outcome, &state)
        case .inspectLoaded(let name, let result): effects = inspectLoaded(name, result, &state)
        case .ownersResolved(let name, let result): effects = ownersResolved(name, result, &state)
        case .ownersSkipped(let name):
            // Asked again if the volume is selected again (the request for it was dropped).
            state.requestedOwners.remove(name)
            effects = state.requestSelectedOwners()
        case .containerDetailLoaded(let id, let result): effects = containerDetailLoaded(id, result, &state)
        case .prunePreviewLoaded(let result): effects = prunePreviewLoaded(result, &state)
        case .pruneFinished(let result): effects = pruneFinished(result, &state)
        case .tick(let date): effects = ticked(date, &state)
        case .filesOpened(let volume, let result): effects = filesOpened(volume, result, &state)
        case .filesProgress(let volume, let progress): effects = filesProgress(volume, progress, &state)
        case .filesScanned(let volume, let result): effects = filesScanned(volume, result, &state)
        case .filesChanged(let volume): effects = filesChanged(volume, &state)
        case .filePreviewLoaded(let volume, let path, let result): effects = filePreviewLoaded(volume, path, result, &state)
        case .fileDeleted(let volume, let path, let error): effects = fileDeleted(volume, path, error, &state)
        case .volumeMeasured(let name, let result): effects = volumeMeasured(name, result, &state)
        case .volumesMeasured(let results): effects = volumesMeasured(results, &state)
        case .growthUpdated(let snapshot): effects = growthUpdated(snapshot, &state)
        case .trashLoaded(let result): effects = trashLoaded(result, &state)
        case .trashPurged(let items, let error): effects = trashPurged(items, error, &state)
        case .transferProgressed(let bytes, let elapsed): effects = transferProgressed(bytes: bytes, elapsed: elapsed, &state)
        case .transferFinished(let job, let end): effects = transferFinished(job, end, &state)
        case .auditFailed(let message): effects = auditFailed(message, &state)
        }
        clampScrolling(&state)
        // The detail pane shows where an owner's mount came from (`--volumes-from`) without Tab.
        if state.selectedEntry?.name != selectedBefore { effects += state.requestSelectedOwners() }
        effects += state.scheduleTickIfAnimating()
        return effects
    }
}

import VolumeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Everything that can happen to the dashboard: keys, mouse events and resizes from the terminal, and results of
/// effects (past tense).
public enum Action: Sendable {
    /// A key from the terminal (`Action(terminalEvent:)` makes mouse events and resizes their own actions).
    case key(KeyPress)
    /// A click or wheel notch from the terminal.
    case mouse(MouseEvent)
    /// The terminal's new size.
    case resize(rows: Int, cols: Int)
    /// A catalog load sent its requests: what happened before now is in its answer (a reload asked for meanwhile
    /// is not needed).
    case catalogLoadStarted
    /// `Effect.loadCatalog` finished.
    case catalogLoaded(Result<Catalog, EngineError>)
    /// The volume list of a catalog load arrived before its containers: a catalog without owners, shown at once
    /// while nothing is on screen yet (the first load); `.catalogLoaded` follows with the owners.
    case volumesListed(Catalog)
    /// `Effect.loadSizes` finished: a size state per volume name.
    case sizesLoaded(Result<[String: VolumeSize], EngineError>)
    /// An engine event arrived (volume or container); the reducer decides whether to reload.
    case eventReceived(EngineEvent)
    /// The event stream connected or dropped.
    case eventStreamChanged(EventStreamStatus)
    /// In a fleet: one engine came up, dropped or failed (its header line shows it).
    case engineLinkChanged(engine: String, EngineLinkStatus)
    /// In a fleet: an engine that could not be reached at start joined; its server (`Docker 20.10.24`).
    case engineJoined(engine: String, server: String)
    /// `Effect.createVolume` finished.
    case volumeCreated(Result<Volume, EngineError>)
    /// `Effect.removeVolumes` finished: per name, nil when removed or the error.
    case volumesRemoved([String: EngineError?])
    /// `Effect.inspectVolume` finished: the volume name and the pretty engine JSON plus owners.
    case inspectLoaded(name: String, Result<String, EngineError>)
    /// `Effect.resolveOwners` finished: the entry with `volumesFrom` filled, and each owner's detail by container id.
    case ownersResolved(name: String, Result<ResolvedOwners, EngineError>)
    /// `Effect.resolveOwners` was dropped unsent: another volume was selected before it left the debounce.
    case ownersSkipped(name: String)
    /// `Effect.loadContainerDetail` finished.
    case containerDetailLoaded(id: String, Result<ContainerDetail, EngineError>)
    /// `Effect.previewPrune` finished.
    case prunePreviewLoaded(Result<PrunePlan, EngineError>)
    /// `Effect.executePrune` finished.
    case pruneFinished(Result<PruneResult, EngineError>)
    /// `Effect.scheduleTick` fired (only while something animates).
    case tick(Date)

    // MARK: Files inside a volume (the file-tree pane)

    /// `Effect.openFiles` chose a source (direct or helper container), or found none (the error says why:
    /// missing volume, a driver that cannot be read, no engine). A scan follows at once on success.
    case filesOpened(volume: String, Result<FileSource, EngineError>)
    /// A scan of the open volume advanced (entries and bytes so far).
    case filesProgress(volume: String, ScanProgress)
    /// A scan of the open volume finished (after `.openFiles`, `.rescanFiles`, or a change seen by the runtime).
    case filesScanned(volume: String, Result<ScanTree, EngineError>)
    /// Something changed inside the open volume's watched directories (inotify in direct mode, a poll in helper
    /// mode); the reducer asks for `.rescanFiles` (or remembers to once the scan in flight ends).
    case filesChanged(volume: String)
    /// `Effect.previewFile` finished.
    case filePreviewLoaded(volume: String, path: [[UInt8]], Result<FilePreview, EngineError>)
    /// `Effect.deleteFile` finished: nil when the entry is gone, else why not.
    case fileDeleted(volume: String, path: [[UInt8]], EngineError?)
    /// `Effect.measureVolumes` measured one volume by reading its files (direct mode only).
    case volumeMeasured(name: String, Result<Int64, EngineError>)
    /// `Effect.actOnContainer` finished: nil when done, else why not.
    case containerActed(name: String, ContainerAction, EngineError?)
    /// `Effect.measureVolumes` measured several volumes since the last batch (at most one batch per frame).
    case volumesMeasured([String: Result<Int64, EngineError>])
    /// The growth follower published a new snapshot (rates, writers, the disk).
    case growthUpdated(GrowthSnapshot)
    /// `Effect.loadTrash` finished: the items, oldest first.
    case trashLoaded(Result<[Trash.Item], EngineError>)
    /// `Effect.purgeTrash` finished: nil when purged, else why not.
    case trashPurged([Trash.Item], EngineError?)
    /// The transfer that runs moved `bytes` in `elapsed` seconds.
    case transferProgressed(bytes: Int64, elapsed: Double)
    /// The transfer ended: done (its bytes), failed, or cancelled.
    case transferFinished(TransferJob, TransferEnd)
    /// A change was made but its audit-log line could not be written: the message says why and how to fix it.
    case auditFailed(String)

    /// The action for one event from the terminal: a key, a mouse event or a resize.
    public init(terminalEvent event: KeyPress) {
        switch event {
        case .mouse(let mouse): self = .mouse(mouse)
        case .resize(let rows, let cols): self = .resize(rows: rows, cols: cols)
        default: self = .key(event)
        }
    }
}

import VolumeCore

/// Work the reducer asks the runtime to do; each result comes back as an `Action`.
public enum Effect: Sendable, Equatable {
    /// `GET /volumes` + `GET /containers/json?all=1` → `.catalogLoaded`. The runtime coalesces bursts.
    case loadCatalog
    /// The same load, asked for by engine events: the runtime waits until the events settle (a burst of a thousand
    /// creates costs one load, not one per event), then loads → `.catalogLoaded`.
    case refreshCatalog
    /// Sizes (`/system/df`, serialized and throttled by the runtime) → `.sizesLoaded`.
    case loadSizes
    /// Create a volume → `.volumeCreated`.
    case createVolume(VolumeCreateRequest)
    /// Remove volumes one by one (never force past "in use") → `.volumesRemoved`. `formerOwners` names the
    /// containers seen using each volume this session (kept with its copy in the trash).
    case removeVolumes([String], force: Bool, formerOwners: [String: [String]] = [:])
    /// The engine's JSON for a volume plus owners → `.inspectLoaded`.
    case inspectVolume(String)
    /// Resolve `--volumes-from` and load owner mounts for a volume → `.ownersResolved`.
    case resolveOwners(String)
    /// All mounts of one container (tmpfs included) → `.containerDetailLoaded`.
    case loadContainerDetail(String)
    /// The prune preview → `.prunePreviewLoaded`.
    case previewPrune(PruneMode)
    /// Remove exactly the previewed list → `.pruneFinished`.
    case executePrune(PrunePlan)
    /// Send `.tick` after the given seconds (while a spinner or banner animates, or when a shown age changes);
    /// replaces a tick scheduled before and not yet sent.
    case scheduleTick(after: Double)
    /// Open a volume's files: choose the source (direct when voltop is root on a local socket, else a helper
    /// container) → `.filesOpened`, then scan it → `.filesProgress`… `.filesScanned`.
    case openFiles(volume: String)
    /// Scan the open volume again → `.filesProgress`… `.filesScanned`.
    case rescanFiles(volume: String)
    /// Watch these directories of the open volume (relative paths; `[]` is the root) and send `.filesChanged`
    /// when something in them changes. Replaces the previous set. Helper mode polls instead.
    case watchFiles(volume: String, directories: [[[UInt8]]])
    /// A window of a file (`FilePreviewViewer.windowBytes` from `offset`) → `.filePreviewLoaded`.
    case previewFile(volume: String, path: [[UInt8]], offset: Int64 = 0)
    /// Delete a file or directory tree inside the volume (direct mode only) → `.fileDeleted`. `kind` is what the
    /// user confirmed: if the entry at `path` is something else by now, nothing is deleted.
    case deleteFile(volume: String, path: [[UInt8]], kind: ScanTree.Kind)
    /// Close the open volume's files: cancel its scan, drop its watches, remove its helper container.
    case closeFiles(volume: String)
    /// Measure these volumes by reading their files, one at a time in this order (visible rows first), each
    /// → `.volumeMeasured`. Replaces the previous queue. The runtime ignores it where it cannot read volumes
    /// directly (the SIZE column then keeps the engine's `/system/df` figures).
    case measureVolumes([String])
    /// Stop, start or remove a container (from the owners dialog) → `.containerActed`.
    case actOnContainer(id: String, name: String, ContainerAction)
    /// The trash's items → `.trashLoaded`.
    case loadTrash
    /// Purge trash items for good → `.trashPurged`.
    case purgeTrash([Trash.Item])
    /// Run a restore, clone or export → `.transferProgressed`… `.transferFinished`. One at a time.
    case startTransfer(TransferJob)
    /// Cancel the transfer that runs; it cleans up (helper container, half-filled volume or file), then
    /// `.transferFinished` says it was cancelled.
    case cancelTransfer
    /// Leave the dashboard and restore the terminal.
    case quit
}

extension Effect {
    /// Bytes of a file `previewFile` reads at a time; the preview holds at most this much of a file.
    public static let previewWindowBytes = 64 * 1024
}

import Foundation
import VolumeCore

/// The state of the engine's event stream, as the dashboard shows it.
public enum EventStreamStatus: Sendable, Equatable {
    /// Connected; changes appear live.
    case connected
    /// The stream dropped; the dashboard retries after `retryIn` seconds.
    case disconnected(reason: String, retryIn: Double)
}

/// Everything that can happen to the dashboard: keys, mouse events and resizes from the terminal, and results of
/// effects (past tense).
public enum Action: Sendable {
    /// A key from the terminal (`Action(terminalEvent:)` makes mouse events and resizes their own actions).
    case key(KeyPress)
    /// A click or wheel notch from the terminal.
    case mouse(MouseEvent)
    /// The terminal's new size.
    case resize(rows: Int, cols: Int)
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
    /// `Effect.createVolume` finished.
    case volumeCreated(Result<Volume, EngineError>)
    /// `Effect.removeVolumes` finished: per name, nil when removed or the error.
    case volumesRemoved([String: EngineError?])
    /// `Effect.inspectVolume` finished: the volume name and the pretty engine JSON plus owners.
    case inspectLoaded(name: String, Result<String, EngineError>)
    /// `Effect.resolveOwners` finished: the entry with `volumesFrom` filled, and each owner's detail by container id.
    case ownersResolved(name: String, Result<ResolvedOwners, EngineError>)
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

    /// The action for one event from the terminal: a key, a mouse event or a resize.
    public init(terminalEvent event: KeyPress) {
        switch event {
        case .mouse(let mouse): self = .mouse(mouse)
        case .resize(let rows, let cols): self = .resize(rows: rows, cols: cols)
        default: self = .key(event)
        }
    }
}

/// Owners of one volume with `--volumes-from` resolved, and every owner's full mounts.
public struct ResolvedOwners: Sendable, Equatable {
    /// The entry with `volumesFrom` filled in.
    public var entry: CatalogEntry
    /// Each owner's detail (mounts incl. tmpfs) by container id.
    public var details: [String: ContainerDetail]
    /// Whether the anonymous volume came from an image `VOLUME`.
    public var origin: VolumeOrigin

    /// Resolved owners from their parts.
    public init(entry: CatalogEntry, details: [String: ContainerDetail], origin: VolumeOrigin) {
        self.entry = entry
        self.details = details
        self.origin = origin
    }
}

/// Work the reducer asks the runtime to do; each result comes back as an `Action`.
public enum Effect: Sendable, Equatable {
    /// `GET /volumes` + `GET /containers/json?all=1` → `.catalogLoaded`. The runtime coalesces bursts.
    case loadCatalog
    /// Sizes (`/system/df`, serialized and throttled by the runtime) → `.sizesLoaded`.
    case loadSizes
    /// Create a volume → `.volumeCreated`.
    case createVolume(VolumeCreateRequest)
    /// Remove volumes one by one (never force past "in use") → `.volumesRemoved`.
    case removeVolumes([String], force: Bool)
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
    /// The first bytes of a file → `.filePreviewLoaded`.
    case previewFile(volume: String, path: [[UInt8]])
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
    /// Leave the dashboard and restore the terminal.
    case quit
}

/// What the header shows about the engine.
public struct EngineHeader: Sendable, Equatable {
    /// Context name or address (`default`, `unix:///var/run/docker.sock`).
    public var target: String
    /// Server version, e.g. `Docker 20.10.24+dfsg1`.
    public var server: String
    /// Negotiated API version.
    public var apiVersion: String

    /// A header from its parts.
    public init(target: String, server: String, apiVersion: String) {
        self.target = target
        self.server = server
        self.apiVersion = apiVersion
    }
}

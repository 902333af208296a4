import Foundation
import VolumeCore

/// The state of the engine's event stream, as the dashboard shows it.
public enum EventStreamStatus: Sendable, Equatable {
    /// Connected; changes appear live.
    case connected
    /// The stream dropped; the dashboard retries after `retryIn` seconds.
    case disconnected(reason: String, retryIn: Double)
}

/// Everything that can happen to the dashboard: keys from the terminal and results of effects (past tense).
public enum Action: Sendable {
    /// A key, mouse event or resize from the terminal.
    case key(KeyPress)
    /// `Effect.loadCatalog` finished.
    case catalogLoaded(Result<Catalog, EngineError>)
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
    /// Send `.tick` after the given seconds (only while a spinner or banner animates).
    case scheduleTick(after: Double)
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

import Logging
import Synchronization
import VolumeCore
import VolumeUI

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Carries out the dashboard's effects off the input loop and posts each result back as an action.
///
/// Catalog loads coalesce (one in flight, one queued), size loads are serialized and throttled,
/// and the event stream reconnects with backoff after it drops, then re-lists.
public final class EffectRunner: EffectRunning {
    let engine: any DashboardEngine
    let send: @Sendable (Action) -> Void
    let clock: any RuntimeClock
    private let catalogGate: Coalescer
    private let tickTask = Mutex<Task<Void, Never>?>(nil)
    /// Counts owner resolutions asked for; a request that is no longer the latest after the debounce is dropped.
    private let ownersGeneration = Mutex<UInt64>(0)
    /// Seconds a selection must rest before its owners are resolved.
    static let ownersDebounce = 0.12
    private let sizeGate: Coalescer
    /// Minimum seconds between two `/system/df` calls (the engine measures everything each time).
    let sizeInterval: Double
    /// The file-tree pane's runtime; its effects run in the order they were emitted.
    let files: any FileEffectHandling
    private let fileEffects: AsyncStream<Effect>.Continuation
    private let fileEffectsTask: Task<Void, Never>
    /// Scanner sizes for the SIZE column (direct mode only).
    let measurer: any VolumeMeasuring
    /// Growth and writers of the volumes (nil: not followed).
    let growth: (any GrowthFollowing)?
    /// Seconds between two pings while the event stream is open.
    let livenessInterval: Double
    /// The longest wait between two reconnection attempts.
    static let maxBackoff = 30.0
    /// Appends one line to the audit log (action, names, bytes, result); nil: no audit log (tests).
    let audit: (@Sendable (AuditLog.Entry) throws -> Void)?
    /// The restore, clone or export that runs (one at a time), for Esc to cancel.
    let transferTask = Mutex<Task<Void, Never>?>(nil)
    /// The volumes of the last catalog load (sizes are matched to them).
    private let lastListedVolumes = Mutex<[Volume]?>(nil)
    /// When the last event that changes the catalog came (a refresh waits for the events to settle).
    let lastCatalogEvent = Mutex<Date>(.distantPast)
    /// Open once the first catalog load is over, either way. Growth starts then: its first look asks the engine for
    /// `/info`, which would otherwise compete with the volume list that the first screen waits for.
    let firstCatalogLoaded = Latch()

    /// A runner over the real engine: the file runtime and the size measurer read volumes directly or through a
    /// helper container. `VOLTOP_LIVENESS_INTERVAL` shortens the liveness ping interval (for tests).
    public convenience init(
        engine: DockerEngine, sizeInterval: Double = 2, source: SourcePreference = .auto, sizeRefresh: Double = 15,
        logger: Logger = Logger(label: "voltop.files"), growth publish: (@Sendable (GrowthSnapshot) -> Void)? = nil,
        send: @escaping @Sendable (Action) -> Void
    ) {
        let clock = SystemClock()
        let files = FilesRuntime(
            opener: { name in try await VolumeBrowser.open(engine: engine, volume: name, preference: source) },
            logger: logger, clock: clock, send: send)
        // Growth takes every walk of the size measurer as an anchor, and asks it for a walk when it lost track.
        let measurerBox = MeasurerBox()
        let growth: GrowthMonitor? = publish.map { publish in
            GrowthMonitor(
                engine: engine, publish: publish,
                requestWalk: { names in Task { await measurerBox.measurer?.measure(names) } },
                engineFiguresOnly: source == .helper, engineFiguresEvery: Self.engineFiguresIntervalFromEnvironment())
        }
        // Volumes whose writes growth follows are not walked again every `sizeRefresh` seconds.
        var writesFollowed: (@Sendable () async -> Set<String>)?
        if let growth { writesFollowed = { await growth.writesFollowed() } }
        let measurer = SizeMeasurer(
            probe: DirectVolumeProbe(engine: engine, preference: source), clock: clock, refreshEvery: sizeRefresh,
            writesFollowed: writesFollowed, measured: growth.map { Self.forwardingMeasurements(to: $0) }, send: send)
        measurerBox.measurer = measurer
        self.init(
            engine: engine, clock: clock, files: files, measurer: measurer, growth: growth, sizeInterval: sizeInterval,
            livenessInterval: Self.livenessIntervalFromEnvironment(), audit: { try AuditLog.current().append($0) }, send: send)
    }

    /// A runner over a fleet: each volume's files open on its own engine, and sizes are read directly for the engines
    /// on this host (`FleetProbe`). Growth is not followed in a fleet.
    public convenience init(
        fleet: FleetEngine, engines: [String: DockerEngine], sizeInterval: Double = 2, source: SourcePreference = .auto,
        sizeRefresh: Double = 15, logger: Logger = Logger(label: "voltop.files"), send: @escaping @Sendable (Action) -> Void
    ) {
        let clock = SystemClock()
        let files = FilesRuntime(
            opener: { name in
                let (label, own) = FleetName.split(name)
                // An engine that joined the fleet after start is asked for by label.
                guard let label, let engine = engines[label] ?? (fleet.engine(for: label) as? DockerEngine) else {
                    throw EngineError(.notFound, "no connected engine holds \(Sanitizer.inline(name))")
                }
                return try await VolumeBrowser.open(engine: engine, volume: own, preference: source)
            },
            logger: logger, clock: clock, send: send)
        let measurer = SizeMeasurer(
            probe: FleetProbe(probes: engines.mapValues { DirectVolumeProbe(engine: $0, preference: source) }), clock: clock,
            refreshEvery: sizeRefresh, send: send)
        self.init(
            engine: fleet, clock: clock, files: files, measurer: measurer, growth: nil, sizeInterval: sizeInterval,
            livenessInterval: Self.livenessIntervalFromEnvironment(), send: send)
    }

    /// A runner from its parts (tests pass fakes and a manual clock).
    public init(
        engine: any DashboardEngine, clock: any RuntimeClock, files: any FileEffectHandling, measurer: any VolumeMeasuring,
        growth: (any GrowthFollowing)? = nil, sizeInterval: Double = 2, livenessInterval: Double = 15,
        audit: (@Sendable (AuditLog.Entry) throws -> Void)? = nil, send: @escaping @Sendable (Action) -> Void
    ) {
        self.audit = audit
        self.growth = growth
        self.engine = engine
        self.clock = clock
        self.sizeInterval = sizeInterval
        self.livenessInterval = livenessInterval
        self.send = send
        self.files = files
        self.measurer = measurer
        catalogGate = Coalescer(clock: clock)
        sizeGate = Coalescer(clock: clock)
        let (stream, continuation) = AsyncStream.makeStream(of: Effect.self, bufferingPolicy: .unbounded)
        fileEffects = continuation
        fileEffectsTask = Task {
            for await effect in stream { await files.handle(effect) }
        }
    }

    /// Hands every measurement to `growth` in the order taken (a complete one anchors the volume's growth).
    static func forwardingMeasurements(to growth: any GrowthFollowing) -> @Sendable (String, VolumeMeasurement) -> Void {
        let queue = MeasurementStream()
        Task {
            for await (name, measurement) in queue.stream {
                await growth.measured(name, bytes: measurement.bytes, isComplete: measurement.isComplete)
            }
        }
        return { name, measurement in queue.continuation.yield((name, measurement)) }
    }

    /// Measurements in order, to one consumer.
    private struct MeasurementStream: Sendable {
        let stream: AsyncStream<(String, VolumeMeasurement)>
        let continuation: AsyncStream<(String, VolumeMeasurement)>.Continuation
        init() { (stream, continuation) = AsyncStream.makeStream(bufferingPolicy: .unbounded) }
    }

    /// Whether a trim is scheduled.
    private static let trimPending = Mutex(false)

    /// Gives the memory a catalog load freed (the decoded JSON of every volume, the old catalog) back to the system
    /// instead of keeping it in malloc's arenas (measured at 10,000 volumes: RssAnon after a burst of creates 67 MiB
    /// without it). The trim runs a second after the load, off the main actor, once the dashboard has put the new
    /// catalog in place and let the old one go; loads meanwhile share that one trim. The program's code and
    /// read-only data go with it (`FreedMemory.releaseProgramPages`). A pass of size measurement ends the same way.
    static func returnFreedMemory() {
        let due = trimPending.withLock { pending -> Bool in
            guard !pending else { return false }
            pending = true
            return true
        }
        guard due else { return }
        Task.detached(priority: .background) {
            try? await Task.sleep(nanoseconds: 1_000_000_000)
            trimPending.withLock { $0 = false }
            FreedMemory.release()
            FreedMemory.releaseProgramPagesIfChosen()
            StartupTrace.markHeap("after a trim")
        }
    }

    /// `VOLTOP_ENGINE_FIGURES_INTERVAL` (1 s to an hour; for tests), else 30 s: how often growth without direct reads
    /// asks the engine for its figures (`/system/df` walks every volume).
    static func engineFiguresIntervalFromEnvironment() -> Double {
        if let text = ProcessInfo.processInfo.environment["VOLTOP_ENGINE_FIGURES_INTERVAL"], let seconds = Double(text), seconds >= 1,
            seconds <= 3600
        {
            return seconds
        }
        return 30
    }

    /// `VOLTOP_LIVENESS_INTERVAL` (0.1 s to an hour), else 15 s.
    static func livenessIntervalFromEnvironment() -> Double {
        if let text = ProcessInfo.processInfo.environment["VOLTOP_LIVENESS_INTERVAL"], let seconds = Double(text), seconds >= 0.1,
            seconds <= 3600
        {
            return seconds
        }
        return 15
    }

    /// Cancels a restore, clone or export that runs and waits for its cleanup (helper container, half-filled
    /// volume, partial file), closes the open volume's files (removing its helper container) and stops the file
    /// runtime.
    public func shutdown() async {
        let transfer = transferTask.withLock { $0 }
        transfer?.cancel()
        await transfer?.value
        await files.shutdown()
        fileEffects.finish()
        fileEffectsTask.cancel()
    }

    /// Starts one effect in the background.
    public func run(_ effect: Effect) {
        let engine = self.engine
        let send = self.send
        switch effect {
        case .loadCatalog:
            Task { await loadCatalog() }
        case .refreshCatalog:
            Task {
                await settleEvents()
                await loadCatalog()
            }
        case .loadSizes:
            Task {
                await sizeGate.run(minInterval: sizeInterval) {
                    do {
                        let usage = try await engine.diskUsage()
                        // The last catalog's volumes (a catalog load comes first): no second list of every volume.
                        var volumes = self.lastListedVolumes.withLock { $0 } ?? []
                        if volumes.isEmpty { volumes = try await engine.listVolumes() }
                        var sizes: [String: VolumeSize] = [:]
                        for volume in volumes { sizes[volume.name] = Catalog.size(of: volume, in: usage) }
                        send(.sizesLoaded(.success(sizes)))
                    } catch {
                        send(.sizesLoaded(.failure(Self.engineError(error))))
                    }
                }
            }
        case .createVolume(let request):
            Task {
                do {
                    let volume = try await engine.create(request)
                    record("create", [volume.name])
                    send(.volumeCreated(.success(volume)))
                } catch {
                    record("create", [request.name ?? "(anonymous)"], error: error)
                    send(.volumeCreated(.failure(Self.engineError(error))))
                }
            }
        case .removeVolumes(let names, let force, let formerOwners):
            Task {
                var outcome: [String: EngineError?] = [:]
                for name in names {
                    do {
                        let kept = try await engine.removeVolumeFromDashboard(name, force: force, formerOwners: formerOwners[name] ?? [])
                        outcome[name] = .some(nil)
                        record("rm", [name], bytes: kept)
                    } catch {
                        outcome[name] = .some(Self.engineError(error))
                        record("rm", [name], error: error)
                    }
                }
                send(.volumesRemoved(outcome))
            }
        case .inspectVolume(let name):
            Task {
                do { send(.inspectLoaded(name: name, .success(try await engine.inspectText(name)))) } catch {
                    send(.inspectLoaded(name: name, .failure(Self.engineError(error))))
                }
            }
        case .resolveOwners(let name):
            // Debounced: a selection moving fast (a held `j`) asks only for the volume it rests on.
            let generation = ownersGeneration.withLock { g in
                g += 1
                return g
            }
            Task {
                try? await clock.sleep(seconds: Self.ownersDebounce)
                guard ownersGeneration.withLock({ $0 }) == generation else {
                    send(.ownersSkipped(name: name))
                    return
                }
                do { send(.ownersResolved(name: name, .success(try await engine.resolvedOwners(of: name)))) } catch {
                    send(.ownersResolved(name: name, .failure(Self.engineError(error))))
                }
            }
        case .loadContainerDetail(let id):
            Task {
                do { send(.containerDetailLoaded(id: id, .success(try await engine.containerDetail(id)))) } catch {
                    send(.containerDetailLoaded(id: id, .failure(Self.engineError(error))))
                }
            }
        case .previewPrune(let mode):
            Task {
                do { send(.prunePreviewLoaded(.success(try await engine.previewPrune(mode)))) } catch {
                    send(.prunePreviewLoaded(.failure(Self.engineError(error))))
                }
            }
        case .executePrune(let plan):
            Task {
                do {
                    let result = try await engine.pruneFromDashboard(plan)
                    let failed = result.skipped.filter { $0.reason == "failed" || $0.reason == "not-kept" }
                    let outcome =
                        failed.isEmpty ? "ok" : "failed: \(failed.count) not removed (\(failed.map(\.name).joined(separator: ", ")))"
                    record("prune", result.removed, bytes: result.reclaimedBytes, result: outcome)
                    send(.pruneFinished(.success(result)))
                } catch {
                    record("prune", plan.candidates.map(\.name), error: error)
                    send(.pruneFinished(.failure(Self.engineError(error))))
                }
            }
        case .loadTrash:
            Task {
                do { send(.trashLoaded(.success(try await engine.trashItems()))) } catch {
                    send(.trashLoaded(.failure(Self.engineError(error))))
                }
            }
        case .purgeTrash(let items):
            Task {
                do {
                    try await engine.purgeTrash(items)
                    record("purge", items.map(\.name), bytes: items.lazy.map(\.archiveBytes).saturatingSizeSum(), engineAddress: "-")
                    send(.trashPurged(items, nil))
                } catch {
                    record("purge", items.map(\.name), error: error, engineAddress: "-")
                    send(.trashPurged(items, Self.engineError(error)))
                }
            }
        case .startTransfer(let job):
            startTransfer(job)
        case .cancelTransfer:
            transferTask.withLock { $0?.cancel() }
        case .actOnContainer(let id, let name, let action):
            Task {
                do {
                    try await engine.act(action, onContainer: id, named: name)
                    send(.containerActed(name: name, action, nil))
                } catch {
                    send(.containerActed(name: name, action, Self.engineError(error)))
                }
            }
        case .scheduleTick(let seconds):
            // Only the latest schedule stands: a sooner tick (a spinner starts) replaces a far one (an age changes).
            let clock = self.clock
            let task = Task {
                try? await clock.sleep(seconds: min(max(0, seconds), 86_400 * 7))
                guard !Task.isCancelled else { return }
                send(.tick(clock.now()))
            }
            tickTask.withLock { previous in
                previous?.cancel()
                previous = task
            }
        case .quit:
            break
        case .openFiles, .rescanFiles, .watchFiles, .previewFile, .deleteFile, .closeFiles:
            fileEffects.yield(effect)
        case .measureVolumes(let names):
            let measurer = self.measurer
            Task { await measurer.measure(names) }
        }
    }

    /// Lists volumes and containers through the catalog gate: the names go out as soon as the volume list is in (the
    /// reducer takes that early list only before the first full catalog), then the same entries with their owners
    /// (not sorted again).
    ///
    /// A local engine (`listsOneAtATime`) is asked for the containers once the names are on their way to the screen.
    /// Asked at the same moment, the two lists compete for the CPU of the one machine, and the names come later
    /// while the whole catalog comes little sooner. Medians of 8 launches on 2 cores, ms from the request, at once
    /// against one after the other: 10,000 volumes, volumes read at 119 against 93, names on screen at 144 against
    /// 116, the whole catalog at 166 against 170; 1,000 volumes, names at 42 against 33, the whole catalog at 85
    /// against 93. A remote engine gets both requests at once: there the second saves a round trip.
    private func loadCatalog() async {
        let engine = self.engine
        let send = self.send
        await catalogGate.run(minInterval: 0.1) {
            StartupTrace.mark("catalog load")
            send(.catalogLoadStarted)
            do {
                // The names go out as soon as the volume list is in.
                let showNames = { (volumes: [Volume]) -> Catalog in
                    self.lastListedVolumes.withLock { $0 = volumes }
                    StartupTrace.mark("volumes read")
                    let listed = engine.reconciled(
                        Catalog(volumes: volumes, containers: [], anonymity: engine.anonymity), hasOwners: false)
                    send(.volumesListed(listed))
                    return listed
                }
                let listed: Catalog
                let containers: [Container]
                if engine.listsOneAtATime {
                    listed = showNames(try await engine.listVolumes())
                    containers = try await engine.listContainers()
                } else {
                    async let asked = engine.listContainers()
                    listed = showNames(try await engine.listVolumes())
                    containers = try await asked
                }
                let catalog = engine.reconciled(listed.joined(with: containers), hasOwners: true)
                send(.catalogLoaded(.success(catalog)))
                if let growth = self.growth { await growth.update(catalog) }
                Self.returnFreedMemory()
            } catch {
                send(.catalogLoaded(.failure(Self.engineError(error))))
            }
            self.firstCatalogLoaded.open()
        }
    }

    /// Any error as an `EngineError` (an unknown one becomes `.engineFailure`).
    public static func engineError(_ error: Error) -> EngineError {
        if let e = error as? EngineError { return e }
        return EngineError(.engineFailure, "\(error)")
    }
}

/// The size measurer, filled in once it exists (growth asks it for walks, and it is made after growth).
final class MeasurerBox: @unchecked Sendable {
    private let lock = ThreadLock()
    private var value: (any VolumeMeasuring)?
    var measurer: (any VolumeMeasuring)? {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}

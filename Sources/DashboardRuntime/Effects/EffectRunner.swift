import Foundation
import Logging
import Synchronization
import VolumeCore
import VolumeUI

/// Carries out the dashboard's effects off the input loop and posts each result back as an action.
///
/// Catalog loads coalesce (one in flight, one queued), size loads are serialized and throttled,
/// and the event stream reconnects with backoff after it drops, then re-lists.
public final class EffectRunner: Sendable {
    let engine: DockerEngine
    let send: @Sendable (Action) -> Void
    private let catalogGate = Coalescer()
    private let tickTask = Mutex<Task<Void, Never>?>(nil)
    private let sizeGate = Coalescer()
    /// Minimum seconds between two `/system/df` calls (the engine measures everything each time).
    let sizeInterval: Double
    /// The file-tree pane's runtime; its effects run in the order they were emitted.
    let files: FilesRuntime
    private let fileEffects: AsyncStream<Effect>.Continuation
    private let fileEffectsTask: Task<Void, Never>
    /// Scanner sizes for the SIZE column (direct mode only).
    let measurer: SizeMeasurer
    /// Seconds between two pings while the event stream is open (`VOLTOP_LIVENESS_INTERVAL` shortens it for tests).
    let livenessInterval: Double = {
        if let text = ProcessInfo.processInfo.environment["VOLTOP_LIVENESS_INTERVAL"], let seconds = Double(text), seconds >= 0.1, seconds <= 3600 {
            return seconds
        }
        return 15
    }()

    public init(
        engine: DockerEngine, sizeInterval: Double = 2, source: SourcePreference = .auto, sizeRefresh: Double = 15,
        logger: Logger = Logger(label: "voltop.files"), send: @escaping @Sendable (Action) -> Void
    ) {
        self.engine = engine
        self.sizeInterval = sizeInterval
        self.send = send
        let files = FilesRuntime(engine: engine, preference: source, logger: logger, send: send)
        self.files = files
        let (stream, continuation) = AsyncStream.makeStream(of: Effect.self, bufferingPolicy: .unbounded)
        fileEffects = continuation
        fileEffectsTask = Task {
            for await effect in stream { await files.handle(effect) }
        }
        measurer = SizeMeasurer(engine: engine, preference: source, refreshEvery: sizeRefresh, send: send)
    }

    /// Closes the open volume's files (removing its helper container) and stops the file runtime.
    public func shutdown() async {
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
            Task {
                await catalogGate.run(minInterval: 0.1) {
                    do {
                        // Both requests at once; the names show as soon as the volume list is in (the reducer takes
                        // that early list only before the first full catalog).
                        async let containers = engine.containers()
                        let volumes = try await engine.volumes()
                        send(.volumesListed(Catalog(volumes: volumes, containers: [], anonymity: engine.anonymity)))
                        let catalog = Catalog(volumes: volumes, containers: try await containers, anonymity: engine.anonymity)
                        send(.catalogLoaded(.success(catalog)))
                    } catch {
                        send(.catalogLoaded(.failure(Self.engineError(error))))
                    }
                }
            }
        case .loadSizes:
            Task {
                await sizeGate.run(minInterval: sizeInterval) {
                    do {
                        let usage = try await engine.diskUsage()
                        let volumes = try await engine.volumes()
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
                do { send(.volumeCreated(.success(try await engine.createVolume(request)))) } catch {
                    send(.volumeCreated(.failure(Self.engineError(error))))
                }
            }
        case .removeVolumes(let names, let force):
            Task {
                var outcome: [String: EngineError?] = [:]
                for name in names {
                    do {
                        try await engine.removeVolume(name, force: force)
                        outcome[name] = .some(nil)
                    } catch {
                        outcome[name] = .some(Self.engineError(error))
                    }
                }
                send(.volumesRemoved(outcome))
            }
        case .inspectVolume(let name):
            Task {
                do { send(.inspectLoaded(name: name, .success(try await Self.inspectText(engine, name)))) } catch {
                    send(.inspectLoaded(name: name, .failure(Self.engineError(error))))
                }
            }
        case .resolveOwners(let name):
            Task {
                do {
                    let containers = try await engine.containers()
                    let (volume, _) = try await engine.volume(name)
                    let catalog = Catalog(volumes: [volume], containers: containers, anonymity: engine.anonymity)
                    guard let plain = catalog.entries.first else { throw EngineError(.notFound, "no such volume: \(name)") }
                    let (entry, details) = try await engine.resolveOwners(plain, in: catalog)
                    let origin = await engine.origin(of: entry)
                    send(.ownersResolved(name: name, .success(ResolvedOwners(entry: entry, details: details, origin: origin))))
                } catch {
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
                do { send(.prunePreviewLoaded(.success(try await engine.prunePreview(mode: mode)))) } catch {
                    send(.prunePreviewLoaded(.failure(Self.engineError(error))))
                }
            }
        case .executePrune(let plan):
            Task {
                do { send(.pruneFinished(.success(try await engine.prune(plan)))) } catch {
                    send(.pruneFinished(.failure(Self.engineError(error))))
                }
            }
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
            let task = Task {
                try? await Task.sleep(nanoseconds: UInt64(min(max(0, seconds), 86_400 * 7) * 1_000_000_000))
                guard !Task.isCancelled else { return }
                send(.tick(Date()))
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

    /// Follows the engine's event stream for as long as the task lives; reconnects with backoff and re-lists.
    ///
    /// The stream itself has no time limit (a quiet host sends no events for hours), so while it is open the
    /// engine is pinged every `livenessInterval` seconds: an engine that stops answering (hung, or a proxy that
    /// stalls) ends the stream with a `.timeout` error, and the dashboard shows "live updates lost" with it.
    public func followEvents() async {
        var since: String? = nil
        var backoff = 1.0
        var wasDisconnected = false
        let engine = self.engine
        let send = self.send
        let interval = livenessInterval
        while !Task.isCancelled {
            var reason = "the engine closed the stream"
            let resume = ResumeToken(since)
            defer { since = resume.value }
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await event in engine.events(since: resume.value) {
                            resume.value = event.resumeToken
                            send(.eventReceived(event))
                        }
                    }
                    group.addTask {
                        while true {
                            try await Task.sleep(nanoseconds: UInt64(interval * 1_000_000_000))
                            try await engine.ping(within: min(10, interval))
                        }
                    }
                    defer { group.cancelAll() }
                    try await group.next()
                }
            } catch {
                reason = Self.engineError(error).message
            }
            if Task.isCancelled { return }
            wasDisconnected = true
            send(.eventStreamChanged(.disconnected(reason: reason, retryIn: backoff)))
            try? await Task.sleep(nanoseconds: UInt64(backoff * 1_000_000_000))
            backoff = min(backoff * 2, 30)
            // Reconnect: the daemon keeps only 256 events, so re-list as well.
            if await probe() {
                backoff = 1
                if wasDisconnected {
                    send(.eventStreamChanged(.connected))
                    run(.loadCatalog)
                    run(.loadSizes)
                    wasDisconnected = false
                }
            }
        }
    }

    /// Whether the engine answers a cheap request.
    private func probe() async -> Bool {
        (try? await engine.ping(within: 10)) != nil
    }

    static func engineError(_ error: Error) -> EngineError {
        if let e = error as? EngineError { return e }
        return EngineError(.engineFailure, "\(error)")
    }

    /// The engine's JSON for a volume with a `Voltop` object holding owners, pretty-printed.
    static func inspectText(_ engine: DockerEngine, _ name: String) async throws -> String {
        let (volume, raw) = try await engine.volume(name)
        let containers = try await engine.containers()
        let catalog = Catalog(volumes: [volume], containers: containers, anonymity: engine.anonymity)
        var object = (try? JSONSerialization.jsonObject(with: raw) as? [String: Any]) ?? [:]
        if let entry = catalog.entries.first {
            let (resolved, _) = try await engine.resolveOwners(entry, in: catalog)
            let extra = try JSONSerialization.jsonObject(with: JSONEncoder().encode(VolumeJSON(resolved)))
            object["Voltop"] = extra
        }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}

import DashboardRuntime
import Foundation
import Synchronization
import VolumeCore
import VolumeUI

/// An engine in memory: it counts requests, can hold `GET /volumes` at a gate, and hands out event streams the
/// test ends.
final class FakeEngine: DashboardEngine {
    struct State {
        var volumes: [Volume] = []
        var volumeCalls = 0
        var containerCalls = 0
        /// Containers asked for while a `GET /volumes` was still unanswered.
        var containerCallsDuringVolumes = 0
        var volumesInFlight = 0
        /// An engine on this machine (`listsOneAtATime`).
        var isLocal = false
        var ownersCalls: [String] = []
        var pingCalls = 0
        var isAnswering = true
        /// Per call of `listVolumes` (1-based), a gate it waits at before answering.
        var volumeGates: [Int: Gate] = [:]
        /// How long `GET /volumes` takes on the test's clock.
        var volumeSeconds = 0.0
        var eventStreams: [AsyncThrowingStream<EngineEvent, Error>.Continuation] = []
        var eventSince: [String?] = []
        var eventsStart: String?
    }

    let state = Mutex(State())
    let anonymity: AnonymityRule = .labelOrNameShape

    let clock: ManualClock?

    init(volumes: [String] = [], clock: ManualClock? = nil) {
        self.clock = clock
        state.withLock { $0.volumes = volumes.map { Volume(name: $0) } }
    }

    var volumeCalls: Int { state.withLock { $0.volumeCalls } }
    var pingCalls: Int { state.withLock { $0.pingCalls } }
    var eventStreamCount: Int { state.withLock { $0.eventStreams.count } }

    func listVolumes() async throws -> [Volume] {
        let (gate, volumes, seconds) = state.withLock { s in
            s.volumeCalls += 1
            s.volumesInFlight += 1
            return (s.volumeGates[s.volumeCalls], s.volumes, s.volumeSeconds)
        }
        await gate?.wait()
        if seconds > 0 { clock?.advance(by: seconds) }
        state.withLock { $0.volumesInFlight -= 1 }
        return volumes
    }

    var listsOneAtATime: Bool { state.withLock { $0.isLocal } }

    func listContainers() async throws -> [Container] {
        state.withLock { s in
            s.containerCalls += 1
            if s.volumesInFlight > 0 { s.containerCallsDuringVolumes += 1 }
        }
        return []
    }
    func diskUsage() async throws -> [String: (size: Int64, refCount: Int64)] { [:] }
    func create(_ request: VolumeCreateRequest) async throws -> Volume { throw EngineError(.conflict, "fake") }
    func removeVolume(_ name: String, force: Bool) async throws {}
    func inspectText(_ name: String) async throws -> String { "{}" }
    func resolvedOwners(of name: String) async throws -> ResolvedOwners {
        state.withLock { $0.ownersCalls.append(name) }
        throw EngineError(.notFound, "fake")
    }
    func containerDetail(_ id: String) async throws -> ContainerDetail { throw EngineError(.notFound, "fake") }
    func previewPrune(_ mode: PruneMode) async throws -> PrunePlan { throw EngineError(.notFound, "fake") }
    func prune(_ plan: PrunePlan) async throws -> PruneResult { throw EngineError(.notFound, "fake") }
    func act(_ action: ContainerAction, onContainer id: String, named name: String) async throws {}

    var eventsStart: String? { state.withLock { $0.eventsStart } }
    var eventSince: [String?] { state.withLock { $0.eventSince } }

    func events(since: String?) -> AsyncThrowingStream<EngineEvent, Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: EngineEvent.self)
        state.withLock { s in
            s.eventStreams.append(continuation)
            s.eventSince.append(since)
        }
        return stream
    }

    /// Ends the newest event stream with an error (the engine went away).
    func dropEvents() {
        state.withLock { $0.eventStreams.last }?.finish(throwing: EngineError(.unreachable, "gone"))
    }

    func ping(within seconds: Double) async throws {
        let answers = state.withLock { s in
            s.pingCalls += 1
            return s.isAnswering
        }
        if !answers { throw EngineError(.unreachable, "no answer") }
    }
}

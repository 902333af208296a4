import DashboardRuntime
import Foundation
import Synchronization
import Testing
import VolumeCore
import VolumeUI

/// One engine of a fleet in memory: it records what each call received, and can fail every call.
private final class MemberFake: DashboardEngine {
    var serverDescription: String { "Docker 99.0 (fake)" }
    struct Calls {
        var removed: [String] = []
        var inspected: [String] = []
        var acted: [String] = []
        var details: [String] = []
        var pruned: [[String]] = []
        var created: [String?] = []
        var transfers: [String] = []
        var streams: [AsyncThrowingStream<EngineEvent, Error>.Continuation] = []
        var isFailing = false
        var isAnswering = true
    }

    let volumes: [Volume]
    let containers: [Container]
    let anonymity: AnonymityRule
    let calls = Mutex(Calls())
    let address: String

    init(
        volumes: [Volume], containers: [Container] = [], anonymity: AnonymityRule = .labelOrNameShape, isFailing: Bool = false,
        address: String = "unix:///fake.sock"
    ) {
        self.address = address
        self.volumes = volumes
        self.containers = containers
        self.anonymity = anonymity
        calls.withLock { $0.isFailing = isFailing }
    }

    private func check() throws {
        if calls.withLock({ $0.isFailing }) { throw EngineError(.unreachable, "connection refused") }
    }

    func listVolumes() async throws -> [Volume] {
        try check()
        return volumes
    }
    func listContainers() async throws -> [Container] {
        try check()
        return containers
    }
    func diskUsage() async throws -> [String: (size: Int64, refCount: Int64)] {
        try check()
        var usage: [String: (size: Int64, refCount: Int64)] = [:]
        for volume in volumes { usage[volume.name] = (100, 0) }
        return usage
    }
    func create(_ request: VolumeCreateRequest) async throws -> Volume {
        calls.withLock { $0.created.append(request.name) }
        return Volume(name: request.name ?? "anon")
    }
    func removeVolume(_ name: String, force: Bool) async throws { calls.withLock { $0.removed.append(name) } }
    var auditAddress: String { address }
    func restoreFromTrash(_ item: Trash.Item, as name: String, progress: @escaping @Sendable (Int64) -> Void) async throws -> Int64 {
        calls.withLock { $0.transfers.append("restore \(item.name) as \(name)") }
        return 1
    }
    func cloneFromDashboard(_ source: String, to target: String, progress: @escaping @Sendable (Int64) -> Void) async throws -> Int64 {
        calls.withLock { $0.transfers.append("clone \(source) to \(target)") }
        return 1
    }
    func exportFromDashboard(_ volume: String, toFile path: String, progress: @escaping @Sendable (Int64) -> Void) async throws -> Int64 {
        calls.withLock { $0.transfers.append("export \(volume)") }
        return 1
    }
    func inspectText(_ name: String) async throws -> String {
        calls.withLock { $0.inspected.append(name) }
        return "{}"
    }
    func resolvedOwners(of name: String) async throws -> ResolvedOwners {
        let catalog = Catalog(volumes: volumes.filter { $0.name == name }, containers: containers)
        let entry = try #require(catalog.entries.first)
        return ResolvedOwners(entry: entry, details: [:], origin: .named)
    }
    func containerDetail(_ id: String) async throws -> ContainerDetail {
        calls.withLock { $0.details.append(id) }
        throw EngineError(.notFound, "fake")
    }
    func previewPrune(_ mode: PruneMode) async throws -> PrunePlan {
        try check()
        return PrunePlan(catalog: Catalog(volumes: volumes, containers: containers), mode: .allUnused)
    }
    func prune(_ plan: PrunePlan) async throws -> PruneResult {
        calls.withLock { $0.pruned.append(plan.candidates.map(\.name)) }
        return PruneResult(removed: plan.candidates.map(\.name), skipped: [], reclaimedBytes: 10)
    }
    func act(_ action: ContainerAction, onContainer id: String, named name: String) async throws {
        calls.withLock { $0.acted.append(id) }
    }
    func events(since: String?) -> AsyncThrowingStream<EngineEvent, Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: EngineEvent.self)
        calls.withLock { $0.streams.append(continuation) }
        return stream
    }
    func ping(within seconds: Double) async throws {
        if !calls.withLock({ $0.isAnswering }) { throw EngineError(.unreachable, "no answer") }
    }

    var streamCount: Int { calls.withLock { $0.streams.count } }
    func emit(_ event: EngineEvent) { _ = calls.withLock { $0.streams.last }?.yield(event) }
    func drop() { calls.withLock { $0.streams.last }?.finish(throwing: EngineError(.unreachable, "connection reset")) }
}

/// An engine whose listings never answer (until cancelled).
private final class HungFake: DashboardEngine {
    let anonymity: AnonymityRule = .label
    func hang<T>() async throws -> T {
        while true { try await Task.sleep(nanoseconds: 1_000_000_000) }
    }
    func listVolumes() async throws -> [Volume] { try await hang() }
    func listContainers() async throws -> [Container] { try await hang() }
    func diskUsage() async throws -> [String: (size: Int64, refCount: Int64)] { try await hang() }
    func create(_ request: VolumeCreateRequest) async throws -> Volume { try await hang() }
    func removeVolume(_ name: String, force: Bool) async throws { try await hang() as Void }
    func inspectText(_ name: String) async throws -> String { try await hang() }
    func resolvedOwners(of name: String) async throws -> ResolvedOwners { try await hang() }
    func containerDetail(_ id: String) async throws -> ContainerDetail { try await hang() }
    func previewPrune(_ mode: PruneMode) async throws -> PrunePlan { try await hang() }
    func prune(_ plan: PrunePlan) async throws -> PruneResult { try await hang() }
    func act(_ action: ContainerAction, onContainer id: String, named name: String) async throws { try await hang() as Void }
    func events(since: String?) -> AsyncThrowingStream<EngineEvent, Error> { AsyncThrowingStream { _ in } }
    func ping(within seconds: Double) async throws { try await hang() as Void }
}

/// The fleet's statuses as reported, in order.
private final class StatusLog: Sendable {
    let entries = Mutex<[(String, EngineLinkStatus)]>([])
    func record(_ label: String, _ status: EngineLinkStatus) { entries.withLock { $0.append((label, status)) } }
    var all: [(String, EngineLinkStatus)] { entries.withLock { $0 } }
}

@Suite struct FleetEngineTests {
    private static func fleet(_ members: [(String, MemberFake)], clock: ManualClock = ManualClock(), log: StatusLog = StatusLog())
        -> FleetEngine
    {
        FleetEngine(
            members: members.map { FleetEngine.Member(label: $0.0, engine: $0.1) }, clock: clock, livenessInterval: 15,
            report: { log.record($0, $1) })
    }

    @Test func listingsQualifyNamesAndLeaveOutAFailingEngine() async throws {
        let a = MemberFake(volumes: [Volume(name: "data"), Volume(name: "only-a")])
        let b = MemberFake(volumes: [Volume(name: "data")])
        let down = MemberFake(volumes: [Volume(name: "lost")], isFailing: true)
        let log = StatusLog()
        let fleet = Self.fleet([("prod", a), ("unix:///run/b.sock", b), ("down", down)], log: log)
        let names = try await fleet.listVolumes().map(\.name)
        #expect(names == ["prod/data", "prod/only-a", "unix:///run/b.sock/data"])
        #expect(FleetName.split("unix:///run/b.sock/data") == ("unix:///run/b.sock", "data"))
        #expect(log.all.map(\.0) == ["down"])
        guard case .error(let why)? = fleet.linkStatuses["down"] else {
            Issue.record("the failing engine is not marked")
            return
        }
        #expect(why.contains("connection refused"))
        #expect(fleet.linkStatuses["prod"] == .live)
        let sizes = try await fleet.diskUsage()
        #expect(Set(sizes.keys) == ["prod/data", "prod/only-a", "unix:///run/b.sock/data"])
        // It answers again: live, and its volumes are back.
        down.calls.withLock { $0.isFailing = false }
        #expect(try await fleet.listVolumes().map(\.name).contains("down/lost"))
        #expect(fleet.linkStatuses["down"] == .live)
    }

    /// A hung engine holds up nobody: the others' volumes come after `callTimeout`, the hung one reads `error`.
    @Test func aHungEngineIsLeftOutAfterTheTimeout() async throws {
        let clock = ManualClock()
        let hung = HungFake()
        let a = MemberFake(volumes: [Volume(name: "x")])
        let fleet = FleetEngine(
            members: [FleetEngine.Member(label: "a", engine: a), FleetEngine.Member(label: "hung", engine: hung)], clock: clock,
            livenessInterval: 15, callTimeout: 10, report: { _, _ in })
        let listing = Task { try await fleet.listVolumes().map(\.name) }
        #expect(await eventually { clock.waiting.contains(10) })
        clock.advance(by: 10)
        #expect(try await listing.value == ["a/x"])
        guard case .error(let why)? = fleet.linkStatuses["hung"] else {
            Issue.record("the hung engine is not marked")
            return
        }
        #expect(why.contains("no answer within 10 s"))
    }

    @Test func everyEngineFailingIsAnError() async throws {
        let fleet = Self.fleet([("a", MemberFake(volumes: [], isFailing: true)), ("b", MemberFake(volumes: [], isFailing: true))])
        await #expect(throws: EngineError.self) { try await fleet.listVolumes() }
    }

    @Test func anEngineThatNeverConnectedIsListedWithItsError() async throws {
        let a = MemberFake(volumes: [Volume(name: "x")])
        let fleet = FleetEngine(
            members: [FleetEngine.Member(label: "a", engine: a), FleetEngine.Member(label: "gone", failure: "no such socket")],
            clock: ManualClock(), report: { _, _ in })
        #expect(fleet.linkStatuses["gone"] == .error("no such socket"))
        #expect(try await fleet.listVolumes().map(\.name) == ["a/x"])
        await #expect(throws: EngineError.self) { try await fleet.removeVolume("gone/y", force: false) }
    }

    /// An engine down at start is tried again with backoff (`reconnecting`); once it answers it is `live`, its
    /// volumes are listed, calls route to it and its events arrive.
    @Test func anEngineDownAtStartJoinsOnceItAnswers() async throws {
        let clock = ManualClock()
        let log = StatusLog()
        let a = MemberFake(volumes: [Volume(name: "x")])
        let late = MemberFake(volumes: [Volume(name: "y")])
        let tries = Shared(0)
        let joined = Shared<[String]>([])
        let fleet = FleetEngine(
            members: [
                FleetEngine.Member(label: "a", engine: a),
                FleetEngine.Member(
                    label: "late", failure: "no such socket",
                    reconnect: {
                        let n = tries.update { t -> Int in
                            t += 1
                            return t
                        }
                        if n < 2 { throw EngineError(.unreachable, "still starting") }
                        return late
                    })
            ],
            clock: clock, livenessInterval: 15, joined: { label, server in joined.update { $0.append("\(label): \(server)") } },
            report: { label, status in log.record(label, status) })
        #expect(try await fleet.listVolumes().map(\.name) == ["a/x"])
        let received = Shared<[EngineEvent]>([])
        let task = Task {
            for try await event in fleet.events(since: nil) { received.update { $0.append(event) } }
        }
        defer { task.cancel() }
        #expect(await eventually { log.all.contains { $0.0 == "late" && $0.1 == .reconnecting(reason: "no such socket", retryIn: 1) } })
        clock.advance(by: 1)
        #expect(await eventually { log.all.contains { $0.0 == "late" && $0.1 == .reconnecting(reason: "still starting", retryIn: 2) } })
        clock.advance(by: 2)
        #expect(await eventually { log.all.last.map { $0.0 == "late" && $0.1 == .live } ?? false })
        // Its header line gets the server it did not have at start.
        #expect(joined.value == ["late: Docker 99.0 (fake)"])
        #expect(try await fleet.listVolumes().map(\.name).sorted() == ["a/x", "late/y"])
        try await fleet.removeVolume("late/y", force: false)
        #expect(late.calls.withLock { $0.removed } == ["y"])
        #expect(await eventually { late.streamCount == 1 })
        late.emit(EngineEvent(type: "volume", action: "create", actorID: "fresh"))
        #expect(await eventually { received.value.map(\.actorID) == ["late/fresh"] })
    }

    @Test func callsGoToTheEngineTheNameNames() async throws {
        let a = MemberFake(volumes: [Volume(name: "data")])
        let b = MemberFake(volumes: [Volume(name: "data")])
        let fleet = Self.fleet([("a", a), ("b", b)])
        _ = try await fleet.removeVolumeFromDashboard("b/data", force: false, formerOwners: [])
        _ = try await fleet.inspectText("a/data")
        let created = try await fleet.create(VolumeCreateRequest(name: "b/new"))
        #expect(created.name == "b/new")
        #expect(a.calls.withLock { $0.removed }.isEmpty)
        #expect(b.calls.withLock { $0.removed } == ["data"])
        #expect(a.calls.withLock { $0.inspected } == ["data"])
        #expect(b.calls.withLock { $0.created } == ["new"])
        let owners = try await fleet.resolvedOwners(of: "b/data")
        #expect(owners.entry.name == "b/data")
        await #expect(throws: EngineError.self) { try await fleet.removeVolume("nobody/data", force: false) }
    }

    /// A restore goes back to the engine the volume was removed from (or the one its new name's prefix names); a
    /// clone and an export go to the source's engine, without the prefix.
    @Test func transfersGoToTheirOwnEngine() async throws {
        let a = MemberFake(volumes: [Volume(name: "data")], address: "unix:///a.sock")
        let b = MemberFake(volumes: [Volume(name: "data")], address: "ssh://b")
        let fleet = Self.fleet([("a", a), ("b", b)])
        func item(from engine: String) -> Trash.Item {
            Trash.Item(
                id: "1", name: "old", driver: "local", labels: [:], options: [:], sizeBytes: 1, archiveBytes: 1, owners: [],
                removedBy: "me", removedAt: "2026-12-01T00:00:00Z", command: "dashboard d", engine: engine, createdAt: nil)
        }
        _ = try await fleet.restoreFromTrash(item(from: "ssh://b"), as: "old", progress: { _ in })
        _ = try await fleet.restoreFromTrash(item(from: "ssh://b"), as: "a/new", progress: { _ in })
        _ = try await fleet.cloneFromDashboard("b/data", to: "copy", progress: { _ in })
        _ = try await fleet.exportFromDashboard("a/data", toFile: "/tmp/x.tar", progress: { _ in })
        #expect(a.calls.withLock { $0.transfers } == ["restore old as new", "export data"])
        #expect(b.calls.withLock { $0.transfers } == ["restore old as old", "clone data to copy"])
        // An engine that is not in the fleet is named, with how to restore there; a clone stays on its engine.
        await #expect(throws: EngineError.self) {
            try await fleet.restoreFromTrash(item(from: "tcp://c:2375"), as: "old", progress: { _ in })
        }
        await #expect(throws: EngineError.self) { try await fleet.cloneFromDashboard("b/data", to: "a/copy", progress: { _ in }) }
        #expect(fleet.auditAddress == "unix:///a.sock, ssh://b")
    }

    @Test func containersKeepTheirIdsAndActionsGoToTheirEngine() async throws {
        let web = Container(
            id: "c-on-b", names: ["/web"], state: "running", mounts: [MountPoint(type: "volume", name: "data", destination: "/d")])
        let a = MemberFake(volumes: [Volume(name: "data")])
        let b = MemberFake(volumes: [Volume(name: "data")], containers: [web])
        let fleet = Self.fleet([("a", a), ("b", b)])
        let containers = try await fleet.listContainers()
        #expect(containers.map(\.id) == ["c-on-b"])
        #expect(containers[0].mounts.map(\.name) == ["b/data"])
        let catalog = Catalog(volumes: try await fleet.listVolumes(), containers: containers)
        #expect(catalog.entry(named: "b/data")?.status == .inUse)
        #expect(catalog.entry(named: "a/data")?.status == .unused, "a volume of the same name on another engine is not its")
        try await fleet.act(.stop, onContainer: "c-on-b", named: "web")
        _ = try? await fleet.containerDetail("c-on-b")
        #expect(b.calls.withLock { $0.acted } == ["c-on-b"])
        #expect(b.calls.withLock { $0.details } == ["c-on-b"])
        #expect(a.calls.withLock { $0.acted }.isEmpty)
    }

    @Test func aPruneGoesToEachEngineWithItsOwnNames() async throws {
        let a = MemberFake(volumes: [Volume(name: "x"), Volume(name: "y")])
        let b = MemberFake(volumes: [Volume(name: "x")])
        let fleet = Self.fleet([("a", a), ("b", b)])
        var plan = try await fleet.previewPrune(.allUnused)
        #expect(plan.candidates.map(\.name) == ["a/x", "a/y", "b/x"])
        plan.candidates.removeAll { $0.name == "a/y" }
        let result = try await fleet.pruneFromDashboard(plan)
        #expect(a.calls.withLock { $0.pruned } == [["x"]])
        #expect(b.calls.withLock { $0.pruned } == [["x"]])
        #expect(Set(result.removed) == ["a/x", "b/x"])
        #expect(result.reclaimedBytes == 20)
    }

    @Test func reconciledGivesEachEngineItsRuleAndHidesVolumesWithoutOwners() async throws {
        let hex = String(repeating: "ab", count: 32)
        let labelled = MemberFake(volumes: [Volume(name: hex)], anonymity: .label)
        let shaped = MemberFake(volumes: [Volume(name: hex)], anonymity: .labelOrNameShape)
        let fleet = Self.fleet([("new", labelled), ("old", shaped)])
        let volumes = try await fleet.listVolumes()
        var catalog = fleet.reconciled(
            Catalog(volumes: volumes, containers: [try await fleet.listContainers()].flatMap { $0 }), hasOwners: true)
        #expect(catalog.entry(named: "new/\(hex)")?.status == .unused, "API 1.42 labels anonymous volumes: a bare hex name is named")
        #expect(catalog.entry(named: "old/\(hex)")?.status == .unusedAnonymous)
        // Containers of one engine could not be listed: its volumes are left out, never shown as unused.
        shaped.calls.withLock { $0.isFailing = true }
        let containers = try await fleet.listContainers()
        catalog = fleet.reconciled(Catalog(volumes: volumes, containers: containers), hasOwners: true)
        #expect(catalog.entries.map(\.name) == ["new/\(hex)"])
        // The names alone (before owners arrive) are all kept.
        #expect(fleet.reconciled(Catalog(volumes: volumes, containers: []), hasOwners: false).entries.count == 2)
    }

    @Test func eachEngineReconnectsOnItsOwnWhileTheOthersStayLive() async throws {
        let clock = ManualClock()
        let log = StatusLog()
        let a = MemberFake(volumes: [])
        let b = MemberFake(volumes: [])
        let fleet = Self.fleet([("a", a), ("b", b)], clock: clock, log: log)
        let received = Shared<[EngineEvent]>([])
        let task = Task {
            for try await event in fleet.events(since: nil) { received.update { $0.append(event) } }
        }
        defer { task.cancel() }
        #expect(await eventually { a.streamCount == 1 && b.streamCount == 1 })
        a.calls.withLock { $0.isAnswering = false }
        a.drop()
        #expect(await eventually { log.all.contains { $0.0 == "a" && $0.1 == .reconnecting(reason: "connection reset", retryIn: 1) } })
        // B's events still arrive, qualified.
        b.emit(EngineEvent(type: "volume", action: "create", actorID: "fresh"))
        #expect(await eventually { received.value.map(\.actorID) == ["b/fresh"] })
        #expect(!log.all.contains { $0.0 == "b" })
        // A answers again after its backoff: live, and its stream opens again.
        a.calls.withLock { $0.isAnswering = true }
        clock.advance(by: 1)
        #expect(await eventually { log.all.last.map { $0.0 == "a" && $0.1 == .live } ?? false })
        #expect(await eventually { a.streamCount == 2 })
    }
}

import Synchronization
import VolumeCore
import VolumeUI

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Several engines as one `DashboardEngine`: the dashboard's fleet (`voltop -H A -H B`, `--context` repeated,
/// `--all-contexts`).
///
/// A volume's identity in a fleet is (engine, name), written `ENGINE/name` (`FleetName`): every volume, container
/// mount, size key, volume event and prune plan coming out is qualified so, and every call going in is routed to
/// the engine its prefix names, with the prefix stripped. Containers keep their ids (64 hex digits, unique across
/// engines); a container's engine is remembered from the last listing, so container actions go to their own engine.
///
/// One engine never holds up the others: listings ask every engine at once and leave out one that fails (its header
/// line then says `error: why`, through `report`), each engine's event stream reconnects with its own backoff
/// (`reconnecting`), and an engine that could not be reached at start is tried again with the same backoff
/// (`reconnecting`) and joins once it answers.
public final class FleetEngine: DashboardEngine {
    /// One engine of the fleet: connected, or the reason it could not be.
    public struct Member: Sendable {
        /// Its label: the prefix of its volumes' names.
        public var label: String
        /// The engine, nil when connecting failed.
        public var engine: (any DashboardEngine)?
        /// Why connecting failed.
        public var failure: String?
        /// Connects again, for a member that could not be reached at start (nil: it stays in error).
        public var reconnect: (@Sendable () async throws -> any DashboardEngine)?

        /// A connected member.
        public init(label: String, engine: any DashboardEngine) {
            self.label = label
            self.engine = engine
        }

        /// A member that could not be reached; with `reconnect`, tried again with backoff while the dashboard runs.
        public init(label: String, failure: String, reconnect: (@Sendable () async throws -> any DashboardEngine)? = nil) {
            self.label = label
            self.failure = failure
            self.reconnect = reconnect
        }
    }

    /// The engines in the order given.
    public let members: [Member]
    let report: @Sendable (String, EngineLinkStatus) -> Void
    let joined: @Sendable (_ label: String, _ server: String) -> Void
    let clock: any RuntimeClock
    let livenessInterval: Double
    /// The longest one engine may take to answer a listing before the others go ahead without it.
    let callTimeout: Double
    /// The same for sizes and prune previews (`/system/df` walks every volume).
    let slowCallTimeout: Double
    let statuses: Mutex<[String: EngineLinkStatus]>
    /// The engine of each container id, from the last container listing.
    private let containerEngines = Mutex<[String: String]>([:])
    /// Engines whose last container listing failed: their volumes are left out rather than shown without owners
    /// (never a false "unused").
    private let containersFailed = Mutex<Set<String>>([])
    /// Members that could not be reached at start and connected later, by label.
    let lateEngines = Mutex<[String: any DashboardEngine]>([:])

    /// A fleet of `members`; `report` hears every change of an engine's link status, `joined` the server of an engine
    /// that joins after start (its header line had none).
    public init(
        members: [Member], clock: any RuntimeClock = SystemClock(), livenessInterval: Double? = nil, callTimeout: Double = 10,
        joined: @escaping @Sendable (_ label: String, _ server: String) -> Void = { _, _ in },
        report: @escaping @Sendable (String, EngineLinkStatus) -> Void
    ) {
        self.joined = joined
        self.members = members
        self.clock = clock
        // `VOLTOP_LIVENESS_INTERVAL` shortens it (for tests), as for one engine.
        self.livenessInterval = livenessInterval ?? EffectRunner.livenessIntervalFromEnvironment()
        self.callTimeout = callTimeout
        slowCallTimeout = max(callTimeout, 120)
        self.report = report
        var initial: [String: EngineLinkStatus] = [:]
        for member in members { initial[member.label] = member.engine == nil ? .error(member.failure ?? "not connected") : .live }
        statuses = Mutex(initial)
    }

    /// Each engine's status as last reported.
    public var linkStatuses: [String: EngineLinkStatus] { statuses.withLock { $0 } }

    /// The labels whose engine is connected.
    var connected: [(label: String, engine: any DashboardEngine)] {
        let late = lateEngines.withLock { $0 }
        return members.compactMap { member in (member.engine ?? late[member.label]).map { (member.label, $0) } }
    }

    /// The engine of a label, connected at start or later.
    public func engine(for label: String) -> (any DashboardEngine)? {
        members.first { $0.label == label }?.engine ?? lateEngines.withLock { $0[label] }
    }

    /// Records and reports a status when it changed.
    func setStatus(_ label: String, _ status: EngineLinkStatus) {
        let changed = statuses.withLock { all -> Bool in
            guard all[label] != status else { return false }
            all[label] = status
            return true
        }
        if changed { report(label, status) }
    }

    /// A listing answered: an engine whose last listing had failed is live again (a reconnecting one stays so until
    /// its event stream is back).
    private func listed(_ label: String) {
        if case .error? = statuses.withLock({ $0[label] }) { setStatus(label, .live) }
    }

    /// The engine a qualified name routes to, and the engine's own name.
    func route(_ name: String) throws -> (engine: any DashboardEngine, name: String) {
        let (label, own) = FleetName.split(name)
        guard let label, let member = members.first(where: { $0.label == label }) else {
            throw EngineError(.notFound, "no engine in this dashboard holds \"\(Sanitizer.inline(name))\"")
        }
        guard let engine = engine(for: label) else {
            throw EngineError(
                .unreachable,
                "engine \(label) is not connected (\(member.failure ?? "unreachable"))"
                    + (member.reconnect == nil ? ": restart voltop once it is up" : ": voltop tries again, and lists it once it answers"))
        }
        return (engine, own)
    }

    /// The engine of a container id, by the last listing.
    func routeContainer(_ id: String) throws -> any DashboardEngine {
        guard let label = containerEngines.withLock({ $0[id] }), let engine = engine(for: label) else {
            throw EngineError(.notFound, "container \(String(id.prefix(12))) is on no connected engine: refresh with r")
        }
        return engine
    }

    /// `body` on every connected engine at once, each bounded by `callTimeout` (a listing) or `slowCallTimeout`
    /// (`isSlow`: sizes, which make the engine walk every volume); the answers that came, in the members' order.
    /// A failed listing marks its engine `error` (a failed size request does not: the engine answers, its sizes
    /// wait). Throws only when every engine failed.
    func onEvery<T: Sendable>(
        _ what: String, isSlow: Bool = false, _ body: @escaping @Sendable (any DashboardEngine) async throws -> T
    ) async throws -> [(label: String, value: T)] {
        let engines = connected
        guard !engines.isEmpty else {
            throw EngineError(
                .unreachable, "no engine of the fleet could be reached: " + members.compactMap(\.failure).joined(separator: "; "))
        }
        let clock = self.clock
        let timeout = isSlow ? slowCallTimeout : callTimeout
        var answers: [String: T] = [:]
        var failures: [(String, EngineError)] = []
        await withTaskGroup(of: (String, Result<T, EngineError>).self) { group in
            for (label, engine) in engines {
                group.addTask {
                    do {
                        return (
                            label,
                            .success(try await Self.within(timeout, clock: clock, what: "\(label): \(what)") { try await body(engine) })
                        )
                    } catch {
                        return (label, .failure(EffectRunner.engineError(error)))
                    }
                }
            }
            for await (label, result) in group {
                switch result {
                case .success(let value): answers[label] = value
                case .failure(let error): failures.append((label, error))
                }
            }
        }
        if !isSlow { for (label, error) in failures { setStatus(label, .error(error.message)) } }
        if answers.isEmpty, let first = failures.first {
            throw EngineError(first.1.code, "every engine failed; \(first.0): \(first.1.message)")
        }
        for label in answers.keys { listed(label) }
        // In the members' order, so results are stable.
        return members.compactMap { member in answers[member.label].map { (member.label, $0) } }
    }

    /// `body`, or a `.timeout` error after `seconds`.
    static func within<T: Sendable>(
        _ seconds: Double, clock: any RuntimeClock, what: String, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await clock.sleep(seconds: seconds)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw EngineError(.timeout, "\(what): no answer within \(Int(seconds)) s")
            }
            return value
        }
    }

    // MARK: Qualifying

    static func qualified(_ volume: Volume, _ label: String) -> Volume {
        var v = volume
        v.name = FleetName.qualified(v.name, engine: label)
        return v
    }

    static func qualified(_ mounts: [MountPoint], _ label: String) -> [MountPoint] {
        mounts.map { mount in
            var m = mount
            if m.type == "volume", let name = m.name { m.name = FleetName.qualified(name, engine: label) }
            return m
        }
    }

    static func qualified(_ container: Container, _ label: String) -> Container {
        var c = container
        c.mounts = qualified(c.mounts, label)
        return c
    }

    static func qualified(_ event: EngineEvent, _ label: String) -> EngineEvent {
        guard event.type == "volume" else { return event }
        var e = event
        if !e.actorID.isEmpty { e.actorID = FleetName.qualified(e.actorID, engine: label) }
        if let name = e.attributes["name"], !name.isEmpty { e.attributes["name"] = FleetName.qualified(name, engine: label) }
        return e
    }

    static func qualified(_ result: PruneResult, _ label: String) -> PruneResult {
        var r = result
        r.removed = r.removed.map { FleetName.qualified($0, engine: label) }
        r.kept = r.kept.map { FleetName.qualified($0, engine: label) }
        r.skipped = r.skipped.map { skip in
            var s = skip
            s.name = FleetName.qualified(s.name, engine: label)
            return s
        }
        return r
    }

    // MARK: DashboardEngine

    /// The looser rule; `reconciled` gives each entry its own engine's.
    public var anonymity: AnonymityRule { .labelOrNameShape }

    /// Every entry with its own engine's anonymity rule, without the volumes of an engine whose containers could not
    /// be listed.
    public func reconciled(_ catalog: Catalog, hasOwners: Bool) -> Catalog {
        var rules: [String: AnonymityRule] = [:]
        for (label, engine) in connected { rules[label] = engine.anonymity }
        let failed = hasOwners ? containersFailed.withLock { $0 } : []
        var result = catalog
        if !failed.isEmpty { result.entries.removeAll { failed.contains(FleetName.engine(of: $0.name) ?? "") } }
        for i in result.entries.indices {
            if let rule = rules[FleetName.engine(of: result.entries[i].name) ?? ""] { result.entries[i].anonymity = rule }
        }
        return result
    }

    public func listVolumes() async throws -> [Volume] {
        let answers = try await onEvery("list volumes") { try await $0.listVolumes() }
        var all: [Volume] = []
        all.reserveCapacity(answers.reduce(0) { $0 + $1.value.count })
        for (label, volumes) in answers { all += volumes.lazy.map { Self.qualified($0, label) } }
        return all
    }

    public func listContainers() async throws -> [Container] {
        let answers = try await onEvery("list containers") { try await $0.listContainers() }
        var all: [Container] = []
        var engines: [String: String] = [:]
        for (label, containers) in answers {
            for container in containers {
                engines[container.id] = label
                all.append(Self.qualified(container, label))
            }
        }
        let answered = Set(answers.map(\.label))
        containersFailed.withLock { $0 = Set(connected.map(\.label)).subtracting(answered) }
        containerEngines.withLock { $0 = engines }
        return all
    }

    public func diskUsage() async throws -> [String: (size: Int64, refCount: Int64)] {
        let answers = try await onEvery("measure volumes", isSlow: true) { engine -> [String: Int64Pair] in
            try await engine.diskUsage().mapValues { Int64Pair(size: $0.size, refCount: $0.refCount) }
        }
        var all: [String: (size: Int64, refCount: Int64)] = [:]
        for (label, usage) in answers {
            for (name, pair) in usage { all[FleetName.qualified(name, engine: label)] = (pair.size, pair.refCount) }
        }
        return all
    }

    /// A size and reference count that crosses task boundaries (tuples are not `Sendable` values).
    struct Int64Pair: Sendable {
        var size: Int64
        var refCount: Int64
    }

    /// Creates on the engine the name's prefix names (`prod/data`), else on the first connected engine.
    public func create(_ request: VolumeCreateRequest) async throws -> Volume {
        var own = request
        let target: (label: String, engine: any DashboardEngine)
        if let name = request.name, FleetName.engine(of: name) != nil {
            let routed = try route(name)
            own.name = routed.name
            target = (FleetName.engine(of: name) ?? "", routed.engine)
        } else {
            guard let first = connected.first else { throw EngineError(.unreachable, "no engine of the fleet is connected") }
            target = first
        }
        return Self.qualified(try await target.engine.create(own), target.label)
    }

    public func removeVolume(_ name: String, force: Bool) async throws {
        let (engine, own) = try route(name)
        try await engine.removeVolume(own, force: force)
    }

    public func removeVolumeFromDashboard(_ name: String, force: Bool, formerOwners: [String]) async throws -> Int64? {
        let (engine, own) = try route(name)
        return try await engine.removeVolumeFromDashboard(own, force: force, formerOwners: formerOwners)
    }

    /// The user's trash is one for every engine (it is on this machine): any connected engine reads it.
    public func trashItems() async throws -> [Trash.Item] {
        guard let first = connected.first else { throw EngineError(.unreachable, "no engine of the fleet is connected") }
        return try await first.engine.trashItems()
    }

    public func purgeTrash(_ items: [Trash.Item]) async throws {
        guard let first = connected.first else { throw EngineError(.unreachable, "no engine of the fleet is connected") }
        try await first.engine.purgeTrash(items)
    }

    /// Restores on the engine `name`'s prefix names, else on the engine the item was removed from.
    public func restoreFromTrash(_ item: Trash.Item, as name: String, progress: @escaping @Sendable (Int64) -> Void) async throws -> Int64 {
        if FleetName.engine(of: name) != nil {
            let (engine, own) = try route(name)
            return try await engine.restoreFromTrash(item, as: own, progress: progress)
        }
        guard let home = connected.first(where: { $0.engine.auditAddress == item.engine }) else {
            throw EngineError(
                .unreachable,
                "\(Sanitizer.inline(item.name)) was removed from \(Sanitizer.inline(item.engine)), which is not a connected engine of "
                    + "this fleet: restore it with voltop -H \(Sanitizer.inline(item.engine)) restore \(Sanitizer.inline(item.name))")
        }
        return try await home.engine.restoreFromTrash(item, as: name, progress: progress)
    }

    /// Clones on the source's own engine (the target's prefix, if it has one, must name the same engine).
    public func cloneFromDashboard(_ source: String, to target: String, progress: @escaping @Sendable (Int64) -> Void) async throws -> Int64
    {
        let (engine, own) = try route(source)
        let (targetEngine, bare) = FleetName.split(target)
        if let targetEngine, targetEngine != FleetName.engine(of: source) {
            throw EngineError(.invalidArgument, "a clone stays on its source's engine: give the new name without an engine")
        }
        return try await engine.cloneFromDashboard(own, to: bare, progress: progress)
    }

    public func exportFromDashboard(_ volume: String, toFile path: String, progress: @escaping @Sendable (Int64) -> Void) async throws
        -> Int64
    {
        let (engine, own) = try route(volume)
        return try await engine.exportFromDashboard(own, toFile: path, progress: progress)
    }

    /// Every connected engine's address (the audit lines name each volume with its engine's prefix).
    public var auditAddress: String { connected.map { $0.engine.auditAddress }.joined(separator: ", ") }

    public func inspectText(_ name: String) async throws -> String {
        let (engine, own) = try route(name)
        return try await engine.inspectText(own)
    }

    public func resolvedOwners(of name: String) async throws -> ResolvedOwners {
        let (engine, own) = try route(name)
        let label = FleetName.engine(of: name) ?? ""
        var resolved = try await engine.resolvedOwners(of: own)
        resolved.entry.volume = Self.qualified(resolved.entry.volume, label)
        resolved.details = resolved.details.mapValues { detail in
            var d = detail
            d.mounts = Self.qualified(d.mounts, label)
            return d
        }
        return resolved
    }

    public func containerDetail(_ id: String) async throws -> ContainerDetail {
        let engine = try routeContainer(id)
        var detail = try await engine.containerDetail(id)
        if let label = containerEngines.withLock({ $0[id] }) { detail.mounts = Self.qualified(detail.mounts, label) }
        return detail
    }

    /// Every engine's preview, its names qualified: sorted by name, the candidates come grouped by engine.
    public func previewPrune(_ mode: PruneMode) async throws -> PrunePlan {
        let answers = try await onEvery("preview prune", isSlow: true) { try await $0.previewPrune(mode) }
        var plan = PrunePlan(catalog: .empty, mode: mode)
        plan.anonymity = .label
        for (label, part) in answers {
            plan.labelFilters = part.labelFilters
            if part.anonymity == .labelOrNameShape && !part.candidates.isEmpty { plan.anonymity = .labelOrNameShape }
            plan.candidates += part.candidates.map { candidate in
                var c = candidate
                c.name = FleetName.qualified(c.name, engine: label)
                return c
            }
            plan.excluded += part.excluded.map { FleetName.qualified($0, engine: label) }
        }
        plan.candidates.sort { $0.name < $1.name }
        plan.excluded.sort()
        return plan
    }

    public func prune(_ plan: PrunePlan) async throws -> PruneResult {
        try await prunePerEngine(plan) { engine, part in try await engine.prune(part) }
    }

    public func pruneFromDashboard(_ plan: PrunePlan) async throws -> PruneResult {
        try await prunePerEngine(plan) { engine, part in try await engine.pruneFromDashboard(part) }
    }

    /// Splits a plan by engine and runs each part on its own engine (all at once); an engine that fails leaves its
    /// part skipped with the reason, the others' results stand.
    func prunePerEngine(
        _ plan: PrunePlan, _ body: @escaping @Sendable (any DashboardEngine, PrunePlan) async throws -> PruneResult
    ) async throws -> PruneResult {
        var parts: [String: PrunePlan] = [:]
        var order: [String] = []
        var merged = PruneResult(removed: [], skipped: [], reclaimedBytes: 0)
        for candidate in plan.candidates {
            let (label, own) = FleetName.split(candidate.name)
            guard let label, members.contains(where: { $0.label == label }) else {
                merged.skipped.append(PruneSkip(name: candidate.name, reason: "failed", message: "no engine in this dashboard holds it"))
                continue
            }
            if parts[label] == nil {
                var part = plan
                part.candidates = []
                part.excluded = []
                parts[label] = part
                order.append(label)
            }
            var c = candidate
            c.name = own
            parts[label]?.candidates.append(c)
        }
        let results = await withTaskGroup(of: (String, Result<PruneResult, EngineError>).self) { group in
            for label in order {
                guard let part = parts[label] else { continue }
                group.addTask {
                    do {
                        guard let engine = self.engine(for: label) else {
                            throw EngineError(.unreachable, "engine \(label) is not connected")
                        }
                        return (label, .success(try await body(engine, part)))
                    } catch {
                        return (label, .failure(EffectRunner.engineError(error)))
                    }
                }
            }
            var all: [String: Result<PruneResult, EngineError>] = [:]
            for await (label, result) in group { all[label] = result }
            return all
        }
        for label in order {
            switch results[label] {
            case .success(let result)?:
                let q = Self.qualified(result, label)
                merged.removed += q.removed
                merged.kept += q.kept
                merged.skipped += q.skipped
                merged.reclaimedBytes = merged.reclaimedBytes.saturatingAdd(q.reclaimedBytes)
            case .failure(let error)?:
                for candidate in parts[label]?.candidates ?? [] {
                    merged.skipped.append(
                        PruneSkip(name: FleetName.qualified(candidate.name, engine: label), reason: "failed", message: error.message))
                }
            case nil: break
            }
        }
        // Every engine failed (read-only, unreachable): an error, as with one engine.
        let errors = order.compactMap { label -> EngineError? in
            if case .failure(let error)? = results[label] { return error }
            return nil
        }
        if !order.isEmpty, errors.count == order.count, let first = errors.first { throw first }
        return merged
    }

    public func act(_ action: ContainerAction, onContainer id: String, named name: String) async throws {
        try await routeContainer(id).act(action, onContainer: id, named: name)
    }
}

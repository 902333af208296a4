import VolumeCore
import VolumeUI

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Measures volumes for the SIZE column, one at a time, off the main actor, within a CPU budget.
///
/// Each `measure` replaces the queue with its list (the reducer puts the rows on screen first, then the rest), so
/// a newer list re-prioritises at once: the walk in progress ends, then the new list's first rows follow. Between
/// volumes the measurer yields, and after a walk that kept more threads busy than `budget` cores it pauses as
/// long as needed to stay within the budget on average: the input loop never starves, even on 2 cores.
///
/// A volume measured in the last `freshFor` seconds (or 30 times its last walk's duration, whichever is longer)
/// is not measured again. Results go out in batches (`.volumesMeasured`), at most one per `batchInterval`.
public actor SizeMeasurer: VolumeMeasuring {
    /// What is known about one volume.
    private struct Known {
        /// When it was last measured and how long that took.
        var measuredAt: (at: Date, seconds: Double)?
        /// The last size sent, and when.
        var sent: (bytes: Int64, at: Date)?
    }

    private let probe: any VolumeProbe
    private let clock: any RuntimeClock
    private let send: @Sendable (Action) -> Void
    /// Every measurement as it is taken (growth anchors on complete ones), changed or not.
    private let onMeasured: (@Sendable (String, VolumeMeasurement) -> Void)?
    private let freshFor: Double
    /// Cores the walks may use on average.
    private let budget: Double
    private var queue: [String] = []
    /// The next name of `queue` to measure.
    private var head = 0
    private var isRunning = false
    private var known: [String: Known] = [:]
    /// How many volumes the measurer keeps anything of (for tests).
    var knownCount: Int { known.count }
    /// The last list asked for (rows on screen first).
    private var lastRequested: [String] = []
    /// Seconds between two looks at the rows on screen (0: never); see `measure`.
    private let refreshEvery: Double
    private var refreshTask: Task<Void, Never>?
    /// How many names of the last list the periodic look covers (about a screenful of rows).
    static let refreshedRows = 50
    /// The volumes whose writes growth follows (fanotify): their growth is counted as it happens, so the periodic
    /// look leaves them out, but for one look in `followedLookEvery` (a deletion is no write fanotify reports).
    private let writesFollowed: (@Sendable () async -> Set<String>)?
    /// One periodic look in this many also walks the volumes whose writes are followed.
    public static let followedLookEvery = 20
    private var looks = 0
    /// At most one batch per frame (16 ms): many small volumes measured in a row make one frame, not one each.
    static let batchInterval = 0.016
    /// Pauses shorter than this are gathered until they add up (a sleep has its own cost).
    static let shortestPause = 0.002

    /// A measurer over `probe`; `budget` is in cores.
    ///
    /// `writesFollowed` names the volumes whose writes are followed as they happen (growth with fanotify).
    public init(
        probe: any VolumeProbe, clock: any RuntimeClock, freshFor: Double = 10, refreshEvery: Double = 15, budget: Double = 1,
        writesFollowed: (@Sendable () async -> Set<String>)? = nil, measured: (@Sendable (String, VolumeMeasurement) -> Void)? = nil,
        send: @escaping @Sendable (Action) -> Void
    ) {
        self.writesFollowed = writesFollowed
        self.probe = probe
        self.clock = clock
        self.send = send
        onMeasured = measured
        self.freshFor = min(freshFor, max(1, refreshEvery))
        self.refreshEvery = refreshEvery
        self.budget = max(0.1, budget)
    }

    deinit { refreshTask?.cancel() }

    /// Measures `names` in order, replacing what was still queued. Writes into a volume make no engine event, so
    /// every `refreshEvery` seconds the first rows of the last list (those on screen) that a running container
    /// writes to are looked at again, each only once its measurement is no longer fresh: a volume filling the disk
    /// shows it in the SIZE column without a key.
    public func measure(_ names: [String]) async {
        guard probe.isAvailable else { return }
        // The list names every volume: what is known of volumes gone since goes too (a host that makes and removes
        // volumes all day must not grow the dashboard's memory).
        let listed = Set(names)
        known = known.filter { listed.contains($0.key) }
        lastRequested = names
        enqueue(names)
        if refreshTask == nil, refreshEvery > 0 {
            let every = refreshEvery
            let clock = self.clock
            refreshTask = Task { [weak self] in
                while !Task.isCancelled {
                    do { try await clock.sleep(seconds: every) } catch { return }
                    await self?.refreshVisible()
                }
            }
        }
    }

    /// Looks again at the rows on screen that a running container mounts read-write: only those can grow from
    /// inside a container (one `GET /containers/json` of running containers per look; an idle host costs nothing).
    /// Rows whose writes growth follows are left out (but for one look in `followedLookEvery`); when that leaves
    /// none, the look costs no request at all.
    private func refreshVisible() async {
        looks += 1
        var rows = Array(lastRequested.prefix(Self.refreshedRows))
        if looks % Self.followedLookEvery != 0, let followed = await writesFollowed?(), !followed.isEmpty {
            rows.removeAll(where: followed.contains)
        }
        guard !rows.isEmpty, let written = try? await probe.writtenVolumes() else { return }
        let names = rows.filter(written.contains)
        guard !names.isEmpty else { return }
        // Ahead of what is still queued, which stays queued.
        let first = Set(names)
        enqueue(names + queue[min(head, queue.count)...].filter { !first.contains($0) })
    }

    private func enqueue(_ names: [String]) {
        queue = names
        head = 0
        guard !isRunning else { return }
        isRunning = true
        Task { await drain() }
    }

    private func drain() async {
        var measured = 0
        var debt = 0.0
        while true {
            while head < queue.count {
                let name = queue[head]
                head += 1
                // A measurement stays fresh for `freshFor`, or 30 times as long as it took (a volume of a million
                // files is not walked again every few seconds on a busy host).
                if let last = known[name]?.measuredAt, clock.seconds(since: last.at) < max(freshFor, last.seconds * 30) { continue }
                let started = clock.now()
                known[name, default: Known()].measuredAt = (started, 0)
                var threads = probe.walkThreads
                let result: Result<VolumeMeasurement?, EngineError>
                do {
                    result = .success(try await probe.measure(name))
                } catch {
                    result = .failure(EffectRunner.engineError(error))
                }
                let seconds = max(0, clock.seconds(since: started))
                known[name, default: Known()].measuredAt = (started, seconds)
                measured += 1
                switch result {
                case .success(let measurement?):
                    threads = measurement.threads ?? threads
                    onMeasured?(name, measurement)
                    let bytes = measurement.bytes
                    // Only a change is sent (an unchanged size needs no new frame), and every size once a minute
                    // (the file pane may have set a newer figure meanwhile).
                    if let last = known[name]?.sent, last.bytes == bytes, clock.seconds(since: last.at) < 60 { break }
                    known[name, default: Known()].sent = (bytes, clock.now())
                    deliver(name, .success(bytes))
                case .success(nil):
                    break
                case .failure(let error):
                    known[name, default: Known()].sent = nil
                    deliver(name, .failure(error))
                }
                // The CPU budget: a walk kept `threads` threads busy for `seconds`; pausing for the share above
                // `budget` keeps the average within it.
                debt += seconds * max(0, Double(threads) / budget - 1)
                if debt >= Self.shortestPause {
                    let pause = debt
                    debt = 0
                    try? await clock.sleep(seconds: pause)
                } else {
                    await Task.yield()
                }
            }
            await probe.passEnded()
            // A new list may have come while the pass ended.
            if head >= queue.count { break }
        }
        isRunning = false
        scheduleFlush()
        StartupTrace.mark("sizes measured \(measured)")
        // The walks' trees are freed, and the code that measured need not stay mapped until the next catalog load
        // (not after a pass that measured nothing: the refresh of the rows on screen comes every 15 s).
        if measured > 0 { EffectRunner.returnFreedMemory() }
    }

    /// Results waiting for the next batch, and when the last batch went.
    private var pending: [String: Result<Int64, EngineError>] = [:]
    private var lastFlush = Date.distantPast
    private var isFlushScheduled = false
    /// Identifies the scheduled flush, so that a timer of an earlier one does nothing.
    private var flushToken = 0

    private func deliver(_ name: String, _ result: Result<Int64, EngineError>) {
        pending[name] = result
        scheduleFlush()
    }

    /// Sends the pending results now if the last batch is `batchInterval` old, else once it is.
    private func scheduleFlush() {
        guard !pending.isEmpty else { return }
        let since = clock.seconds(since: lastFlush)
        if since >= Self.batchInterval {
            flush()
        } else if !isFlushScheduled {
            // The rest of this frame's results follow in one batch, even if the next walk takes long.
            isFlushScheduled = true
            flushToken += 1
            let token = flushToken
            let wait = Self.batchInterval - since
            let clock = self.clock
            Task { [weak self] in
                try? await clock.sleep(seconds: wait)
                await self?.scheduledFlush(token)
            }
        }
    }

    private func scheduledFlush(_ token: Int) {
        guard isFlushScheduled, token == flushToken else { return }
        flush()
    }

    private func flush() {
        isFlushScheduled = false
        guard !pending.isEmpty else { return }
        let batch = pending
        pending = [:]
        lastFlush = clock.now()
        send(.volumesMeasured(batch))
    }
}

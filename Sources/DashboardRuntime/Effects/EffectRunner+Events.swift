import Synchronization
import VolumeCore
import VolumeUI

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The runner's event following: the stream with its liveness ping, reconnecting with backoff, and the settling of
/// refreshes that events ask for.
extension EffectRunner {
    /// Seconds without a catalog-changing event before a refresh asked for by events loads.
    static let eventsQuietGap = 0.3
    /// The longest a refresh waits for events to settle (a storm that never ends still refreshes this often).
    static let eventsMaxSettle = 3.0

    /// Waits until no catalog-changing event came for `eventsQuietGap` seconds, at most `eventsMaxSettle`.
    func settleEvents() async {
        let started = clock.now()
        while !Task.isCancelled {
            let quiet = clock.seconds(since: lastCatalogEvent.withLock { $0 })
            let waited = clock.seconds(since: started)
            let wait = min(Self.eventsQuietGap - quiet, Self.eventsMaxSettle - waited)
            guard wait > 0 else { return }
            do { try await clock.sleep(seconds: wait) } catch { return }
        }
    }

    /// Follows the engine's event stream for as long as the task lives; reconnects with backoff and re-lists.
    ///
    /// The stream itself has no time limit (a quiet host sends no events for hours), so while it is open the
    /// engine is pinged every `livenessInterval` seconds: an engine that stops answering (hung, or a proxy that
    /// stalls) ends the stream with a `.timeout` error, and the dashboard shows "live updates lost" with it.
    /// After a drop it waits 1, 2, 4 … seconds (at most `maxBackoff`) between attempts; once the engine answers
    /// again the wait starts over at 1 s and the catalog and sizes are loaded again (the daemon keeps only 256
    /// events, so what happened meanwhile may be lost).
    public func followEvents() async {
        // Growth is followed alongside, for as long as the events are, from the end of the first catalog load on.
        await withTaskGroup(of: Void.self) { group in
            if let growth {
                group.addTask {
                    await self.firstCatalogLoaded.wait()
                    guard !Task.isCancelled else { return }
                    await growth.run(interval: 0.5)
                }
            }
            group.addTask { await self.followEngineEvents() }
            await group.next()
            group.cancelAll()
        }
    }

    func followEngineEvents() async {
        // From before the first volume list (asked for with the ping): a change between the two is not lost.
        var since: String? = engine.eventsStart
        var backoff = 1.0
        let engine = self.engine
        let send = self.send
        let clock = self.clock
        let interval = livenessInterval
        while !Task.isCancelled {
            let resume = ResumeToken(since)
            defer { since = resume.value }
            let reason = await engine.readEvents(from: resume, livenessInterval: interval, clock: clock) { event in
                if event.changesCatalog { self.lastCatalogEvent.withLock { $0 = clock.now() } }
                send(.eventReceived(event))
            }
            if Task.isCancelled { return }
            send(.eventStreamChanged(.disconnected(reason: reason, retryIn: backoff)))
            do { try await clock.sleep(seconds: backoff) } catch { return }
            backoff = min(backoff * 2, Self.maxBackoff)
            // Reconnect: the daemon keeps only 256 events, so re-list as well.
            if await probe() {
                backoff = 1
                send(.eventStreamChanged(.connected))
                run(.loadCatalog)
                run(.loadSizes)
            }
        }
    }

    /// Whether the engine answers a cheap request.
    func probe() async -> Bool {
        (try? await engine.ping(within: 10)) != nil
    }
}

import Synchronization
import VolumeCore
import VolumeUI

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The fleet's events and liveness: every engine's stream merged (each reconnecting on its own), the engines that
/// could not be reached at start tried again until they join, and a ping that any engine answers.
extension FleetEngine {
    /// Every connected engine's events, qualified, merged. Each engine's stream reconnects on its own (with its own
    /// backoff and liveness pings) and reports `reconnecting` and `live`; the merged stream ends only when cancelled.
    public func events(since: String?) -> AsyncThrowingStream<EngineEvent, Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: EngineEvent.self)
        let engines = connected
        let waiting = members.filter { member in member.reconnect != nil && !engines.contains { $0.label == member.label } }
        let task = Task {
            await withTaskGroup(of: Void.self) { group in
                for (label, engine) in engines {
                    group.addTask { await self.follow(label, engine) { continuation.yield(Self.qualified($0, label)) } }
                }
                for member in waiting {
                    group.addTask {
                        guard let engine = await self.connectLate(member) else { return }
                        await self.follow(member.label, engine) { continuation.yield(Self.qualified($0, member.label)) }
                    }
                }
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// One engine's event stream, for as long as the task lives: on a drop it reports `reconnecting`, waits 1, 2,
    /// 4 … s (at most `EffectRunner.maxBackoff`) between pings, and reports `live` once the engine answers (the
    /// dashboard then lists again: the daemon keeps only 256 events).
    func follow(_ label: String, _ engine: any DashboardEngine, yield: @escaping @Sendable (EngineEvent) -> Void) async {
        var since: String? = nil
        var backoff = 1.0
        let clock = self.clock
        let interval = livenessInterval
        while !Task.isCancelled {
            let resume = ResumeToken(since)
            let reason = await engine.readEvents(from: resume, livenessInterval: interval, clock: clock, yield)
            since = resume.value
            if Task.isCancelled { return }
            setStatus(label, .reconnecting(reason: reason, retryIn: backoff))
            do { try await clock.sleep(seconds: backoff) } catch { return }
            backoff = min(backoff * 2, EffectRunner.maxBackoff)
            if (try? await engine.ping(within: 10)) != nil {
                backoff = 1
                setStatus(label, .live)
            }
        }
    }

    /// Tries to connect a member that could not be reached at start, waiting 1, 2, 4 … s (at most
    /// `EffectRunner.maxBackoff`) between tries and reporting `reconnecting`; once it answers it joins the fleet and
    /// is reported `live` (the dashboard then lists again). Nil when the task was cancelled first.
    func connectLate(_ member: Member) async -> (any DashboardEngine)? {
        guard let reconnect = member.reconnect else { return nil }
        var backoff = 1.0
        var reason = member.failure ?? "unreachable"
        while !Task.isCancelled {
            setStatus(member.label, .reconnecting(reason: reason, retryIn: backoff))
            do { try await clock.sleep(seconds: backoff) } catch { return nil }
            backoff = min(backoff * 2, EffectRunner.maxBackoff)
            do {
                let engine = try await Self.within(callTimeout, clock: clock, what: "\(member.label): connect") { try await reconnect() }
                lateEngines.withLock { $0[member.label] = engine }
                joined(member.label, engine.serverDescription)
                setStatus(member.label, .live)
                return engine
            } catch {
                reason = EffectRunner.engineError(error).message
            }
        }
        return nil
    }

    /// Answers when any connected engine answers (each engine's own liveness is followed in `events`).
    public func ping(within seconds: Double) async throws {
        let engines = connected
        let answered = await withTaskGroup(of: Bool.self) { group in
            for (_, engine) in engines { group.addTask { (try? await engine.ping(within: seconds)) != nil } }
            for await ok in group where ok {
                group.cancelAll()
                return true
            }
            return false
        }
        if !answered { throw EngineError(.unreachable, "no engine of the fleet answers") }
    }
}

import DashboardRuntime
import Foundation
import Synchronization

/// A clock that moves only when a test calls `advance(by:)`; it records every sleep asked for.
final class ManualClock: RuntimeClock {
    private struct Sleeper {
        let id: Int
        let deadline: Double
        let continuation: CheckedContinuation<Void, Error>
    }

    private struct State {
        var now = 0.0
        var sleepers: [Sleeper] = []
        var cancelled: Set<Int> = []
        var requested: [Double] = []
        var nextID = 0
    }

    private let state = Mutex(State())
    static let origin = Date(timeIntervalSince1970: 1_700_000_000)

    func now() -> Date { Self.origin.addingTimeInterval(state.withLock { $0.now }) }

    func sleep(seconds: Double) async throws {
        let id = state.withLock { s in
            s.nextID += 1
            return s.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
                let outcome: Bool? = state.withLock { s in
                    s.requested.append(seconds)
                    if s.cancelled.remove(id) != nil { return false }
                    if seconds <= 0 { return true }
                    s.sleepers.append(Sleeper(id: id, deadline: s.now + seconds, continuation: continuation))
                    return nil
                }
                switch outcome {
                case true?: continuation.resume()
                case false?: continuation.resume(throwing: CancellationError())
                case nil: break
                }
            }
        } onCancel: {
            let sleeper: Sleeper? = state.withLock { s in
                guard let i = s.sleepers.firstIndex(where: { $0.id == id }) else {
                    s.cancelled.insert(id)
                    return nil
                }
                return s.sleepers.remove(at: i)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward and wakes every sleeper whose time has come, earliest first.
    func advance(by seconds: Double) {
        let due: [Sleeper] = state.withLock { s in
            s.now += seconds
            let due = s.sleepers.filter { $0.deadline <= s.now + 1e-6 }.sorted { $0.deadline < $1.deadline }
            s.sleepers.removeAll { $0.deadline <= s.now + 1e-6 }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// How long each sleeper still waiting asked to sleep, from now.
    var waiting: [Double] {
        state.withLock { s in s.sleepers.map { $0.deadline - s.now } }
    }

    /// Every sleep asked for so far, in order.
    var requested: [Double] { state.withLock { $0.requested } }
}

import Synchronization
import VolumeUI

/// The loop's inbox: keys and effect results from any thread, taken out all at once.
///
/// `AsyncStream` hands out one element per `await`; the loop wants everything already queued, so that a burst of
/// results is reduced together and drawn once.
public final class ActionQueue: Sendable {
    /// One action and when it arrived (for the key→frame trace).
    public struct Item: Sendable {
        /// The action.
        public var action: Action
        /// When `send` was called.
        public var receivedAt: ContinuousClock.Instant
    }

    private struct Inner {
        var items: [Item] = []
        var waiter: CheckedContinuation<[Item]?, Never>?
        var isFinished = false
        var isWakePending = false
    }

    private let inner = Mutex(Inner())

    /// An empty queue.
    public init() {}

    /// Queues an action (from any thread) and wakes the loop.
    public func send(_ action: Action) {
        let item = Item(action: action, receivedAt: .now)
        let resume: (CheckedContinuation<[Item]?, Never>, [Item])? = inner.withLock { inner in
            guard !inner.isFinished else { return nil }
            inner.items.append(item)
            guard let waiter = inner.waiter else { return nil }
            inner.waiter = nil
            let items = inner.items
            inner.items = []
            return (waiter, items)
        }
        if let (waiter, items) = resume { waiter.resume(returning: items) }
    }

    /// Wakes the loop with nothing new (a deferred frame is due).
    public func wake() {
        let waiter: CheckedContinuation<[Item]?, Never>? = inner.withLock { inner in
            guard let waiter = inner.waiter else {
                inner.isWakePending = true
                return nil
            }
            inner.waiter = nil
            return waiter
        }
        waiter?.resume(returning: [])
    }

    /// Ends the queue: `next()` returns nil from now on; later actions are dropped.
    public func finish() {
        let waiter: CheckedContinuation<[Item]?, Never>? = inner.withLock { inner in
            inner.isFinished = true
            inner.items = []
            let waiter = inner.waiter
            inner.waiter = nil
            return waiter
        }
        waiter?.resume(returning: nil)
    }

    /// Everything queued, in order, waiting until there is something (or a `wake()`); nil once finished.
    public func next() async -> [Item]? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<[Item]?, Never>) in
                let ready: [Item]?? = inner.withLock { inner in
                    if inner.isFinished { return .some(nil) }
                    if !inner.items.isEmpty || inner.isWakePending {
                        inner.isWakePending = false
                        let items = inner.items
                        inner.items = []
                        return .some(items)
                    }
                    inner.waiter = continuation
                    return .none
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            finish()
        }
    }
}

import Synchronization

/// A door that async code waits at until the test opens it.
final class Gate: Sendable {
    private let state = Mutex<(isOpen: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let isOpen = state.withLock { s in
                if s.isOpen { return true }
                s.waiters.append(continuation)
                return false
            }
            if isOpen { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { s in
            s.isOpen = true
            let w = s.waiters
            s.waiters = []
            return w
        }
        for waiter in waiters { waiter.resume() }
    }

    var waiterCount: Int { state.withLock { $0.waiters.count } }
}

import CVolumeSys

/// One thread of its own for blocking work that must not compete with the dashboard's input and drawing: jobs run
/// one at a time, in the order given, at a lower scheduling priority (`niceness` added to the thread's own, for the
/// job's work only: the result is handed over at the thread's own priority, see `ThreadPriority`).
///
/// The thread starts with the first job and stays (blocked, costing nothing) until the handle is gone: work that
/// comes in runs of thousands of small jobs (a size measurement per volume) pays for one thread, not one each.
public final class BackgroundThread: @unchecked Sendable {
    /// What the thread and the handle share; the thread never holds the handle, so the handle's end stops it.
    private final class Shared: @unchecked Sendable {
        let condition = ThreadCondition()
        // Guarded by `condition`:
        /// Each job's work, which returns what hands its result over.
        var jobs: [@Sendable () -> (@Sendable () -> Void)] = []
        var head = 0
        var isStarted = false
        var isStopping = false
    }

    private let shared = Shared()
    /// The thread's name (at most 15 bytes are kept).
    public let name: String
    /// Niceness added to the thread's own while a job works (the result of `nice` is at most 19).
    public let niceness: Int32

    public init(name: String, niceness: Int32 = 10) {
        self.name = name
        self.niceness = max(0, min(19, niceness))
    }

    deinit {
        shared.condition.lock()
        shared.isStopping = true
        shared.condition.signal()
        shared.condition.unlock()
    }

    /// Runs `work` on the thread after the jobs given before it, and returns its result.
    public func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            submit(work) { continuation.resume(returning: $0) }
        }
    }

    /// Runs `work` on the thread at the lower priority, then `finish` with its result on the same thread, back at the
    /// thread's own priority.
    func submit<T: Sendable>(_ work: @escaping @Sendable () -> T, then finish: @escaping @Sendable (T) -> Void) {
        let shared = self.shared
        shared.condition.lock()
        shared.jobs.append {
            let value = work()
            return { finish(value) }
        }
        let start = !shared.isStarted
        shared.isStarted = true
        shared.condition.signal()
        shared.condition.unlock()
        guard start else { return }
        let niceness = self.niceness
        OSThread.start(name: name, stackSize: 4 << 20) {
            while let job = Self.next(shared) {
                let lowered = ThreadPriority.lower(by: niceness)
                let handOver = job()
                lowered?.restore()
                handOver()
            }
        }
    }

    /// The next job, waiting for one; nil once the handle is gone and nothing is left.
    private static func next(_ shared: Shared) -> (@Sendable () -> (@Sendable () -> Void))? {
        shared.condition.lock()
        defer { shared.condition.unlock() }
        while shared.head >= shared.jobs.count {
            if shared.isStopping { return nil }
            // Done jobs go (the array would otherwise keep every closure it ever ran).
            shared.jobs.removeAll(keepingCapacity: false)
            shared.head = 0
            shared.condition.wait()
        }
        let job = shared.jobs[shared.head]
        shared.head += 1
        return job
    }
}

import CVolumeSys
import Foundation
import Testing

@testable import VolumeCore

@Suite struct BackgroundThreadTests {
    /// Values appended from other threads.
    final class Recorder<T: Sendable>: @unchecked Sendable {
        private let lock = ThreadLock()
        private var stored: [T] = []
        func append(_ value: T) { lock.withLock { stored.append(value) } }
        var values: [T] { lock.withLock { stored } }
    }

    /// The threads of this process named `name` (from /proc/self/task/*/comm).
    static func threads(named name: String) -> Int {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.filter { task in
            (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) == name
        }.count
    }

    /// What a lowered thread's niceness is while it works, for a thread that was at `base`.
    static func expectedWhileWorking(base: Int32, by delta: Int32) -> Int32 {
        ThreadPriority.canRaise(to: base) && base < 19 ? min(19, base + delta) : base
    }

    @Test func jobsRunInOrderOnOneThreadAtALowerPriorityAndHandOverAtTheirOwn() async throws {
        let name = "vt-bg-\(getpid() % 10000)"
        try await Self.useAndDrop(BackgroundThread(name: name, niceness: 10), name: name)
        // The thread ends once its handle is gone.
        var left = 1
        for _ in 0..<100 where left > 0 {
            try await Task.sleep(nanoseconds: 20_000_000)
            left = Self.threads(named: name)
        }
        #expect(left == 0, "the thread outlived its handle")
    }

    private static func useAndDrop(_ worker: BackgroundThread, name: String) async throws {
        // The thread is made by the first submit, here: it starts at this thread's niceness.
        let base = cvs_thread_nice()
        let order = Recorder<Int>()
        let working = Recorder<Int32>()
        let handingOver = Recorder<Int32>()
        let threads = Recorder<UInt>()
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            for i in 0..<50 {
                worker.submit {
                    order.append(i)
                    working.append(cvs_thread_nice())
                    threads.append(UInt(pthread_self()))
                    return i
                } then: { value in
                    handingOver.append(cvs_thread_nice())
                    if value == 49 { done.resume() }
                }
            }
        }
        #expect(order.values == Array(0..<50), "in the order given")
        #expect(Set(threads.values).count == 1, "one thread for every job")
        #expect(Set(working.values) == [expectedWhileWorking(base: base, by: 10)])
        // Results leave at the thread's own priority: a thread the runtime makes then is not lowered.
        #expect(Set(handingOver.values) == [base])
        #expect(cvs_thread_nice() == base, "the caller's priority is not touched")
        // The async form, from many tasks at once.
        let results = await withTaskGroup(of: Int.self) { group in
            for i in 0..<20 { group.addTask { await worker.run { i } } }
            var all: [Int] = []
            for await r in group { all.append(r) }
            return all
        }
        #expect(results.sorted() == Array(0..<20))
        #expect(Self.threads(named: name) == 1)
    }

    /// The scanner's threads take the niceness asked for (the size measurer's walks) while they walk, only when asked,
    /// and hand the tree over at their own.
    @Test(arguments: [Int32(0), 10])
    func scannerThreadsTakeTheirNiceness(niceness: Int32) async throws {
        let t = try ScannerScratch("nice-\(niceness)")
        try t.dir("a")
        try t.dir("a/b")
        let seen = Recorder<Int32>()
        var options = ScanOptions(workers: 2, niceness: niceness)
        options.didOpenDirectory = { _, _ in seen.append(cvs_thread_nice()) }
        let base = cvs_thread_nice()
        let handOver = try await withCheckedThrowingContinuation { (c: CheckedContinuation<Int32, any Error>) in
            do {
                try ScanWalk(rootPath: t.path, relativePath: [], options: options, progress: nil).start { result in
                    c.resume(with: result.map { _ in cvs_thread_nice() })
                }
            } catch {
                c.resume(throwing: error)
            }
        }
        #expect(Set(seen.values) == [niceness == 0 ? base : Self.expectedWhileWorking(base: base, by: niceness)])
        #expect(handOver == base)
    }

    @Test func capabilitiesAreReadFromTheStatusText() {
        #expect(ThreadPriority.capabilities(status: "Name:\tx\nCapEff:\t000001ffffffffff\nCapBnd:\t0\n") == 0x1ff_ffff_ffff)
        #expect(ThreadPriority.capabilities(status: "Name:\tx\n") == nil)
        if geteuid() == 0 { #expect(ThreadPriority.canRaise(to: 0)) }
    }
}

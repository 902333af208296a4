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

    @Test func jobsRunInOrderOnOneThreadAtALowerPriority() async throws {
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
        let order = Recorder<Int>()
        let callerNice = cvs_thread_nice()
        // Submitted from many tasks at once: each runs alone, and the thread is one.
        let results = await withTaskGroup(of: (index: Int, nice: Int32, thread: UInt).self) { group in
            for i in 0..<50 {
                group.addTask {
                    await worker.run {
                        order.append(i)
                        return (i, cvs_thread_nice(), UInt(pthread_self()))
                    }
                }
            }
            var all: [(index: Int, nice: Int32, thread: UInt)] = []
            for await r in group { all.append(r) }
            return all
        }
        #expect(results.count == 50)
        #expect(Set(results.map { $0.thread }).count == 1, "one thread for every job")
        #expect(results.allSatisfy { $0.nice == 10 }, "\(results.map { $0.nice })")
        #expect(cvs_thread_nice() == callerNice, "the caller's priority is not touched")
        // In the order given: a job submitted after another's result came runs after it.
        let a = await worker.run { order.values.count }
        let b = await worker.run { order.values.count }
        #expect(a == 50 && b == 50)
        #expect(threads(named: name) == 1)
    }

    /// The scanner's threads take the niceness asked for (the size measurer's walks), and only when asked.
    @Test(arguments: [Int32(0), 10])
    func scannerThreadsTakeTheirNiceness(niceness: Int32) async throws {
        let t = try ScannerScratch("nice-\(niceness)")
        try t.dir("a")
        try t.dir("a/b")
        let seen = Recorder<Int32>()
        var options = ScanOptions(workers: 2, niceness: niceness)
        options.didOpenDirectory = { _, _ in seen.append(cvs_thread_nice()) }
        _ = try await VolumeScanner.scan(rootPath: t.path, options: options)
        let base = cvs_thread_nice()
        #expect(Set(seen.values) == [niceness == 0 ? base : niceness])
    }
}

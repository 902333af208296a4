import Foundation
import Synchronization
import Testing

@testable import VolumeCore

#if canImport(Glibc)
    import Glibc
#endif

/// `DirectoryWatcher`: inotify on chosen directories, opened without following symlinks.
@Suite struct DirectoryWatcherTests {
    /// Counts `onChange` calls and lets a test wait for the next one.
    final class Calls: Sendable {
        let count = Mutex(0)

        func fire() { count.withLock { $0 += 1 } }

        var value: Int { count.withLock { $0 } }

        /// Waits until the count exceeds `above` (true), or gives up after `seconds` (false).
        func wait(above: Int, seconds: Double = 5) async -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if value > above { return true }
                try? await Task.sleep(nanoseconds: 20_000_000)
            }
            return value > above
        }
    }

    private static func bytes(_ path: String) -> [[UInt8]] { path.split(separator: "/").map { Array($0.utf8) } }

    private static func write(_ path: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    @Test func reportsCreateAndGrowthInWatchedDirectories() async throws {
        let t = try ScannerScratch("watch")
        try t.dir("root")
        try t.dir("root/logs")
        let calls = Calls()
        let watcher = try DirectoryWatcher(rootPath: t.full("root"), minInterval: 0.05) { calls.fire() }
        defer { watcher.stop() }
        #expect(watcher.watch([[], Self.bytes("logs")]) == 2)

        try Self.write(t.full("root/new.txt"), "hello")
        #expect(await calls.wait(above: 0), "a file created in the root is reported")

        let before = calls.value
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: t.full("root/new.txt")))
        handle.seekToEndOfFile()
        handle.write(Data(repeating: 0x41, count: 4096))
        try handle.close()
        #expect(await calls.wait(above: before), "a file growing in a watched directory is reported")

        let beforeNested = calls.value
        try Self.write(t.full("root/logs/app.log"), "line")
        #expect(await calls.wait(above: beforeNested), "a file created in a watched subdirectory is reported")
    }

    @Test func replacingTheSetStopsOldWatches() async throws {
        let t = try ScannerScratch("watch-replace")
        try t.dir("root")
        try t.dir("root/a")
        try t.dir("root/b")
        let calls = Calls()
        let watcher = try DirectoryWatcher(rootPath: t.full("root"), minInterval: 0.01) { calls.fire() }
        defer { watcher.stop() }
        watcher.watch([Self.bytes("a")])
        watcher.watch([Self.bytes("b")])
        #expect(watcher.watched == [Self.bytes("b")])

        try Self.write(t.full("root/a/x"), "x")
        try Self.write(t.full("root/b/y"), "y")
        #expect(await calls.wait(above: 0))
        // Both writes land within one burst; only b is watched, so a's write alone must not be seen later.
        try await Task.sleep(nanoseconds: 200_000_000)
        let settled = calls.value
        try Self.write(t.full("root/a/z"), "z")
        try await Task.sleep(nanoseconds: 300_000_000)
        #expect(calls.value == settled, "a directory no longer in the set is not watched")
    }

    @Test func aDirectoryDeletedAndMadeAgainIsWatchedAgain() async throws {
        let t = try ScannerScratch("watch-rotate")
        try t.dir("root")
        try t.dir("root/logs")
        let calls = Calls()
        let watcher = try DirectoryWatcher(rootPath: t.full("root"), minInterval: 0.01) { calls.fire() }
        defer { watcher.stop() }
        watcher.watch([Self.bytes("logs")])
        // Log rotation: the directory goes and comes back under the same name.
        rmdir(t.full("root/logs"))
        #expect(await calls.wait(above: 0))
        try await Task.sleep(nanoseconds: 100_000_000)
        #expect(watcher.watched.isEmpty, "the kernel dropped the watch, so the watcher forgets the path")
        try t.dir("root/logs")
        #expect(watcher.watch([Self.bytes("logs")]) == 1, "the same set given again watches the new directory")
        let before = calls.value
        try Self.write(t.full("root/logs/new.log"), "x")
        #expect(await calls.wait(above: before), "writes into the new directory are reported")
    }

    @Test func neverWatchesThroughASymlink() async throws {
        let t = try ScannerScratch("watch-link")
        try t.dir("outside")
        try t.dir("root")
        try t.symlink(t.full("outside"), "root/escape")
        try t.symlink("..", "root/up")
        let calls = Calls()
        let watcher = try DirectoryWatcher(rootPath: t.full("root"), minInterval: 0.01) { calls.fire() }
        defer { watcher.stop() }
        #expect(watcher.watch([Self.bytes("escape"), Self.bytes("up"), Self.bytes("missing")]) == 0)
        try Self.write(t.full("outside/secret"), "s")
        try await Task.sleep(nanoseconds: 300_000_000)
        #expect(calls.value == 0, "nothing outside the root is watched")
    }

    @Test func burstsAreThrottledWithATrailingCall() async throws {
        let t = try ScannerScratch("watch-burst")
        try t.dir("root")
        let calls = Calls()
        let watcher = try DirectoryWatcher(rootPath: t.full("root"), minInterval: 0.5) { calls.fire() }
        defer { watcher.stop() }
        watcher.watch([[]])
        for i in 0..<200 { try Self.write(t.full("root/f\(i)"), "\(i)") }
        #expect(await calls.wait(above: 1, seconds: 5), "the last changes of a burst are reported after the interval")
        try await Task.sleep(nanoseconds: 700_000_000)
        // 200 writes: far fewer calls than writes (the exact count depends on timing, so only a generous bound).
        #expect(calls.value < 20)
    }
}

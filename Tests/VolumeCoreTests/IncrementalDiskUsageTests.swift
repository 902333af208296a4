import Foundation
import Testing

@testable import VolumeCore

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct IncrementalDiskUsageTests {
    /// The full scanner's figure, the reference.
    private func fullWalk(_ s: ScannerScratch) async throws -> Int64 {
        try await VolumeScanner.scan(rootPath: s.path, options: ScanOptions(workers: 2)).diskUsageBytes
    }

    private func deepTree(_ s: ScannerScratch) throws {
        for top in ["a", "b", "c"] {
            try s.dir(top)
            for mid in 0..<5 {
                try s.dir("\(top)/m\(mid)")
                try s.dir("\(top)/m\(mid)/deep")
                for f in 0..<4 { try s.file("\(top)/m\(mid)/deep/f\(f)", size: 5000) }
                try s.file("\(top)/m\(mid)/g", size: 100)
            }
        }
    }

    @Test func aFileDeepInAnUnchangedLookingTreeIsCaughtThroughItsDirectory() async throws {
        let s = try ScannerScratch("incr")
        try deepTree(s)
        let measure = IncrementalDiskUsage(rootPath: s.path)
        #expect(try measure.measure() == (try await fullWalk(s)))
        let first = measure.lastWork
        #expect(first.directoriesRead == 1 + 3 + 15 + 15)

        // Nothing changed: no directory is read again.
        #expect(try measure.measure() == (try await fullWalk(s)))
        #expect(measure.lastWork.directoriesRead == 0)
        #expect(measure.lastWork.directoriesReused == first.directoriesRead)
        #expect(measure.lastWork.entriesStatted == 0)

        // A new file three levels down: only its directory is read.
        try s.file("b/m3/deep/new", size: 70_000)
        let after = try measure.measure()
        #expect(after == (try await fullWalk(s)))
        #expect(measure.lastWork.directoriesRead == 1)
        #expect(measure.lastWork.entriesStatted == 5)

        // A removed subtree and a renamed file are caught as well.
        _ = try ScannerScratch.run("/bin/rm", ["-rf", s.full("c/m0")])
        rename(s.full("a/m1/g"), s.full("a/m1/deep/g2"))
        #expect(try measure.measure() == (try await fullWalk(s)))
        // A full measurement reads everything again.
        #expect(try measure.measure(full: true) == (try await fullWalk(s)))
        #expect(measure.lastWork.directoriesRead == 1 + 3 + 14 + 14)
    }

    @Test func symlinksAreNeverFollowedAndSwappedDirectoriesStartAfresh() async throws {
        let s = try ScannerScratch("incr-link")
        let outside = try ScannerScratch("incr-outside")
        try outside.file("big", size: 1 << 20)
        try s.dir("d")
        try s.file("d/f", size: 4096)
        try s.symlink(outside.path, "out")
        let measure = IncrementalDiskUsage(rootPath: s.path)
        let before = try measure.measure()
        #expect(before == (try await fullWalk(s)))
        #expect(before < 1 << 20)
        // Swap the directory for a symlink to the big outside tree: never followed.
        _ = try ScannerScratch.run("/bin/rm", ["-rf", s.full("d")])
        try s.symlink(outside.path, "d")
        let swapped = try measure.measure()
        #expect(swapped == (try await fullWalk(s)))
        #expect(swapped < before)
        // And back to a (new) directory with other contents.
        unlink(s.full("d"))
        try s.dir("d")
        try s.file("d/h", size: 20_000)
        #expect(try measure.measure() == (try await fullWalk(s)))
    }

    @Test func hardLinksCountOnceAcrossChangesAndTheRootMustBeADirectory() async throws {
        let s = try ScannerScratch("incr-hard")
        try s.dir("x")
        try s.dir("y")
        try s.file("x/data", size: 100_000)
        try s.hardlink("x/data", "y/data")
        let measure = IncrementalDiskUsage(rootPath: s.path)
        #expect(try measure.measure() == (try await fullWalk(s)))
        // y changes (a new file): the link it shares with x is still counted once.
        try s.file("y/other", size: 10)
        #expect(try measure.measure() == (try await fullWalk(s)))
        // x goes: the linked data is now y's.
        _ = try ScannerScratch.run("/bin/rm", ["-rf", s.full("x")])
        #expect(try measure.measure() == (try await fullWalk(s)))

        try s.symlink(s.full("y"), "link")
        #expect(throws: EngineError.self) { try IncrementalDiskUsage(rootPath: s.full("link")).measure() }
    }

    /// Two names of one inode in one directory count once, as `du` counts them (they counted twice: /usr measured
    /// 6.0 GB against du's 5.7).
    @Test func hardLinksInOneDirectoryCountOnce() async throws {
        let s = try ScannerScratch("incr-hard-one")
        try s.dir("x")
        try s.file("x/data", size: 100_000)
        try s.hardlink("x/data", "x/again")
        try s.hardlink("x/data", "x/third")
        let measure = IncrementalDiskUsage(rootPath: s.path)
        let walked = try await fullWalk(s)
        #expect(try measure.measure() == walked)
        // Read again (x changed): still once.
        try s.file("x/small", size: 10)
        #expect(try measure.measure() == (try await fullWalk(s)))
        #expect(measure.lastWork.directoriesRead == 1)
    }

    /// Past `maxEntries` a pass gives up (the probe then walks with the full scanner), and keeps nothing of it.
    @Test func moreEntriesThanAllowedIsLeftToTheFullScanner() async throws {
        let s = try ScannerScratch("incr-many")
        try s.dir("d")
        for i in 0..<20 { try s.file("d/f\(i)", size: 10) }
        let limited = IncrementalDiskUsage(rootPath: s.path, maxEntries: 10)
        #expect(throws: EngineError.self) { try limited.measure() }
        #expect(try IncrementalDiskUsage(rootPath: s.path, maxEntries: 21).measure() == (try await fullWalk(s)))

        // A pass that fails keeps nothing: the next one reads every directory again, none is taken as unchanged.
        try s.dir("e")
        try s.file("e/g", size: 10)
        let measure = IncrementalDiskUsage(rootPath: s.path, maxEntries: 23)
        #expect(try measure.measure() == (try await fullWalk(s)))
        for i in 0..<5 { try s.file("d/more\(i)", size: 10) }
        #expect(throws: EngineError.self) { try measure.measure() }
        for i in 0..<5 { unlink(s.full("d/more\(i)")) }
        #expect(try measure.measure() == (try await fullWalk(s)))
        #expect(measure.lastWork.directoriesReused == 0 && measure.lastWork.directoriesRead == 3, "\(measure.lastWork)")
    }

    /// A directory that cannot be opened counts its own blocks, as the scanner and du count them (as a plain user:
    /// root opens everything), on every pass.
    @Test(.enabled(if: geteuid() == 0, "switching a thread to another user needs root"))
    func aDirectoryThatCannotBeOpenedCountsItsOwnBlocks() async throws {
        let s = try ScannerScratch("incr-secret")
        try s.dir("r")
        try s.file("r/ok", size: 10)
        try s.dir("r/secret")
        try s.file("r/secret/hidden", size: 50_000)
        chmod(s.full("r/secret"), 0o000)
        defer { chmod(s.full("r/secret"), 0o700) }
        var options = ScanOptions()
        options.filesystemUser = (65534, 65534)
        let walked = try await VolumeScanner.scan(rootPath: s.full("r"), options: options).diskUsageBytes
        let root = s.full("r")
        let measured: [Int64?] = await withCheckedContinuation { continuation in
            OSThread.start(name: "test-nobody") {
                FilesystemUser.switchThread(to: (65534, 65534))
                let measure = IncrementalDiskUsage(rootPath: root)
                continuation.resume(returning: [try? measure.measure(), try? measure.measure()])
            }
        }
        #expect(measured == [walked, walked], "the walk as the same user: \(walked)")
        #expect(walked > 4096 + 4096, "the root, ok and secret's own block")
    }

    @Test func tooDeepIsLeftToTheFullScanner() throws {
        let s = try ScannerScratch("incr-depth")
        var path = ""
        for i in 0..<12 {
            path += (path.isEmpty ? "" : "/") + "d\(i)"
            try s.dir(path)
        }
        #expect(throws: EngineError.self) { try IncrementalDiskUsage(rootPath: s.path, maxDepth: 8).measure() }
        #expect(try IncrementalDiskUsage(rootPath: s.path, maxDepth: 20).measure() > 0)
    }
}

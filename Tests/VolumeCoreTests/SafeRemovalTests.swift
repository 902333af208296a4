import Foundation
import Synchronization
import Testing

@testable import VolumeCore

#if canImport(Glibc)
    import Glibc
#endif

/// Removal of trees that hostile containers build: chains deeper than any path, and bind mounts of the same
/// filesystem inside a volume (same `st_dev`, another mount).
@Suite struct SafeRemovalTests {
    private static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    /// A chain of `depth` directories named `d` below `relative`, with a file at the bottom; returns the
    /// `(st_dev, st_ino)` of every directory in it.
    private static func chain(_ t: ScannerScratch, in relative: String, depth: Int) throws -> Set<ScannerDirID> {
        var ids = Set<ScannerDirID>()
        var fd = open(t.full(relative), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        for _ in 0..<depth {
            guard fd >= 0, mkdirat(fd, "d", 0o755) == 0 else { throw ScannerScratchError("mkdirat: \(String(cString: strerror(errno)))") }
            let next = openat(fd, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            close(fd)
            fd = next
            var st = stat()
            fstat(fd, &st)
            ids.insert(ScannerDirID(dev: UInt64(st.st_dev), ino: UInt64(st.st_ino)))
        }
        let file = openat(fd, "bottom", O_CREAT | O_WRONLY | O_CLOEXEC, 0o644)
        close(file)
        close(fd)
        return ids
    }

    /// How many levels of `d` lie below `relative` (walked by descriptor).
    private static func depth(_ t: ScannerScratch, _ relative: String) -> Int {
        var fd = open(t.full(relative), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        var levels = 0
        while fd >= 0 {
            let next = openat(fd, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            close(fd)
            fd = next
            if fd >= 0 { levels += 1 }
        }
        return levels
    }

    /// Samples, on its own thread, how many of this process's descriptors are open on one of `ids`.
    private final class DescriptorSampler: @unchecked Sendable {
        let ids: Set<ScannerDirID>
        let most = Mutex(0)
        let stopped = Atomic<Bool>(false)
        let finished = DispatchSemaphore(value: 0)

        init(_ ids: Set<ScannerDirID>) {
            self.ids = ids
            Thread { [self] in
                while !stopped.load(ordering: .relaxed) {
                    let n = count()
                    most.withLock { $0 = max($0, n) }
                    usleep(200)  // descriptors held per level stay open far longer than this
                }
                finished.signal()
            }.start()
        }

        func count() -> Int {
            guard let dir = opendir("/proc/self/fd") else { return 0 }
            defer { closedir(dir) }
            var n = 0
            while let ent = readdir(dir) {
                let name = withUnsafeBytes(of: ent.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                guard Int(name) != nil else { continue }
                var st = stat()
                if stat("/proc/self/fd/" + name, &st) == 0, ids.contains(ScannerDirID(dev: UInt64(st.st_dev), ino: UInt64(st.st_ino))) {
                    n += 1
                }
            }
            return n
        }

        func stop() -> Int {
            stopped.store(true, ordering: .relaxed)
            finished.wait()
            return most.withLock { $0 }
        }
    }

    @Test func removesAChainDeeperThanAnyPathHoldingFewDescriptors() throws {
        let t = try ScannerScratch("deep-remove")
        try t.dir("root")
        try t.file("root/keep", size: 10)
        try t.dir("root/chain")
        let depth = SafeRemoval.maxDepth - 10  // 4,086 levels: paths of 8 KiB, twice PATH_MAX
        let ids = try Self.chain(t, in: "root/chain", depth: depth)
        let sampler = DescriptorSampler(ids)
        try VolumeScanner.remove(relativePath: [Array("chain".utf8)], under: t.full("root"))
        let most = sampler.stop()
        #expect(!Self.exists(t.full("root/chain")))
        #expect(Self.exists(t.full("root/keep")))
        // One directory open at a time, plus `..` while climbing; the old remover held one per level (4,035). The
        // sample is not atomic (descriptors close and reopen while /proc/self/fd is read), so allow a few more.
        #expect(most <= 8, "at most \(most) descriptors were open inside the \(depth)-level chain at once")
    }

    @Test func refusesAChainDeeperThanTheCapLeavingItThere() async throws {
        let t = try ScannerScratch("deep-refuse")
        try t.dir("root")
        try t.dir("root/chain")
        let ids = try Self.chain(t, in: "root/chain", depth: 10_000)
        let sampler = DescriptorSampler(ids)
        #expect {
            try VolumeScanner.remove(relativePath: [Array("chain".utf8)], under: t.full("root"))
        } throws: { error in
            guard let error = error as? EngineError else { return false }
            return error.code == .invalidArgument && error.message.contains("more than 4096 levels deep")
                && error.message.contains("rm -rf")
                && error.message.count < 400
        }
        let most = sampler.stop()
        #expect(Self.depth(t, "root/chain") == 10_000, "the chain is left as it was")
        #expect(most <= 3, "at most \(most) descriptors open at once")
        // The scanner walks it without a descriptor per level and counts every directory and the file.
        let before = t.openDescriptors()
        let tree = try await VolumeScanner.scan(rootPath: t.full("root"))
        #expect(tree.totals.directories == 10_002)
        #expect(tree.totals.files == 1)
        #expect(t.openDescriptors() == before)
    }

    /// Climbing back up opens `..`, which follows a directory moved elsewhere meanwhile: its device and inode
    /// must be those recorded on the way down, or the removal stops before touching the new parent.
    @Test func stopsWhenADirectoryIsMovedOutDuringTheRemoval() throws {
        let t = try ScannerScratch("moved")
        try t.dir("outside")
        try t.file("outside/victim", size: 10)
        try t.dir("root")
        try t.dir("root/tree")
        try t.dir("root/tree/a")
        try t.dir("root/tree/a/b")
        try t.file("root/tree/a/b/x", size: 10)
        try t.dir("root/tree/a/b/c")
        try t.file("root/tree/a/b/c/y", size: 10)
        var moved = false
        #expect {
            try SafeRemoval.remove([Array("tree".utf8)], under: t.full("root")) { depth in
                // In b/c (level 4): b is moved out of the tree, next to the victim.
                if depth == 4 && !moved {
                    moved = rename(t.full("root/tree/a/b"), t.full("outside/b")) == 0
                }
            }
        } throws: { ($0 as? EngineError)?.code == .conflict && "\($0)".contains("was moved while voltop removed it") }
        #expect(moved)
        #expect(Self.exists(t.full("outside/victim")), "the new parent of the moved directory is not touched")
        #expect(Self.exists(t.full("root/tree/a")))
    }

    /// Removal goes on reading a directory where it left it (`seekdir`) after each subdirectory; on overlayfs
    /// the positions of a merged directory shift as entries go, so some are skipped and read on a later pass.
    @Test(.enabled(if: geteuid() == 0, "mounting overlayfs needs root"))
    func removesAWideTreeOnOverlayfs() throws {
        let t = try ScannerScratch("overlay")
        for d in ["lower", "upper", "work", "merged"] { try t.dir(d) }
        try t.dir("lower/wide")
        for i in 0..<300 {
            try t.dir("lower/wide/d\(i)")
            try t.file("lower/wide/d\(i)/f", size: 1)
        }
        let options = "lowerdir=\(t.full("lower")),upperdir=\(t.full("upper")),workdir=\(t.full("work"))"
        try #require(try ScannerScratch.run("/bin/mount", ["-t", "overlay", "voltop-test", "-o", options, t.full("merged")]).status == 0)
        defer { _ = try? ScannerScratch.run("/bin/umount", [t.full("merged")]) }
        // Entries added in the upper layer too, so that the directory is a merged one.
        for i in 0..<100 {
            try t.dir("merged/wide/u\(i)")
            try t.file("merged/wide/u\(i)/f", size: 1)
        }
        try VolumeScanner.remove(relativePath: [Array("wide".utf8)], under: t.full("merged"))
        #expect(!Self.exists(t.full("merged/wide")))
    }

    // MARK: Bind mounts of the same filesystem

    /// root/ holds sub/bind, a bind mount of outside/ (same filesystem, so the same st_dev).
    private static func boundTree() throws -> ScannerScratch? {
        let t = try ScannerScratch("bind")
        try t.dir("outside")
        try t.file("outside/secret", size: 1 << 20)
        try t.dir("root")
        try t.file("root/file", size: 10)
        try t.dir("root/sub")
        try t.file("root/sub/mine", size: 10)
        try t.dir("root/sub/bind")
        guard t.bindMount(t.full("outside"), at: "root/sub/bind") else { return nil }
        return t
    }

    @Test(.enabled(if: geteuid() == 0, "bind mounts need root"))
    func removalNeverEntersABindMountOfTheSameFilesystem() throws {
        let t = try #require(try Self.boundTree(), "mount --bind failed although running as root")
        #expect {
            try VolumeScanner.remove(relativePath: [Array("sub".utf8)], under: t.full("root"))
        } throws: { ($0 as? EngineError)?.code == .conflict && "\($0)".contains("mount point") }
        #expect(Self.exists(t.full("outside/secret")), "the bind mount's source keeps its files")
        // Through the bind mount itself, as a path: refused as well.
        #expect {
            try VolumeScanner.remove(relativePath: [Array("sub".utf8), Array("bind".utf8), Array("secret".utf8)], under: t.full("root"))
        } throws: { ($0 as? EngineError)?.code == .conflict }
        #expect(Self.exists(t.full("outside/secret")))
    }

    @Test(.enabled(if: geteuid() == 0, "bind mounts need root"))
    func scannerDoesNotCountABindMountOfTheSameFilesystem() async throws {
        let t = try #require(try Self.boundTree(), "mount --bind failed although running as root")
        let tree = try await VolumeScanner.scan(rootPath: t.full("root"))
        #expect(tree.totals.otherFilesystems == 1)
        #expect(tree.totals.apparentBytes < 1 << 20, "the 1 MiB behind the bind mount is not counted")
        #expect(tree.totals.files == 2, "root/file and root/sub/mine")
    }
}

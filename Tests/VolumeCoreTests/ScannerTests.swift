import Foundation
import Testing

@testable import VolumeCore

#if canImport(Glibc)
    import Glibc
#endif

/// The scanner on generated trees, checked against GNU du on the same tree.
@Suite struct ScannerTests {
    static let nonUTF8: [UInt8] = [0x66, 0xFF, 0x6F]  // "f", an invalid byte, "o"
    static let escapeName = "\u{1B}[31mred"
    static let newlineName = "two\nlines"

    /// root/ holds every kind of entry; outside/ next to it holds a large file that links point to.
    static func mixedTree() throws -> ScannerScratch {
        let t = try ScannerScratch("mixed")
        try t.dir("outside")
        try t.sparse("outside/huge.bin", size: 64 << 20, written: 1 << 20, at: 0)
        try t.dir("root")
        try t.dir("root/a")
        try t.file("root/a/big.bin", size: 100_000)
        try t.hardlink("root/a/big.bin", "root/a/link1")
        try t.dir("root/a/sub")
        try t.hardlink("root/a/big.bin", "root/a/sub/link2")
        try t.file("root/a/sub/small.txt", size: 10)
        try t.dir("root/b")
        try t.sparse("root/b/sparse.img", size: 8 << 20, written: 4096, at: 1 << 20)
        try t.dir("root/b/empty")
        try t.dir("root/special")
        try t.fifo("root/special/fifo")
        try t.socket("root/special/sock")
        try t.dir("root/links")
        try t.symlink("/", "root/links/to-root")
        try t.symlink("..", "root/links/to-parent")
        try t.symlink("../../outside/huge.bin", "root/links/to-outside")
        try t.symlink(t.full("outside"), "root/links/to-outside-dir")
        try t.symlink("loop-b", "root/links/loop-a")
        try t.symlink("loop-a", "root/links/loop-b")
        try t.symlink(".", "root/links/self")
        try t.symlink("nowhere", "root/links/dangling")
        try t.dir("root/names")
        try t.file(bytes: Array("root/names/".utf8) + nonUTF8, size: 3)
        try t.file("root/names/" + escapeName, size: 4)
        try t.file("root/names/" + newlineName, size: 5)
        try t.file("root/names/日本語.txt", size: 6)
        return t
    }

    @Test func matchesDuOnEveryKindOfEntry() async throws {
        let t = try Self.mixedTree()
        let opened = ScannerCollector<ScannerDirID>()
        var options = ScanOptions(workers: 2)
        options.didOpenDirectory = { opened.append(ScannerDirID(dev: $0, ino: $1)) }
        let tree = try await VolumeScanner.scan(rootPath: t.full("root"), options: options)
        let totals = tree.totals

        #expect(totals.apparentBytes == (try t.du(["-sb"], "root")))
        #expect(totals.allocatedBytes == (try t.du(["-sB1"], "root")))
        #expect(totals.files == 9)  // big.bin and its 2 links, small, sparse, 4 names
        #expect(totals.hardlinksSkipped == 2)
        #expect(totals.directories == 8)  // root, a, sub, b, empty, special, links, names
        #expect(totals.symlinks == 8)
        #expect(totals.others == 2)
        #expect(totals.unreadable.isEmpty)
        #expect(tree.count == 27)

        // Nothing outside was counted or opened: every directory opened once, exactly those find lists.
        #expect(totals.apparentBytes < 64 << 20)
        #expect(opened.all.count == Set(opened.all).count)
        #expect(Set(opened.all) == (try t.directoryIdentities("root")))

        // Per directory sums agree with du on that directory.
        for name in ["a", "b", "links", "names", "special"] {
            let node = try #require(tree.node(at: [Array(name.utf8)]))
            #expect(tree.apparentBytes(of: node) == (try t.du(["-sb"], "root/" + name)), "\(name)")
            #expect(tree.allocatedBytes(of: node) == (try t.du(["-sB1"], "root/" + name)), "\(name)")
        }
        let sparse = try #require(tree.node(at: [Array("b".utf8), Array("sparse.img".utf8)]))
        #expect(tree.ownApparentBytes(of: sparse) == 8 << 20)
        #expect(tree.ownAllocatedBytes(of: sparse) < tree.ownApparentBytes(of: sparse))
        let toRoot = try #require(tree.node(at: [Array("links".utf8), Array("to-root".utf8)]))
        #expect(tree.kind(of: toRoot) == .symlink)
        #expect(tree.ownApparentBytes(of: toRoot) == 1)
        let fifo = try #require(tree.node(at: [Array("special".utf8), Array("fifo".utf8)]))
        #expect(tree.kind(of: fifo) == .fifo)
        let sock = try #require(tree.node(at: [Array("special".utf8), Array("sock".utf8)]))
        #expect(tree.kind(of: sock) == .socket)
        // Exactly one of the three names of big.bin is counted.
        let a = try #require(tree.node(at: [Array("a".utf8)]))
        let names = [["big.bin"], ["link1"], ["sub", "link2"]].map { $0.map { Array($0.utf8) } }
        let linked = try names.map { try #require(tree.node(at: [Array("a".utf8)] + $0)) }
        #expect(linked.filter { !tree.isCountedElsewhere($0) }.count == 1)
        #expect(linked.map { tree.apparentBytes(of: $0) }.reduce(0, +) == 100_000)
        #expect(tree.itemCount(of: a) == 5)
        #expect(tree.itemCount(of: tree.root) == 26)
    }

    @Test func keepsNamesAsBytesAndShowsThemSafely() async throws {
        let t = try Self.mixedTree()
        let tree = try await VolumeScanner.scan(rootPath: t.full("root"))
        let dir = try #require(tree.node(at: [Array("names".utf8)]))
        let byName = Dictionary(uniqueKeysWithValues: tree.children(of: dir).map { (tree.name(of: $0), $0) })
        let odd = try #require(byName[Self.nonUTF8])
        #expect(tree.displayName(of: odd) == "f\\xFFo")
        #expect(tree.displayPath(of: odd) == "names/f\\xFFo")
        #expect(tree.path(of: odd) == Array("names/".utf8) + Self.nonUTF8)
        #expect(tree.pathComponents(of: odd) == [Array("names".utf8), Self.nonUTF8])
        let escape = try #require(byName[Array(Self.escapeName.utf8)])
        #expect(tree.displayName(of: escape) == "\\e[31mred")
        let newline = try #require(byName[Array(Self.newlineName.utf8)])
        #expect(tree.displayName(of: newline) == "two\\nlines")
        let japanese = try #require(byName[Array("日本語.txt".utf8)])
        #expect(tree.displayName(of: japanese) == "日本語.txt")
        #expect(tree.node(at: [Array("names".utf8), Self.nonUTF8]) == odd)
        for node in tree.children(of: dir) { #expect(!Sanitizer.needsEscaping(tree.displayName(of: node))) }
        #expect(tree.displayName(of: tree.root) == "")
        #expect(tree.parent(of: tree.root) == nil)
        #expect(tree.parent(of: odd) == dir)
    }

    @Test func engineStyleBytesLeaveDirectoriesOut() async throws {
        let t = try ScannerScratch("engine-style")
        try t.dir("root")
        try t.dir("root/a")
        try t.dir("root/a/b")
        try t.file("root/a/x", size: 100)
        try t.file("root/y", size: 50)
        try t.hardlink("root/y", "root/a/b/y-again")
        try t.symlink("y", "root/link")
        let tree = try await VolumeScanner.scan(rootPath: t.full("root"))
        // 100 + 50 (the hard link once) + the symlink's own length (1), as the engine's directory.Size counts.
        #expect(tree.engineStyleBytes == 151)
        #expect(tree.totals.apparentBytes > 151, "du -sb counts the directories too")
        let empty = try ScannerScratch("engine-style-empty")
        #expect(try await VolumeScanner.scan(rootPath: empty.path).engineStyleBytes == 0, "an empty volume is 0 bytes")
    }

    /// `walked` is when the files were read: inside the call, and ended before the result is handed over (the growth
    /// sampler stamps its measurements with it; the hand-over can wait seconds for a thread on a busy machine).
    @Test func theWalkSaysWhenItReadTheFiles() async throws {
        let t = try ScannerScratch("walked")
        try t.dir("root")
        try t.file("root/x", size: 10)
        let before = GrowthSampler.monotonicSeconds()
        let tree = try await VolumeScanner.scan(rootPath: t.full("root"))
        let after = GrowthSampler.monotonicSeconds()
        let walked = try #require(tree.walked)
        #expect(before <= walked.lowerBound && walked.upperBound <= after, "\(before) \(walked) \(after)")
        // A hand-over that takes 300 ms: the walk's end is stamped before it.
        let handedOver = try await withCheckedThrowingContinuation { (c: CheckedContinuation<(ScanTree, Double), any Error>) in
            do {
                let walk = try ScanWalk(rootPath: t.full("root"), relativePath: [], options: ScanOptions(), progress: nil)
                walk.start { result in
                    usleep(300_000)
                    c.resume(with: result.map { ($0, GrowthSampler.monotonicSeconds()) })
                }
            } catch {
                c.resume(throwing: error)
            }
        }
        let late = try #require(handedOver.0.walked)
        #expect(handedOver.1 - late.upperBound >= 0.29, "\(late) handed over at \(handedOver.1)")
    }

    @Test func sortsChildrenByEachKey() async throws {
        let t = try ScannerScratch("sort")
        try t.dir("r")
        try t.file("r/medium", size: 20_000)
        try t.file("r/large", size: 50_000)
        try t.dir("r/dir")
        try t.file("r/dir/x", size: 100)
        try t.file("r/dir/y", size: 100)
        try t.file("r/dir/z", size: 100)
        try t.file("r/tiny", size: 1)
        let old = timespec(tv_sec: 1_000_000_000, tv_nsec: 0)
        for name in ["r/medium", "r/large", "r/dir/x", "r/dir/y", "r/dir/z", "r/dir", "r/tiny"] {
            var times = [old, old]
            if name == "r/tiny" { times = [timespec(tv_sec: 1_500_000_000, tv_nsec: 0), timespec(tv_sec: 1_500_000_000, tv_nsec: 0)] }
            _ = utimensat(AT_FDCWD, t.full(name), &times, AT_SYMLINK_NOFOLLOW)
        }
        let tree = try await VolumeScanner.scan(rootPath: t.full("r"))
        func names(_ key: ScanTree.ChildOrder, descending: Bool? = nil) -> [String] {
            tree.children(of: tree.root, sortedBy: key, descending: descending).map { tree.displayName(of: $0) }
        }
        // dir: its own size (4096 on ext4, less elsewhere) plus 3 × 100, below medium's 20,000.
        #expect(names(.apparentSize) == ["large", "medium", "dir", "tiny"])
        #expect(names(.apparentSize, descending: false) == ["tiny", "dir", "medium", "large"])
        #expect(names(.name) == ["dir", "large", "medium", "tiny"])
        #expect(names(.name, descending: true) == ["tiny", "medium", "large", "dir"])
        #expect(names(.modified).first == "tiny")
        #expect(names(.itemCount) == ["dir", "large", "medium", "tiny"])  // 3 items, then ties by name
        #expect(names(.allocatedSize).first == "large")
        #expect(tree.newestModified(of: tree.root) >= 1_500_000_000)
        let dir = try #require(tree.node(at: [Array("dir".utf8)]))
        #expect(tree.newestModified(of: dir) == 1_000_000_000)
        #expect(tree.childCount(of: dir) == 3)
        #expect(tree.apparentBytes(of: dir) == (try t.du(["-sb"], "r/dir")))
    }

    @Test func hundredThousandEntriesInOneDirectory() async throws {
        let t = try ScannerScratch("wide")
        try t.dir("r")
        try t.dir("r/wide")
        try t.manyFiles(in: "r/wide", count: 100_000)
        let reports = ScannerCollector<ScanProgress>()
        let tree = try await VolumeScanner.scan(
            rootPath: t.full("r"), options: ScanOptions(progressInterval: .zero)
        ) { reports.append($0) }
        #expect(tree.totals.files == 100_000)
        #expect(tree.totals.directories == 2)
        #expect(tree.totals.apparentBytes == (try t.du(["-sb"], "r")))
        #expect(tree.totals.allocatedBytes == (try t.du(["-sB1"], "r")))
        let wide = try #require(tree.node(at: [Array("wide".utf8)]))
        #expect(tree.childCount(of: wide) == 100_000)
        #expect(tree.itemCount(of: tree.root) == 100_001)
        let sorted = tree.children(of: wide, sortedBy: .name)
        #expect(tree.displayName(of: sorted[0]) == "f0")
        #expect(tree.displayName(of: sorted[1]) == "f1")
        #expect(tree.displayName(of: sorted[2]) == "f10")

        // Progress: several reports, never going back, the last one complete.
        let seen = reports.all
        #expect(seen.count >= 2)
        #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.entries <= $1.entries })
        #expect(seen.last?.entries == tree.totals.entries)
        #expect(seen.last?.directories == 2)

        // Memory: the columns plus names stay within 64 bytes per entry ("f12345" names are short here).
        let perEntry = Double(tree.memoryFootprint) / Double(tree.count)
        #expect(perEntry <= 64, "\(perEntry) bytes per entry")
    }

    @Test func fiveHundredLevelsDeepPastPathMax() async throws {
        let t = try ScannerScratch("deep")
        try t.dir("r")
        try t.chain(in: "r", depth: 500, name: "level-abc", fileSize: 123)  // 500 × 10 bytes > PATH_MAX
        let tree = try await VolumeScanner.scan(rootPath: t.full("r"))
        #expect(tree.totals.directories == 501)
        #expect(tree.totals.files == 1)
        #expect(tree.totals.apparentBytes == (try t.du(["-sb"], "r")))
        #expect(tree.totals.allocatedBytes == (try t.du(["-sB1"], "r")))
        let components = Array(repeating: Array("level-abc".utf8), count: 500) + [Array("bottom.txt".utf8)]
        let bottom = try #require(tree.node(at: components))
        #expect(tree.pathComponents(of: bottom) == components)
        #expect(tree.path(of: bottom).count > Int(PATH_MAX))
        #expect(tree.ownApparentBytes(of: bottom) == 123)
        #expect(t.openDescriptors() == 0)
    }

    @Test func listsUnreadableEntriesWithoutFailing() async throws {
        let t = try ScannerScratch("unreadable")
        try t.dir("r")
        try t.file("r/ok", size: 10)
        try t.dir("r/secret")
        try t.file("r/secret/hidden", size: 5000)
        try t.dir("r/secret/deeper")
        chmod(t.full("r/secret"), 0o000)
        try t.dir("r/list-only")
        try t.file("r/list-only/a", size: 100)
        try t.dir("r/list-only/d")
        chmod(t.full("r/list-only"), 0o444)  // can list names, cannot stat them

        // As root nothing is unreadable; as a plain user (per-thread fsuid) the kernel refuses.
        var options = ScanOptions()
        options.filesystemUser = (65534, 65534)
        let tree = try await VolumeScanner.scan(rootPath: t.full("r"), options: options)
        let problems = tree.totals.unreadable.map { (String(decoding: $0.path, as: UTF8.self), $0.errno) }
        #expect(Set(problems.map(\.0)) == ["secret", "list-only/a", "list-only/d"])
        #expect(problems.count == 3)
        #expect(problems.allSatisfy { $0.1 == EACCES })
        #expect(tree.totals.unreadable.first?.reason == String(cString: strerror(EACCES)))
        #expect(tree.totals.files == 1)
        #expect(tree.totals.directories == 3)  // r, secret, list-only: counted with their own sizes
        let secret = try #require(tree.node(at: [Array("secret".utf8)]))
        #expect(tree.error(of: secret) == EACCES)
        #expect(tree.childCount(of: secret) == 0)
        let listOnly = try #require(tree.node(at: [Array("list-only".utf8)]))
        #expect(tree.childCount(of: listOnly) == 2)
        let d = try #require(tree.node(at: [Array("list-only".utf8), Array("d".utf8)]))
        #expect(tree.kind(of: d) == .directory)  // from the listing's d_type
        #expect(tree.error(of: d) == EACCES)
        #expect(tree.apparentBytes(of: d) == 0)
        // du run as the same user counts the same.
        #expect(tree.totals.apparentBytes == (try t.du(["-sb"], "r", asNobody: true)))
        #expect(tree.totals.allocatedBytes == (try t.du(["-sB1"], "r", asNobody: true)))

        // As root the same tree reads completely.
        let asRoot = try await VolumeScanner.scan(rootPath: t.full("r"))
        #expect(asRoot.totals.unreadable.isEmpty)
        #expect(asRoot.totals.apparentBytes == (try t.du(["-sb"], "r")))

        // An unreadable root is an error that says how to fix it.
        chmod(t.full("r/secret"), 0o700)
        await #expect {
            _ = try await VolumeScanner.scan(rootPath: t.full("r/secret"), options: options)
        } throws: { ($0 as? EngineError)?.code == .permissionDenied && "\($0)".contains("root") }
    }

    /// r/here and a tmpfs at r/mnt holding r/mnt/there; nil when this process may not mount.
    static func treeWithMount(_ name: String) throws -> ScannerScratch? {
        let t = try ScannerScratch(name)
        try t.dir("r")
        try t.file("r/here", size: 1000)
        try t.dir("r/mnt")
        guard t.mountTmpfs("r/mnt") else { return nil }
        try t.file("r/mnt/there", size: 100_000)
        return t
    }

    @Test(.enabled(if: geteuid() == 0, "mounting a tmpfs needs root"))
    func staysOnOneFilesystem() async throws {
        let t = try #require(try Self.treeWithMount("xdev"), "mount -t tmpfs failed although running as root")
        let tree = try await VolumeScanner.scan(rootPath: t.full("r"))
        #expect(tree.totals.apparentBytes == (try t.du(["-sxb"], "r")))
        #expect(tree.totals.allocatedBytes == (try t.du(["-sxB1"], "r")))
        #expect(tree.totals.otherFilesystems == 1)
        #expect(tree.totals.directories == 1)
        let mnt = try #require(tree.node(at: [Array("mnt".utf8)]))
        #expect(tree.isOnOtherFilesystem(mnt))
        #expect(tree.childCount(of: mnt) == 0)
        #expect(tree.apparentBytes(of: mnt) == 0)
        #expect(tree.modified(of: mnt) > 0)  // the mount point keeps its time

        var all = ScanOptions()
        all.oneFilesystem = false
        let crossing = try await VolumeScanner.scan(rootPath: t.full("r"), options: all)
        #expect(crossing.totals.apparentBytes == (try t.du(["-sb"], "r")))
    }

    /// A mount point the scanning user cannot enter is still another filesystem (not an unreadable directory): it is
    /// stat'ed by name when the open fails.
    @Test(.enabled(if: geteuid() == 0, "mounting a tmpfs needs root"))
    func aMountPointThatCannotBeOpenedIsStillAnotherFilesystem() async throws {
        let t = try #require(try Self.treeWithMount("xdev-closed"), "mount -t tmpfs failed although running as root")
        chmod(t.full("r/mnt"), 0o700)  // the mounted root: root's only
        var options = ScanOptions()
        options.filesystemUser = (65534, 65534)
        let tree = try await VolumeScanner.scan(rootPath: t.full("r"), options: options)
        #expect(tree.totals.unreadable.isEmpty)
        #expect(tree.totals.otherFilesystems == 1)
        #expect(tree.totals.directories == 1)
        let mnt = try #require(tree.node(at: [Array("mnt".utf8)]))
        #expect(tree.isOnOtherFilesystem(mnt))
        #expect(tree.apparentBytes(of: mnt) == 0)
        #expect(tree.modified(of: mnt) > 0)
        #expect(tree.totals.apparentBytes == (try t.du(["-sxb"], "r", asNobody: true)))
    }

    @Test func scansBelowARelativePathWithoutFollowingLinks() async throws {
        let t = try Self.mixedTree()
        let tree = try await VolumeScanner.scan(rootPath: t.full("root"), relativePath: [Array("a".utf8)])
        #expect(tree.relativePath == [Array("a".utf8)])
        #expect(tree.totals.apparentBytes == (try t.du(["-sb"], "root/a")))
        #expect(tree.totals.files == 4)
        await #expect {
            _ = try await VolumeScanner.scan(rootPath: t.full("root"), relativePath: [Array("links".utf8), Array("to-outside-dir".utf8)])
        } throws: { ($0 as? EngineError)?.code == .conflict }
        await #expect {
            _ = try await VolumeScanner.scan(rootPath: t.full("root"), relativePath: [Array("..".utf8)])
        } throws: { ($0 as? EngineError)?.code == .invalidArgument }
    }

    @Test func rootErrorsSayWhatToDo() async throws {
        let t = try Self.mixedTree()
        await #expect {
            _ = try await VolumeScanner.scan(rootPath: t.full("missing"))
        } throws: { ($0 as? EngineError)?.code == .notFound }
        await #expect {
            _ = try await VolumeScanner.scan(rootPath: t.full("root/a/big.bin"))
        } throws: { ($0 as? EngineError)?.code == .invalidArgument }
        await #expect {
            _ = try await VolumeScanner.scan(rootPath: t.full("root/links/self"))
        } throws: { ($0 as? EngineError)?.code == .invalidArgument && "\($0)".contains("symbolic link") }
        // A trailing slash is fine.
        let tree = try await VolumeScanner.scan(rootPath: t.full("root") + "/")
        #expect(tree.totals.directories == 8)
    }

    @Test func cancelsBeforeAndDuringTheScan() async throws {
        let t = try ScannerScratch("cancel")
        try t.dir("r")
        for d in 0..<20 {
            try t.dir("r/d\(d)")
            try t.manyFiles(in: "r/d\(d)", count: 1000)
        }
        let root = t.full("r")
        let before = Task { try await VolumeScanner.scan(rootPath: root) }
        before.cancel()
        await #expect(throws: CancellationError.self) { _ = try await before.value }

        let handle = ScannerCollector<Task<ScanTree, any Error>>()
        let during = Task {
            try await VolumeScanner.scan(rootPath: root, options: ScanOptions(progressInterval: .zero)) { _ in
                handle.all.first?.cancel()
            }
        }
        handle.append(during)
        await #expect(throws: CancellationError.self) { _ = try await during.value }
        #expect(t.openDescriptors() == 0)
    }

    @Test(arguments: [1, 2, 4])
    func sameResultWithAnyNumberOfWorkers(workers: Int) async throws {
        let t = try Self.mixedTree()
        let tree = try await VolumeScanner.scan(rootPath: t.full("root"), options: ScanOptions(workers: workers))
        #expect(tree.totals.apparentBytes == (try t.du(["-sb"], "root")))
        #expect(tree.totals.allocatedBytes == (try t.du(["-sB1"], "root")))
        #expect(tree.count == 27)
    }

    @Test(
        arguments: [
            ([0x61, 0x62], "ab"),
            ([0x66, 0xFF, 0x6F], "f\\xFFo"),
            ([0xC3, 0xA9], "é"),
            ([0xC3], "\\xC3"),
            ([0xE2, 0x82], "\\xE2\\x82"),
            ([0xED, 0xA0, 0x80], "\\xED\\xA0\\x80"),  // an encoded surrogate is not UTF-8
            ([0xF0, 0x9F, 0x90, 0xB3, 0xFE], "🐳\\xFE"),
            ([0x1B, 0x5B, 0x32, 0x4A, 0x80], "\\e[2J\\x80"),
            ([0x0A, 0xE2, 0x80, 0xAE], "\\n\\u{202E}")
        ] as [([UInt8], String)])
    func displaysRawNames(bytes: [UInt8], shown: String) {
        #expect(Sanitizer.inline(bytes: bytes) == shown)
        #expect(!Sanitizer.needsEscaping(Sanitizer.inline(bytes: bytes)))
    }
}

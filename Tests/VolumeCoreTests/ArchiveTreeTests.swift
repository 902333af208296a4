import Foundation
import Testing

@testable import VolumeCore

#if canImport(Glibc)
    import Glibc
#endif

/// The tar reader and the tree builder behind helper mode, checked against the direct walker on the same files.
@Suite struct ArchiveTreeTests {
    static let longName = String(repeating: "long-name-", count: 15)  // 150 bytes: GNU `L` or PAX `path`

    /// A tree with every kind of entry GNU tar archives (no socket: tar skips those, as the engine's archive does).
    static func tree() throws -> ScannerScratch {
        let t = try ScannerScratch("archive")
        try t.dir("root")
        try t.dir("root/a")
        try t.file("root/a/big.bin", size: 100_000)
        try t.hardlink("root/a/big.bin", "root/a/link1")
        try t.dir("root/a/sub")
        try t.hardlink("root/a/big.bin", "root/a/sub/link2")
        try t.file("root/a/sub/small.txt", size: 10)
        try t.dir("root/b")
        try t.dir("root/b/empty")
        try t.file("root/b/" + longName, size: 1234)
        try t.dir("root/b/" + longName + "-dir")
        try t.file("root/b/" + longName + "-dir/inside", size: 77)
        try t.fifo("root/b/fifo")
        try t.dir("root/links")
        try t.symlink("/", "root/links/to-root")
        try t.symlink("..", "root/links/to-parent")
        try t.symlink("nowhere/at/all", "root/links/dangling")
        try t.dir("root/names")
        try t.file(bytes: Array("root/names/".utf8) + ScannerTests.nonUTF8, size: 3)
        try t.file("root/names/" + ScannerTests.escapeName, size: 4)
        try t.file("root/names/" + ScannerTests.newlineName, size: 5)
        try t.file("root/names/日本語.txt", size: 6)
        try t.file("root/top.txt", size: 4097)
        return t
    }

    /// Runs GNU tar and returns the archive's bytes.
    static func archive(_ directory: String, format: String) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/tar")
        process.arguments = ["-C", directory, "--format=\(format)", "--sort=name", "-cf", "-", "."]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return Array(data)
    }

    /// Feeds an archive in chunks of `chunk` bytes and builds its tree.
    static func build(_ bytes: [UInt8], chunk: Int) throws -> (ScanTree, entries: Int) {
        var reader = TarReader()
        var tree = ArchiveTree(rootPath: "/volume", relativePath: [])
        var offset = 0
        while offset < bytes.count && !reader.isFinished {
            let end = min(offset + chunk, bytes.count)
            try Array(bytes[offset..<end]).withUnsafeBytes { raw in try reader.feed(raw) { try tree.add($0) } }
            offset = end
        }
        #expect(reader.isFinished, "the end-of-archive marker was read")
        return (try tree.builder.build(), reader.entryCount)
    }

    /// Every path below the root with its kind.
    static func paths(_ tree: ScanTree) -> [String: ScanTree.Kind] {
        var out: [String: ScanTree.Kind] = [:]
        func visit(_ node: ScanTree.Node) {
            out[tree.displayPath(of: node)] = tree.kind(of: node)
            for child in tree.children(of: node) { visit(child) }
        }
        visit(tree.root)
        return out
    }

    /// Own apparent sizes of the directories at and below a node (the archive has no directory sizes).
    static func directorySizes(_ tree: ScanTree, _ node: ScanTree.Node) -> Int64 {
        guard tree.kind(of: node) == .directory else { return 0 }
        return tree.ownApparentBytes(of: node) + tree.children(of: node).reduce(0) { $0 + directorySizes(tree, $1) }
    }

    /// A symlink's target is kept (only for symlinks), read without following it, from a walk and from an archive
    /// alike; the display form escapes what a terminal would act on.
    @Test(arguments: ["gnu", "pax"])
    func symlinkTargetsAreKeptByTheWalkAndTheArchive(format: String) async throws {
        let t = try ScannerScratch("link-targets")
        try t.dir("root")
        try t.dir("root/d")
        try t.file("root/d/f", size: 3)
        let targets = ["d/f", "/etc/passwd", "..", "dangling/\u{1B}[31mred\nx", "d"]
        for (i, target) in targets.enumerated() { try t.symlink(target, "root/l\(i)") }
        let walked = try await VolumeScanner.scan(rootPath: t.full("root"))
        let (built, _) = try Self.build(try Self.archive(t.full("root"), format: format), chunk: 4096)
        for tree in [walked, built] {
            for (i, target) in targets.enumerated() {
                let link = try #require(tree.node(at: [Array("l\(i)".utf8)]))
                #expect(tree.kind(of: link) == .symlink)
                #expect(tree.linkTarget(of: link) == Array(target.utf8))
            }
            let hostile = try #require(tree.node(at: [Array("l3".utf8)]))
            #expect(tree.displayLinkTarget(of: hostile) == "dangling/\\e[31mred\\nx")
            let file = try #require(tree.node(at: [Array("d".utf8), Array("f".utf8)]))
            #expect(tree.linkTarget(of: file) == nil)
            #expect(tree.linkTarget(of: tree.root) == nil)
            #expect(tree.store.linkTargets.count == targets.count, "only symlinks take room")
        }
    }

    @Test(arguments: ["gnu", "pax"])
    func archiveOfATreeMatchesTheWalk(format: String) async throws {
        let t = try Self.tree()
        let walked = try await VolumeScanner.scan(rootPath: t.full("root"))
        let bytes = try Self.archive(t.full("root"), format: format)
        for chunk in [1, 511, 4096, 1 << 20] {
            let (built, _) = try Self.build(bytes, chunk: chunk)
            #expect(built.isFromArchive)
            #expect(Self.paths(built) == Self.paths(walked), "same entries, same kinds (\(format), chunks of \(chunk))")
            let (w, b) = (walked.totals, built.totals)
            #expect(b.files == w.files && b.directories == w.directories && b.symlinks == w.symlinks && b.others == w.others)
            #expect(b.hardlinksSkipped == w.hardlinksSkipped && b.hardlinksSkipped == 2)
            #expect(
                b.apparentBytes == w.apparentBytes - Self.directorySizes(walked, walked.root),
                "apparent bytes equal but for directory sizes")
            #expect(b.newestMtime == w.newestMtime)
            #expect(built.itemCount(of: built.root) == walked.itemCount(of: walked.root))
            // Each child of the root sums the same (hard links all live below `a`, so which name counts does not matter).
            for child in walked.children(of: walked.root) {
                let name = walked.name(of: child)
                let twin = try #require(built.node(at: [name]))
                #expect(built.kind(of: twin) == walked.kind(of: child))
                #expect(
                    built.apparentBytes(of: twin) == walked.apparentBytes(of: child) - Self.directorySizes(walked, child),
                    "\(walked.displayName(of: child))")
                #expect(built.modified(of: twin) == walked.modified(of: child))
                #expect(built.itemCount(of: twin) == walked.itemCount(of: child))
            }
            // Children are contiguous and point back at their parent, as ScanStore requires.
            for node in Self.allNodes(built) {
                for child in built.children(of: node) { #expect(built.parent(of: child) == node) }
            }
            // Symlinks count their target's length, as du does.
            let link = try #require(built.node(at: [Array("links".utf8), Array("to-parent".utf8)]))
            #expect(built.apparentBytes(of: link) == 2)
            // Allocated bytes are the documented estimate.
            let top = try #require(built.node(at: [Array("top.txt".utf8)]))
            #expect(built.allocatedBytes(of: top) == 8192)
            let empty = try #require(built.node(at: [Array("b".utf8), Array("empty".utf8)]))
            #expect(built.allocatedBytes(of: empty) == 4096)
            #expect(built.apparentBytes(of: empty) == 0)
        }
    }

    static func allNodes(_ tree: ScanTree) -> [ScanTree.Node] {
        (0..<tree.count).map { ScanTree.Node(UInt32($0)) }
    }

    @Test func entriesInAnyOrderMakeTheSameTree() throws {
        var builder = ScanTreeBuilder(rootPath: "/r")
        // A child before its directory; the directory arrives later with its facts.
        try builder.add([Array("d".utf8), Array("f".utf8)], kind: .file, apparent: 10, allocated: 4096, mtime: 5)
        try builder.add([Array("g".utf8)], kind: .file, apparent: 3, allocated: 4096, mtime: 9)
        try builder.add([Array("d".utf8)], kind: .directory, apparent: 0, allocated: 4096, mtime: 7)
        try builder.add([Array("d".utf8), Array("e".utf8)], kind: .directory, apparent: 0, allocated: 4096, mtime: 1)
        let tree = try builder.build()
        #expect(tree.count == 5)
        #expect(tree.totals.files == 2 && tree.totals.directories == 3)
        #expect(tree.totals.apparentBytes == 13)
        #expect(tree.totals.allocatedBytes == 4 * 4096)
        #expect(tree.totals.newestMtime == 9)
        let d = try #require(tree.node(at: [Array("d".utf8)]))
        #expect(tree.childCount(of: d) == 2)
        #expect(tree.itemCount(of: d) == 2)
        #expect(tree.newestModified(of: d) == 7)
        #expect(tree.modified(of: d) == 7)
        #expect(tree.itemCount(of: tree.root) == 4)
        #expect(throws: EngineError.self) {
            try builder.add([Array("g".utf8), Array("x".utf8)], kind: .file, apparent: 1, allocated: 0, mtime: 0)
        }
        #expect(throws: EngineError.self) {
            try builder.add([Array("..".utf8)], kind: .file, apparent: 1, allocated: 0, mtime: 0)
        }
    }

    @Test func theBuilderStopsAtItsEntryLimit() throws {
        var builder = ScanTreeBuilder(rootPath: "/r")
        builder.maxEntries = 4
        for name in ["a", "b", "c"] {
            try builder.add([Array(name.utf8)], kind: .file, apparent: 1, allocated: 4096, mtime: 0)
        }
        #expect(throws: EngineError.self) {
            try builder.add([Array("d".utf8)], kind: .file, apparent: 1, allocated: 4096, mtime: 0)
        }
        // Updating an entry it holds is still fine.
        try builder.add([Array("a".utf8)], kind: .file, apparent: 2, allocated: 4096, mtime: 0)
        #expect(try builder.build().totals.apparentBytes == 4)
    }

    // MARK: The tar reader

    @Test func keepsTheFirstBytesOfAFileBody() throws {
        let t = try ScannerScratch("preview")
        try t.dir("root")
        let text = Array("hello, preview\n".utf8)
        let fd = open(t.full("root/hello.txt"), O_CREAT | O_WRONLY, 0o644)
        _ = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        let bytes = try Self.archive(t.full("root"), format: "gnu")
        var reader = TarReader(captureLimit: 5)
        var files: [TarEntry] = []
        for byte in bytes where !reader.isFinished {
            try reader.feed([byte]) { if $0.kind == .file { files.append($0) } }
        }
        #expect(files.count == 1)
        #expect(files.first?.bodyPrefix == Array("hello".utf8))
        #expect(files.first?.size == Int64(text.count))
    }

    @Test func refusesABrokenHeader() throws {
        var bytes = TarReader.emptyDirectoryArchive()
        bytes[10] = 0x41  // changes the name, not the checksum
        var reader = TarReader()
        #expect(throws: EngineError.self) { try reader.feed(bytes) { _ in } }
    }

    /// One ustar header block with a valid checksum; `size` is the raw 12-byte size field.
    static func headerBlock(name: String, typeflag: UInt8, size: [UInt8]) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: 512)
        for (i, b) in name.utf8.prefix(99).enumerated() { block[i] = b }
        for (i, b) in Array("0000644\0".utf8).enumerated() { block[100 + i] = b }
        for (i, b) in size.prefix(12).enumerated() { block[124 + i] = b }
        for (i, b) in Array("00000000000\0".utf8).enumerated() { block[136 + i] = b }
        block[156] = typeflag
        for (i, b) in Array("ustar\u{0}00".utf8).enumerated() { block[257 + i] = b }
        for i in 148..<156 { block[i] = 0x20 }
        let sum = block.reduce(0) { $0 + Int($1) }
        for (i, b) in Array(String(format: "%06o\0 ", sum).utf8).enumerated() { block[148 + i] = b }
        return block
    }

    static func octalSize(_ n: Int) -> [UInt8] { Array(String(format: "%011o\0", n).utf8) }

    @Test func refusesHostileSizesAndRecordsWithoutCrashing() throws {
        // A base-256 size of Int64.max: refused (its padding would overflow), not a trap.
        let huge: [UInt8] = [0x80, 0, 0, 0, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
        var reader = TarReader()
        #expect(throws: EngineError.self) { try reader.feed(Self.headerBlock(name: "big", typeflag: 0x30, size: huge)) { _ in } }

        // A PAX record whose length is shorter than its own prefix ("1 x"), then a plain file: no trap, and the
        // file is still read with its own name.
        let pax = Array("1 x".utf8)
        var stream = Self.headerBlock(name: "pax", typeflag: 0x78, size: Self.octalSize(pax.count))
        stream += pax + [UInt8](repeating: 0, count: 512 - pax.count)
        stream += Self.headerBlock(name: "after.txt", typeflag: 0x30, size: Self.octalSize(0))
        stream += [UInt8](repeating: 0, count: 1024)
        var second = TarReader()
        var names: [String] = []
        try second.feed(stream) { names.append(String(decoding: $0.name, as: UTF8.self)) }
        #expect(names == ["after.txt"])
        #expect(second.isFinished)
    }

    @Test func theEmptyImageArchiveIsOneDirectory() throws {
        let bytes = TarReader.emptyDirectoryArchive()
        #expect(bytes.count == 1536)
        var reader = TarReader()
        var entries: [TarEntry] = []
        try reader.feed(bytes) { entries.append($0) }
        #expect(reader.isFinished)
        #expect(entries.map(\.name) == [Array("./".utf8)])
        #expect(entries.first?.kind == .directory)
        // GNU tar agrees.
        let t = try ScannerScratch("empty-image")
        let path = t.full("empty.tar")
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        let listed = try ScannerScratch.run("/bin/tar", ["-tvf", path])
        #expect(listed.status == 0)
        #expect(listed.output.contains("./"))
    }

    @Test func readsNumbersInOctalAndBase256() throws {
        #expect(try TarReader.number(Array("0000644 \0".utf8)[...], field: "mode") == 0o644)
        #expect(try TarReader.number(Array("   12\0".utf8)[...], field: "size") == 10)
        var big = [UInt8](repeating: 0, count: 12)
        big[0] = 0x80
        big[7] = 0x02  // 2 << 32 = 8 GiB
        #expect(try TarReader.number(big[...], field: "size") == 8 << 30)
        #expect(throws: EngineError.self) { try TarReader.number(Array("12x4".utf8)[...], field: "size") }
        #expect(TarReader.paxSeconds(Array("1700000000.999".utf8)) == 1_700_000_000)
        #expect(TarReader.paxSeconds(Array("-1.5".utf8)) == -2)
        #expect(TarReader.paxRecords(Array("30 mtime=1700000000.123456789\n".utf8))["mtime"] == Array("1700000000.123456789".utf8))
    }

    // MARK: The stat header

    @Test func decodesTheStatHeaderInBothAlphabets() throws {
        // `?>` in the name makes standard base64 use `+` and `/` where URL-safe uses `-` and `_`.
        let json = #"{"name":"a?>?>b","size":6,"mode":2147484141,"mtime":"2026-11-29T10:38:52Z","linkTarget":""}"#
        let standard = Data(json.utf8).base64EncodedString()
        #expect(standard.contains("+") || standard.contains("/"))
        let urlSafe = standard.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        let unpadded = urlSafe.replacingOccurrences(of: "=", with: "")
        for header in [standard, urlSafe, unpadded, standard.replacingOccurrences(of: "=", with: "")] {
            let stat = try #require(ArchiveStat.decode(header: header), "\(header)")
            #expect(stat.name == "a?>?>b")
            #expect(stat.isDirectory)
            #expect(!stat.isSymlink)
        }
        let link = Data(#"{"name":"l","size":9,"mode":134218239,"linkTarget":"/data/x","isDir":false}"#.utf8).base64EncodedString()
        #expect(ArchiveStat.decode(header: link)?.isSymlink == true)
        #expect(ArchiveStat.decode(header: "not base64 at all!") == nil)
        #expect(ArchiveStat.decode(header: "") == nil)
    }

    // MARK: Events and direct access

    @Test func helperEventsDoNotChangeTheCatalog() {
        let owner = "host 123 456"
        let attributes = ["voltop.helper": "vol", "voltop.helper.owner": owner, "name": "voltop-helper-1"]
        #expect(!EngineEvent(type: "container", action: "create", actorID: "abc", attributes: attributes).changesCatalog)
        // A helper that goes frees its volume: the row must not stay "held".
        #expect(EngineEvent(type: "container", action: "destroy", actorID: "abc", attributes: attributes).changesCatalog)
        // A helper is never started: a container with the same labels that starts or dies is not voltop's.
        for action in ["start", "die"] {
            #expect(EngineEvent(type: "container", action: action, actorID: "abc", attributes: attributes).changesCatalog, "\(action)")
        }
        // The label alone (inherited from an image) is not enough.
        var lookalikes = [attributes, attributes, attributes]
        lookalikes[0]["name"] = "postgres"
        lookalikes[1]["voltop.helper.owner"] = nil
        lookalikes[2]["voltop.helper.owner"] = "garbage"
        for attributes in lookalikes {
            #expect(EngineEvent(type: "container", action: "create", actorID: "abc", attributes: attributes).changesCatalog)
        }
        #expect(EngineEvent(type: "container", action: "create", actorID: "abc", attributes: ["name": "web"]).changesCatalog)
        #expect(!EngineEvent(type: "volume", action: "mount", actorID: "vol", attributes: ["container": "abc"]).changesCatalog)
        #expect(!EngineEvent(type: "volume", action: "unmount", actorID: "vol", attributes: ["container": "abc"]).changesCatalog)
        #expect(EngineEvent(type: "volume", action: "destroy", actorID: "vol").changesCatalog)
    }

    /// A helper is recognised only by every mark voltop controls together; any one missing makes it an owner.
    @Test func helperRecognitionNeedsEveryMark() {
        let helper = Container(
            id: "h", names: ["/voltop-helper-1a2b3c4d"], image: "voltop-empty:latest", state: "created",
            labels: ["voltop.helper": "vol", "voltop.helper.owner": "host 123 456"],
            mounts: [MountPoint(type: "volume", name: "vol", destination: "/volume", isReadWrite: false)], command: "/nonexistent")
        #expect(helper.isVoltopHelper)
        var variants: [(String, Container)] = []
        var c = helper
        c.state = "running"
        variants.append(("started", c))
        c = helper
        c.state = "exited"
        variants.append(("exited", c))
        c = helper
        c.names = ["/postgres"]
        variants.append(("name", c))
        c = helper
        c.command = "docker-entrypoint.sh postgres"
        variants.append(("command", c))
        c = helper
        c.labels["voltop.helper.owner"] = nil
        variants.append(("no owner", c))
        c = helper
        c.labels["voltop.helper.owner"] = "host notapid 1"
        variants.append(("malformed owner", c))
        c = helper
        c.mounts[0].isReadWrite = true
        variants.append(("writable mount", c))
        c = helper
        c.mounts.append(MountPoint(type: "volume", name: "anon", destination: "/var/lib/db"))
        variants.append(("two mounts", c))
        c = helper
        c.mounts[0].destination = "/data"
        variants.append(("destination", c))
        c = helper
        c.labels["voltop.helper"] = "other"
        variants.append(("label names another volume", c))
        for (why, container) in variants {
            #expect(!container.isVoltopHelper, "\(why)")
            let catalog = Catalog(volumes: [Volume(name: "vol")], containers: [container])
            #expect(catalog.entry(named: "vol")?.owners.count == 1, "\(why): hidden from the owners")
            #expect(catalog.containers.count == 1, "\(why): hidden from the containers")
        }
        #expect(DockerEngine.isLeftover(owner: nil, created: 0) == false)
        #expect(DockerEngine.isLeftover(owner: "garbage", created: 0) == false)
        #expect(DockerEngine.isLeftover(owner: "elsewhere 1 1", created: 0, now: 2 * 24 * 3600) == true)
        #expect(DockerEngine.isLeftover(owner: "elsewhere 1 1", created: 0, now: 3600) == false)
    }

    /// A socket served by a process that is not an engine (a forwarder such as `ssh` or `socat`; here the test
    /// process itself) never leads to direct reads: its Mountpoints are not this host's files.
    @Test func aSocketServedByAForwarderIsNotDirect() throws {
        let t = try ScannerScratch("peer")
        let path = t.path + "/fwd.sock"
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #expect(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8))
            raw[path.utf8.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        #expect(listen(fd, 4) == 0)
        #expect(EngineDaemon.peerPID(socketPath: path) == getpid())
        guard case .failure(let error) = EngineDaemon.locate(socketPath: path) else {
            Issue.record("a socket served by the test process was taken for an engine")
            return
        }
        #expect(error.message.contains("not by dockerd or podman") && error.message.contains("helper"))
        let endpoint = EngineEndpoint(transport: .unix(path: path), source: "test")
        let volume = Volume(name: "v1", mountpoint: t.path)
        let direct = DirectAccess.check(volume: volume, endpoint: endpoint, euid: 0) { EngineDaemon.locate(socketPath: path) }
        guard case .failure(let refused) = direct else {
            Issue.record("direct reads allowed through a forwarder")
            return
        }
        #expect(refused.message.contains("cannot read v1 directly"))
        if case .success = EngineDaemon.locate(socketPath: t.path + "/missing.sock") { Issue.record("a missing socket was located") }
    }

    @Test func directAccessSaysWhyNot() throws {
        let local = EngineEndpoint(transport: .unix(path: "/var/run/docker.sock"), source: "default socket")
        let remote = EngineEndpoint(transport: .tcp(host: "10.0.0.5", port: 2376, tls: nil), source: "DOCKER_HOST")
        let t = try ScannerScratch("direct")
        let volume = Volume(name: "v1", mountpoint: t.path)
        func failure(_ r: Result<String, EngineError>) -> EngineError? {
            if case .failure(let e) = r { return e }
            return nil
        }
        let here: () -> Result<EngineDaemon, EngineError> = { .success(EngineDaemon(pid: getpid(), name: "test", root: "/proc/self/root")) }
        #expect((try? DirectAccess.check(volume: volume, endpoint: local, euid: 0, process: here).get()) == "/proc/self/root" + t.path)
        let notRoot = try #require(failure(DirectAccess.check(volume: volume, endpoint: local, euid: 1000, process: here)))
        #expect(notRoot.code == .permissionDenied)
        #expect(notRoot.message.contains("not root") && notRoot.message.contains("sudo") && notRoot.message.contains("helper"))
        let far = try #require(failure(DirectAccess.check(volume: volume, endpoint: remote, euid: 0, process: here)))
        #expect(far.code == .invalidArgument && far.message.contains("not on this machine"))
        let nfs = Volume(name: "v2", mountpoint: t.path, options: ["type": "nfs", "device": ":/x"])
        #expect(failure(DirectAccess.check(volume: nfs, endpoint: local, euid: 0, process: here))?.message.contains("type=nfs") == true)
        let plugin = Volume(name: "v3", driver: "rexray", mountpoint: t.path)
        #expect(failure(DirectAccess.check(volume: plugin, endpoint: local, euid: 0, process: here))?.message.contains("rexray") == true)
        let gone = Volume(name: "v4", mountpoint: t.path + "/missing")
        let missing = try #require(failure(DirectAccess.check(volume: gone, endpoint: local, euid: 0, process: here)))
        #expect(missing.message.contains("not a readable directory"))
    }
}

import Foundation
import Testing

@testable import VolumeCore

#if canImport(Glibc)
    import Glibc
#endif

/// Reading a volume's files through a helper container, against the private engine, compared with direct reads
/// of the same volume (the tests run as root next to the engine, so both sources work).
@Suite(.serialized, .enabled(if: TestEngine.isAvailable))
struct HelperModeTests {
    static let oddName = "odd\n\u{1B}[31mname"

    /// A volume filled by a container: nested directories, a hard link, symlinks to `/` and `..`, a name with a
    /// newline and an escape, a 1 MiB file.
    static func filledVolume() throws -> String {
        let volume = TestEngine.unique("helper")
        try TestEngine.docker(["volume", "create", volume])
        let script = """
            set -e
            mkdir -p /d/a/b/c /d/links /d/empty
            echo hello > /d/a/hello.txt
            dd if=/dev/urandom of=/d/a/b/c/mib bs=1024 count=1024 2>/dev/null
            echo data > /d/links/orig
            ln /d/links/orig /d/links/hard
            ln -s / /d/links/to-root
            ln -s .. /d/links/to-parent
            printf 'x' > "/d/$(printf 'odd\\n\\033[31mname')"
            echo nested > /d/a/b/c/deep.txt
            """
        try TestEngine.docker(["run", "--rm", "--network", "none", "-v", "\(volume):/d", TestEngine.image, "sh", "-c", script])
        return volume
    }

    /// Creates `volume` holding 24 files of 8 MiB: big enough that reading it through a helper takes a while.
    static func fill192MiB(_ volume: String) throws {
        try TestEngine.docker(["volume", "create", volume])
        try TestEngine.docker([
            "run", "--rm", "--network", "none", "-v", "\(volume):/d", TestEngine.image, "sh", "-c",
            "for i in $(seq 1 24); do dd if=/dev/zero of=/d/f$i bs=1M count=8 2>/dev/null; done"
        ])
    }

    static func helpers(_ engine: DockerEngine, volume: String? = nil) async throws -> [Container] {
        try await engine.containers(filters: ["label": [volume.map { "\(Container.helperLabel)=\($0)" } ?? Container.helperLabel]])
    }

    /// Own apparent sizes of the directories at and below a node (the archive has no directory sizes).
    static func directorySizes(_ tree: ScanTree, _ node: ScanTree.Node) -> Int64 {
        guard tree.kind(of: node) == .directory else { return 0 }
        return tree.ownApparentBytes(of: node) + tree.children(of: node).reduce(0) { $0 + directorySizes(tree, $1) }
    }

    static func components(_ path: String) -> [[UInt8]] {
        path.split(separator: "/").map { Array($0.utf8) }
    }

    @Test func helperScanEqualsDirectScan() async throws {
        let volume = try Self.filledVolume()
        defer { TestEngine.removeVolumes([volume]) }
        let engine = try await TestEngine.connect()

        let direct = try await VolumeBrowser.open(engine: engine, volume: volume, preference: .direct)
        #expect(direct.source.name == "direct")
        let auto = try await VolumeBrowser.open(engine: engine, volume: volume)
        #expect(auto.source == direct.source, "as root next to the engine, auto reads directly")
        await auto.close()
        let walked = try await direct.scan()
        await direct.close()

        let helper = try await VolumeBrowser.open(engine: engine, volume: volume, preference: .helper)
        guard case .helper(let id) = helper.source else {
            Issue.record("expected a helper source, got \(helper.source)")
            return
        }
        let progress = ProgressLog()
        let read = try await helper.scan { progress.append($0) }

        // (f) the helper exists while the browser is open, pins the volume and is hidden from its owners.
        let all = try await engine.containers()
        #expect(all.contains { $0.id == id && $0.isVoltopHelper && $0.labels[Container.helperLabel] == volume })
        let catalog = Catalog(volumes: try await engine.volumes(), containers: all)
        let entry = try #require(catalog.entries.first { $0.name == volume })
        #expect(entry.owners.isEmpty && entry.isPinnedByHelper)
        #expect(!catalog.containers.contains { $0.id == id })

        await helper.close()
        await helper.close()  // idempotent

        // (a) same entries and sums as the direct walk.
        let (w, h) = (walked.totals, read.totals)
        #expect(read.isFromArchive && !walked.isFromArchive)
        #expect(h.files == w.files && h.files == 6)
        #expect(h.directories == w.directories && h.directories == 6)
        #expect(h.symlinks == w.symlinks && h.symlinks == 2)
        #expect(h.hardlinksSkipped == w.hardlinksSkipped && h.hardlinksSkipped == 1)
        #expect(h.apparentBytes == w.apparentBytes - Self.directorySizes(walked, walked.root))
        #expect(h.apparentBytes == 1 << 20 + 6 + 5 + 1 + 7 + 1 + 2, "1 MiB + hello + data + x + nested + symlinks")
        #expect(h.newestMtime == w.newestMtime)
        let names = { (t: ScanTree) in Set(t.children(of: t.root).map { t.name(of: $0) }) }
        #expect(names(read) == names(walked))
        #expect(names(read).contains(Array(Self.oddName.utf8)))
        for child in walked.children(of: walked.root) {
            let twin = try #require(read.node(at: [walked.name(of: child)]))
            #expect(read.kind(of: twin) == walked.kind(of: child))
            #expect(read.apparentBytes(of: twin) == walked.apparentBytes(of: child) - Self.directorySizes(walked, child))
            #expect(read.itemCount(of: twin) == walked.itemCount(of: child))
        }
        #expect((progress.last?.entries ?? 0) == read.count)

        // (b) nothing left behind.
        #expect(try await Self.helpers(engine, volume: volume).isEmpty)
    }

    @Test func scansASubdirectoryAndRefusesSymlinksOnTheWay() async throws {
        let volume = try Self.filledVolume()
        defer { TestEngine.removeVolumes([volume]) }
        let engine = try await TestEngine.connect()
        let helper = try await VolumeBrowser.open(engine: engine, volume: volume, preference: .helper)
        let direct = try await VolumeBrowser.open(engine: engine, volume: volume, preference: .direct)

        let sub = try await helper.scan(path: Self.components("a/b"))
        let subDirect = try await direct.scan(path: Self.components("a/b"))
        #expect(sub.totals.files == 2 && sub.totals.files == subDirect.totals.files)
        #expect(sub.totals.apparentBytes == (1 << 20) + 7)
        #expect(sub.relativePath == Self.components("a/b"))

        for browser in [helper, direct] {
            await #expect(throws: EngineError.self) { try await browser.scan(path: Self.components("links/to-root/etc")) }
            do {
                _ = try await browser.scan(path: Self.components("links/to-root"))
                Issue.record("a symlink must not be scanned through (\(browser.source.name))")
            } catch let error as EngineError {
                #expect(error.code == .conflict, "\(browser.source.name): \(error)")
            }
            do {
                _ = try await browser.scan(path: Self.components("nope"))
                Issue.record("a missing path must fail")
            } catch let error as EngineError {
                #expect(error.code == .notFound, "\(browser.source.name): \(error)")
            }
        }
        await helper.close()
        await direct.close()
        await #expect(throws: EngineError.self) { try await helper.scan() }
    }

    @Test func missingVolumeCreatesNothing() async throws {
        let engine = try await TestEngine.connect()
        let name = TestEngine.unique("helper-missing")
        for preference in SourcePreference.allCases {
            do {
                _ = try await VolumeBrowser.open(engine: engine, volume: name, preference: preference)
                Issue.record("opening a missing volume must fail")
            } catch let error as EngineError {
                #expect(error.code == .notFound)
                #expect(error.message.contains(name) && error.message.contains("voltop ls"))
            }
        }
        #expect(!(try await engine.volumes()).contains { $0.name == name }, "no volume was created")
        #expect(try await Self.helpers(engine, volume: name).isEmpty, "no helper was created")
    }

    @Test func previewsInBothModesWithoutFollowingLinks() async throws {
        let volume = try Self.filledVolume()
        defer { TestEngine.removeVolumes([volume]) }
        let engine = try await TestEngine.connect()
        for preference in [SourcePreference.direct, .helper] {
            let browser = try await VolumeBrowser.open(engine: engine, volume: volume, preference: preference)
            let text = try await browser.preview(path: Self.components("a/hello.txt"))
            #expect(text == FilePreview(bytes: Array("hello\n".utf8), size: 6), "\(preference)")
            #expect(!text.isTruncated)
            let odd = try await browser.preview(path: [Array(Self.oddName.utf8)])
            #expect(odd.bytes == [0x78])

            // The start of a large file, then the stream is closed: the next operation is not held up.
            let started = ContinuousClock.now
            let big = try await browser.preview(path: Self.components("a/b/c/mib"), maxBytes: 10)
            #expect(big.bytes.count == 10 && big.size == 1 << 20 && big.isTruncated)
            let after = try await browser.preview(path: Self.components("a/b/c/deep.txt"))
            #expect(after.bytes == Array("nested\n".utf8))
            // A window further on: direct mode reads it; the archive API has no ranges, so helper mode says so.
            if preference == .direct {
                let window = try await browser.preview(path: Self.components("a/b/c/mib"), offset: 65_536, maxBytes: 16)
                #expect(window.offset == 65_536 && window.bytes.count == 16 && window.size == 1 << 20)
            } else {
                await #expect(throws: EngineError.self) {
                    try await browser.preview(path: Self.components("a/b/c/mib"), offset: 65_536, maxBytes: 16)
                }
            }
            #expect(ContinuousClock.now - started < .seconds(10))

            for (path, word) in [("a", "directory"), ("links/to-root", "symbolic link"), ("links/to-parent", "symbolic link")] {
                do {
                    _ = try await browser.preview(path: Self.components(path))
                    Issue.record("\(path) must not be previewed")
                } catch let error as EngineError {
                    #expect(error.code == .invalidArgument, "\(preference) \(path): \(error)")
                    #expect(error.message.contains(word) && error.message.contains("nothing to preview"), "\(error.message)")
                }
            }
            // A symlink on the way is never followed (it would lead into the helper's or the host's root).
            do {
                _ = try await browser.preview(path: Self.components("links/to-root/etc/passwd"))
                Issue.record("a symlink on the way must be refused")
            } catch let error as EngineError {
                #expect(error.code == .conflict, "\(preference): \(error)")
            }
            await #expect(throws: EngineError.self) { try await browser.preview(path: Self.components("a/none.txt")) }
            await browser.close()
        }
        #expect(try await Self.helpers(engine, volume: volume).isEmpty)
    }

    @Test func helperModeNeverDeletes() async throws {
        let volume = try Self.filledVolume()
        defer { TestEngine.removeVolumes([volume]) }
        let engine = try await TestEngine.connect()
        let helper = try await VolumeBrowser.open(engine: engine, volume: volume, preference: .helper)
        #expect(!helper.source.canDelete)
        let before = engine.requests.count
        do {
            try await helper.remove(path: Self.components("a/hello.txt"))
            Issue.record("remove must fail in helper mode")
        } catch let error as EngineError {
            #expect(error.code == .readOnly)
            #expect(error.message.contains("read-only") && error.message.contains("root"))
        }
        #expect(engine.requests.count == before, "nothing was sent to the engine")
        await helper.close()
        let listed = try TestEngine.docker([
            "run", "--rm", "--network", "none", "-v", "\(volume):/d:ro", TestEngine.image, "cat", "/d/a/hello.txt"
        ])
        #expect(listed.out == "hello\n", "the file is still there")

        // Direct mode deletes, but not in read-only mode.
        let readOnly = try await TestEngine.connect(readOnly: true)
        let guarded = try await VolumeBrowser.open(engine: readOnly, volume: volume, preference: .direct)
        await #expect(throws: EngineError.self) { try await guarded.remove(path: Self.components("a/hello.txt")) }
        await guarded.close()
        let direct = try await VolumeBrowser.open(engine: engine, volume: volume, preference: .direct)
        try await direct.remove(path: Self.components("a/hello.txt"))
        await #expect(throws: EngineError.self) { try await direct.preview(path: Self.components("a/hello.txt")) }
        await direct.close()
    }

    @Test func emptyImageImportAndReadOnlyHelpers() async throws {
        let volume = try Self.filledVolume()
        defer { TestEngine.removeVolumes([volume]) }
        let engine = try await TestEngine.connect()
        let readOnly = try await TestEngine.connect(readOnly: true)
        await #expect(throws: EngineError.self) { try await readOnly.importEmptyImage() }

        #expect(try await engine.importEmptyImage() == DockerEngine.emptyImage)
        let inspected = try TestEngine.docker(["image", "inspect", "-f", "{{.Size}}", DockerEngine.emptyImage]).out
        #expect(Int(inspected.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1 < 4096, "the empty image is empty")
        #expect(try await engine.helperImage() == DockerEngine.emptyImage, "voltop-empty is preferred once it exists")

        // Helpers are internal read machinery: read-only mode may create and remove them.
        let browser = try await VolumeBrowser.open(
            engine: readOnly, volume: volume, preference: .helper, helperImage: DockerEngine.emptyImage)
        guard case .helper(let id) = browser.source else {
            Issue.record("expected a helper")
            return
        }
        let image = try TestEngine.docker([
            "container", "inspect", "-f", "{{.Config.Image}} {{.State.Status}} {{.HostConfig.NetworkMode}}", id
        ]).out
        #expect(image.trimmingCharacters(in: .whitespacesAndNewlines) == "\(DockerEngine.emptyImage) created none")
        let mounts = try TestEngine.docker(["container", "inspect", "-f", "{{range .Mounts}}{{.Name}} {{.Destination}} {{.RW}}{{end}}", id])
            .out
        #expect(mounts.trimmingCharacters(in: .whitespacesAndNewlines) == "\(volume) /volume false")
        let tree = try await browser.scan()
        #expect(tree.totals.files == 6)
        await browser.close()
        #expect(try await Self.helpers(engine, volume: volume).isEmpty)
    }

    @Test func leftoversOfDeadProcessesAreRemovedLiveOnesKept() async throws {
        let volume = try Self.filledVolume()
        defer { TestEngine.removeVolumes([volume]) }
        let engine = try await TestEngine.connect()
        let live = try await VolumeBrowser.open(engine: engine, volume: volume, preference: .helper)
        let dead = TestEngine.unique(Container.helperNamePrefix + "dead")
        let deadOwner = "\(DockerEngine.currentOwner.split(separator: " ")[0]) 999999999 1"
        defer { TestEngine.removeContainers([dead]) }
        try TestEngine.docker([
            "create", "--name", dead, "--network", "none", "--label", "\(Container.helperLabel)=\(volume)",
            "--label", "\(DockerEngine.helperOwnerLabel)=\(deadOwner)", "--entrypoint", Container.helperCommand,
            "--mount", "type=volume,source=\(volume),target=/volume,readonly", TestEngine.image
        ])
        // Read-only mode sweeps nothing.
        let readOnly = try await TestEngine.connect(readOnly: true)
        #expect(try await readOnly.removeLeftoverHelpers() == 0)
        #expect(try await Self.helpers(engine).contains { $0.name == dead })
        let removed = try await engine.removeLeftoverHelpers()
        #expect(removed >= 1)
        let left = try await Self.helpers(engine)
        #expect(!left.contains { $0.name == dead })
        guard case .helper(let id) = live.source else {
            Issue.record("the live browser was opened with --source helper but reads \(live.source)")
            return
        }
        #expect(left.contains { $0.id == id }, "a running voltop's helper is kept")
        #expect(try await live.scan().totals.files == 6)
        await live.close()
    }

    /// Containers that carry the helper label but are not voltop's (a label inherited from an image, a started
    /// container, a writable or extra mount, no owner) are never swept, never hidden from the catalog, and their
    /// anonymous volumes survive; in read-only mode nothing is swept at all.
    @Test func lookalikesOfHelpersAreNeitherSweptNorHidden() async throws {
        let volume = try Self.filledVolume()
        defer { TestEngine.removeVolumes([volume]) }
        let deadOwner = "\(DockerEngine.currentOwner.split(separator: " ")[0]) 999999999 1"
        let labels = ["--label", "\(Container.helperLabel)=\(volume)", "--label", "\(DockerEngine.helperOwnerLabel)=\(deadOwner)"]
        let ro = "type=volume,source=\(volume),target=/volume,readonly"
        // A database built from an image that carries the label: running, with an anonymous volume of its own.
        let database = TestEngine.unique(Container.helperNamePrefix + "db")
        let noOwner = TestEngine.unique(Container.helperNamePrefix + "noowner")
        let writable = TestEngine.unique(Container.helperNamePrefix + "rw")
        let otherName = TestEngine.unique("lookalike")
        let otherCommand = TestEngine.unique(Container.helperNamePrefix + "cmd")
        let names = [database, noOwner, writable, otherName, otherCommand]
        defer { TestEngine.removeContainers(names) }
        try TestEngine.docker(
            ["run", "-d", "--name", database, "--network", "none"] + labels + [
                "--mount", ro, "-v", "/anon", TestEngine.image, "sleep", "600"
            ])
        try TestEngine.docker([
            "create", "--name", noOwner, "--network", "none", "--label", Container.helperLabel + "=" + volume, "--entrypoint",
            Container.helperCommand, "--mount", ro, TestEngine.image
        ])
        try TestEngine.docker(
            ["create", "--name", writable, "--network", "none"] + labels + [
                "--entrypoint", Container.helperCommand, "--mount", "type=volume,source=\(volume),target=/volume", TestEngine.image
            ])
        try TestEngine.docker(
            ["create", "--name", otherName, "--network", "none"] + labels + [
                "--entrypoint", Container.helperCommand, "--mount", ro, TestEngine.image
            ])
        try TestEngine.docker(["create", "--name", otherCommand, "--network", "none"] + labels + ["--mount", ro, TestEngine.image, "true"])
        let anonymous = try TestEngine.docker([
            "container", "inspect", "-f", "{{range .Mounts}}{{if eq .Destination \"/anon\"}}{{.Name}}{{end}}{{end}}", database
        ]).out
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!anonymous.isEmpty)

        let engine = try await TestEngine.connect()
        _ = try await engine.removeLeftoverHelpers()
        let left = Set(try await Self.helpers(engine).map(\.name))
        for name in names { #expect(left.contains(name), "\(name) was swept") }
        let state = try TestEngine.docker(["container", "inspect", "-f", "{{.State.Status}}", database]).out
        #expect(state.trimmingCharacters(in: .whitespacesAndNewlines) == "running")
        #expect(try TestEngine.docker(["volume", "inspect", anonymous]).out.contains(anonymous))
        // None of them is hidden: each is an owner of the volume in the catalog.
        let catalog = try await engine.catalog()
        let owners = Set(catalog.entry(named: volume)?.owners.map(\.containerName) ?? [])
        for name in names { #expect(owners.contains(name), "\(name) is hidden from the owners") }
    }

    @Test func cancellingAScanClosesTheStream() async throws {
        let volume = TestEngine.unique("helper-many")
        try Self.fill192MiB(volume)
        defer { TestEngine.removeVolumes([volume]) }
        let engine = try await TestEngine.connect()
        let browser = try await VolumeBrowser.open(engine: engine, volume: volume, preference: .helper)
        let scan = Task { try await browser.scan() }
        try await Task.sleep(for: .milliseconds(150))
        scan.cancel()
        let started = ContinuousClock.now
        do {
            _ = try await scan.value
        } catch {
            #expect(error is CancellationError, "\(error)")
        }
        #expect(ContinuousClock.now - started < .seconds(5), "cancelled promptly")
        // The daemon's container lock is free again: the next read goes through at once.
        let tree = try await browser.scan()
        #expect(tree.totals.apparentBytes == 24 * 8 << 20)
        await browser.close()
        #expect(try await Self.helpers(engine, volume: volume).isEmpty)
    }

    @Test func cancellingAnOpenAtAnyMomentLeavesNoHelper() async throws {
        let volume = TestEngine.unique("helper-cancel")
        try TestEngine.docker(["volume", "create", volume])
        defer { TestEngine.removeVolumes([volume]) }
        let engine = try await TestEngine.connect()
        // Cancel at many points of the open (lookup, image, create, re-check): whatever the engine made is removed.
        for delay in stride(from: 0, through: 90, by: 3) {
            let open = Task { try await VolumeBrowser.open(engine: engine, volume: volume, preference: .helper) }
            try await Task.sleep(for: .milliseconds(delay))
            open.cancel()
            if let browser = try? await open.value { await browser.close() }
        }
        #expect(try await Self.helpers(engine, volume: volume).isEmpty)
    }

    /// Ctrl-C, TERM, a closed terminal (HUP) and Ctrl-\ (QUIT) all remove the helper; the exit status is
    /// 128 + the signal's number.
    @Test(arguments: [SIGINT, SIGTERM, SIGHUP, SIGQUIT])
    func duInterruptedRemovesItsHelper(signal: Int32) async throws {
        let volume = TestEngine.unique("helper-int")
        try Self.fill192MiB(volume)
        defer { TestEngine.removeVolumes([volume]) }
        let engine = try await TestEngine.connect()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLITests.binary)
        process.arguments = ["du", volume, "--source", "helper", "--host", try #require(TestEngine.host)]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Interrupt once its helper exists (it is reading the volume then).
        let deadline = ContinuousClock.now + .seconds(20)
        while try await Self.helpers(engine, volume: volume).isEmpty, ContinuousClock.now < deadline, process.isRunning {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(process.isRunning, "still reading when interrupted")
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit, "voltop handled signal \(signal) instead of dying of it")
        #expect(process.terminationStatus == 128 + signal)
        #expect(try await Self.helpers(engine, volume: volume).isEmpty, "signal \(signal) removes the helper")
    }

    /// The volume is removed between the open's lookup and the helper's create: the helper's mount makes the
    /// engine create it again, empty and without its labels. The open notices, removes its helper and says so.
    @Test func openNoticesAVolumeRemovedBeforeItsHelperWasCreated() async throws {
        let volume = TestEngine.unique("helper-race")
        try TestEngine.docker(["volume", "create", "--label", "voltop.test=race", volume])
        defer { TestEngine.removeVolumes([volume]) }
        let engine = try await TestEngine.connect()
        do {
            let browser = try await VolumeBrowser.open(engine: engine, volume: volume, preference: .helper, helperImage: nil) {
                _ = try? TestEngine.docker(["volume", "rm", volume])
            }
            await browser.close()
            Issue.record("opened volume \(volume) although it was removed and re-created meanwhile")
        } catch let error as EngineError {
            #expect(error.code == .notFound)
            #expect(error.message.contains("helper container voltop made for it was removed"), "\(error)")
        }
        #expect(try await Self.helpers(engine, volume: volume).isEmpty)
    }

    // MARK: The CLI as a docker-group user

    static let testUser = "voltop-test"

    /// A copy of the voltop binary that any user may run.
    static func publicBinary() throws -> String {
        var template = Array("/tmp/voltop-bin-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw EngineError(.engineFailure, "mkdtemp failed") }
        let dir = String(cString: made)
        chmod(dir, 0o755)
        let copy = dir + "/voltop"
        // Copied by cp, not in this process: a write descriptor of this process could leak into a child another
        // test forks meanwhile, and exec would fail with "Text file busy".
        try TestEngine.run("/bin/cp", [CLITests.binary, copy])
        chmod(copy, 0o755)
        return copy
    }

    @Test func duAsADockerGroupUserGoesThroughAHelper() async throws {
        guard getuid() == 0, getpwnam(Self.testUser) != nil else {
            Issue.record(
                "needs root and the user \(Self.testUser) in the engine socket's group (scripts/test and scripts/lib/engine.sh make them)")
            return
        }
        let volume = try Self.filledVolume()
        defer { TestEngine.removeVolumes([volume]) }
        let binary = try Self.publicBinary()
        defer { _ = try? TestEngine.run("/bin/rm", ["-rf", (binary as NSString).deletingLastPathComponent]) }
        let host = try #require(TestEngine.host)
        func asUser(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
            try TestEngine.run(
                "/usr/sbin/runuser", ["-u", Self.testUser, "--", binary] + args + ["--host", host], check: false,
                environment: ["PATH": "/usr/bin:/bin", "HOME": "/nonexistent"])
        }

        let engine = try await TestEngine.connect()
        let direct = try await VolumeBrowser.open(engine: engine, volume: volume, preference: .direct)
        let walked = try await direct.scan()
        await direct.close()

        var r = try asUser(["du", volume, "--json", "--apparent"])
        #expect(r.status == 0, "stderr: \(r.err)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any], "stdout: \(r.out)")
        #expect(object["source"] as? String == "helper")
        #expect(object["allocatedEstimated"] as? Bool == true)
        let totals = try #require(object["totals"] as? [String: Any])
        #expect(totals["files"] as? Int == walked.totals.files)
        #expect(totals["directories"] as? Int == walked.totals.directories)
        #expect(totals["symlinks"] as? Int == walked.totals.symlinks)
        #expect(totals["hardlinksSkipped"] as? Int == walked.totals.hardlinksSkipped)
        #expect(
            (totals["apparentBytes"] as? NSNumber)?.int64Value == walked.totals.apparentBytes - Self.directorySizes(walked, walked.root))
        let tree = try #require(object["tree"] as? [String: Any])
        let children = try #require(tree["children"] as? [[String: Any]])
        #expect(children.count == walked.childCount(of: walked.root))
        #expect(children.contains { $0["name"] as? String == Self.oddName })

        r = try asUser(["du", volume])
        #expect(r.status == 0, "stderr: \(r.err)")
        #expect(r.out.hasPrefix("source: helper container (read-only, via the engine's archive API)"))
        #expect(r.out.contains("odd\\n\\e[31mname"), "names are shown with escapes")
        #expect(!r.out.contains("\u{1B}"))

        r = try asUser(["du", volume, "--source", "direct"])
        #expect(r.status == 1)
        #expect(r.err.contains("not root") && r.err.contains("sudo") && r.err.contains("--source helper"), "stderr: \(r.err)")
        #expect(!r.err.contains("Fatal error"))

        r = try asUser(["du", TestEngine.unique("helper-none")])
        #expect(r.status == 1)
        #expect(r.err.contains("no such volume"))

        #expect(try await Self.helpers(engine).isEmpty, "every run removed its helper")
    }
}

/// Progress reports collected from any thread.
private final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [ScanProgress] = []

    func append(_ item: ScanProgress) { lock.withLock { items.append(item) } }
    var last: ScanProgress? { lock.withLock { items.last } }
}

import Foundation
import Testing

@testable import VolumeCore

#if canImport(Glibc)
    import Glibc
#endif

/// `voltop export`, `import` and `clone` against the private engine, checked file by file on the engine's disk.
@Suite(.serialized, .enabled(if: TestEngine.isAvailable))
struct TransferTests {
    /// A scratch directory for archives (removed by the test script with the engine's directory).
    static func scratch(_ tag: String) throws -> String {
        let base = ProcessInfo.processInfo.environment["VOLTOP_TEST_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? NSTemporaryDirectory()
        let path = base + "/" + TestEngine.unique(tag)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func mountpoint(_ volume: String) throws -> String {
        try TestEngine.docker(["volume", "inspect", "-f", "{{.Mountpoint}}", volume]).out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Fills a volume with every kind of entry a round trip must keep.
    static func fill(_ volume: String) throws {
        let script = """
            set -e
            cd /d
            mkdir -p dir/sub empty-dir 'odd dir'
            printf 'hello\\n' > dir/file
            printf 'secret' > dir/sub/mode600 && chmod 600 dir/sub/mode600
            printf 'x' > exec && chmod 4755 exec
            printf 'owned' > owned && chown 1234:5678 owned
            chown 42:43 'odd dir'
            ln -s file dir/link
            ln -s ../exec dir/sub/uplink
            ln -s missing dangling
            ln dir/file hardlink
            dd if=/dev/zero of=sparse bs=1 count=1 seek=10485759 2>/dev/null
            head -c 300000 /dev/urandom > random
            touch "$(printf 'new\\nline')" "$(printf 'esc\\033[31mred')" "tab\tname"
            touch -d '2001-02-03 04:05:06' dir/file owned 'odd dir'
            touch -h -d '2002-03-04 05:06:07' dir/link
            touch -d '2003-04-05 06:07:08' empty-dir dir/sub
            """
        try TestEngine.docker([
            "run", "--rm", "--network", "none", "-v", "\(volume):/d", TestEngine.image, "sh", "-c", script
        ])
    }

    /// Every entry below a directory: path, kind, mode, owner, mtime (not the top's), size, content checksum or
    /// link target, and for a hard link the first path of its inode: the same lines mean the same files.
    static func manifest(_ root: String) throws -> [String] {
        var lines: [String] = []
        var inodes: [UInt64: String] = [:]
        func visit(_ relative: String) throws {
            let path = relative.isEmpty ? root : root + "/" + relative
            var st = stat()
            guard lstat(path, &st) == 0 else { throw EngineError(.notFound, "lstat \(path)") }
            let kind = st.st_mode & S_IFMT
            var line = "\(relative.debugDescription) mode=\(String(st.st_mode, radix: 8)) owner=\(st.st_uid):\(st.st_gid)"
            if !relative.isEmpty { line += " mtime=\(st.st_mtim.tv_sec)" }
            if kind == S_IFREG {
                if st.st_nlink > 1, let first = inodes[UInt64(st.st_ino)] {
                    line += " hardlink-of=\(first.debugDescription)"
                } else {
                    if st.st_nlink > 1 { inodes[UInt64(st.st_ino)] = relative }
                    let data = try Data(contentsOf: URL(fileURLWithPath: path))
                    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
                    for byte in data {
                        hash ^= UInt64(byte)
                        hash = hash &* 0x100_0000_01b3
                    }
                    line += " size=\(st.st_size) fnv=\(String(hash, radix: 16)) links=\(st.st_nlink)"
                }
            } else if kind == S_IFLNK {
                line += " -> \(try FileManager.default.destinationOfSymbolicLink(atPath: path).debugDescription)"
            }
            lines.append(line)
            if kind == S_IFDIR {
                for name in try FileManager.default.contentsOfDirectory(atPath: path).sorted() {
                    try visit(relative.isEmpty ? name : relative + "/" + name)
                }
            }
        }
        try visit("")
        return lines
    }

    /// voltop's helper containers for these volumes (other suites may browse theirs meanwhile).
    static func helpers(_ volumes: [String]) throws -> [String] {
        try volumes.flatMap { volume in
            try TestEngine.docker(["ps", "-a", "-q", "--filter", "label=voltop.helper=\(volume)"]).out.split(separator: "\n").map(
                String.init)
        }
    }

    static func shell(_ command: String, _ environment: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        var env = CLITests.isolated(ProcessInfo.processInfo.environment)
        env["DOCKER_HOST"] = TestEngine.host
        env["VOLTOP"] = CLITests.binary
        env.merge(environment) { $1 }
        return try TestEngine.run("/bin/sh", ["-c", command], check: false, environment: env)
    }

    /// Export to .tar and .tar.gz, import from a file and from a pipe, clone: every copy holds the same files,
    /// checksums, modes, owners, times, links and hard links as the source; no helper is left.
    @Test func roundTripsAreByteExact() throws {
        let tag = TestEngine.unique("rt")
        let (source, fromTar, fromGzipPipe, cloned) = (tag + "-src", tag + "-tar", tag + "-tgz", tag + "-clone")
        defer { TestEngine.removeVolumes([source, fromTar, fromGzipPipe, cloned]) }
        try TestEngine.docker(["volume", "create", "--label", "voltop.rt=\(tag)", source])
        try Self.fill(source)
        let dir = try Self.scratch("rt")
        let expected = try Self.manifest(try Self.mountpoint(source))
        #expect(expected.count > 15)
        #expect(expected.contains { $0.contains("hardlink-of=") })

        var r = try CLITests.voltop(["export", source, "-o", dir + "/a.tar"])
        #expect(r.status == 0, "\(r.err)")
        #expect(!r.err.contains("\r") && !r.err.contains("exporting"), "progress on a standard error that is no terminal: \(r.err)")
        // On a terminal (script(1) gives it one) the progress line is drawn.
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/script") {
            let tty = try Self.shell(
                "script -qec '\"$VOLTOP\" export \"$V\" -o \"$OUT\"' /dev/null", ["V": source, "OUT": dir + "/tty.tar"])
            #expect(tty.status == 0, "\(tty.err)")
            #expect(tty.out.contains("exporting \(source): "), "\(tty.out.debugDescription)")
        }
        r = try CLITests.voltop(["export", source, "-o", dir + "/a.tar.gz"])
        #expect(r.status == 0, "\(r.err)")
        let gz = try Data(contentsOf: URL(fileURLWithPath: dir + "/a.tar.gz"))
        #expect(gz.prefix(2) == Data([0x1F, 0x8B]), "a .tar.gz is gzip")
        // The archive holds the volume's files at its top, as tar reads it.
        let listing = try TestEngine.run("/bin/tar", ["-tf", dir + "/a.tar"]).out
        #expect(listing.contains("./dir/file\n") && !listing.contains("volume/"), "\(listing.prefix(300))")

        r = try CLITests.voltop(["import", fromTar, "-i", dir + "/a.tar"])
        #expect(r.status == 0, "\(r.err)")
        r = try Self.shell("cat \"$ARCHIVE\" | \"$VOLTOP\" import \"$VOLUME\"", ["ARCHIVE": dir + "/a.tar.gz", "VOLUME": fromGzipPipe])
        #expect(r.status == 0, "\(r.err)")
        r = try CLITests.voltop(["clone", source, cloned])
        #expect(r.status == 0, "\(r.err)")
        for copy in [fromTar, fromGzipPipe, cloned] {
            let got = try Self.manifest(try Self.mountpoint(copy))
            #expect(got == expected, "\(copy): \(Set(got).symmetricDifference(expected).sorted())")
        }
        // The clone has the source's labels.
        let labels = try TestEngine.docker(["volume", "inspect", "-f", "{{json .Labels}}", cloned]).out
        #expect(labels.contains("\"voltop.rt\":\"\(tag)\""), "\(labels)")
        // Export to standard output is the same archive as to a file.
        r = try Self.shell("\"$VOLTOP\" export \"$VOLUME\" > \"$OUT\"", ["VOLUME": source, "OUT": dir + "/b.tar"])
        #expect(r.status == 0, "\(r.err)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/b.tar")).count > 0)
        #expect(try Self.helpers([source, fromTar, fromGzipPipe, cloned]).isEmpty, "a helper container was left behind")
    }

    /// Archives with `../` or absolute names are refused whole: no volume is made, nothing lands outside, an
    /// existing volume is unchanged; a volume with files is refused without --force.
    /// An export while a running container keeps writing the volume: it completes, the archive is a valid tar
    /// (every entry readable, the files that do not change byte-exact), the CLI names the writer, no helper is left.
    @Test func exportWhileAContainerWritesIt() throws {
        let tag = TestEngine.unique("busy")
        let volume = tag + "-v"
        let writer = tag + "-writer"
        defer {
            _ = try? TestEngine.docker(["rm", "-f", writer], check: false)
            TestEngine.removeVolumes([volume])
        }
        try TestEngine.docker(["volume", "create", volume])
        try TestEngine.docker([
            "run", "--rm", "--network", "none", "-v", "\(volume):/d", TestEngine.image, "sh", "-c",
            "head -c 4000000 /dev/urandom > /d/still && mkdir /d/logs && printf 'kept\\n' > /d/logs/fixed"
        ])
        // Appends, creates and deletes files for as long as it runs.
        try TestEngine.docker([
            "run", "-d", "--network", "none", "--name", writer, "-v", "\(volume):/d", TestEngine.image, "sh", "-c",
            "i=0; while true; do i=$((i+1)); head -c 65536 /dev/urandom >> /d/logs/growing; echo $i > /d/logs/n$((i % 50)); "
                + "rm -f /d/logs/n$(((i + 25) % 50)); done"
        ])
        let dir = try Self.scratch("busy")
        for name in ["busy.tar", "busy.tar.gz"] {
            let r = try CLITests.voltop(["export", volume, "-o", dir + "/" + name])
            #expect(r.status == 0, "\(r.err)")
            #expect(r.err.contains("warning: \(writer) is running and can write \(volume): the archive may be inconsistent"), "\(r.err)")
            // A valid archive: tar lists and extracts all of it.
            let out = dir + "/out-" + name
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let list = try TestEngine.run("/bin/tar", ["-tf", dir + "/" + name], check: false)
            #expect(list.status == 0, "\(list.err)")
            #expect(list.out.contains("logs/growing"))
            let x = try TestEngine.run("/bin/tar", ["-C", out, "-xf", dir + "/" + name], check: false)
            #expect(x.status == 0, "\(x.err)")
            let still = try Data(contentsOf: URL(fileURLWithPath: out + "/still"))
            #expect(still.count == 4_000_000)
            #expect(try String(contentsOfFile: out + "/logs/fixed", encoding: .utf8) == "kept\n")
        }
        // The file that did not change is byte-exact against the volume.
        let original = try TestEngine.docker([
            "run", "--rm", "--network", "none", "-v", "\(volume):/d", TestEngine.image, "md5sum", "/d/still"
        ])
        .out.split(separator: " ").first.map(String.init)
        let copy = try TestEngine.run("/usr/bin/md5sum", [dir + "/out-busy.tar/still"]).out.split(separator: " ").first.map(String.init)
        #expect(original != nil && original == copy)
        #expect(try Self.helpers([volume]).isEmpty, "a helper container was left behind")
    }

    @Test func importRefusesEntriesOutsideTheVolume() throws {
        let tag = TestEngine.unique("evil")
        let (fresh, existing) = (tag + "-new", tag + "-old")
        defer { TestEngine.removeVolumes([fresh, existing]) }
        let dir = try Self.scratch("evil")
        try FileManager.default.createDirectory(atPath: dir + "/inner", withIntermediateDirectories: true)
        try Data("outside".utf8).write(to: URL(fileURLWithPath: dir + "/escaped"))
        try Data("fine".utf8).write(to: URL(fileURLWithPath: dir + "/inner/ok"))
        // GNU tar keeps `..` and leading `/` with -P.
        try TestEngine.run("/bin/tar", ["-C", dir + "/inner", "-cPf", dir + "/dotdot.tar", "ok", "../escaped"])
        try TestEngine.run("/bin/tar", ["-cPf", dir + "/absolute.tar", dir + "/inner/ok", dir + "/escaped"])
        try TestEngine.run("/bin/tar", ["-C", dir + "/inner", "-cf", dir + "/ok.tar", "ok"])
        for archive in ["dotdot.tar", "absolute.tar"] {
            let r = try CLITests.voltop(["import", fresh, "-i", dir + "/" + archive])
            #expect(r.status != 0, "\(archive) was imported")
            #expect(r.err.contains("outside the volume"), "\(r.err)")
            #expect(!(try TestEngine.volumeNames().contains(fresh)), "\(archive): the volume was created")
        }
        try TestEngine.docker(["volume", "create", existing])
        var r = try CLITests.voltop(["import", existing, "-i", dir + "/ok.tar"])
        #expect(r.status == 0, "\(r.err)")
        let before = try Self.manifest(try Self.mountpoint(existing))
        r = try CLITests.voltop(["import", existing, "-i", dir + "/dotdot.tar", "--force"])
        #expect(r.status != 0)
        #expect(try Self.manifest(try Self.mountpoint(existing)) == before, "a refused archive changed the volume")
        // Nothing landed next to the volume's directory or in the engine's data root.
        let volumes = URL(fileURLWithPath: try Self.mountpoint(existing)).deletingLastPathComponent().deletingLastPathComponent().path
        #expect(!FileManager.default.fileExists(atPath: volumes + "/escaped"))
        #expect(!FileManager.default.fileExists(atPath: volumes + "/" + existing + "/escaped"))
        r = try CLITests.voltop(["import", existing, "-i", dir + "/ok.tar"])
        #expect(r.status == 1)
        #expect(r.err.contains("not empty") && r.err.contains("--force"), "\(r.err)")
        #expect(try Self.helpers([fresh, existing]).isEmpty)
    }

    /// SIGTERM in the middle of an import of a new volume: exit 143, no helper, no volume. SIGKILL: the helper
    /// and the half-filled volume stay until the next voltop run sweeps them.
    @Test(arguments: [SIGTERM, SIGKILL])
    func killedMidImportLeavesNothing(signal: Int32) throws {
        let tag = TestEngine.unique("kill")
        let volume = tag + "-v"
        defer { TestEngine.removeVolumes([volume]) }
        let dir = try Self.scratch("kill")
        // 1.5 GiB of zeros: a few seconds to send.
        var r = try Self.shell(
            "mkdir -p \"$D/big\" && for i in 1 2 3; do dd if=/dev/zero of=\"$D/big/f$i\" bs=1M count=512 2>/dev/null; done "
                + "&& tar -C \"$D/big\" -cf \"$D/big.tar\" . && rm -r \"$D/big\"", ["D": dir])
        #expect(r.status == 0, "\(r.err)")
        defer { try? FileManager.default.removeItem(atPath: dir + "/big.tar") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLITests.binary)
        process.arguments = ["import", volume, "-i", dir + "/big.tar"]
        var env = CLITests.isolated(ProcessInfo.processInfo.environment)
        env["DOCKER_HOST"] = TestEngine.host
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait for the writing helper, then for some bytes to land.
        var sawHelper = false
        for _ in 0..<400 {
            if try !Self.helpers([volume]).isEmpty {
                sawHelper = true
                break
            }
            usleep(20_000)
        }
        #expect(sawHelper, "the import never made its helper")
        usleep(200_000)
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        if signal == SIGTERM {
            #expect(process.terminationStatus == 143, "exit status \(process.terminationStatus)")
        } else {
            // A voltop run afterwards (any command that sweeps) removes the leftover helper and the half volume.
            let other = tag + "-other"
            try TestEngine.docker(["volume", "create", other])
            defer { TestEngine.removeVolumes([other]) }
            r = try Self.shell("\"$VOLTOP\" export \"$V\" > /dev/null", ["V": other])
            #expect(r.status == 0, "\(r.err)")
        }
        #expect(try Self.helpers([volume]).isEmpty, "a helper container was left behind")
        #expect(!(try TestEngine.volumeNames().contains(volume)), "the half-filled volume was left behind")
    }
}

import Foundation
import Testing

@testable import VolumeCore

#if canImport(Glibc)
    import Glibc
#endif

/// The `voltop` executable as a script or a person runs it, against the private engine.
@Suite(.serialized)
struct CLITests {
    /// The built executable (scripts/test builds it with the tests).
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["VOLTOP_BIN"], !path.isEmpty { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/voltop").path
    }

    static func voltop(_ args: [String], host: String? = TestEngine.host, input: String? = nil) throws -> (
        status: Int32, out: String, err: String
    ) {
        var env = isolated(ProcessInfo.processInfo.environment)
        env["DOCKER_HOST"] = nil
        env["DOCKER_CONTEXT"] = nil
        if let host { env["DOCKER_HOST"] = host }
        return try TestEngine.run(binary, args, check: false, environment: env, input: input)
    }

    /// The environment with the trash and the audit log in the test's scratch directory, never the user's.
    static func isolated(_ environment: [String: String]) -> [String: String] {
        var env = environment
        let base = (env["VOLTOP_TEST_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? NSTemporaryDirectory()) + "/voltop-cli-home"
        env["XDG_DATA_HOME"] = base + "/data"
        env["XDG_STATE_HOME"] = base + "/state"
        return env
    }

    /// `voltop foo` is an unknown command (not the dashboard's usage); `--depth -1` says what is wrong with it.
    @Test func unknownCommandsAndNegativeDepthSayWhatIsWrong() throws {
        var r = try Self.voltop(["foo"], host: nil)
        #expect(r.status == 2)
        #expect(r.err.contains("unknown command \"foo\"") && r.err.contains("ls"), "\(r.err)")
        // A missing socket reads as the system says it, without NIO's internals.
        r = try Self.voltop(["ls"], host: "unix:///nonexistent/docker.sock")
        #expect(r.status == 1)
        #expect(r.err.contains("No such file or directory, errno 2") && !r.err.contains("descriptor:"), "\(r.err)")
        r = try Self.voltop(["du", "x", "--depth", "-1"], host: nil)
        #expect(r.status == 2)
        #expect(r.err.contains("--depth must be 0 or more"), "\(r.err)")
    }

    /// Every option the README's CLI section and the man page name exists in some command's --help, and no help
    /// names an option that does not exist (du's hidden --dir).
    @Test func documentedOptionsExist() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let man = try String(contentsOf: root.appendingPathComponent("Resources/voltop.1"), encoding: .utf8)
            .replacingOccurrences(of: "\\-", with: "-").replacingOccurrences(of: "\\fB", with: "").replacingOccurrences(
                of: "\\fR", with: "")
        let cliStart = try #require(readme.range(of: "## CLI"))
        let cli = readme[cliStart.upperBound...].components(separatedBy: "```")[1]
        var help = ""
        for command in [
            [], ["dashboard"], ["ls"], ["inspect"], ["create"], ["rm"], ["prune"], ["du"], ["export"], ["import"], ["clone"],
            ["trash", "ls"], ["trash", "purge"], ["restore"], ["log"]
        ] {
            help += try Self.voltop(command + ["--help"], host: nil).out
        }
        func options(_ text: String) -> Set<String> {
            var found = Set<String>()
            let regex = try? NSRegularExpression(pattern: "(?<![A-Za-z0-9-])--[a-z][a-z-]+")
            let ns = text as NSString
            for match in regex?.matches(in: text, range: NSRange(location: 0, length: ns.length)) ?? [] {
                found.insert(ns.substring(with: match.range))
            }
            return found
        }
        let documented = options(cli).union(options(man))
        #expect(!documented.isEmpty)
        for option in documented.sorted() { #expect(help.contains(option), "\(option) is documented but no command has it") }
        let duHelp = try Self.voltop(["du", "--help"], host: nil).out
        #expect(!duHelp.contains("--dir"), "du --help names a hidden option")
        let dashboardHelp = try Self.voltop(["dashboard", "--help"], host: nil).out
        #expect(dashboardHelp.contains("voltop.log"), "the dashboard's --debug says where its log goes")
    }

    @Test func usageErrorsExitTwo() throws {
        var r = try Self.voltop(["ls", "--filter", "bogus=1"], host: nil)
        #expect(r.status == 2)
        #expect(r.err.contains("unknown filter"))
        r = try Self.voltop(["ls", "--nope"], host: nil)
        #expect(r.status == 2)
        r = try Self.voltop(["create", "x"], host: "unix:///nonexistent.sock")
        #expect(r.status == 2, "an invalid name is refused before connecting")
        #expect(r.err.contains("too short"))
        r = try Self.voltop(["--version"], host: nil)
        #expect(r.status == 0)
        #expect(r.out.trimmingCharacters(in: .whitespacesAndNewlines) == VoltopVersion.current)
    }

    /// A volume can hold a chain of directories deeper than JSON can nest or a listing can recurse: `--depth`
    /// beyond what voltop lists is clamped with a note instead of crashing (a 5,000-level chain crashed it).
    @Test func duOfAVeryDeepChainListsWhatItCanAndSaysSo() throws {
        var template = Array("/tmp/voltop-du-deep-XXXXXX".utf8CString)
        let dir = String(cString: try #require(mkdtemp(&template)))
        defer { _ = try? TestEngine.run("/bin/rm", ["-rf", dir]) }
        var fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        for _ in 0..<5_000 {
            try #require(mkdirat(fd, "d", 0o755) == 0)
            let next = openat(fd, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            close(fd)
            fd = next
        }
        close(fd)
        var r = try Self.voltop(["du", "--dir", dir, "--depth", "100000", "--json"], host: nil)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.err.contains("showing 200 levels"))
        #expect((try? JSONSerialization.jsonObject(with: Data(r.out.utf8))) != nil, "valid JSON")
        r = try Self.voltop(["du", "--dir", dir, "--depth", "100000"], host: nil)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.err.contains("showing 4096 levels"))
        #expect(r.out.split(separator: "\n").count == 4096 + 3, "the top, 4,096 levels, the source and the summary")
        #expect(r.out.contains("5001 directories"))
    }

    /// `--debug` as root with a symlink planted at the log path: the dashboard stops before taking the screen,
    /// says why and what to do, and the link's target is unchanged.
    @Test func debugLogRefusesAPlantedSymlink() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
            Issue.record("needs script(1) from util-linux to give the dashboard a terminal")
            return
        }
        var template = Array("/tmp/voltop-log-XXXXXX".utf8CString)
        let dir = String(cString: try #require(mkdtemp(&template)))
        defer { _ = try? TestEngine.run("/bin/rm", ["-rf", dir]) }
        try FileManager.default.createDirectory(atPath: dir + "/voltop", withIntermediateDirectories: true)
        try Data("precious\n".utf8).write(to: URL(fileURLWithPath: dir + "/target"))
        try FileManager.default.createSymbolicLink(atPath: dir + "/voltop/voltop.log", withDestinationPath: dir + "/target")
        var env = ProcessInfo.processInfo.environment
        env["XDG_STATE_HOME"] = dir
        env["DOCKER_HOST"] = "unix:///nonexistent.sock"
        let r = try TestEngine.run("/usr/bin/script", ["-qec", "\(Self.binary) --debug", "/dev/null"], check: false, environment: env)
        #expect(r.status == 1)
        #expect(r.out.contains("is a symbolic link: voltop does not follow it"), "\(r.out)")
        #expect(r.out.contains("XDG_STATE_HOME"))
        #expect(try String(contentsOfFile: dir + "/target", encoding: .utf8) == "precious\n")
    }

    @Test func engineDownSaysWhereItLooked() throws {
        let r = try Self.voltop(["ls"], host: "unix:///tmp/voltop-no-such-dir/docker.sock")
        #expect(r.status == 1)
        #expect(r.err.contains("unix:///tmp/voltop-no-such-dir/docker.sock"))
        #expect(r.err.contains("DOCKER_HOST"))
        #expect(!r.err.contains("Fatal error"), "no stack traces for users")
    }

    @Test func withoutATerminalTheDashboardPointsToLs() throws {
        let r = try Self.voltop([], host: "unix:///nonexistent.sock")
        #expect(r.status == 1)
        #expect(r.err.contains("voltop ls"))
    }

    @Test func permissionDeniedOnTheSocket() throws {
        // root ignores socket permissions, so the CLI runs as nobody against a root-only socket
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser") else {
            Issue.record("this test needs root and runuser to switch to an unprivileged user")
            return
        }
        let dir = try TempSocketDir(mode: 0o755)
        let socketPath = dir.path + "/docker.sock"
        let fd = try UnixListener.listening(socketPath, mode: 0o600)
        defer { close(fd) }
        let copy = dir.path + "/voltop"
        try FileManager.default.copyItem(atPath: Self.binary, toPath: copy)
        chmod(copy, 0o755)
        let r = try TestEngine.run(
            "/usr/sbin/runuser", ["-u", "nobody", "--", copy, "ls", "--host", "unix://" + socketPath], check: false,
            environment: ["PATH": "/usr/bin:/bin", "HOME": "/nonexistent"])
        #expect(r.status == 1)
        #expect(r.err.contains("permission denied"), "stderr was: \(r.err)")
        #expect(r.err.contains("docker group"))
    }

    @Test(.enabled(if: TestEngine.isAvailable)) func listAsJSONAndTable() throws {
        let vol = TestEngine.unique("cli-ls")
        let owner = TestEngine.unique("cli-owner")
        defer {
            TestEngine.removeContainers([owner])
            TestEngine.removeVolumes([vol])
        }
        try TestEngine.docker([
            "volume", "create", "--label", "com.docker.compose.project=demo", "--label", "evil=\u{1B}]0;pwned\u{07}", vol
        ])
        try TestEngine.stoppedContainer(owner, ["-v", "\(vol):/data:ro"])
        try TestEngine.docker([
            "run", "--rm", "--network", "none", "-v", "\(vol):/d", TestEngine.image, "dd", "if=/dev/zero", "of=/d/f", "bs=1024", "count=4"
        ])

        var r = try Self.voltop(["ls", "--json", "--size", "--filter", "name=\(vol)"])
        #expect(r.status == 0, "stderr: \(r.err)")
        let array = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]])
        let item = try #require(array.first { $0["name"] as? String == vol })
        // One size everywhere: disk usage, as du counts it (the engine's /system/df said 4096, file lengths only).
        let mountpoint = try #require(item["mountpoint"] as? String)
        let du = try TestEngine.run("/usr/bin/du", ["-sB1", mountpoint]).out.split(separator: "\t").first.map(String.init)
        #expect((item["size"] as? Int).map(String.init) == du, "size \(String(describing: item["size"])) vs du \(du ?? "?")")
        #expect(item["sizeSource"] as? String == "disk-usage")
        #expect(item["status"] as? String == "in use (stopped)")
        #expect(item["composeProject"] as? String == "demo")
        let owners = try #require(item["owners"] as? [[String: Any]])
        #expect(owners.first?["name"] as? String == owner)
        #expect(owners.first?["rw"] as? Bool == false)

        r = try Self.voltop(["ls", "--filter", "name=\(vol)"])
        #expect(r.status == 0)
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("NAME") == true)
        for column in ["DRIVER", "SIZE", "OWNERS", "STATUS", "CREATED"] { #expect(lines.first?.contains(column) == true) }
        let row = try #require(lines.first { $0.hasPrefix(vol) })
        #expect(row.contains("1 (1 stopped)"))
        #expect(row.contains(" - "), "size is '-' until asked for")

        r = try Self.voltop(["ls", "-q", "--filter", "label=com.docker.compose.project=demo"])
        #expect(r.out.split(separator: "\n").map(String.init).contains(vol))

        r = try Self.voltop(["inspect", vol])
        #expect(r.status == 0)
        #expect(r.out.contains("Owners: 1 (1 stopped)"), "\(r.out)")
        #expect(r.out.contains(owner))
        #expect(r.out.contains("evil=\\e]0;pwned\\x07"), "labels are shown with escapes made visible")
        #expect(!r.out.contains("\u{1B}"), "no raw escape reaches the terminal")

        r = try Self.voltop(["inspect", "--json", vol])
        let inspected = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]])
        #expect(inspected.first?["Name"] as? String == vol)
        let extra = try #require(inspected.first?["Voltop"] as? [String: Any])
        #expect((extra["owners"] as? [[String: Any]])?.count == 1)
    }

    @Test(.enabled(if: TestEngine.isAvailable)) func createRemoveAndInUse() throws {
        let vol = TestEngine.unique("cli-crud")
        let owner = TestEngine.unique("cli-holder")
        defer {
            TestEngine.removeContainers([owner])
            TestEngine.removeVolumes([vol])
        }
        var r = try Self.voltop(["create", vol, "--label", "a=b", "--opt", "type=tmpfs", "--opt", "device=tmpfs"])
        #expect(r.status == 0, "stderr: \(r.err)")
        #expect(r.out.trimmingCharacters(in: .whitespacesAndNewlines) == vol)
        let labels = try TestEngine.docker(["volume", "inspect", "-f", "{{json .Labels}} {{json .Options}}", vol]).out
        #expect(labels.contains(#""a":"b""#) && labels.contains(#""type":"tmpfs""#))

        try TestEngine.stoppedContainer(owner, ["-v", "\(vol):/x"])
        r = try Self.voltop(["rm", vol])
        #expect(r.status == 1)
        #expect(r.err.contains(owner) && r.err.contains("stopped"))
        r = try Self.voltop(["--read-only", "rm", vol])
        #expect(r.status == 1)
        #expect(r.err.contains("read-only"))
        TestEngine.removeContainers([owner])
        r = try Self.voltop(["rm", vol])
        #expect(r.status == 0)
        #expect(!(try TestEngine.volumeNames().contains(vol)))
        r = try Self.voltop(["inspect", vol])
        #expect(r.status == 1)
        #expect(r.err.contains("no such volume"))
    }

    /// CLI text reads as English: "1 volume", "2 unused volumes", "1 file"; `ls --sort status` sorts as the dashboard.
    @Test(.enabled(if: TestEngine.isAvailable)) func countsReadAsEnglishAndStatusSorts() throws {
        let tag = TestEngine.unique("cli-words")
        let one = "\(tag)-one"
        defer { TestEngine.removeVolumes([one]) }
        try TestEngine.docker(["volume", "create", "--label", "voltop.cli=\(tag)", one])
        try TestEngine.docker(["run", "--rm", "--network", "none", "-v", "\(one):/d", TestEngine.image, "sh", "-c", "echo x > /d/only"])
        let prune = try Self.voltop(["prune", "--all", "--dry-run", "--filter", "label=voltop.cli=\(tag)"])
        #expect(prune.out.contains("Would remove: 1 unused volume with label"), "\(prune.out)")
        let none = try Self.voltop(["prune", "--dry-run", "--filter", "label=voltop.cli=\(tag)"])
        #expect(none.out.contains("Nothing to remove: no unused anonymous volumes"), "\(none.out)")
        let du = try Self.voltop(["du", one])
        #expect(du.out.contains("1 file, 1 directory, 0 symlinks"), "\(du.out) \(du.err)")
        // PATH naming a file gives its size, not "not a directory".
        let file = try Self.voltop(["du", one, "only"])
        #expect(file.status == 0 && file.out.contains("2 B") && file.out.contains("a file"), "\(file.out) \(file.err)")
        let helperFile = try Self.voltop(["du", one, "only", "--source", "helper"])
        #expect(helperFile.status == 0 && helperFile.out.contains("2 B"), "\(helperFile.out) \(helperFile.err)")
        let sorted = try Self.voltop(["ls", "--sort", "status"])
        #expect(sorted.status == 0, "\(sorted.err)")
    }

    @Test(.enabled(if: TestEngine.isAvailable)) func pruneAsksAndRefusesWithoutATerminal() throws {
        let tag = TestEngine.unique("cli-prune")
        let names = ["\(tag)-a", "\(tag)-b"]
        defer { TestEngine.removeVolumes(names) }
        for name in names { try TestEngine.docker(["volume", "create", "--label", "voltop.cli=\(tag)", name]) }
        let filter = ["--filter", "label=voltop.cli=\(tag)"]

        var r = try Self.voltop(["prune", "--all", "--dry-run"] + filter)
        #expect(r.status == 0)
        #expect(r.out.contains("Would remove: 2 unused volumes"), "\(r.out)")
        #expect(names.allSatisfy { r.out.contains($0) })
        #expect(r.out.contains("Total: 8.0 KiB"), "two empty volumes, their directories' disk usage:\n\(r.out)")
        #expect(!r.out.contains("~"), "measured by voltop, not the engine's figure")

        r = try Self.voltop(["prune", "--all"] + filter)
        #expect(r.status == 1)
        #expect(r.err.contains("--yes"))
        #expect(names.allSatisfy((try TestEngine.volumeNames()).contains), "nothing removed without a confirmation")

        r = try Self.voltop(["prune"] + filter)
        #expect(r.out.contains("Nothing to remove: no unused anonymous volumes"), "named volumes are not in the default mode")

        r = try Self.voltop(["prune", "--all", "--yes", "--json"] + filter)
        #expect(r.status == 0, "stderr: \(r.err)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        let result = try #require(object["result"] as? [String: Any])
        #expect(Set(result["removed"] as? [String] ?? []) == Set(names))
        #expect(!names.contains(where: (try TestEngine.volumeNames()).contains))
    }
}

extension CLITests {
    /// A reader that goes away (`voltop ls --json | true`) ends voltop quietly, never with a crash.
    @Test(.enabled(if: TestEngine.isAvailable)) func brokenPipeIsQuiet() throws {
        var env = ProcessInfo.processInfo.environment
        env["DOCKER_HOST"] = TestEngine.host
        let r = try TestEngine.run(
            "/bin/sh", ["-c", "'\(Self.binary)' ls --json | true; '\(Self.binary)' ls | true; echo done"], check: false, environment: env)
        #expect(r.out.contains("done"))
        #expect(!r.err.contains("Fatal error"), "stderr: \(r.err)")
        #expect(!r.err.contains("Broken pipe"), "stderr: \(r.err)")
    }
}

/// The README promises that every documented key is always present in every command's JSON; the keys are read
/// from the README's own examples, so documentation and output cannot drift apart.
@Suite(.enabled(if: TestEngine.isAvailable))
struct JSONShapeTests {
    static let readme: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return (try? String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)) ?? ""
    }()

    /// The JSON code blocks of the README's "JSON shapes" section, parsed ("…" stands for a value).
    static func documented() throws -> [[String: Any]] {
        let section = try #require(readme.range(of: "### JSON shapes")).upperBound
        let rest = String(readme[section...])
        var objects: [[String: Any]] = []
        for block in rest.components(separatedBy: "```json").dropFirst() {
            guard let end = block.range(of: "```") else { continue }
            let text = String(block[..<end.lowerBound])
            if let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] { objects.append(object) }
        }
        return objects
    }

    static func keys(_ object: Any?) -> Set<String> { Set((object as? [String: Any])?.keys.map { $0 } ?? []) }

    @Test func everyDocumentedKeyIsPresentInEveryCommand() throws {
        let docs = try Self.documented()
        #expect(docs.count >= 2, "the README's JSON examples were not found")
        let volumeDoc = try #require(docs.first { $0["owners"] != nil })
        let ownerDoc = Self.keys((volumeDoc["owners"] as? [Any])?.first)
        let planDoc = try #require(docs.first { $0["candidates"] != nil })
        let candidateDoc = Self.keys((planDoc["candidates"] as? [Any])?.first)
        #expect(!ownerDoc.isEmpty && !candidateDoc.isEmpty)

        let tag = TestEngine.unique("json")
        let vol = tag + "-v"
        let owner = tag + "-c"
        defer {
            TestEngine.removeContainers([owner])
            TestEngine.removeVolumes([vol])
        }
        let created = try CLITests.voltop(["create", vol, "--label", "voltop.json=\(tag)", "--json"])
        #expect(created.status == 0, "\(created.err)")
        #expect(Self.keys(try JSONSerialization.jsonObject(with: Data(created.out.utf8))) == Self.keys(volumeDoc), "create --json")
        try TestEngine.stoppedContainer(owner, ["-v", "\(vol):/data"])

        let listed = try CLITests.voltop(["ls", "--json", "--size", "--filter", "name=\(vol)"])
        let array = try #require(try JSONSerialization.jsonObject(with: Data(listed.out.utf8)) as? [[String: Any]])
        let entry = try #require(array.first)
        #expect(Self.keys(entry) == Self.keys(volumeDoc), "ls --json")
        #expect(Self.keys((entry["owners"] as? [Any])?.first) == ownerDoc, "ls --json owners")

        let inspected = try CLITests.voltop(["inspect", "--json", vol])
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(inspected.out.utf8)) as? [[String: Any]])
        let voltop = try #require(objects.first?["Voltop"] as? [String: Any])
        #expect(Self.keys(voltop).subtracting(["origin"]) == Self.keys(volumeDoc), "inspect --json")
        #expect(Self.keys((voltop["owners"] as? [Any])?.first) == ownerDoc, "inspect --json owners: one owner shape")

        try TestEngine.docker(["rm", owner])
        let plan = try CLITests.voltop(["prune", "--all", "--dry-run", "--json", "--filter", "label=voltop.json=\(tag)"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(plan.out.utf8)) as? [String: Any])
        #expect(Self.keys(object) == Self.keys(planDoc), "prune --dry-run --json")
        #expect(object["result"] is NSNull, "result is null on a dry run")
        #expect(Self.keys((object["candidates"] as? [Any])?.first) == candidateDoc, "prune candidates")
    }
}

extension CLITests {
    /// strace, when installed (it counts the system calls of a command).
    static let strace: String? = ["/usr/bin/strace", "/bin/strace"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// `voltop ls` (table and `-q`) writes its output in one write(2), not one per line: at 10,000 volumes the
    /// writes cost more than the engine's answer. The bytes are the same as line by line.
    @Test(.enabled(if: TestEngine.isAvailable && CLITests.strace != nil, "needs the private engine and strace"))
    func lsWritesItsOutputInOneWrite() throws {
        let tag = TestEngine.unique("cli-one-write")
        let volumes = (0..<5).map { "\(tag)-\($0)" }
        defer { TestEngine.removeVolumes(volumes) }
        for volume in volumes { try TestEngine.docker(["volume", "create", "--label", "voltop.write=\(tag)", volume]) }
        let trace = FileManager.default.temporaryDirectory.appendingPathComponent("\(tag).strace").path
        defer { try? FileManager.default.removeItem(atPath: trace) }
        var env = ProcessInfo.processInfo.environment
        env["DOCKER_HOST"] = TestEngine.host
        for args in [["ls"], ["ls", "-q"]] {
            let r = try TestEngine.run(
                try #require(Self.strace),
                ["-f", "-e", "trace=write", "-o", trace, Self.binary] + args + ["--filter", "label=voltop.write=\(tag)"],
                check: false, environment: env)
            #expect(r.status == 0, "\(r.err)")
            let lines = r.out.split(separator: "\n")
            #expect(lines.count == (args.contains("-q") ? 5 : 6), "\(r.out)")
            let writes = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n").filter { $0.contains("write(1,") }
            #expect(writes.count == 1, "\(args): \(writes.count) writes to standard output:\n\(writes.joined(separator: "\n"))")
        }
    }
}

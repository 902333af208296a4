import Foundation
import Testing

@testable import VolumeCore

#if canImport(Glibc)
    import Glibc
#endif

/// Direct reads open a volume in the engine's own mount namespace (`/proc/PID/root` of the process serving the
/// socket), never at the same path on the host: a second private engine is started under `unshare -m` with its data
/// root on a tmpfs only its namespace sees, and the host gets a decoy file at the volume's Mountpoint.
@Suite(
    .serialized, .enabled(if: TestEngine.isAvailable && geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare")))
struct EngineNamespaceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .path

    /// Starts an engine in a new mount namespace; returns its directory.
    static func startEngine() throws -> String {
        let dir = try TestEngine.run("/bin/mktemp", ["-d", "/tmp/vt-ns-XXXXXX"]).out.trimmingCharacters(in: .whitespacesAndNewlines)
        let script = """
            set -e
            . '\(root)/scripts/lib/engine.sh'
            mkdir -p "$1/data"
            mount -t tmpfs -o size=64m voltop-ns "$1/data"
            VT_TLS_PORT= vt_engine_start "$1" >"$1/start.log" 2>&1
            """
        // Spawned and waited for by hand: Foundation's Process never saw this child exit (its daemons leave the
        // session with setsid), and the test hung.
        let status = spawnAndWait(["/usr/bin/unshare", "-m", "--propagation", "private", "/bin/bash", "-c", script, "bash", dir])
        let up =
            (try? TestEngine.run(
                "/usr/bin/curl", ["-sf", "--max-time", "5", "--unix-socket", dir + "/docker.sock", "http://d/_ping"], check: false))?.out
        if up != "OK" {
            let log = (try? String(contentsOfFile: dir + "/start.log", encoding: .utf8)) ?? ""
            stopEngine(dir)
            throw EngineError(.engineFailure, "the namespaced engine did not start (status \(status)): \(log.suffix(2000))")
        }
        return dir
    }

    /// posix_spawn + waitpid, output to /dev/null; the wait status, or -1 when another waiter reaped the child.
    static func spawnAndWait(_ argv: [String]) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, argv[0], &actions, nil, &cArgs, environ) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return -1 }
        }
        return status
    }

    static func stopEngine(_ dir: String) {
        _ = try? TestEngine.run("/bin/bash", ["-c", ". '\(root)/scripts/lib/engine.sh'; vt_engine_stop \"$1\"", "bash", dir], check: false)
    }

    @Test func directReadsSeeTheEnginesFilesNotTheHostsDecoy() async throws {
        let dir = try Self.startEngine()
        defer { Self.stopEngine(dir) }
        let host = "unix://\(dir)/docker.sock"
        let engine = try await DockerEngine.connect(try EngineEndpoint.parseHost(host, tls: nil, source: "test"), environment: [:])
        let volume = try await engine.createVolume(VolumeCreateRequest(name: "ns-volume"))
        let pid = try #require(
            Int32(try String(contentsOfFile: dir + "/docker.pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        // The real file, written inside the engine's namespace; the decoy at the same path on the host.
        try TestEngine.run("/usr/bin/nsenter", ["-t", "\(pid)", "-m", "/bin/sh", "-c", "echo real > '\(volume.mountpoint)/real.txt'"])
        try FileManager.default.createDirectory(atPath: volume.mountpoint, withIntermediateDirectories: true)
        try Data("decoy\n".utf8).write(to: URL(fileURLWithPath: volume.mountpoint + "/decoy.txt"))

        guard case .success(let process) = engine.engineDaemon() else {
            Issue.record("the private dockerd serving the socket was not located: \(engine.engineDaemon())")
            return
        }
        #expect(process.pid == pid)
        #expect(process.name == "dockerd")

        let browser = try await VolumeBrowser.open(engine: engine, volume: "ns-volume", preference: .direct)
        guard case .direct(let path) = browser.source else {
            Issue.record("expected direct reads, got \(browser.source)")
            return
        }
        #expect(path == "/proc/\(pid)/root" + volume.mountpoint)
        let tree = try await browser.scan()
        let names = tree.children(of: tree.root).map { String(decoding: tree.name(of: $0), as: UTF8.self) }
        #expect(names == ["real.txt"], "the volume's own file, not the host's decoy")
        let preview = try await browser.preview(path: [Array("real.txt".utf8)])
        #expect(String(decoding: preview.bytes, as: UTF8.self) == "real\n")
        // A delete lands in the engine's namespace; the host's file at the same path is untouched.
        try await browser.remove(path: [Array("real.txt".utf8)])
        await browser.close()
        let left = try TestEngine.run("/usr/bin/nsenter", ["-t", "\(pid)", "-m", "/bin/ls", "-A", volume.mountpoint]).out
        #expect(left.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
        #expect(FileManager.default.fileExists(atPath: volume.mountpoint + "/decoy.txt"))

        // The CLI says the same.
        try TestEngine.run("/usr/bin/nsenter", ["-t", "\(pid)", "-m", "/bin/sh", "-c", "echo again > '\(volume.mountpoint)/real2.txt'"])
        var env = ProcessInfo.processInfo.environment
        env["DOCKER_HOST"] = host
        let du = try TestEngine.run(CLITests.binary, ["du", "ns-volume", "--json"], check: false, environment: env)
        #expect(du.status == 0, "\(du.err)")
        #expect(du.out.contains("real2.txt") && !du.out.contains("decoy.txt"), "\(du.out)")
        #expect(du.out.contains("\"source\":\"direct\"") || du.out.contains("\"source\" : \"direct\""), "\(du.out)")
    }
}

import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Faults on the real engine: the daemon stopped in the middle of a prune and of a helper read, the volume removed
/// while its file pane is open, the volume's disk full while a preview loads. Each ends with a clear message,
/// nothing lost beyond what was confirmed and no helper container left; the daemon is started again at the end of
/// each test (the suite is serialized, so no other test runs while it is down).
extension DashboardTests {
    static let engineDir = ProcessInfo.processInfo.environment["VOLTOP_TEST_DIR"]
    static var hasEngineDir: Bool { engineDir != nil }

    func engineControl(_ action: String) throws {
        let dir = try #require(Self.engineDir)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        try E2E.run("/bin/bash", [root.appendingPathComponent("scripts/engine-restart").path, dir, action], detached: true)
    }

    /// Kills the private engine's dockerd at once (SIGKILL: a stop lets in-flight requests finish first).
    func killEngine() throws {
        let dir = try #require(Self.engineDir)
        let text = try String(contentsOfFile: dir + "/docker.pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let pid = try #require(Int32(text))
        let command = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
        try #require(command.contains("dockerd") && command.contains(dir), "pid \(pid) is the private dockerd")
        kill(pid, SIGKILL)
        let deadline = Date().addingTimeInterval(10)
        while kill(pid, 0) == 0 && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    }

    /// The engine's socket path, for requests without the docker CLI (faster for hundreds of volumes).
    var engineSocket: String { String((E2E.host ?? "").dropFirst("unix://".count)) }

    /// Creates volumes through the API with curl, many at once.
    func createVolumes(_ names: [String], label: String, value: String) throws {
        let script =
            names.map { name in
                "curl -s -o /dev/null --unix-socket '\(engineSocket)' -H 'Content-Type: application/json' "
                    + "-d '{\"Name\":\"\(name)\",\"Labels\":{\"\(label)\":\"\(value)\"}}' http://d/volumes/create"
            }.joined(separator: " &\n") + "\nwait\n"
        let path = NSTemporaryDirectory() + "vt-mk-\(id).sh"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try E2E.run("/bin/sh", [path], detached: true)
    }

    /// Runs voltop (not under tmux) in the background with its output in files.
    final class Background {
        let process = Process()
        let outPath: String
        let errPath: String
        init(_ args: [String]) throws {
            outPath = NSTemporaryDirectory() + "vt-bg-\(UUID().uuidString).out"
            errPath = outPath + ".err"
            FileManager.default.createFile(atPath: outPath, contents: nil)
            FileManager.default.createFile(atPath: errPath, contents: nil)
            process.executableURL = URL(fileURLWithPath: E2E.binary)
            process.arguments = args
            var env = ProcessInfo.processInfo.environment
            env["DOCKER_HOST"] = E2E.host
            env["DOCKER_CONTEXT"] = nil
            env["VOLTOP_ENGINE_TIMEOUT"] = "10"
            // The trash and the audit log in a scratch directory, never the user's.
            let home = (env["VOLTOP_TEST_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp") + "/voltop-e2e-home"
            env["XDG_DATA_HOME"] = home + "/data"
            env["XDG_STATE_HOME"] = home + "/state"
            process.environment = env
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
            try process.run()
        }
        /// Waits up to `limit` seconds; nil when it had to be killed.
        func wait(limit: Double) -> Int32? {
            let deadline = Date().addingTimeInterval(limit)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                return nil
            }
            return process.terminationStatus
        }
        var out: String { (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "" }
        var err: String { (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "" }
        deinit {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
    }

    /// Waits until the engine answers again after a start.
    func waitForEngine() throws {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let out = try E2E.run(E2E.dockerCLI, ["-H", E2E.host ?? "", "version", "--format", "{{.Server.Version}}"], check: false)
            if !out.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return }
            Thread.sleep(forTimeInterval: 0.2)
        }
        Issue.record("the engine did not come back")
    }

    @Test(.enabled(if: hasEngineDir))
    func engineStoppedInTheMiddleOfAPrune() throws {
        let names = (0..<400).map { name(String(format: "pr%03d", $0)) }
        try createVolumes(names, label: "voltop.fault", value: id)
        let keep = name("pr-keep")  // unused, but not in the filtered prune: must survive
        try E2E.docker(["volume", "create", keep])
        defer { _ = try? E2E.docker(["volume", "rm", "-f", keep], check: false) }
        let before = try E2E.volumeNames()
        #expect(names.allSatisfy(before.contains), "fixture created")

        let prune = try Background(["prune", "--all", "--yes", "--filter", "label=voltop.fault=\(id)"])
        // Stop the daemon once the removals have started.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let left = try E2E.volumeNames().intersection(names).count
            if left < names.count { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        try engineControl("stop")
        let status = prune.wait(limit: 60)
        try engineControl("start")
        try waitForEngine()
        let after = try E2E.volumeNames()
        defer { _ = try? E2E.docker(["volume", "rm", "-f"] + names, check: false) }

        #expect(status != nil, "prune ended in bounded time")
        let removed = Set(names).subtracting(after)
        print("fault prune: \(removed.count) of \(names.count) removed before the stop; status \(String(describing: status))")
        #expect(after.contains(keep), "a volume outside the confirmed list survives")
        #expect(before.subtracting(Set(names)).subtracting(after).isEmpty, "nothing outside the confirmed list was removed")
        if removed.count < names.count {
            #expect(status == 1, "an interrupted prune fails: \(prune.err)")
            #expect(
                prune.err.contains("engine") || prune.out.contains("engine"),
                "the message names the engine: \(prune.err)\(prune.out.suffix(500))")
        }
        #expect(!prune.err.contains("Fatal error"))
        // A prune keeps each volume in the trash through a helper; one the stopped engine could not remove is
        // swept by the next voltop run, with no volume of the user's.
        let sweep = try Background(["du", keep, "--source", "helper", "--depth", "0"])
        #expect(sweep.wait(limit: 60) == 0, "\(sweep.err)")
        #expect(try helperContainers().isEmpty)
        #expect(try E2E.volumeNames().contains(keep))
    }

    @Test(.enabled(if: hasEngineDir))
    func engineStoppedInTheMiddleOfAHelperRead() throws {
        let volume = name("big")
        try E2E.docker(["volume", "create", volume])
        defer { _ = try? E2E.docker(["volume", "rm", "-f", volume], check: false) }
        // Many files and some bytes, so the archive streams for a while.
        try E2E.docker([
            "run", "--rm", "--network", "none", "-v", "\(volume):/d", E2E.image, "sh", "-c",
            "for d in $(seq 1 40); do mkdir /d/$d; for f in $(seq 1 250); do echo $d$f > /d/$d/$f; done; done; dd if=/dev/urandom of=/d/big bs=1M count=300 2>/dev/null"
        ])
        let du = try Background(["du", "--source", "helper", volume])
        // Stop the daemon while the helper reads (its container exists).
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, try helperContainers().isEmpty, du.process.isRunning { Thread.sleep(forTimeInterval: 0.02) }
        Thread.sleep(forTimeInterval: 0.3)
        let wasRunning = du.process.isRunning
        try killEngine()
        let status = du.wait(limit: 60)
        try engineControl("start")
        try waitForEngine()
        #expect(status != nil, "du ended in bounded time")
        if wasRunning {
            #expect(status == 1, "an interrupted read fails: \(du.err)")
            #expect(du.err.contains("engine"), "the message names the engine: \(du.err)")
        }
        #expect(!du.err.contains("Fatal error"))
        // Its helper could not be removed while the daemon was down; the next voltop du removes it (its owner is gone).
        let small = name("small")
        try E2E.docker(["volume", "create", small])
        defer { _ = try? E2E.docker(["volume", "rm", "-f", small], check: false) }
        _ = try Background(["du", "--source", "helper", small]).wait(limit: 60)
        #expect(try helperContainers().isEmpty, "no helper left")
        #expect(try E2E.volumeNames().contains(volume), "the volume is untouched")
    }

    @Test(.enabled(if: hasEngineDir))
    func volumeRemovedWhileItsFilePaneIsOpen() throws {
        let volume = name("gone")
        try E2E.docker(["volume", "create", "--label", "voltop.e2e=\(id)", volume])
        try E2E.docker([
            "run", "--rm", "--network", "none", "-v", "\(volume):/d", E2E.image, "sh", "-c",
            "mkdir /d/x && echo hi > /d/x/a.txt && echo top > /d/t.txt"
        ])
        defer { _ = try? E2E.docker(["volume", "rm", "-f", volume], check: false) }
        let tmux = try TmuxSession(cols: 120, rows: 32)
        try openFiles(tmux, volume)
        try tmux.waitFor("the pane lists the files") { $0.contains("t.txt") && $0.contains("x/") }
        try E2E.docker(["volume", "rm", volume])
        // The pane notices (the watcher sees _data go, or the next action fails) and says so; keys still work.
        try tmux.keys("r")
        let screen = try tmux.waitFor("a clear message about the removed volume", timeout: 15) { screen in
            let lower = screen.lowercased()
            return lower.contains("no such volume") || lower.contains("removed") || lower.contains("gone") || lower.contains("not found")
                || lower.contains("no such file")
        }
        #expect(!screen.contains("VOLTOP-EXITED"), "voltop still runs:\n\(screen)")
        try tmux.keys("Escape")
        try tmux.keys("?")
        try tmux.waitFor("keys still answer") { $0.contains("this help") }
        try tmux.keys("Escape")
        #expect(try tmux.quitAndWait() == 0)
        #expect(try helperContainers().isEmpty)
    }

    @Test(.enabled(if: hasEngineDir))
    func diskFullWhileAPreviewLoads() throws {
        let volume = name("full")
        try E2E.docker([
            "volume", "create", "--label", "voltop.e2e=\(id)", "--opt", "type=tmpfs", "--opt", "device=tmpfs", "--opt", "o=size=1m", volume
        ])
        defer { _ = try? E2E.docker(["volume", "rm", "-f", volume], check: false) }
        let writer = name("filler")
        try E2E.docker([
            "run", "-d", "--network", "none", "--name", writer, "-v", "\(volume):/d", E2E.image, "sh", "-c",
            "echo hello > /d/note.txt; while true; do dd if=/dev/zero of=/d/fill bs=4096 count=1000 2>/dev/null; rm -f /d/fill; done"
        ])
        defer { _ = try? E2E.docker(["rm", "-f", writer], check: false) }
        let before = try E2E.docker(["exec", writer, "cat", "/d/note.txt"])
        let tmux = try TmuxSession(cols: 120, rows: 32)
        try openFiles(tmux, volume)
        try tmux.waitFor("the pane lists the note") { $0.contains("note.txt") }
        try selectRow(tmux, "note.txt")
        // Preview the note repeatedly while the disk fills and empties.
        for _ in 0..<10 {
            try tmux.keys("p")
            Thread.sleep(forTimeInterval: 0.3)
            try tmux.keys("Escape")
            Thread.sleep(forTimeInterval: 0.1)
        }
        try tmux.keys("p")
        let screen = try tmux.waitFor("the preview or a clear error", timeout: 10) {
            $0.contains("hello") || $0.lowercased().contains("no space")
        }
        #expect(!screen.contains("VOLTOP-EXITED"))
        try tmux.keys("Escape")
        #expect(try tmux.quitAndWait() == 0)
        #expect(try E2E.docker(["exec", writer, "cat", "/d/note.txt"]) == before, "the file is untouched")
        #expect(try helperContainers().isEmpty)
    }
}

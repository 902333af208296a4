import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The fake hostile engine (Tests/Support/hostile_engine.py) for the dashboard: started in a mode, stopped with
/// the value.
final class FakeEngine {
    static let script: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Support/hostile_engine.py").path
    static let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let isAvailable = python != nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux")

    let directory: String
    let socket: String
    let process = Process()

    init(_ mode: String, extra: [String] = []) throws {
        directory = NSTemporaryDirectory() + "vt-fake-" + UUID().uuidString.prefix(6).lowercased()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        socket = directory + "/e.sock"
        process.executableURL = URL(fileURLWithPath: try #require(Self.python))
        process.arguments = [Self.script, socket, mode] + extra
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let line = out.fileHandleForReading.availableData
        #expect(String(decoding: line, as: UTF8.self).contains("ready"), "the fake engine started")
    }

    deinit {
        // SIGKILL: the test process may hand its children a blocked SIGTERM.
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    var host: String { "unix://" + socket }
}

extension TmuxSession {
    /// The screen with its attributes as escape sequences (`capture-pane -e`).
    func screenWithEscapes() throws -> String { try tmux(["capture-pane", "-p", "-e", "-t", name]) }

    /// Escape sequences in the pane other than the SGR attributes tmux itself writes for `-e`, and C1 controls.
    func unexpectedSequences() throws -> [String] {
        let text = try screenWithEscapes()
        var found: [String] = []
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i].value
            if c == 0x1B {
                // Allowed: ESC [ digits;… m
                var j = i + 1
                if j < scalars.count, scalars[j] == "[" {
                    j += 1
                    while j < scalars.count, ("0"..."9").contains(Character(scalars[j])) || scalars[j] == ";" || scalars[j] == ":" {
                        j += 1
                    }
                    if j < scalars.count, scalars[j] == "m" {
                        i = j + 1
                        continue
                    }
                }
                found.append(String(String.UnicodeScalarView(scalars[i..<min(scalars.count, i + 8)])).debugDescription)
            } else if c == 0x07 || (0x80...0x9F).contains(c) || (c < 0x20 && c != 0x0A && c != 0x09) {
                found.append(String(format: "U+%04X", c))
            }
            i += 1
        }
        return found
    }

    /// Signs in tmux that a raw sequence reached the terminal: a bell, or a clipboard write (OSC 52).
    func terminalSideEffects() throws -> [String] {
        var effects: [String] = []
        if try display("#{window_bell_flag}") == "1" { effects.append("bell") }
        let buffers = try tmux(["list-buffers"]).trimmingCharacters(in: .whitespacesAndNewlines)
        if !buffers.isEmpty { effects.append("clipboard buffer: \(buffers)") }
        return effects
    }

    /// Whether voltop still runs in the pane.
    func isVoltopRunning() throws -> Bool {
        guard let pid = Int32(try voltopPID().split(separator: "\n").first ?? "") else { return false }
        return kill(pid, 0) == 0
    }

    /// Quits with Ctrl-C and waits for the exit status line; returns the status.
    func quitAndWait(timeout: Double = 20, sourceLocation: SourceLocation = #_sourceLocation) throws -> Int? {
        try keys("C-c")
        let screen = try waitFor("voltop exits", timeout: timeout, sourceLocation: sourceLocation) { $0.contains("VOLTOP-EXITED") }
        guard let line = screen.split(separator: "\n").first(where: { $0.contains("VOLTOP-EXITED") }) else { return nil }
        return Int(line.split(separator: " ").last ?? "")
    }
}

/// The dashboard against the fake hostile engine: a clear banner, never a raw escape, never a hang or a crash.
extension DashboardTests {
    func hostileSession(_ engine: FakeEngine, cols: Int = 160, rows: Int = 30, extra: [String: String] = [:]) throws -> TmuxSession {
        var env = ["DOCKER_HOST": engine.host, "VOLTOP_ENGINE_TIMEOUT": "3", "VOLTOP_LIVENESS_INTERVAL": "1"]
        env.merge(extra) { $1 }
        let tmux = try TmuxSession(cols: cols, rows: rows, environment: env)
        _ = try? tmux.tmux(["set-option", "-g", "set-clipboard", "on"])
        return tmux
    }

    /// Checks that keys still answer (help opens and closes) and that nothing raw reached the terminal.
    func expectResponsiveAndClean(_ tmux: TmuxSession, _ mode: String) throws {
        #expect(try tmux.isVoltopRunning(), "\(mode): voltop is still running")
        try tmux.keys("?")
        try tmux.waitFor("\(mode): help opens on a key") { $0.contains("this help") || $0.contains("Help") }
        try tmux.keys("Escape")
        do {
            let found = try tmux.unexpectedSequences()
            #expect(found.isEmpty, "\(mode): raw sequences on screen: \(found)")
        }
        do {
            let found = try tmux.terminalSideEffects()
            #expect(found.isEmpty, "\(mode): \(found)")
        }
    }

    @Test(.enabled(if: FakeEngine.isAvailable)) func hostileEngineEscapesStayVisibleText() throws {
        let engine = try FakeEngine("escapes")
        let tmux = try hostileSession(engine)
        try tmux.waitFor("the hostile volumes are listed") { $0.contains("plain") && $0.contains("evil") }
        // Move over every row (the detail pane shows labels, owners and states of each) and open inspect.
        for _ in 0..<4 {
            try tmux.keys("j")
            Thread.sleep(forTimeInterval: 0.3)
            do {
                let found = try tmux.unexpectedSequences()
                #expect(found.isEmpty, "raw sequences on screen: \(found)")
            }
        }
        try tmux.keys("m")
        Thread.sleep(forTimeInterval: 0.5)
        do {
            let found = try tmux.unexpectedSequences()
            #expect(found.isEmpty, "mounts view: \(found)")
        }
        try tmux.keys("Escape", "g", "d")
        Thread.sleep(forTimeInterval: 0.5)
        try tmux.keys("y")  // the fake engine answers the DELETE with escapes in a plain-text error
        Thread.sleep(forTimeInterval: 1)
        do {
            let found = try tmux.unexpectedSequences()
            #expect(found.isEmpty, "error banner: \(found)")
        }
        try expectResponsiveAndClean(tmux, "escapes")
        #expect(try tmux.quitAndWait() == 0)
    }

    /// An engine that stalls every body: the dashboard says so in a banner and still answers keys.
    @Test(.enabled(if: FakeEngine.isAvailable)) func stalledEngineShowsABanner() throws {
        let engine = try FakeEngine("stall")
        let tmux = try hostileSession(engine)
        let screen = try tmux.waitFor("a banner says the engine stopped answering", timeout: 20) { $0.contains("stopped answering") }
        #expect(screen.contains("✗") || screen.contains("⚠"), "shown as a banner:\n\(screen)")
        try expectResponsiveAndClean(tmux, "stall")
        #expect(try tmux.quitAndWait() == 0, "quits promptly although every request hangs")
    }

    /// An engine that answers, then hangs: the silent event stream cannot tell, the liveness ping does, and the
    /// "live updates lost" banner appears (before the fix the dashboard froze silently).
    @Test(.enabled(if: FakeEngine.isAvailable)) func engineThatHangsLaterShowsLiveUpdatesLost() throws {
        let engine = try FakeEngine("hang", extra: ["--after", "4"])
        let tmux = try hostileSession(engine)
        try tmux.waitFor("the volumes are listed first") { $0.contains("plain") && $0.contains("owned") }
        let screen = try tmux.waitFor("live updates lost, because the engine stopped answering", timeout: 25) {
            $0.contains("live updates lost") && $0.contains("stopped answering")
        }
        #expect(!screen.isEmpty)
        try expectResponsiveAndClean(tmux, "hang")
        #expect(try tmux.quitAndWait() == 0)
    }

    /// The connection started before the arguments are parsed (bare `voltop` with DOCKER_HOST, or `-H URL`) is the
    /// one the dashboard uses: the engine gets one ping and one volume list, not a second connection's.
    @Test(.enabled(if: FakeEngine.isAvailable), arguments: [false, true])
    func theEarlyConnectionIsTheOneTheDashboardUses(hostFlag: Bool) throws {
        let log = NSTemporaryDirectory() + "vt-requests-" + UUID().uuidString.prefix(6).lowercased()
        defer { try? FileManager.default.removeItem(atPath: log) }
        let trace = log + ".trace"
        defer { try? FileManager.default.removeItem(atPath: trace) }
        let engine = try FakeEngine("normal", extra: ["--log", log])
        // No liveness ping while the test runs (its GET /_ping would count).
        let env = [
            "DOCKER_HOST": hostFlag ? "unix:///nonexistent/docker.sock" : engine.host, "VOLTOP_LIVENESS_INTERVAL": "3600",
            "VOLTOP_TRACE": trace
        ]
        let tmux = try TmuxSession(cols: 160, rows: 30, arguments: hostFlag ? ["-H", engine.host] : [], environment: env)
        try tmux.waitFor("the volumes and their owners are listed") { $0.contains("plain") && $0.contains("owned") }
        #expect(try tmux.quitAndWait() == 0)
        let requests = (try String(contentsOfFile: log, encoding: .utf8)).split(separator: "\n").map(String.init)
        #expect(requests.filter { $0.hasSuffix(" /_ping") }.count == 1, "one ping: \(requests)")
        #expect(requests.filter { $0 == "GET /volumes" }.count == 1, "one early volume list: \(requests)")
        // And it was the early one (started before the arguments were parsed) that the dashboard took.
        #expect((try String(contentsOfFile: trace, encoding: .utf8)).contains("early connection taken"))
    }

    /// No engine at the address: the connection started early fails as the dashboard's own would, with the same one
    /// plain line and exit status 1, whether the address came from DOCKER_HOST (bare `voltop`) or from `-H`.
    @Test(.enabled(if: FakeEngine.isAvailable), arguments: [false, true])
    func anUnreachableEngineEndsTheDashboardWithOneLine(hostFlag: Bool) throws {
        let dead = "unix:///nonexistent/voltop-e2e.sock"
        let tmux = try TmuxSession(cols: 200, rows: 30, arguments: hostFlag ? ["-H", dead] : [], environment: ["DOCKER_HOST": dead])
        let screen = try tmux.waitFor("voltop exits", timeout: 20) { $0.contains("VOLTOP-EXITED") }
        #expect(screen.contains("VOLTOP-EXITED 1"), "exit status 1:\n\(screen)")
        let found = hostFlag ? "(found via --host)" : "(found via DOCKER_HOST)"
        #expect(screen.contains("no engine at \(dead) \(found): the socket does not exist"), "the reason:\n\(screen)")
    }

    /// Truncated JSON, absurd sizes and huge lists: an error banner or the list, never a crash or a hang.
    @Test(.enabled(if: FakeEngine.isAvailable), arguments: ["truncated", "sizes", "many", "biglabel"])
    func malformedRepliesNeverCrashTheDashboard(_ mode: String) throws {
        // A 50 MB label used to freeze the dashboard (every frame laid out the whole label); it is shown cut now.
        try checkMalformedReplies(mode)
    }

    func checkMalformedReplies(_ mode: String) throws {
        let engine = try FakeEngine(mode)
        let tmux = try hostileSession(engine)
        let screen = try tmux.waitFor("\(mode): the list or an error", timeout: mode == "many" ? 90 : 20) {
            $0.contains("could not be read") || $0.contains("plain") || $0.contains("VOLTOP-EXITED")
        }
        #expect(!screen.contains("VOLTOP-EXITED"), "\(mode): voltop ended:\n\(screen)")
        if mode == "truncated" { #expect(screen.contains("could not be read"), "\(mode):\n\(screen)") }
        // Let sizes arrive and a few frames pass (a sum that overflows traps on the next frame), sort by size.
        Thread.sleep(forTimeInterval: 2)
        try tmux.keys("s")
        Thread.sleep(forTimeInterval: 1)
        try expectResponsiveAndClean(tmux, mode)
        let status = try tmux.quitAndWait(timeout: 30)
        #expect(status == 0, "\(mode)")
        if status == nil {
            // Still running (frozen): kill it, so it does not outlive the test.
            let pids = try E2E.run("/usr/bin/pgrep", ["-P", tmux.display("#{pane_pid}"), "voltop"], check: false)
            for pid in pids.split(separator: "\n").compactMap({ Int32($0) }) { kill(pid, SIGKILL) }
        }
    }
}

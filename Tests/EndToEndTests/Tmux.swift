import Foundation
import Testing
import VolumeCore

#if canImport(Glibc)
    import Glibc
#endif

/// The private engine (from scripts/test) and the built `voltop`, for end-to-end tests.
enum E2E {
    static let host: String? = ProcessInfo.processInfo.environment["VOLTOP_TEST_HOST"].flatMap { $0.isEmpty ? nil : $0 }
    /// Whether a private engine and tmux are there.
    static let isAvailable = host != nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux")
    static let image = "voltop-test/busybox:latest"

    /// A copy of `binary` in a new directory that any user may read and run.
    static func publicCopy(of binary: String) throws -> String {
        var template = Array("/tmp/voltop-bin-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
        let dir = String(cString: made)
        chmod(dir, 0o755)
        let copy = dir + "/voltop"
        // Copied by cp, not in this process: a file this process holds open for writing can leak into a child that
        // a parallel test forks meanwhile, and exec then fails with "Text file busy".
        _ = try run("/bin/cp", [binary, copy])
        chmod(copy, 0o755)
        return copy
    }

    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["VOLTOP_BIN"], !path.isEmpty { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/voltop").path
    }

    static var dockerCLI: String {
        ["/usr/bin/docker", "/usr/local/bin/docker"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/bin/docker"
    }

    /// Runs a program and returns its standard output. With `detached`, output is discarded instead:
    /// a program that leaves a daemon behind (the first tmux client forks the server) would keep a pipe open forever.
    @discardableResult
    static func run(_ program: String, _ args: [String], check: Bool = true, detached: Bool = false) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = args
        process.standardInput = FileHandle.nullDevice
        if detached { return try spawnDetached(program, args, check: check) }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if check && process.terminationStatus != 0 {
            Issue.record("\(program) \(args.joined(separator: " ")) failed: \(String(decoding: errData, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// posix_spawn with /dev/null for every standard stream, then waitpid: the tmux client that forks the server
    /// must not share a pipe with us, and Foundation's Process did not always notice its exit.
    static func spawnDetached(_ program: String, _ args: [String], check: Bool) throws -> String {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in [0, 1, 2] {
            posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        let argv = ([program] + args).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        // The tmux server forked from this client must get signals as usual: the test process blocks or ignores
        // some (SIGCHLD, SIGPIPE), and a server that inherits that never reaps its pane nor honours kill-server.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signo in [SIGCHLD, SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH] { sigaddset(&defaults, signo) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, program, &actions, &attributes, argv, environ)
        guard rc == 0 else {
            Issue.record("posix_spawn \(program) failed: \(rc)")
            return ""
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        if check && status != 0 { Issue.record("\(program) \(args.joined(separator: " ")) failed with status \(status)") }
        return ""
    }

    /// The docker CLI against the private engine: the independent check of the engine's real state.
    @discardableResult
    static func docker(_ args: [String], check: Bool = true) throws -> String {
        try run(dockerCLI, ["-H", host ?? ""] + args, check: check)
    }

    /// A volume's disk usage as `du -s` counts it on the host, as voltop shows it (`Format.bytes`).
    static func diskUsage(_ volume: String) throws -> String {
        let mountpoint = try docker(["volume", "inspect", "-f", "{{.Mountpoint}}", volume]).trimmingCharacters(in: .whitespacesAndNewlines)
        let du = try run("/usr/bin/du", ["-sB1", mountpoint]).split(separator: "\t").first.map(String.init) ?? ""
        return Format.bytes(Int64(du) ?? -1)
    }

    static func volumeNames() throws -> Set<String> {
        Set(try docker(["volume", "ls", "-q"]).split(separator: "\n").map(String.init))
    }
}

/// One tmux server and session running voltop, driven like a person: keys in, screens out.
final class TmuxSession {
    let socket: String
    let name = "vt"

    /// Starts voltop in a new detached session of the given size; after voltop exits the pane prints its status,
    /// then runs `afterExit` (a shell, to look at the terminal voltop left behind).
    /// With `user`, voltop runs as that user (through `runuser`, from a copy of the binary any user may run).
    init(
        cols: Int, rows: Int, arguments: [String] = [], environment: [String: String] = [:], afterExit: String = "sleep 600",
        user: String? = nil
    ) throws {
        socket = "voltop-e2e-" + UUID().uuidString.prefix(8).lowercased()
        // The trash and the audit log in a scratch directory, never the user's.
        let home = (ProcessInfo.processInfo.environment["VOLTOP_TEST_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp") + "/voltop-e2e-home"
        var env = [
            "DOCKER_HOST": E2E.host ?? "", "LANG": "C.UTF-8", "TERM": "tmux-256color", "XDG_DATA_HOME": home + "/data",
            "XDG_STATE_HOME": home + "/state"
        ]
        env.merge(environment) { $1 }
        let assignments = env.sorted { $0.key < $1.key }.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
        var binary = E2E.binary
        var asUser = ""
        if let user {
            binary = try E2E.publicCopy(of: binary)
            publicDirectory = (binary as NSString).deletingLastPathComponent
            asUser = "/usr/sbin/runuser -u \(user) -- "
        }
        let command =
            "\(asUser)env \(assignments) '\(binary)' \(arguments.joined(separator: " ")); echo VOLTOP-EXITED $?; \(afterExit)"
        try E2E.run(
            "/usr/bin/tmux", ["-L", socket, "-f", "/dev/null", "new-session", "-d", "-s", name, "-x", "\(cols)", "-y", "\(rows)", command],
            detached: true)
        _ = try? tmux(["set-option", "-t", name, "remain-on-exit", "on"])
    }

    /// The directory of the binary's public copy, removed with the session.
    private var publicDirectory: String?

    deinit {
        _ = try? E2E.run("/usr/bin/tmux", ["-L", socket, "kill-server"], check: false, detached: true)
        if let publicDirectory { try? FileManager.default.removeItem(atPath: publicDirectory) }
    }

    @discardableResult
    func tmux(_ args: [String]) throws -> String {
        try E2E.run("/usr/bin/tmux", ["-L", socket] + args)
    }

    /// The visible screen as text.
    func screen() throws -> String { try tmux(["capture-pane", "-p", "-t", name]) }

    /// Sends tmux key names (`j`, `Enter`, `Escape`, `C-c`, `Tab`).
    func keys(_ keys: String...) throws { try tmux(["send-keys", "-t", name] + keys) }

    /// Types literal text.
    func type(_ text: String) throws { try tmux(["send-keys", "-t", name, "-l", "--", text]) }

    func resize(cols: Int, rows: Int) throws {
        try tmux(["resize-window", "-t", name, "-x", "\(cols)", "-y", "\(rows)"])
    }

    /// The pid of the voltop process running in the pane (a child of the pane's shell).
    func voltopPID() throws -> String {
        try E2E.run("/usr/bin/pgrep", ["-P", display("#{pane_pid}"), "voltop"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A tmux format value for the pane (`#{alternate_on}`, `#{cursor_flag}`, `#{pane_pid}`).
    func display(_ format: String) throws -> String {
        try tmux(["display-message", "-p", "-t", name, format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Waits until the screen satisfies a condition; returns the last screen (and records an issue on timeout).
    @discardableResult
    func waitFor(
        _ what: String, timeout: Double = 10, sourceLocation: SourceLocation = #_sourceLocation, _ condition: (String) -> Bool
    ) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if condition(last) { return last }
            Thread.sleep(forTimeInterval: 0.1)
        }
        Issue.record("timed out waiting for \(what); screen was:\n\(last)", sourceLocation: sourceLocation)
        return last
    }

    /// Waits until the screen contains a text.
    @discardableResult
    func waitFor(_ text: String, timeout: Double = 10, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try waitFor("\"\(text)\"", timeout: timeout, sourceLocation: sourceLocation) { $0.contains(text) }
    }
}

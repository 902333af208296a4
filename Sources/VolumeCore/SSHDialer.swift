import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// An `ssh://` engine, reached the way the docker CLI reaches it: for every connection, the system `ssh` client runs
/// `docker system dial-stdio` on the remote host and its standard input and output carry the HTTP.
///
/// The HTTP client speaks to a unix socket in a private directory (0700); each connection accepted there starts one
/// `ssh` whose standard input and output *are* that connection (no bytes are copied by voltop). The user's ssh
/// config, agent and known hosts apply; `BatchMode=yes` keeps ssh from asking anything on the terminal (a password or
/// host-key prompt would write into the dashboard), so keys come from the agent or unencrypted key files.
///
/// One key exchange serves them all: the first connection's ssh is a master (`ControlMaster`, its control socket in
/// the private directory), and the connections opened while it lives are sessions multiplexed over it (a new ssh
/// process each, but no new login: `voltop ls` over ssh paid one key exchange per concurrent request before). The
/// master lives as long as its own connection and the sessions over it, so none outlives voltop; when it has ended,
/// the next connection starts a new one.
///
/// This is the one place voltop starts a process.
public final class SSHDialer: Sendable {
    /// `ssh://[user@]host[:port]`.
    /// Why an `ssh://` address was refused.
    public struct Invalid: Error, Sendable {
        public let why: String
    }

    public struct Target: Sendable, Hashable {
        public var user: String?
        public var host: String
        public var port: Int?

        public init(user: String?, host: String, port: Int?) {
            self.user = user
            self.host = host
            self.port = port
        }

        public var address: String {
            "ssh://" + (user.map { $0 + "@" } ?? "") + (host.contains(":") ? "[\(host)]" : host) + (port.map { ":\($0)" } ?? "")
        }

        /// Parses `ssh://[user@]host[:port]` (no path, no password: ssh asks for none here).
        public static func parse(_ value: String) -> Result<Target, Invalid> {
            guard value.hasPrefix("ssh://") else { return .failure(Invalid(why: "it does not start with ssh://")) }
            var rest = Substring(value.dropFirst("ssh://".count))
            if rest.hasSuffix("/") { rest = rest.dropLast() }
            guard !rest.contains("/") else {
                return .failure(Invalid(why: "a path after the host is not supported (ssh://user@host:port)"))
            }
            var user: String?
            if let at = rest.lastIndex(of: "@") {
                let name = rest[..<at]
                guard !name.isEmpty, !name.contains(":") else {
                    return .failure(Invalid(why: "the user part is empty or holds a password (ssh://user@host; keys come from ssh-agent)"))
                }
                user = String(name)
                rest = rest[rest.index(after: at)...]
            }
            var host = rest
            var port: Int?
            if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
                host = rest[rest.index(after: rest.startIndex)..<close]
                let after = rest[rest.index(after: close)...]
                if after.hasPrefix(":") {
                    guard let p = Int(after.dropFirst()), (1...65535).contains(p) else {
                        return .failure(Invalid(why: "the port is not a number between 1 and 65535"))
                    }
                    port = p
                }
            } else if let colon = rest.lastIndex(of: ":") {
                host = rest[..<colon]
                guard let p = Int(rest[rest.index(after: colon)...]), (1...65535).contains(p) else {
                    return .failure(Invalid(why: "the port is not a number between 1 and 65535"))
                }
                port = p
            }
            guard !host.isEmpty else { return .failure(Invalid(why: "the host is missing")) }
            // ssh would take a leading '-' as an option, whitespace and control characters as something else.
            let bad =
                (user ?? "").unicodeScalars.contains { $0.value < 0x21 || $0 == "\u{7F}" } || user?.hasPrefix("-") == true
                || host.unicodeScalars.contains { $0.value < 0x21 || $0 == "\u{7F}" } || host.hasPrefix("-")
            guard !bad else { return .failure(Invalid(why: "the user or host holds spaces, control characters or a leading '-'")) }
            return .success(Target(user: user, host: String(host), port: port))
        }
    }

    public let target: Target
    /// The unix socket the HTTP client connects to.
    public let socketPath: String
    private let directory: String
    private let listener: Int32
    /// The master's control socket (`ControlPath`), in the private directory; nil when multiplexing is off.
    let controlPath: String?
    private struct State {
        var children: Set<pid_t> = []
        /// The ssh that is the master, while it runs.
        var master: pid_t?
        /// The last thing a failed ssh said (its last line on standard error), and its exit status.
        var lastFailure: (message: String, status: Int32)?
        var failures = 0
        var closed = false
    }
    private let state = Mutex(State())

    /// The dialer of each target in this process (every engine connection to it shares one listener).
    private static let dialers = Mutex<[Target: SSHDialer]>([:])
    /// `VOLTOP_SSH_CONFIG`: an ssh config file passed as `-F` (tests; a config of one's own beside ~/.ssh/config).
    public static let configFile: String? = ProcessInfo.processInfo.environment["VOLTOP_SSH_CONFIG"].flatMap {
        $0.isEmpty ? nil : $0
    }
    /// The ssh program (`VOLTOP_SSH`, else the first `ssh` on PATH).
    static let program: String? = {
        if let set = ProcessInfo.processInfo.environment["VOLTOP_SSH"], !set.isEmpty { return set }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/ssh"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }()

    /// The dialer for `target`, started on first use.
    public static func dialer(for target: Target) throws -> SSHDialer {
        try dialers.withLock { all in
            if let known = all[target] { return known }
            let made = try SSHDialer(target: target)
            all[target] = made
            return made
        }
    }

    private init(target: Target) throws {
        guard Self.program != nil else {
            throw EngineError(
                .invalidArgument, "\(target.address) needs the ssh client, and none is on PATH: install openssh-client (or set VOLTOP_SSH)")
        }
        self.target = target
        let base = ProcessInfo.processInfo.environment["XDG_RUNTIME_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(base)/voltop-ssh-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw EngineError(
                .engineFailure, "cannot make a private directory in \(base) for the ssh connection: \(String(cString: strerror(errno)))")
        }
        directory = String(cString: made)
        socketPath = directory + "/engine.sock"
        // ssh expands % in a ControlPath; a directory with one goes without multiplexing. VOLTOP_SSH_MUX=0 turns it off.
        let muxOff = ProcessInfo.processInfo.environment["VOLTOP_SSH_MUX"] == "0"
        controlPath = directory.contains("%") || muxOff ? nil : directory + "/control"
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            rmdir(directory)
            throw EngineError(.engineFailure, "cannot make a socket for the ssh connection: \(String(cString: strerror(errno)))")
        }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(socketPath.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            rmdir(directory)
            throw EngineError(
                .engineFailure, "the private socket path \(socketPath) is too long: set XDG_RUNTIME_DIR to a shorter directory")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            let e = errno
            close(fd)
            unlink(socketPath)
            rmdir(directory)
            throw EngineError(.engineFailure, "cannot listen on \(socketPath) for the ssh connection: \(String(cString: strerror(e)))")
        }
        listener = fd
        SSHDialer.cleanUpAtExit(self)
        OSThread.start(name: "voltop-ssh-accept") { [self] in acceptLoop() }
    }

    /// Why the last ssh started for this target failed (taken: asked once), waiting up to `seconds` for one to end
    /// (a connection that failed is seen by the HTTP client a moment before ssh has said why and exited).
    public func takeFailure(waiting seconds: Double) -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let failure = state.withLock { s -> (message: String, status: Int32)? in
                defer { s.lastFailure = nil }
                return s.lastFailure
            }
            if let failure { return Self.explain(failure.message, status: failure.status, target: target) }
            if Date() >= deadline { return nil }
            usleep(20_000)
        }
    }

    /// One line that names the cause of an ssh failure and how to fix it.
    static func explain(_ said: String, status: Int32, target: Target) -> String {
        let text = Sanitizer.inline(said.trimmingBlanksAndLineBreaks())
        let lower = text.lowercased()
        let host = target.address
        if lower.contains("host key verification failed") || lower.contains("remote host identification has changed") {
            return
                "ssh to \(host) failed: the host key is unknown or changed (\(text)). Check it and add it with ssh-keyscan or one ssh login"
        }
        if lower.contains("permission denied") {
            return "ssh to \(host) failed: not allowed in (\(text)). voltop logs in without prompts: load the key into ssh-agent (ssh-add) "
                + "or name an unencrypted key in ~/.ssh/config"
        }
        if lower.contains("command not found") || lower.contains("not found") && lower.contains("docker") || status == 127 {
            return "ssh to \(host) worked, but the remote has no docker CLI for `docker system dial-stdio` (\(text)): install it there"
        }
        if lower.contains("could not resolve") || lower.contains("connection refused") || lower.contains("timed out")
            || lower.contains("no route")
        {
            return "ssh cannot reach \(host) (\(text)): check the host name, the port and that sshd runs there"
        }
        if text.isEmpty { return "ssh to \(host) ended with status \(status) without saying why" }
        return "ssh to \(host) failed (\(text))"
    }

    // MARK: Connections

    private func acceptLoop() {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                if state.withLock({ $0.closed }) { return }
                if errno == EMFILE || errno == ENFILE {
                    usleep(100_000)
                    continue
                }
                return
            }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            spawn(connection: fd, as: role())
            close(fd)
        }
    }

    /// How one ssh takes part in multiplexing.
    enum Role: Equatable {
        /// Logs in and serves later connections over its control socket.
        case master
        /// A session over the running master (no login of its own).
        case session
        /// Logs in for itself alone (multiplexing off, or the master could not start).
        case alone
    }

    /// The arguments after the program name.
    func arguments(_ role: Role = .alone) -> [String] {
        var args = ["-o", "BatchMode=yes", "-o", "ConnectTimeout=30", "-T"]
        if let controlPath, role != .alone {
            args += ["-S", controlPath, "-o", role == .master ? "ControlMaster=yes" : "ControlMaster=no", "-o", "ControlPersist=no"]
        }
        if let file = Self.configFile { args += ["-F", file] }
        if let user = target.user { args += ["-l", user] }
        if let port = target.port { args += ["-p", String(port)] }
        args += ["--", target.host, "docker", "system", "dial-stdio"]
        return args
    }

    /// The role of the next connection's ssh: the master when none runs; a session once the master's control socket
    /// is up (waiting for it while the master logs in, at most ssh's ConnectTimeout); alone when the master ended
    /// before its socket appeared (a failed login: its failure is recorded, and this ssh says the same for itself).
    private func role() -> Role {
        guard let controlPath else { return .alone }
        guard let master = state.withLock({ $0.master }) else {
            unlink(controlPath)  // a socket left by a master that is gone
            return .master
        }
        let deadline = Date().addingTimeInterval(35)
        while Date() < deadline {
            var info = stat()
            if stat(controlPath, &info) == 0, (info.st_mode & S_IFMT) == S_IFSOCK { return .session }
            guard state.withLock({ $0.master == master }) else { return .alone }
            usleep(2_000)
        }
        return .alone
    }

    /// glibc's POSIX_SPAWN_SETSID (2.26 and later; not exported to Swift).
    private static let spawnSetSID: Int32 = 0x80

    private func spawn(connection fd: Int32, as role: Role) {
        guard let program = Self.program else { return }
        var errPipe: [Int32] = [-1, -1]
        guard pipe(&errPipe) == 0 else {
            record("cannot make a pipe for ssh: \(String(cString: strerror(errno)))", status: -1)
            return
        }
        _ = fcntl(errPipe[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(errPipe[1], F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fd, 0)
        posix_spawn_file_actions_adddup2(&actions, fd, 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own session: no controlling terminal (nothing to prompt on), and a Ctrl-C in the terminal is voltop's.
        posix_spawnattr_setflags(&attributes, Int16(Self.spawnSetSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        let argv = [program] + arguments(role)
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for arg in cArgs { free(arg) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, program, &actions, &attributes, &cArgs, environ)
        close(errPipe[1])
        guard rc == 0 else {
            close(errPipe[0])
            record("cannot start \(program): \(String(cString: strerror(rc)))", status: -1)
            return
        }
        state.withLock { s in
            s.children.insert(pid)
            if role == .master { s.master = pid }
        }
        let reader = errPipe[0]
        let child = pid
        OSThread.start(name: "voltop-ssh-\(child)") { [self] in watch(pid: child, stderr: reader) }
    }

    /// Reads what ssh says on standard error (kept: the last lines, at most 4 KiB), then reaps it.
    private func watch(pid: pid_t, stderr fd: Int32) {
        var said: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            said.append(contentsOf: buffer[0..<n])
            if said.count > 4096 { said.removeFirst(said.count - 4096) }
        }
        close(fd)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        state.withLock { s in
            s.children.remove(pid)
            if s.master == pid { s.master = nil }
        }
        let exited = (status & 0x7f) == 0
        let code = exited ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        guard code != 0 else { return }
        let text = String(decoding: said, as: UTF8.self)
        let lines = text.split(whereSeparator: \.isNewline).map(String.init).filter {
            !$0.isEmpty && !$0.hasPrefix("Warning: Permanently added")
        }
        record(lines.last ?? "", status: code)
    }

    private func record(_ message: String, status: Int32) {
        state.withLock { s in
            s.lastFailure = (message, status)
            s.failures += 1
        }
    }

    // MARK: Clean-up

    /// Stops listening, ends the ssh processes still running and removes the private directory.
    public func stop() {
        let children = state.withLock { s -> Set<pid_t> in
            s.closed = true
            return s.children
        }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        unlink(socketPath)
        if let controlPath { unlink(controlPath) }
        rmdir(directory)
        for pid in children { kill(pid, SIGTERM) }
    }

    private static let atExit: Void = { atexit { SSHDialer.closeAll() } }()

    private static func cleanUpAtExit(_ dialer: SSHDialer) { _ = atExit }

    /// Closes every dialer of this process (at exit).
    public static func closeAll() {
        let all = dialers.withLock { all -> [SSHDialer] in
            let list = Array(all.values)
            all = [:]
            return list
        }
        for dialer in all { dialer.stop() }
    }
}

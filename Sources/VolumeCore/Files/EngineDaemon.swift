#if canImport(Glibc)
    import Glibc
#endif

/// The engine process behind a local unix socket, found from the socket itself, and the root of its mount
/// namespace (`/proc/PID/root`), through which its volumes' Mountpoints are read.
///
/// A host name says nothing about where an engine's files are: an engine started in another mount namespace
/// (`unshare -m`, a container, a snap), or a socket forwarded from another host that happens to share the default
/// host name, would otherwise make voltop, as root, read and delete this host's files as the volume's. Instead:
/// `SO_PEERCRED` on a fresh connection names the process that listens on the socket (with systemd socket
/// activation that is systemd, so the process holding the listening socket is looked up in `/proc`); it must be
/// an engine (`dockerd` or `podman`), and its volumes are opened below `/proc/PID/root`, in the engine's own mount
/// namespace. A forwarder (`ssh`, `socat`), a process in another PID namespace, or no permission on
/// `/proc/PID/root` means the files are not reachable from here: the caller uses a helper container.
public struct EngineDaemon: Sendable, Equatable {
    /// The engine's pid, as this process sees it.
    public var pid: Int32
    /// The executable's base name (`dockerd`, `podman`).
    public var name: String
    /// `/proc/PID/root`: the engine's root directory; a Mountpoint is read at `root + Mountpoint`.
    public var root: String

    /// Executables that serve the Docker Engine API themselves and keep volumes in their own mount namespace.
    static let engineNames: Set<String> = ["dockerd", "podman"]

    /// Finds the engine process that serves the unix socket at `socketPath`, or says why it cannot be used.
    public static func locate(socketPath: String) -> Result<EngineDaemon, EngineError> {
        let instead = "its volumes are read through a helper container instead"
        let socketShown = Sanitizer.inline(socketPath)
        guard let peer = peerPID(socketPath: socketPath) else {
            return .failure(
                EngineError(.unreachable, "cannot tell which process serves \(socketShown) (connect or SO_PEERCRED failed): \(instead)"))
        }
        guard peer > 0 else {
            return .failure(
                EngineError(
                    .invalidArgument,
                    "the process serving \(socketShown) is in another PID namespace (a container or VM), so its files are not "
                        + "reachable from here: \(instead)"))
        }
        var pid = peer
        if !isEngine(pid) {
            // systemd socket activation: systemd listened, the engine inherited the socket and accepts on it.
            if let holder = engineHolding(socketPath: socketPath) {
                pid = holder
            } else {
                let what = executableName(peer).map { "`\(Sanitizer.inline($0))`" } ?? "an unknown process"
                return .failure(
                    EngineError(
                        .invalidArgument,
                        "\(socketShown) is served by \(what) (pid \(peer)), not by dockerd or podman: it may forward to another "
                            + "machine or namespace, so the Mountpoints it reports are not this host's files; \(instead)"))
            }
        }
        let root = "/proc/\(pid)/root"
        let fd = open(root + "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            let why = String(cString: strerror(errno))
            return .failure(
                EngineError(
                    .permissionDenied,
                    "cannot enter the mount namespace of the engine (pid \(pid)) at \(root) (\(why)): \(instead)"))
        }
        close(fd)
        return .success(EngineDaemon(pid: pid, name: executableName(pid) ?? "?", root: root))
    }

    /// The path at which this process reads `mountpoint` of the engine: below the engine's root.
    public func hostPath(of mountpoint: String) -> String {
        mountpoint.hasPrefix("/") ? root + mountpoint : root + "/" + mountpoint
    }

    /// The pid of the process that listens on the socket (`SO_PEERCRED` of a fresh connection), 0 when it lives in
    /// another PID namespace, nil when the connection fails.
    static func peerPID(socketPath: String) -> Int32? {
        guard case .success(let fd) = SocketProbe.connected(socketPath) else { return nil }
        defer { close(fd) }
        // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
        var credentials: (Int32, UInt32, UInt32) = (0, 0, 0)
        var length = socklen_t(MemoryLayout.size(ofValue: credentials))
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0, Int(length) >= MemoryLayout<Int32>.size else {
            return nil
        }
        return credentials.0
    }

    /// The base name of `/proc/PID/exe` (" (deleted)" dropped after an upgrade), else `/proc/PID/comm`.
    static func executableName(_ pid: Int32) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/\(pid)/exe", &buffer, buffer.count - 1)
        if n > 0 {
            var path = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if path.hasSuffix(" (deleted)") { path.removeLast(" (deleted)".count) }
            return path.split(separator: "/").last.map(String.init)
        }
        guard let comm = readSmallFile("/proc/\(pid)/comm") else { return nil }
        let text = String(decoding: comm.prefix { $0 != 0x0A }, as: UTF8.self)
        return text.isEmpty ? nil : text
    }

    static func isEngine(_ pid: Int32) -> Bool {
        guard let name = executableName(pid) else { return false }
        return engineNames.contains(name)
    }

    /// An engine process that holds the listening socket bound at `socketPath` (found through `/proc/net/unix` and
    /// the processes' descriptors), for sockets that another process (systemd) listened on.
    static func engineHolding(socketPath: String) -> Int32? {
        guard let table = readSmallFile("/proc/net/unix", limit: 64 << 20) else { return nil }
        var inodes = Set<String>()
        // Num RefCount Protocol Flags Type St Inode Path; flags 00010000 is __SO_ACCEPTCON (listening).
        for line in table.split(separator: 0x0A).dropFirst() {
            let fields = line.split(separator: 0x20, omittingEmptySubsequences: true)
            guard fields.count >= 8, String(decoding: Array(fields[7...].joined(separator: [0x20])), as: UTF8.self) == socketPath,
                String(decoding: fields[3], as: UTF8.self) == "00010000"
            else { continue }
            inodes.insert(String(decoding: fields[6], as: UTF8.self))
        }
        guard !inodes.isEmpty, let proc = opendir("/proc") else { return nil }
        defer { closedir(proc) }
        let targets = Set(inodes.map { "socket:[\($0)]" })
        while let entry = readdir(proc) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let pid = Int32(name), isEngine(pid), let fds = opendir("/proc/\(pid)/fd") else { continue }
            defer { closedir(fds) }
            while let fdEntry = readdir(fds) {
                let fdName = withUnsafeBytes(of: fdEntry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                var link = [CChar](repeating: 0, count: 64)
                let n = readlink("/proc/\(pid)/fd/\(fdName)", &link, link.count - 1)
                guard n > 0 else { continue }
                let target = String(decoding: link[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if targets.contains(target) { return pid }
            }
        }
        return nil
    }

    /// A small file's bytes (procfs files report size 0, so read until EOF), at most `limit`.
    static func readSmallFile(_ path: String, limit: Int = 1 << 16) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while result.count < limit {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            result.append(contentsOf: chunk[0..<n])
        }
        return result
    }
}

import CVolumeSys
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Who writes into which volume, from fanotify: every modification on the filesystem that holds the volumes, with
/// the writing process, mapped to a container by the process's control group and to a volume by the written file's
/// path. The engine's own writes elsewhere on the same filesystem map to no volume and are dropped.
///
/// A file written inside a container reads as the container sees it (`/v/f`, not the Mountpoint), so the path is
/// matched against that container's mounts (the longest Destination that holds it); a process outside containers
/// writes at the Mountpoint itself. Either way the file must be on the volume's filesystem (device), so a container
/// that changed its own mounts is not credited with another volume.
///
/// Needs root (CAP_SYS_ADMIN) and a kernel with `FAN_MARK_FILESYSTEM` (4.20+); `open` says which is missing, and
/// the caller falls back to "may write" (running containers that mount the volume read-write).
public final class WriteWatcher: @unchecked Sendable {
    /// One process that wrote into a volume since the last `drain`.
    public struct Writer: Sendable, Hashable {
        /// The process, as this process sees it.
        public var pid: Int32
        /// Its container's ID, or nil for a process outside any container (shown as such).
        public var containerID: String?
        /// Its command name (`/proc/PID/comm`), made safe to show.
        public var command: String

        public init(pid: Int32, containerID: String?, command: String) {
            self.pid = pid
            self.containerID = containerID
            self.command = command
        }
    }

    /// A container's volume mounts: volume name by Destination (no trailing slash).
    public typealias Mounts = [String: String]

    private let group: Int32
    /// Where the engine's files are seen from here (`/proc/PID/root`).
    private let root: String
    /// Volume name by Mountpoint (no trailing slash), for writers outside containers.
    private var volumesByMountpoint: [String: String] = [:]
    /// Each container's volume mounts, by container ID.
    private var mountsByContainer: [String: Mounts] = [:]
    /// The device each watched volume lives on, by name.
    private var deviceOfVolume: [String: UInt64] = [:]
    /// The filesystems marked so far (by device), so that each is marked once.
    private var markedDevices: Set<UInt64> = []
    /// Writers resolved recently, by pid (a pid's container does not change; pids are reused, so this is cleared
    /// once it grows past a few thousand).
    private var known: [Int32: Writer] = [:]
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    private let ownPID = getpid()

    private init(group: Int32, root: String) {
        self.group = group
        self.root = root
    }

    deinit { close(group) }

    /// A watcher for the volumes of the engine `daemon`.
    public static func open(for daemon: EngineDaemon) -> Result<WriteWatcher, EngineError> {
        let group = cvs_fanotify_open()
        guard group >= 0 else {
            let code = errno
            let why =
                code == EPERM
                ? "fanotify needs root (CAP_SYS_ADMIN)" : "fanotify is not available (\(String(cString: strerror(code))))"
            return .failure(EngineError(code == EPERM ? .permissionDenied : .invalidArgument, why))
        }
        return .success(WriteWatcher(group: group, root: daemon.root == "/" ? "" : daemon.root))
    }

    /// The descriptor to wait on (readable when writes are pending).
    public var descriptor: Int32 { group }

    /// Sets the volumes to watch (name by Mountpoint) and the running containers' volume mounts (by container ID),
    /// and marks each new filesystem the volumes live on.
    /// - Returns: the Mountpoints whose filesystem could not be watched, with why.
    @discardableResult
    public func watch(mountpoints: [String: String], containers: [String: Mounts] = [:]) -> [String: String] {
        var table: [String: String] = [:]
        var devices: [String: UInt64] = [:]
        var failed: [String: String] = [:]
        for (mountpoint, name) in mountpoints {
            let key = Self.trimmed(mountpoint)
            guard key.hasPrefix("/") else { continue }
            var info = stat()
            guard lstat(root + key, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else { continue }
            let device = UInt64(info.st_dev)
            if !markedDevices.contains(device) {
                guard cvs_fanotify_watch_modify(group, root + key) == 0 else {
                    failed[mountpoint] = String(cString: strerror(errno))
                    continue
                }
                markedDevices.insert(device)
            }
            table[key] = name
            devices[name] = device
        }
        volumesByMountpoint = table
        deviceOfVolume = devices
        mountsByContainer = containers.mapValues { mounts in
            var trimmed: Mounts = [:]
            for (destination, name) in mounts { trimmed[Self.trimmed(destination)] = name }
            return trimmed
        }
        return failed
    }

    /// Reads every pending write (never blocks) and returns the writers per volume name. Events outside the
    /// watched volumes (the engine's own files, the host's) and this process's own writes are dropped.
    public func drain(maxEvents: Int = 100_000) -> [String: Set<Writer>] {
        var result: [String: Set<Writer>] = [:]
        let headerSize = Int(cvs_fanotify_metadata_size())
        let version = UInt8(cvs_fanotify_metadata_version())
        var seen = 0
        while seen < maxEvents {
            let count = buffer.withUnsafeMutableBytes { read(group, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            buffer.withUnsafeBytes { raw in
                var offset = 0
                while offset + headerSize <= count {
                    let length = Int(raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
                    let eventVersion = raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt8.self)
                    let fd = raw.loadUnaligned(fromByteOffset: offset + 16, as: Int32.self)
                    let pid = raw.loadUnaligned(fromByteOffset: offset + 20, as: Int32.self)
                    guard length >= headerSize, offset + length <= count, eventVersion == version else {
                        // A layout this build does not know: close what can be closed and stop reading.
                        if fd >= 0 { close(fd) }
                        offset = count
                        break
                    }
                    offset += length
                    seen += 1
                    guard fd >= 0 else { continue }  // FAN_Q_OVERFLOW: events were lost; the next ones still count.
                    defer { close(fd) }
                    guard pid != ownPID else { continue }
                    let who = writer(pid)
                    guard let volume = volume(ofDescriptor: fd, writtenBy: who) else { continue }
                    result[volume, default: []].insert(who)
                }
            }
        }
        if known.count > 4096 { known.removeAll(keepingCapacity: true) }
        return result
    }

    /// The volume that holds the file open at `fd`: its path (as the writer sees it) walked up to the writer's
    /// container's mount Destination, or to a Mountpoint for a writer outside containers; nil when the file is not in
    /// a watched volume or not on that volume's filesystem.
    private func volume(ofDescriptor fd: Int32, writtenBy writer: Writer) -> String? {
        guard var path = Self.readLink("/proc/self/fd/\(fd)"), path.hasPrefix("/") else { return nil }
        // A deleted file reads "/path (deleted)"; its directory still names the volume.
        if path.hasSuffix(" (deleted)") { path.removeLast(" (deleted)".count) }
        let table: [String: String]
        if let id = writer.containerID {
            guard let mounts = mountsByContainer[id] else { return nil }
            table = mounts
        } else {
            table = volumesByMountpoint
        }
        var current = Substring(path)
        var found: String? = nil
        while let slash = current.lastIndex(of: "/") {
            current = current[..<slash]
            if let name = table[current.isEmpty ? "/" : String(current)] {
                found = name
                break
            }
            if current.isEmpty { break }
        }
        guard let found, let device = deviceOfVolume[found] else { return nil }
        var info = stat()
        guard fstat(fd, &info) == 0, UInt64(info.st_dev) == device else { return nil }
        return found
    }

    private func writer(_ pid: Int32) -> Writer {
        if let cached = known[pid] { return cached }
        let cgroup = Self.readSmallFile("/proc/\(pid)/cgroup") ?? ""
        let comm = (Self.readSmallFile("/proc/\(pid)/comm") ?? "(exited)").trimmingCharacters(in: .newlines)
        let found = Writer(pid: pid, containerID: ProcessContainer.id(inCgroup: cgroup), command: Sanitizer.inline(comm))
        known[pid] = found
        return found
    }

    static func trimmed(_ path: String) -> String {
        var path = path
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        return path
    }

    static func readLink(_ path: String) -> String? {
        var target = [CChar](repeating: 0, count: 4097)
        let length = readlink(path, &target, 4096)
        guard length > 0 else { return nil }
        return String(decoding: target[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func readSmallFile(_ path: String) -> String? {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 8192)
        let count = read(fd, &bytes, bytes.count)
        guard count > 0 else { return nil }
        return String(decoding: bytes[0..<count], as: UTF8.self)
    }
}

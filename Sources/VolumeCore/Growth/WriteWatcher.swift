import CVolumeSys

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

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
        /// Whether the process was gone before its control group could be read.
        public var exited = false

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
    /// Each watched volume's Mountpoint (no trailing slash), by name.
    private var mountpointOfVolume: [String: String] = [:]
    /// The mounts of volumes inside running containers, by mount ID: which container, which volume. A write through
    /// one of them is that container's even when the writing process is gone before it can be looked up.
    private var mountsByID: [UInt64: (container: String, volume: String)] = [:]
    /// The filesystems marked so far (by device), so that each is marked once.
    private var markedDevices: Set<UInt64> = []
    /// Writers resolved recently, by pid (a pid's container does not change; pids are reused, so this is cleared
    /// once it grows past a few thousand).
    private var known: [Int32: Writer] = [:]
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    private let ownPID = getpid()
    /// The mounts of this process's mount namespace, when the engine shares it and its root (a path read from an
    /// event's descriptor is then a path the Mountpoints compare with), and the deepest directory that holds every
    /// watched Mountpoint. A write through one of these mounts to a file outside that directory is no volume's: it is
    /// dropped before its writer is looked up, so a busy host elsewhere on the filesystem (builds, logs) costs a
    /// readlink and a statx per event instead of two /proc reads, path walks and lstats.
    private var hostMounts: Set<UInt64> = []
    private var volumesDirectory: String?

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
        volumesDirectory = Self.commonDirectory(of: table.keys)
        hostMounts = sharesRootWithEngine ? Self.mountIDs(mountinfo: Self.readWholeFile("/proc/self/mountinfo") ?? "") : []
        mountpointOfVolume = Dictionary(table.map { ($0.value, $0.key) }, uniquingKeysWith: { a, _ in a })
        mountsByContainer = containers.mapValues { mounts in
            var trimmed: Mounts = [:]
            for (destination, name) in mounts { trimmed[Self.trimmed(destination)] = name }
            return trimmed
        }
        mountsByID = Self.containerMountIDs(mountsByContainer)
        return failed
    }

    /// Whether the engine's root (`root`) is this process's own, in the same mount namespace.
    private var sharesRootWithEngine: Bool {
        guard !root.isEmpty else { return true }
        guard root.hasSuffix("/root"), let theirs = Self.readLink(String(root.dropLast(4)) + "ns/mnt"),
            let ours = Self.readLink("/proc/self/ns/mnt"), theirs == ours
        else { return false }
        var own = stat()
        var engine = stat()
        return stat("/", &own) == 0 && stat(root + "/", &engine) == 0 && own.st_dev == engine.st_dev && own.st_ino == engine.st_ino
    }

    /// Whether a write to `path` through mount `mountID` is outside every watched volume for certain: the mount is
    /// one of this namespace's own (no container's, whose paths read as the container sees them) and the path is
    /// not below `volumesDirectory`.
    static func isOutsideVolumes(path: String, mountID: UInt64, hostMounts: Set<UInt64>, volumesDirectory: String?) -> Bool {
        guard hostMounts.contains(mountID) else { return false }
        guard let directory = volumesDirectory else { return true }
        return !isWithin(path, directory)
    }

    /// Whether `path` is `directory` or below it (byte for byte; `directory` has no trailing slash but "/").
    static func isWithin(_ path: String, _ directory: String) -> Bool {
        if directory == "/" { return path.hasPrefix("/") }
        guard path.utf8.starts(with: directory.utf8) else { return false }
        let rest = path.utf8.dropFirst(directory.utf8.count)
        return rest.first == nil || rest.first == UInt8(ascii: "/")
    }

    /// The deepest directory that holds all of `paths` (absolute, no trailing slash), or nil when there is none.
    static func commonDirectory<Paths: Sequence<String>>(of paths: Paths) -> String? {
        var common: [Substring]?
        for path in paths {
            let parts = path.split(separator: "/", omittingEmptySubsequences: true)
            guard var shared = common else {
                common = parts
                continue
            }
            var count = 0
            while count < shared.count, count < parts.count, shared[count].utf8.elementsEqual(parts[count].utf8) { count += 1 }
            shared.removeSubrange(count...)
            common = shared
        }
        guard let common else { return nil }
        return "/" + common.joined(separator: "/")
    }

    /// The mount IDs (first field) of a `/proc/PID/mountinfo` text.
    static func mountIDs(mountinfo: String) -> Set<UInt64> {
        var ids: Set<UInt64> = []
        for line in mountinfo.split(separator: "\n") {
            if let field = line.split(separator: " ", maxSplits: 1).first, let id = UInt64(field) { ids.insert(id) }
        }
        return ids
    }

    /// Whether the writer `pid` was looked up in /proc (and is remembered); for tests.
    func hasLookedUp(_ pid: Int32) -> Bool { known[pid] != nil }

    /// The volumes `watch` watches: those whose Mountpoint is a directory on a filesystem fanotify marks.
    public var watchedVolumes: Set<String> { Set(deviceOfVolume.keys) }

    /// Reads every pending write (never blocks) and returns the writers per volume name. Events outside the
    /// watched volumes (the engine's own files, the host's) and this process's own writes are dropped.
    public func drain(maxEvents: Int = 100_000) -> [String: Set<Writer>] {
        drainBatch(maxEvents: maxEvents).writers
    }

    /// What one drain saw: the writers and, for each written file, its disk usage now (re-stat'ed through the
    /// event's descriptor, so a growing file is followed without walking its volume), by volume name.
    public struct Batch: Sendable {
        public var writers: [String: Set<Writer>] = [:]
        public var files: [String: [FileID: Int64]] = [:]
        /// When each written file was created (seconds since 1970), where the filesystem keeps it: a file born after
        /// the volume's last walk is growth from its first byte, however much it held when first seen.
        public var born: [FileID: Double] = [:]
        /// Whether the kernel dropped events (its queue overflowed): sizes must be measured again.
        public var overflowed = false
    }

    /// A file's identity on its filesystem.
    public struct FileID: Sendable, Hashable {
        public var device: UInt64
        public var inode: UInt64
        public init(device: UInt64, inode: UInt64) {
            self.device = device
            self.inode = inode
        }
    }

    /// Reads every pending write (never blocks); see `Batch`.
    public func drainBatch(maxEvents: Int = 100_000) -> Batch {
        var result = Batch()
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
                    guard fd >= 0 else {
                        // FAN_Q_OVERFLOW: events were lost; the next ones still count.
                        result.overflowed = true
                        continue
                    }
                    defer { close(fd) }
                    guard pid != ownPID else { continue }
                    guard let (volume, who, file, bytes) = attribute(fd: fd, pid: pid) else { continue }
                    result.writers[volume, default: []].insert(who)
                    result.files[volume, default: [:]][file] = bytes
                    var birth = 0.0
                    if cvs_birth_time(fd, &birth) == 0 { result.born[file] = birth }
                }
            }
        }
        if known.count > 4096 { known.removeAll(keepingCapacity: true) }
        return result
    }

    /// The volume that holds the file open at `fd` and who wrote it, or nil when the file is in no watched volume.
    ///
    /// The path reads as the writer sees it: walked up to the writer's container's mount Destination (or, outside
    /// containers, to a Mountpoint), and confirmed by finding the same file (device and inode) below the volume's
    /// Mountpoint. A writer that exited before its control group could be read (`head >> /v/f` in a loop) is matched
    /// through every running container's mounts instead; the file's identity picks the volume, and the writer is
    /// named only when exactly one of those containers holds it.
    private func attribute(fd: Int32, pid: Int32) -> (String, Writer, FileID, Int64)? {
        guard var path = Self.readLink("/proc/self/fd/\(fd)"), path.hasPrefix("/") else { return nil }
        // A deleted file reads "/path (deleted)"; its directory still names the volume.
        if path.hasSuffix(" (deleted)") { path.removeLast(" (deleted)".count) }
        var mountID: UInt64 = 0
        let hasMountID = cvs_mount_id(fd, "", &mountID) == 0
        if hasMountID, Self.isOutsideVolumes(path: path, mountID: mountID, hostMounts: hostMounts, volumesDirectory: volumesDirectory) {
            return nil
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        let file = (UInt64(info.st_dev), UInt64(info.st_ino))
        let id = FileID(device: file.0, inode: file.1)
        let bytes = Int64(info.st_blocks).multipliedReportingOverflow(by: 512)
        let usage = bytes.overflow || bytes.partialValue < 0 ? Int64.max : bytes.partialValue
        guard let (volume, who) = attributeVolume(pid: pid, path: path, file: file, mountID: hasMountID ? mountID : nil) else { return nil }
        return (volume, who, id, usage)
    }

    private func attributeVolume(pid: Int32, path: String, file: (UInt64, UInt64), mountID: UInt64?) -> (String, Writer)? {
        var who = writer(pid)
        // The mount the file was written through names the container and the volume outright.
        if let mountID, let known = mountsByID[mountID], deviceOfVolume[known.volume] == file.0 {
            if who.containerID == nil { who.containerID = known.container }
            if who.containerID == known.container { return (known.volume, who) }
        }
        if let id = who.containerID {
            guard let mounts = mountsByContainer[id], let volume = match(path, in: mounts, file: file, deleted: false) else { return nil }
            return (volume, who)
        }
        if !who.exited {
            guard let volume = match(path, in: volumesByMountpoint, file: file, mountpoints: true) else { return nil }
            return (volume, who)
        }
        var found: [(container: String, volume: String)] = []
        for (id, mounts) in mountsByContainer {
            if let volume = match(path, in: mounts, file: file) { found.append((id, volume)) }
        }
        if let volume = found.first?.volume, found.allSatisfy({ $0.volume == volume }) {
            var named = who
            if found.count == 1 { named.containerID = found[0].container }
            return (volume, named)
        }
        if let volume = match(path, in: volumesByMountpoint, file: file, mountpoints: true) { return (volume, who) }
        return nil
    }

    /// The volume of `table` (name by Destination, or by Mountpoint) whose mount holds `path`: the longest prefix,
    /// confirmed by the file's identity below the volume's Mountpoint (a deleted file cannot be confirmed; its
    /// device must match).
    private func match(
        _ path: String, in table: [String: String], file: (dev: UInt64, ino: UInt64), deleted: Bool = false,
        mountpoints: Bool = false
    ) -> String? {
        var current = Substring(path)
        while let slash = current.lastIndex(of: "/") {
            current = current[..<slash]
            let key = current.isEmpty ? "/" : String(current)
            if let name = table[key] {
                guard let device = deviceOfVolume[name], device == file.dev else { return nil }
                guard let mountpoint = mountpoints ? key : mountpointOfVolume[name] else { return nil }
                let rest = path.dropFirst(current.count)
                var info = stat()
                if lstat(root + mountpoint + rest, &info) == 0 {
                    return UInt64(info.st_dev) == file.dev && UInt64(info.st_ino) == file.ino ? name : nil
                }
                // Gone already (deleted or renamed since): the device is all there is to check.
                return name
            }
            if current.isEmpty { break }
        }
        return nil
    }

    private func writer(_ pid: Int32) -> Writer {
        if let cached = known[pid] { return cached }
        let cgroup = Self.readSmallFile("/proc/\(pid)/cgroup") ?? ""
        let comm = (Self.readSmallFile("/proc/\(pid)/comm") ?? "(exited)").trimming(\.isLineBreak)
        var found = Writer(pid: pid, containerID: ProcessContainer.id(inCgroup: cgroup), command: Sanitizer.inline(comm))
        found.exited = cgroup.isEmpty
        known[pid] = found
        return found
    }

    /// The mount IDs of the volume mounts of running containers: one live process per container is found by its
    /// control group in `/proc`, and its `mountinfo` names the mount at each Destination.
    static func containerMountIDs(_ containers: [String: Mounts]) -> [UInt64: (container: String, volume: String)] {
        guard !containers.isEmpty else { return [:] }
        // Every live process of each container (a short-lived one may be gone by the time its mountinfo is read).
        var pidsOf: [String: [Int32]] = [:]
        if let proc = opendir("/proc") {
            defer { closedir(proc) }
            while let entry = readdir(proc) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                guard let pid = Int32(name), let cgroup = readSmallFile("/proc/\(pid)/cgroup"),
                    let id = ProcessContainer.id(inCgroup: cgroup), containers[id] != nil
                else { continue }
                pidsOf[id, default: []].append(pid)
            }
        }
        var result: [UInt64: (container: String, volume: String)] = [:]
        for (id, pids) in pidsOf {
            guard let mounts = containers[id] else { continue }
            for pid in pids.sorted() {
                guard let text = readWholeFile("/proc/\(pid)/mountinfo") else { continue }
                for line in text.split(separator: "\n") {
                    // "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw": ID, parent, dev, root, mount point.
                    let fields = line.split(separator: " ", maxSplits: 5)
                    guard fields.count >= 5, let mountID = UInt64(fields[0]) else { continue }
                    if let volume = mounts[unescapeMountinfo(fields[4])] { result[mountID] = (id, volume) }
                }
                break
            }
        }
        return result
    }

    /// A mountinfo path with its octal escapes (`\040` for a space) undone.
    static func unescapeMountinfo(_ field: Substring) -> String {
        guard field.contains("\\") else { return String(field) }
        var bytes: [UInt8] = []
        let utf8 = Array(field.utf8)
        var i = 0
        while i < utf8.count {
            if utf8[i] == 0x5C, i + 3 < utf8.count,
                let value = UInt8(String(decoding: utf8[(i + 1)...(i + 3)], as: UTF8.self), radix: 8)
            {
                bytes.append(value)
                i += 4
            } else {
                bytes.append(utf8[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func readWholeFile(_ path: String) -> String? {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while data.count < 16 << 20 {
            let count = read(fd, &chunk, chunk.count)
            guard count > 0 else { break }
            data.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: data, as: UTF8.self)
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

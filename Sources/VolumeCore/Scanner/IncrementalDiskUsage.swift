#if canImport(Glibc)
    import Glibc
#endif

/// A volume's disk usage measured again without reading it all again: a directory whose modification and change
/// times did not move since the last measurement is not read (its files' total is reused), only its known
/// subdirectories are looked at; a directory that changed is read and its entries re-stat'ed.
///
/// A file created, removed or renamed anywhere changes its directory's times, so it is caught however deep. A file
/// that grows in place does not touch its directory: the dashboard follows those through fanotify (`GrowthTracker`),
/// and `measure(full: true)` walks everything again (the caller does so now and then). Never follows a symlink,
/// stays on the volume's filesystem and mount, counts a hard-linked inode once, and gives up past `maxDepth` levels
/// (the caller then uses the full scanner).
public final class IncrementalDiskUsage: @unchecked Sendable {
    private struct Times: Equatable {
        var mtime: Int64
        var mtimeNsec: Int64
        var ctime: Int64
        var ctimeNsec: Int64
        init(_ st: stat) {
            mtime = Int64(st.st_mtim.tv_sec)
            mtimeNsec = Int64(st.st_mtim.tv_nsec)
            ctime = Int64(st.st_ctim.tv_sec)
            ctimeNsec = Int64(st.st_ctim.tv_nsec)
        }
    }

    private struct FileKey: Hashable {
        var dev: UInt64
        var ino: UInt64
    }

    private final class Directory {
        var ino: UInt64
        var times: Times
        /// Disk usage of the directory itself and of its entries that are not directories.
        var ownBytes: Int64
        /// Hard-linked inodes this directory counted.
        var links: [FileKey]
        /// Whether it left out a hard link counted elsewhere: read again every time (that other name may go).
        var skipsLinks = false
        /// Subdirectories by name.
        var children: [[UInt8]: Directory]
        init(ino: UInt64, times: Times) {
            self.ino = ino
            self.times = times
            ownBytes = 0
            links = []
            children = [:]
        }
    }

    /// What the last measurement did.
    public struct Work: Sendable, Equatable {
        /// Directories read (getdents) and their entries re-stat'ed.
        public var directoriesRead = 0
        /// Directories whose times did not change (one `fstat` each).
        public var directoriesReused = 0
        /// Entries stat'ed.
        public var entriesStatted = 0

        public init() {}
    }

    public let rootPath: String
    /// Deeper trees are left to the full scanner.
    public let maxDepth: Int
    private var root: Directory?
    private var linkOwners: [FileKey: ObjectIdentifier] = [:]
    private var device: UInt64 = 0
    /// Hard-link ownerships given up during the current pass.
    private var released = 0
    public private(set) var lastWork = Work()

    /// A pass that stats more entries than this gives up (the caller then uses the full scanner, on more threads).
    public let maxEntries: Int

    public init(rootPath: String, maxDepth: Int = 256, maxEntries: Int = .max) {
        self.rootPath = rootPath
        self.maxDepth = maxDepth
        self.maxEntries = maxEntries
    }

    /// The volume's disk usage now; `full` reads every directory again.
    /// - Throws: `EngineError` when the root cannot be opened, the tree is deeper than `maxDepth`, or the pass would
    ///   stat more than `maxEntries` entries (`.invalidArgument` for both; the state is then dropped).
    public func measure(full: Bool = false) throws -> Int64 {
        let fd = try SafePath.openRoot(rootPath)
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw SafePath.rootError(errno, path: rootPath) }
        if full || root == nil || root?.ino != UInt64(st.st_ino) || device != UInt64(st.st_dev) {
            root = nil
            linkOwners = [:]
        }
        device = UInt64(st.st_dev)
        lastWork = Work()
        let top = root ?? Directory(ino: UInt64(st.st_ino), times: Times(st))
        let mount = SafePath.mountID(of: fd)
        released = 0
        do {
            var total = try visit(top, fd: fd, stat: st, fresh: root == nil, depth: 0, mount: mount)
            root = top
            // A hard link given up late in the pass (its other name went) may have been left out by a directory read
            // earlier: once more, which reads only the directories that skip links.
            if released > 0 {
                let work = lastWork
                lastWork = Work()
                total = try visit(top, fd: fd, stat: st, fresh: false, depth: 0, mount: mount)
                lastWork.directoriesRead += work.directoriesRead
                lastWork.entriesStatted += work.entriesStatted
                lastWork.directoriesReused = work.directoriesReused
            }
            return total
        } catch {
            // Half a pass is no state to build on.
            root = nil
            linkOwners = [:]
            throw error
        }
    }

    /// Measures the directory open at `fd` (whose stat is `st`) and returns its subtree's disk usage.
    private func visit(_ dir: Directory, fd: Int32, stat st: stat, fresh: Bool, depth: Int, mount: UInt64?) throws -> Int64 {
        guard depth <= maxDepth else {
            throw EngineError(
                .invalidArgument, "\(Sanitizer.inline(rootPath)) is deeper than \(maxDepth) levels: measured with a full walk instead")
        }
        let times = Times(st)
        if fresh || times != dir.times || dir.skipsLinks {
            try read(dir, fd: fd, stat: st)
            dir.times = times
        } else {
            lastWork.directoriesReused += 1
        }
        var total = dir.ownBytes
        for (name, child) in dir.children {
            let childFD = SafePath.retrying { SafePath.openDirectory(name, in: fd) }
            guard childFD >= 0 else {
                // A directory that cannot be opened (permissions) still holds its own blocks, as the scanner and du
                // count them; it stays known, and is tried again next time.
                if let usage = Self.unopenedDirectoryUsage(name, in: fd, device: device) {
                    total = total.addingSaturating(usage)
                    continue
                }
                // Gone, or replaced by something that is not a directory (a symlink is never followed).
                dir.children[name] = nil
                forget(child)
                continue
            }
            defer { close(childFD) }
            var cst = stat()
            guard fstat(childFD, &cst) == 0, UInt64(cst.st_dev) == device, SafePath.isOnMount(childFD, mount) else {
                dir.children[name] = nil
                forget(child)
                continue
            }
            let replaced = UInt64(cst.st_ino) != child.ino
            if replaced { forget(child) }
            let node = replaced ? Directory(ino: UInt64(cst.st_ino), times: Times(cst)) : child
            dir.children[name] = node
            total = total.addingSaturating(try visit(node, fd: childFD, stat: cst, fresh: replaced, depth: depth + 1, mount: mount))
        }
        return total
    }

    /// Reads the directory: its own usage, its non-directory entries, and its subdirectories (new ones start fresh).
    private func read(_ dir: Directory, fd: Int32, stat st: stat) throws {
        lastWork.directoriesRead += 1
        release(dir)
        dir.links = []
        dir.skipsLinks = false
        var own = Self.usage(st)
        var seen: Set<[UInt8]> = []
        let dupFD = dup(fd)
        guard dupFD >= 0, let stream = fdopendir(dupFD) else {
            if dupFD >= 0 { close(dupFD) }
            throw SafePath.rootError(errno, path: rootPath)
        }
        defer { closedir(stream) }
        while let entry = readdir(stream) {
            let name: [UInt8] = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            if name == [0x2E] || name == [0x2E, 0x2E] { continue }
            var est = stat()
            lastWork.entriesStatted += 1
            guard lastWork.entriesStatted <= maxEntries else {
                let root = Sanitizer.inline(rootPath)
                throw EngineError(.invalidArgument, "\(root) holds more than \(maxEntries) entries: measured with a full walk instead")
            }
            guard Self.lstat(name, in: fd, &est) else { continue }
            if (est.st_mode & S_IFMT) == S_IFDIR {
                guard UInt64(est.st_dev) == device else { continue }
                seen.insert(name)
                if let known = dir.children[name], known.ino == UInt64(est.st_ino) { continue }
                if let old = dir.children[name] { forget(old) }
                // Times that never match, so the first visit reads it.
                var never = Times(est)
                never.mtime = Int64.min
                dir.children[name] = Directory(ino: UInt64(est.st_ino), times: never)
                continue
            }
            if est.st_nlink > 1 {
                let key = FileKey(dev: UInt64(est.st_dev), ino: UInt64(est.st_ino))
                if let owner = linkOwners[key] {
                    // Another name of an inode this directory counted already, or one counted elsewhere.
                    if owner != ObjectIdentifier(dir) { dir.skipsLinks = true }
                    continue
                }
                linkOwners[key] = ObjectIdentifier(dir)
                dir.links.append(key)
            }
            own = own.addingSaturating(Self.usage(est))
        }
        for (name, child) in dir.children where !seen.contains(name) {
            dir.children[name] = nil
            forget(child)
        }
        dir.ownBytes = own
    }

    /// The own disk usage of `name` below `fd` when it is still a directory on `device` (that could not be opened).
    private static func unopenedDirectoryUsage(_ name: [UInt8], in fd: Int32, device: UInt64) -> Int64? {
        var st = stat()
        guard lstat(name, in: fd, &st), (st.st_mode & S_IFMT) == S_IFDIR, UInt64(st.st_dev) == device else { return nil }
        return usage(st)
    }

    /// `fstatat` of `name` below `fd`, never following a symlink; whether it succeeded.
    private static func lstat(_ name: [UInt8], in fd: Int32, _ st: inout stat) -> Bool {
        (name + [0]).withUnsafeBufferPointer { p in
            p.withMemoryRebound(to: CChar.self) { fstatat(fd, $0.baseAddress!, &st, AT_SYMLINK_NOFOLLOW) }
        } == 0
    }

    /// Releases the hard links a removed subtree counted.
    private func forget(_ dir: Directory) {
        release(dir)
        for child in dir.children.values { forget(child) }
    }

    private func release(_ dir: Directory) {
        for key in dir.links where linkOwners[key] == ObjectIdentifier(dir) {
            linkOwners[key] = nil
            released += 1
        }
    }

    private static func usage(_ st: stat) -> Int64 {
        let (bytes, overflow) = Int64(st.st_blocks).multipliedReportingOverflow(by: 512)
        return overflow || bytes < 0 ? Int64.max : bytes
    }
}

extension Int64 {
    fileprivate func addingSaturating(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? Int64.max : Int64.min) : sum
    }
}

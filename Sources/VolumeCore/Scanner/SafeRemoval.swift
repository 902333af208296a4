#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Deletes an entry inside a root through directory descriptors only (see `VolumeScanner.remove`).
///
/// A directory tree is emptied depth first with one directory open at a time, whatever its depth: going down
/// opens the child below the current directory; coming back up opens `..` and checks that it is the directory
/// recorded on the way down (same device and inode), so a directory moved elsewhere meanwhile stops the removal
/// instead of leading it out of the tree. Each level costs its name and a few numbers (at most 4,096 levels).
enum SafeRemoval {
    /// Deepest level below the removed directory that removal enters. No path names an entry that deep (PATH_MAX
    /// is 4,096 bytes, and each level takes at least two), so no program a container runs makes it but on purpose.
    static let maxDepth = 4096

    /// One directory on the way down from the removed one: what it takes to climb back to it and remove it.
    private struct Level {
        var name: [UInt8]
        var dev: UInt64
        var ino: UInt64
        /// Where to go on reading it once its current subdirectory is gone: the position of that subdirectory's
        /// own entry (`telldir` before it was read), so that nothing is skipped where positions are ordinals
        /// (overlayfs renumbers a merged directory when it is opened again). nil: from the start.
        var resume: Int?
        /// Readings that ended in ENOTEMPTY: all of them, and those in a row that removed nothing.
        var passes: UInt8 = 0
        var idlePasses: UInt8 = 0
        var progressed = false
    }

    static func remove(
        _ components: [[UInt8]], under rootPath: String, expecting expectedKind: ScanTree.Kind? = nil,
        didDescend: ((Int) -> Void)? = nil
    ) throws {
        try SafePath.validate(components, allowEmpty: false)
        let rootFD = try SafePath.openRoot(rootPath)
        var st = stat()
        guard fstat(rootFD, &st) == 0 else {
            let e = errno
            close(rootFD)
            throw SafePath.rootError(e, path: rootPath)
        }
        let device = st.st_dev
        let mount = SafePath.mountID(of: rootFD)
        let parentFD = try SafePath.openBelow(rootFD, components.dropLast(), rootPath: rootPath)
        defer { close(parentFD) }
        guard fstat(parentFD, &st) == 0 else {
            throw SafePath.componentError(errno, Array(components.dropLast()), rootPath: rootPath, action: "open")
        }
        guard st.st_dev == device, SafePath.isOnMount(parentFD, mount) else {
            throw SafePath.componentError(EXDEV, Array(components.dropLast()), rootPath: rootPath, action: "open")
        }
        let last = components[components.count - 1]
        guard withCName(last, { fstatat(parentFD, $0, &st, AT_SYMLINK_NOFOLLOW) }) == 0 else {
            throw SafePath.componentError(errno, components, rootPath: rootPath, action: "remove")
        }
        if let expectedKind, expectedKind != .unknown {
            let found = ScanWalk.kind(mode: st.st_mode)
            guard found == expectedKind else {
                throw EngineError(
                    .conflict,
                    "\(Sanitizer.inline(bytes: Array(components.joined(separator: [0x2F])))) changed since you confirmed: it was a \(expectedKind.name) "
                        + "and is now a \(found.name); nothing was deleted. Look again and confirm anew")
            }
        }
        if st.st_mode & S_IFMT == S_IFDIR {
            try removeTree(
                last, in: parentFD, above: Array(components.dropLast()), device: device, mount: mount, rootPath: rootPath,
                didDescend: didDescend)
        } else if withCName(last, { unlinkat(parentFD, $0, 0) }) != 0 {
            throw SafePath.componentError(errno, components, rootPath: rootPath, action: "remove")
        }
    }

    /// Empties and removes one directory, depth first, with one directory descriptor open at a time.
    private static func removeTree(
        _ name: [UInt8], in parentFD: Int32, above: [[UInt8]], device: dev_t, mount: UInt64?, rootPath: String,
        didDescend: ((Int) -> Void)?
    ) throws {
        var levels: [Level] = []
        var dir: OpaquePointer?
        defer { if let dir { closedir(dir) } }

        /// The path of the current directory (and of `entry` in it) for messages, its middle left out when deep.
        func path(_ entry: [UInt8]? = nil) -> [[UInt8]] {
            let all = above + levels.map(\.name) + (entry.map { [$0] } ?? [])
            guard all.count > 12 else { return all }
            return Array(all.prefix(5)) + [Array("… \(all.count - 10) levels …".utf8)] + Array(all.suffix(5))
        }

        /// Opens `name` below `fd` as the new current directory, checking that it is on the root's mount.
        func enter(_ name: [UInt8], in fd: Int32, expecting identity: (dev: UInt64, ino: UInt64)? = nil) throws -> (
            dev: UInt64, ino: UInt64
        ) {
            let child = SafePath.retrying { SafePath.openDirectory(name, in: fd) }
            guard child >= 0 else { throw SafePath.componentError(errno, path(name), rootPath: rootPath, action: "open") }
            var st = stat()
            let statErrno = fstat(child, &st) == 0 ? 0 : errno
            let found = (dev: UInt64(st.st_dev), ino: UInt64(st.st_ino))
            if statErrno != 0 || st.st_dev != device || !SafePath.isOnMount(child, mount) {
                close(child)
                throw SafePath.componentError(statErrno != 0 ? statErrno : EXDEV, path(name), rootPath: rootPath, action: "open")
            }
            if let identity, identity != found {
                close(child)
                throw moved(path(name))
            }
            guard let opened = fdopendir(child) else {
                let e = errno
                close(child)
                throw SafePath.componentError(e, path(name), rootPath: rootPath, action: "read")
            }
            if let dir { closedir(dir) }
            dir = opened
            return found
        }

        let top = try enter(name, in: parentFD)
        levels.append(Level(name: name, dev: top.dev, ino: top.ino))
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name) ?? 19
        while let current = dir {
            let fd = dirfd(current)
            let position = telldir(current)
            errno = 0
            if let ent = readdir(current) {
                let cname = UnsafeRawPointer(ent).advanced(by: nameOffset).assumingMemoryBound(to: CChar.self)
                if cname[0] == 0x2E && (cname[1] == 0 || (cname[1] == 0x2E && cname[2] == 0)) { continue }
                let entry = Array(UnsafeRawBufferPointer(start: cname, count: strlen(cname)))
                var st = stat()
                if fstatat(fd, cname, &st, AT_SYMLINK_NOFOLLOW) != 0 {
                    if errno == ENOENT { continue }
                    throw SafePath.componentError(errno, path(entry), rootPath: rootPath, action: "remove")
                }
                if st.st_mode & S_IFMT == S_IFDIR {
                    guard levels.count < maxDepth else { throw tooDeep(above + [name]) }
                    levels[levels.count - 1].resume = position
                    let child = try enter(entry, in: fd)
                    levels.append(Level(name: entry, dev: child.dev, ino: child.ino))
                    didDescend?(levels.count)
                } else if unlinkat(fd, cname, 0) == 0 {
                    levels[levels.count - 1].progressed = true
                } else if errno != ENOENT {
                    // A directory swapped in since the stat fails with EISDIR here: nothing is followed.
                    throw SafePath.componentError(errno, path(entry), rootPath: rootPath, action: "remove")
                }
                continue
            }
            if errno != 0 { throw SafePath.componentError(errno, path(), rootPath: rootPath, action: "read") }
            // Listed to the end: climb to the parent (checked to be the one recorded) and remove this directory.
            var done = levels[levels.count - 1]
            let holder: Int32
            if levels.count == 1 {
                holder = parentFD
            } else {
                let parent = levels[levels.count - 2]
                holder = SafePath.retrying { openat(fd, "..", SafePath.directoryFlags) }
                guard holder >= 0 else { throw SafePath.componentError(errno, path(), rootPath: rootPath, action: "open") }
                var st = stat()
                guard fstat(holder, &st) == 0, UInt64(st.st_dev) == parent.dev, UInt64(st.st_ino) == parent.ino else {
                    close(holder)
                    throw moved(Array(path().dropLast()))
                }
            }
            defer { if holder != parentFD { close(holder) } }
            closedir(current)
            dir = nil
            if withCName(done.name, { unlinkat(holder, $0, AT_REMOVEDIR) }) != 0 {
                let e = errno
                // Entries created meanwhile, or a listing that skipped some while we deleted: read it again, while
                // readings remove something (at most 64 times) and up to 3 times in a row that remove nothing.
                guard e == ENOTEMPTY && done.passes < 64 && done.idlePasses < 3 else {
                    throw SafePath.componentError(e, path(), rootPath: rootPath, action: "remove")
                }
                levels.removeLast()
                _ = try enter(done.name, in: holder, expecting: (done.dev, done.ino))
                done.passes += 1
                done.idlePasses = done.progressed ? 0 : done.idlePasses + 1
                done.progressed = false
                done.resume = nil
                levels.append(done)
                continue
            }
            levels.removeLast()
            guard let parent = levels.last else { return }
            // Go on reading the parent through the descriptor that removed the child (the parent itself).
            let again = fcntl(holder, F_DUPFD_CLOEXEC, 0)
            guard again >= 0, let reopened = fdopendir(again) else {
                let e = errno
                if again >= 0 { close(again) }
                throw SafePath.componentError(e, path(), rootPath: rootPath, action: "read")
            }
            dir = reopened
            if let resume = parent.resume { seekdir(reopened, resume) }
            levels[levels.count - 1].resume = nil
            levels[levels.count - 1].progressed = true
        }
    }

    private static func tooDeep(_ path: [[UInt8]]) -> EngineError {
        EngineError(
            .invalidArgument,
            "\(Sanitizer.inline(bytes: Array(path.joined(separator: [0x2F])))) holds directories more than \(maxDepth) levels deep: voltop stopped there and "
                + "touched nothing at that depth or below (files it met on the way down may be gone already). Remove the rest as root on the "
                + "engine's host with `rm -rf` on the path below the volume's Mountpoint")
    }

    private static func moved(_ path: [[UInt8]]) -> EngineError {
        EngineError(
            .conflict,
            "\(Sanitizer.inline(bytes: Array(path.joined(separator: [0x2F])))) was moved while voltop removed it: stopped there, nothing outside it "
                + "was touched. Look again and remove what is left")
    }

    private static func withCName<R>(_ name: [UInt8], _ body: (UnsafePointer<CChar>) -> R) -> R {
        (name + [0]).withUnsafeBufferPointer { p in p.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) } }
    }
}

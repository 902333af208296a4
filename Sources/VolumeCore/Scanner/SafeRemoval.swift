#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Deletes an entry inside a root through directory descriptors only (see `VolumeScanner.remove`).
enum SafeRemoval {
    private struct Frame {
        var dir: OpaquePointer
        var fd: Int32
        var name: [UInt8]
        var path: [[UInt8]]
        var inode: UInt64
        var passes = 0
    }

    static func remove(_ components: [[UInt8]], under rootPath: String, expecting expectedKind: ScanTree.Kind? = nil) throws {
        try SafePath.validate(components, allowEmpty: false)
        let rootFD = try SafePath.openRoot(rootPath)
        var st = stat()
        guard fstat(rootFD, &st) == 0 else {
            let e = errno
            close(rootFD)
            throw SafePath.rootError(e, path: rootPath)
        }
        let device = st.st_dev
        let parentFD = try SafePath.openBelow(rootFD, components.dropLast(), rootPath: rootPath)
        defer { close(parentFD) }
        guard fstat(parentFD, &st) == 0 else {
            throw SafePath.componentError(errno, Array(components.dropLast()), rootPath: rootPath, action: "open")
        }
        guard st.st_dev == device else {
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
            try removeTree(last, in: parentFD, path: components, device: device, rootPath: rootPath)
        } else if withCName(last, { unlinkat(parentFD, $0, 0) }) != 0 {
            throw SafePath.componentError(errno, components, rootPath: rootPath, action: "remove")
        }
    }

    /// Empties and removes one directory, depth first, one descriptor per level.
    private static func removeTree(_ name: [UInt8], in parentFD: Int32, path: [[UInt8]], device: dev_t, rootPath: String) throws {
        var stack: [Frame] = []
        defer { for frame in stack { closedir(frame.dir) } }

        func open(_ name: [UInt8], in fd: Int32, path: [[UInt8]]) throws -> Frame {
            let child = SafePath.retrying { SafePath.openDirectory(name, in: fd) }
            guard child >= 0 else { throw SafePath.componentError(errno, path, rootPath: rootPath, action: "open") }
            var st = stat()
            let statErrno = fstat(child, &st) == 0 ? 0 : errno
            if statErrno != 0 || st.st_dev != device || stack.contains(where: { $0.inode == UInt64(st.st_ino) }) {
                close(child)
                throw SafePath.componentError(statErrno != 0 ? statErrno : EXDEV, path, rootPath: rootPath, action: "open")
            }
            guard let dir = fdopendir(child) else {
                let e = errno
                close(child)
                throw SafePath.componentError(e, path, rootPath: rootPath, action: "read")
            }
            return Frame(dir: dir, fd: child, name: name, path: path, inode: UInt64(st.st_ino))
        }

        stack.append(try open(name, in: parentFD, path: path))
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name) ?? 19
        while let top = stack.last {
            errno = 0
            if let ent = readdir(top.dir) {
                let cname = UnsafeRawPointer(ent).advanced(by: nameOffset).assumingMemoryBound(to: CChar.self)
                if cname[0] == 0x2E && (cname[1] == 0 || (cname[1] == 0x2E && cname[2] == 0)) { continue }
                let entry = Array(UnsafeRawBufferPointer(start: cname, count: strlen(cname)))
                var st = stat()
                if fstatat(top.fd, cname, &st, AT_SYMLINK_NOFOLLOW) != 0 {
                    if errno == ENOENT { continue }
                    throw SafePath.componentError(errno, top.path + [entry], rootPath: rootPath, action: "remove")
                }
                if st.st_mode & S_IFMT == S_IFDIR {
                    stack.append(try open(entry, in: top.fd, path: top.path + [entry]))
                } else if unlinkat(top.fd, cname, 0) != 0 && errno != ENOENT {
                    // A directory swapped in since the stat fails with EISDIR here: nothing is followed.
                    throw SafePath.componentError(errno, top.path + [entry], rootPath: rootPath, action: "remove")
                }
                continue
            }
            if errno != 0 { throw SafePath.componentError(errno, top.path, rootPath: rootPath, action: "read") }
            let holder = stack.count >= 2 ? stack[stack.count - 2].fd : parentFD
            if withCName(top.name, { unlinkat(holder, $0, AT_REMOVEDIR) }) != 0 {
                let e = errno
                if e == ENOTEMPTY && top.passes < 3 {
                    // Entries created meanwhile, or a listing that skipped some while we deleted: read it again.
                    rewinddir(top.dir)
                    stack[stack.count - 1].passes += 1
                    continue
                }
                throw SafePath.componentError(e, top.path, rootPath: rootPath, action: "remove")
            }
            closedir(top.dir)
            stack.removeLast()
        }
    }

    private static func withCName<R>(_ name: [UInt8], _ body: (UnsafePointer<CChar>) -> R) -> R {
        (name + [0]).withUnsafeBufferPointer { p in p.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) } }
    }
}

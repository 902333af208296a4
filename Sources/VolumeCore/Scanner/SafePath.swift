import CVolumeSys

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Opening directories by descriptor, one component at a time, never following a symlink.
enum SafePath {
    /// Flags for every directory the scanner or the remover opens.
    static let directoryFlags: Int32 = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC

    /// Checks that every component is one plain name: not empty, not `.` or `..`, no `/` or NUL, at most 255 bytes.
    static func validate(_ components: [[UInt8]], allowEmpty: Bool) throws {
        if components.isEmpty && !allowEmpty {
            throw EngineError(.invalidArgument, "name an entry inside the volume; the volume's root itself cannot be removed this way")
        }
        for c in components {
            let shown = Sanitizer.inline(bytes: c)
            if c.isEmpty || c == [0x2E] || c == [0x2E, 0x2E] || c.contains(0x2F) || c.contains(0) || c.count > 255 {
                throw EngineError(
                    .invalidArgument, "\"\(shown)\" is not a plain name: give a path inside the volume without `.`, `..` or empty parts")
            }
        }
    }

    /// Splits a user-typed relative path (`a/b/c`, leading and doubled slashes ignored) into components.
    static func components(of path: String) -> [[UInt8]] {
        path.utf8.split(separator: 0x2F, omittingEmptySubsequences: true).map(Array.init)
    }

    /// Opens the root directory itself (its last component must not be a symlink); trailing slashes are ignored.
    static func openRoot(_ path: String) throws -> Int32 {
        var trimmed = path
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        let fd = retrying { open(trimmed, directoryFlags) }
        guard fd >= 0 else {
            var e = errno
            // O_DIRECTORY | O_NOFOLLOW on a symlink gives ENOTDIR; say what it really is.
            var st = stat()
            if e == ENOTDIR, lstat(trimmed, &st) == 0, st.st_mode & S_IFMT == S_IFLNK { e = ELOOP }
            throw rootError(e, path: path)
        }
        return fd
    }

    /// Opens `components` one by one below the directory `fd`; closes every intermediate descriptor, and `fd` too.
    static func openBelow(_ fd: Int32, _ components: ArraySlice<[UInt8]>, rootPath: String) throws -> Int32 {
        var current = fd
        var walked: [[UInt8]] = []
        for component in components {
            walked.append(component)
            let next = retrying { openDirectory(component, in: current) }
            let e = errno
            close(current)
            guard next >= 0 else { throw componentError(e, walked, rootPath: rootPath, action: "open") }
            current = next
        }
        return current
    }

    /// `openat(dir, name, directoryFlags)` with the name given as bytes (not NUL-terminated).
    static func openDirectory(_ name: [UInt8], in dir: Int32) -> Int32 {
        (name + [0]).withUnsafeBufferPointer { p in
            p.withMemoryRebound(to: CChar.self) { openat(dir, $0.baseAddress!, directoryFlags) }
        }
    }

    /// The ID of the mount that the directory `fd` is on (`statx` `STATX_MNT_ID`), or nil when the kernel has
    /// none (before Linux 5.8: then only `st_dev` tells mounts apart).
    ///
    /// Two directories with the same `st_dev` can be on different mounts: a bind mount of a directory of the same
    /// filesystem (made on the host inside a volume's `_data`, say) keeps the device number, not the mount ID.
    static func mountID(of fd: Int32) -> UInt64? {
        var id: UInt64 = 0
        return cvs_mount_id(fd, "", &id) == 0 ? id : nil
    }

    /// Whether the directory `fd` is on the mount `expected` (always true when the kernel has no mount IDs).
    static func isOnMount(_ fd: Int32, _ expected: UInt64?) -> Bool {
        guard let expected else { return true }
        return mountID(of: fd) == expected
    }

    /// Runs a system call again while it fails with `EINTR`.
    static func retrying(_ call: () -> Int32) -> Int32 {
        while true {
            let r = call()
            if r >= 0 || errno != EINTR { return r }
        }
    }

    static func rootError(_ e: Int32, path: String) -> EngineError {
        let shown = Sanitizer.inline(path)
        let cause = String(cString: strerror(e))
        switch e {
        case ENOENT:
            return EngineError(
                .notFound, "no such directory: \(shown); check the path (a volume's Mountpoint exists only on the engine's host)",
                cause: cause)
        case EACCES, EPERM:
            return EngineError(
                .permissionDenied, "cannot read \(shown): run voltop as root (sudo) or as the directory's owner", cause: cause)
        case ELOOP:
            return EngineError(
                .invalidArgument, "\(shown) is a symbolic link: voltop does not follow links; give the directory it points to", cause: cause
            )
        case ENOTDIR:
            return EngineError(.invalidArgument, "\(shown) is not a directory", cause: cause)
        case EMFILE, ENFILE:
            return EngineError(.engineFailure, "too many open files while opening \(shown): raise `ulimit -n`", cause: cause)
        default:
            return EngineError(.engineFailure, "cannot open \(shown)", cause: cause)
        }
    }

    static func componentError(_ e: Int32, _ walked: [[UInt8]], rootPath: String, action: String) -> EngineError {
        let shown = Sanitizer.inline(bytes: Array(walked.joined(separator: [0x2F])))
        let root = Sanitizer.inline(rootPath)
        let cause = String(cString: strerror(e))
        switch e {
        case ENOENT:
            return EngineError(.notFound, "no such entry: \(shown) in \(root)", cause: cause)
        case EACCES, EPERM:
            return EngineError(.permissionDenied, "cannot \(action) \(shown) in \(root): run voltop as root (sudo)", cause: cause)
        case ELOOP, ENOTDIR:
            return EngineError(
                .conflict,
                "\(shown) in \(root) is a symbolic link or not a directory: voltop never follows links inside a volume; nothing was changed there",
                cause: cause)
        case EXDEV:
            return EngineError(
                .conflict, "\(shown) in \(root) is on another filesystem (a mount point): refusing to cross it", cause: cause)
        case EMFILE, ENFILE:
            return EngineError(.engineFailure, "too many open files at \(shown): raise `ulimit -n`", cause: cause)
        default:
            return EngineError(.engineFailure, "cannot \(action) \(shown) in \(root)", cause: cause)
        }
    }
}

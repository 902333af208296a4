import CVolumeSys

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// The `--debug` log file, opened so that voltop running as root never writes through a link planted at its path.
public enum LogFile {
    /// `$XDG_STATE_HOME/voltop`, or `$HOME/.local/state/voltop` (`/tmp/.local/state/voltop` without a HOME).
    public static func directory(environment: [String: String]) -> String {
        let base = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ((environment["HOME"] ?? "/tmp") + "/.local/state")
        return base + "/voltop"
    }

    /// Opens `directory/voltop.log` for appending and returns its descriptor.
    ///
    /// `directory` is created with mode 0700 (its parents as needed) and must be a directory itself, not a symlink.
    /// A new log file is created with mode 0600 (`O_CREAT | O_EXCL | O_NOFOLLOW`); an existing one must be a
    /// regular file with one link, owned by this process's user. It is looked at through an `O_PATH` descriptor
    /// (nothing is opened at a symlink, FIFO or device) and opened for writing through `/proc/self/fd`, so
    /// nothing swapped in after the check is written to.
    ///
    /// - Throws: `EngineError` `.conflict` for a symlink or another kind of file at either path, or a file owned
    ///   by another user; `.permissionDenied` / `.engineFailure` for other system errors, saying what to do.
    public static func open(directory: String, name: String = "voltop.log") throws -> Int32 {
        let shownDir = Sanitizer.inline(directory)
        let path = Sanitizer.inline(directory + "/" + name)
        let instead = "or set XDG_STATE_HOME to a directory of your own"
        let parent = PathName.parent(directory)
        if !parent.isEmpty { try? FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) }
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw failure(errno, "cannot create the log directory \(shownDir)", instead)
        }
        let dirFD = SafePath.retrying { Glibc.open(directory, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
        guard dirFD >= 0 else {
            let e = errno
            if e == ELOOP || e == ENOTDIR {
                throw EngineError(
                    .conflict,
                    "the log directory \(shownDir) is a symbolic link or not a directory: voltop does not follow it. Remove it \(instead)")
            }
            throw failure(e, "cannot open the log directory \(shownDir)", instead)
        }
        defer { close(dirFD) }
        let cName = Array(name.utf8CString)
        let created = SafePath.retrying {
            openat(dirFD, cName, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0o600)
        }
        if created >= 0 { return created }
        guard errno == EEXIST else { throw failure(errno, "cannot create the log file \(path)", instead) }
        let pathFD = SafePath.retrying { cvs_open_path(dirFD, cName) }
        guard pathFD >= 0 else { throw failure(errno, "cannot open the log file \(path)", instead) }
        defer { close(pathFD) }
        var st = stat()
        guard fstat(pathFD, &st) == 0 else { throw failure(errno, "cannot open the log file \(path)", instead) }
        try check(st, path: path, instead: instead)
        let fd = SafePath.retrying { Glibc.open("/proc/self/fd/\(pathFD)", O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY | O_NONBLOCK) }
        guard fd >= 0 else { throw failure(errno, "cannot open the log file \(path) (through /proc/self/fd)", instead) }
        var again = stat()
        guard fstat(fd, &again) == 0, again.st_dev == st.st_dev, again.st_ino == st.st_ino else {
            close(fd)
            throw EngineError(.conflict, "the log file \(path) changed while voltop opened it; nothing was written. Try again \(instead)")
        }
        return fd
    }

    private static func check(_ st: stat, path: String, instead: String) throws {
        switch st.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFLNK:
            throw EngineError(.conflict, "the log file \(path) is a symbolic link: voltop does not follow it. Remove the link \(instead)")
        default:
            throw EngineError(
                .conflict, "the log file \(path) is not a regular file (a device, pipe, socket or directory). Remove it \(instead)")
        }
        guard st.st_uid == geteuid() else {
            throw EngineError(
                .conflict,
                "the log file \(path) belongs to uid \(st.st_uid), not to you (uid \(geteuid())): voltop does not write to it. Remove it \(instead)"
            )
        }
        guard st.st_nlink == 1 else {
            throw EngineError(
                .conflict,
                "the log file \(path) has \(st.st_nlink) hard links: voltop writes only to a file of its own. Remove it \(instead)")
        }
    }

    private static func failure(_ e: Int32, _ what: String, _ instead: String) -> EngineError {
        let cause = String(cString: strerror(e))
        if e == EACCES || e == EPERM {
            return EngineError(.permissionDenied, "\(what): permission denied; fix its permissions \(instead)", cause: cause)
        }
        return EngineError(.engineFailure, "\(what); check the path \(instead)", cause: cause)
    }
}

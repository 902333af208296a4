import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An open directory descriptor shared by the jobs of its subdirectories; closed when the last one has opened its own.
final class DirectoryHandle: Sendable {
    let fd: Int32
    init(fd: Int32) { self.fd = fd }
    deinit { close(fd) }
}

/// A directory waiting to be read: its parent's descriptor (nil for the start directory) and its slots.
struct ScanJob {
    var parent: DirectoryHandle?
    var node: UInt32
    var directory: UInt32
}

/// The kind of an entry, from its mode or its directory entry type.
extension ScanWalk {
    static func kind(mode: mode_t) -> ScanTree.Kind {
        switch mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        case S_IFIFO: return .fifo
        case S_IFSOCK: return .socket
        case S_IFCHR: return .characterDevice
        case S_IFBLK: return .blockDevice
        default: return .unknown
        }
    }

    static func kind(direntType: UInt8) -> ScanTree.Kind {
        switch Int32(direntType) {
        case Int32(DT_REG): return .file
        case Int32(DT_DIR): return .directory
        case Int32(DT_LNK): return .symlink
        case Int32(DT_FIFO): return .fifo
        case Int32(DT_SOCK): return .socket
        case Int32(DT_CHR): return .characterDevice
        case Int32(DT_BLK): return .blockDevice
        default: return .unknown
        }
    }
}

/// Switches the calling thread's filesystem user and group (Linux keeps them per thread), dropping root's
/// filesystem capabilities for that thread only. Used by tests to meet real permission errors as root.
enum FilesystemUser {
    static func switchThread(to user: (uid: UInt32, gid: UInt32)) {
        typealias SetID = @convention(c) (UInt32) -> Int32
        if let gid = dlsym(nil, "setfsgid") { _ = unsafeBitCast(gid, to: SetID.self)(user.gid) }
        if let uid = dlsym(nil, "setfsuid") { _ = unsafeBitCast(uid, to: SetID.self)(user.uid) }
    }
}

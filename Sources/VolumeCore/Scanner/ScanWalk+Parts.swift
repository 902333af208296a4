#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

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

/// What the workers of a scan keep: per worker state and scratch, and the keys of the shared sets.
extension ScanWalk {
    struct DevIno: Hashable {
        var dev: UInt64
        var ino: UInt64
    }

    struct PendingEntry {
        var meta: UInt32
        var aux: UInt32
        var apparent: Int64
        var allocated: Int64
        var mtime: Int64
    }

    /// What one worker owns: its stack, its scratch for one directory, and counters merged at the end.
    struct WorkerState {
        var local: [ScanJob] = []
        var pending: [PendingEntry] = []
        var names: [UInt8] = []
        /// Symlink targets of the directory being read, by position in `pending`.
        var pendingTargets: [(index: Int, target: [UInt8])] = []
        /// Scratch for getdents64 (one per worker), freed when the worker ends.
        static let direntBufferSize = 64 * 1024
        let direntBuffer = UnsafeMutableRawPointer.allocate(byteCount: direntBufferSize, alignment: 8)
        /// Scratch for `readlinkat` (one per worker, not one per link).
        var linkBuffer = [UInt8](repeating: 0, count: Int(PATH_MAX))
        /// Symlink targets stored so far, by node.
        var linkTargets: [(node: UInt32, target: [UInt8])] = []
        var pendingDirectories = 0
        var totals = ScanTree.Totals()
        var problems: [(node: UInt32, errno: Int32)] = []
        // Progress not yet published.
        var entries = 0
        var directoriesRead = 0
        var apparent = 0
        var allocated = 0
    }

    /// A symlink's target as `readlinkat` gives it (at most `PATH_MAX` bytes); nil when it cannot be read.
    static func readLink(_ dirFD: Int32, _ name: UnsafePointer<CChar>, _ buffer: inout [UInt8]) -> [UInt8]? {
        let n = buffer.withUnsafeMutableBufferPointer { b in
            b.baseAddress.map { readlinkat(dirFD, name, UnsafeMutableRawPointer($0).assumingMemoryBound(to: CChar.self), b.count) } ?? -1
        }
        guard n >= 0 else { return nil }
        return Array(buffer.prefix(n))
    }
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

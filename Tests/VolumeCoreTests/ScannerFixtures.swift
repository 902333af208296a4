import Foundation

@testable import VolumeCore

#if canImport(Glibc)
    import Glibc
#endif

/// A scratch directory under /tmp for scanner tests, built entry by entry with raw system calls (names may be any
/// bytes), and removed with `rm -rf` (after unmounting anything mounted inside) when released.
final class ScannerScratch {
    let path: String
    private var mounts: [String] = []

    init(_ label: String) throws {
        var template = Array("/tmp/voltop-scan-\(label)-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw ScannerScratchError("mkdtemp: \(String(cString: strerror(errno)))") }
        path = String(cString: made)
        chmod(path, 0o755)
    }

    deinit {
        for m in mounts.reversed() { _ = try? ScannerScratch.run("/bin/umount", [m]) }
        _ = try? ScannerScratch.run("/bin/chmod", ["-R", "u+rwx", path])
        _ = try? ScannerScratch.run("/bin/rm", ["-rf", path])
    }

    /// The absolute path of `relative` as bytes, NUL-terminated, for system calls.
    func cPath(_ relative: [UInt8]) -> [CChar] {
        (Array(path.utf8) + (relative.isEmpty ? [] : [0x2F] + relative) + [0]).map { CChar(bitPattern: $0) }
    }

    func full(_ relative: String) -> String { relative.isEmpty ? path : path + "/" + relative }

    func dir(_ relative: String, mode: mode_t = 0o755) throws { try dir(bytes: Array(relative.utf8), mode: mode) }

    func dir(bytes relative: [UInt8], mode: mode_t = 0o755) throws {
        guard mkdir(cPath(relative), mode) == 0 else { throw ScannerScratchError("mkdir \(relative): \(String(cString: strerror(errno)))") }
        chmod(cPath(relative), mode)
    }

    /// A file holding `size` bytes of data (written, so allocated too).
    func file(_ relative: String, size: Int = 0, mode: mode_t = 0o644) throws {
        try file(bytes: Array(relative.utf8), size: size, mode: mode)
    }

    func file(bytes relative: [UInt8], size: Int = 0, mode: mode_t = 0o644) throws {
        let fd = open(cPath(relative), O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw ScannerScratchError("create \(relative): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        if size > 0 {
            let chunk = [UInt8](repeating: 0x61, count: min(size, 1 << 20))
            var left = size
            while left > 0 {
                let n = chunk.withUnsafeBytes { write(fd, $0.baseAddress, min(left, chunk.count)) }
                guard n > 0 else { throw ScannerScratchError("write \(relative)") }
                left -= n
            }
        }
    }

    /// A sparse file: `size` bytes long, with `written` bytes of data at `offset`.
    func sparse(_ relative: String, size: Int, written: Int, at offset: Int) throws {
        let fd = open(full(relative), O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ScannerScratchError("create \(relative)") }
        defer { close(fd) }
        guard ftruncate(fd, off_t(size)) == 0 else { throw ScannerScratchError("ftruncate \(relative)") }
        let data = [UInt8](repeating: 0x62, count: written)
        _ = data.withUnsafeBytes { pwrite(fd, $0.baseAddress, written, off_t(offset)) }
    }

    func symlink(_ target: String, _ relative: String) throws {
        guard Glibc.symlink(target, full(relative)) == 0 else {
            throw ScannerScratchError("symlink \(relative): \(String(cString: strerror(errno)))")
        }
    }

    func hardlink(_ existing: String, _ relative: String) throws {
        guard link(full(existing), full(relative)) == 0 else {
            throw ScannerScratchError("link \(relative): \(String(cString: strerror(errno)))")
        }
    }

    func fifo(_ relative: String) throws {
        guard mkfifo(full(relative), 0o644) == 0 else { throw ScannerScratchError("mkfifo \(relative)") }
    }

    /// A unix socket bound at `relative` (the socket is closed; the node stays).
    func socket(_ relative: String) throws {
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ScannerScratchError("socket") }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(full(relative).utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw ScannerScratchError("socket path too long") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        let ok = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard ok == 0 else { throw ScannerScratchError("bind \(relative): \(String(cString: strerror(errno)))") }
    }

    /// `count` empty files named `prefix0`, `prefix1`, … in one directory.
    func manyFiles(in relative: String, count: Int, prefix: String = "f") throws {
        let dfd = open(full(relative), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dfd >= 0 else { throw ScannerScratchError("open \(relative)") }
        defer { close(dfd) }
        for i in 0..<count {
            let fd = openat(dfd, prefix + String(i), O_CREAT | O_WRONLY | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw ScannerScratchError("create #\(i): \(String(cString: strerror(errno)))") }
            close(fd)
        }
    }

    /// A chain of `depth` nested directories named `name` (made by descriptor, so the path may exceed PATH_MAX),
    /// with a file of `fileSize` bytes at the bottom.
    func chain(in relative: String, depth: Int, name: String, fileSize: Int) throws {
        var fd = open(full(relative), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        for _ in 0..<depth {
            guard fd >= 0, mkdirat(fd, name, 0o755) == 0 else { throw ScannerScratchError("mkdirat: \(String(cString: strerror(errno)))") }
            let next = openat(fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            close(fd)
            fd = next
        }
        let file = openat(fd, "bottom.txt", O_CREAT | O_WRONLY | O_CLOEXEC, 0o644)
        let data = [UInt8](repeating: 0x63, count: fileSize)
        _ = data.withUnsafeBytes { write(file, $0.baseAddress, fileSize) }
        close(file)
        close(fd)
    }

    /// Mounts a small tmpfs at `relative`; false when this process may not mount.
    func mountTmpfs(_ relative: String) -> Bool {
        guard (try? ScannerScratch.run("/bin/mount", ["-t", "tmpfs", "-o", "size=8m", "voltop-test", full(relative)]))?.status == 0 else {
            return false
        }
        mounts.append(full(relative))
        return true
    }

    /// Bind-mounts the directory `source` (an absolute path) at `relative`; false when this process may not mount.
    func bindMount(_ source: String, at relative: String) -> Bool {
        guard (try? ScannerScratch.run("/bin/mount", ["--bind", source, full(relative)]))?.status == 0 else { return false }
        mounts.append(full(relative))
        return true
    }

    /// Runs a program and returns its exit status and standard output.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// What GNU du reports for the tree: `du ARGS PATH`, first field of the last line (run as `user` when given).
    func du(_ arguments: [String], _ relative: String = "", asNobody: Bool = false) throws -> Int64 {
        let (executable, args) =
            asNobody
            ? ("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/du"] + arguments + [full(relative)])
            : ("/usr/bin/du", arguments + [full(relative)])
        let out = try ScannerScratch.run(executable, args).output
        guard let last = out.split(separator: "\n").last, let field = last.split(separator: "\t").first, let n = Int64(field) else {
            throw ScannerScratchError("cannot parse du output: \(out)")
        }
        return n
    }

    /// `(st_dev, st_ino)` of every directory at or below `relative` on its filesystem, as `find -xdev` lists them.
    func directoryIdentities(_ relative: String = "") throws -> Set<ScannerDirID> {
        let out = try ScannerScratch.run("/usr/bin/find", [full(relative), "-xdev", "-type", "d", "-printf", "%D %i\n"]).output
        return Set(
            out.split(separator: "\n").compactMap { line in
                let f = line.split(separator: " ")
                guard f.count == 2, let d = UInt64(f[0]), let i = UInt64(f[1]) else { return nil }
                return ScannerDirID(dev: d, ino: i)
            })
    }

    /// Descriptors of this process that point inside the tree.
    func openDescriptors() -> Int {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return fds.filter { fd in
            ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + fd)) ?? "").hasPrefix(path)
        }.count
    }
}

struct ScannerDirID: Hashable, Sendable {
    var dev: UInt64
    var ino: UInt64
}

struct ScannerScratchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// Collects values from scanner threads.
final class ScannerCollector<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [T] = []
    func append(_ item: T) { lock.withLock { items.append(item) } }
    var all: [T] { lock.withLock { items } }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Whole-file reads and appends on a descriptor voltop opened safely itself (no symlink followed): what
/// `FileHandle` did, without Foundation.
public enum FileDescriptorReader {
    /// Everything `fd` gives up to `limit` bytes (reads stop at end of file or on an error); closes it when `closing`.
    public static func readAll(_ fd: Int32, limit: Int = Int.max, closing: Bool) -> [UInt8] {
        defer { if closing { close(fd) } }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while out.count < limit {
            let want = min(chunk.count, limit - out.count)
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, want) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }
}

/// A descriptor that is written whole buffers at a time and closed when the last reference goes (the log file).
public final class FileDescriptorWriter: @unchecked Sendable {
    public let fd: Int32

    public init(fd: Int32) { self.fd = fd }

    deinit { close(fd) }

    /// Writes all of `bytes`, retrying short writes and EINTR; gives up silently on other errors (a log must never
    /// stop the program).
    public func write<Bytes: Collection<UInt8>>(_ bytes: Bytes) {
        var buffer = Array(bytes)
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return }
            offset += n
        }
    }
}

/// Path text as `NSString` read it.
public enum PathName {
    /// The path without its last component: `/a/b` → `/a`, `/a` → `/`, `a` → ``, `/a/b/` → `/a`, `/` → `/`.
    public static func parent(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1 && p.hasSuffix("/") { p = p.dropLast() }
        guard let slash = p.lastIndex(of: "/") else { return "" }
        if slash == p.startIndex { return "/" }
        var parent = p[..<slash]
        while parent.count > 1 && parent.hasSuffix("/") { parent = parent.dropLast() }
        return String(parent)
    }
}

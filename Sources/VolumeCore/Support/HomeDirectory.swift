#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The current user's home directory from the password database, for when `HOME` is not set.
public enum HomeDirectory {
    public static var path: String {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>? = nil
        var buffer = [CChar](repeating: 0, count: 16 * 1024)
        // pw_dir points into the buffer: read it while the buffer is pinned.
        return buffer.withUnsafeMutableBufferPointer { raw -> String in
            guard getpwuid_r(geteuid(), &entry, raw.baseAddress!, raw.count, &result) == 0, result != nil, let dir = entry.pw_dir
            else { return "/" }
            return String(cString: dir)
        }
    }
}

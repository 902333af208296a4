import CVolumeSys

#if canImport(Glibc)
    import Glibc
#endif

/// A lower scheduling priority for the calling thread alone, for as long as it runs background work.
///
/// Niceness on Linux is per thread and a thread made by another takes the maker's. A lowered thread that hands a
/// result to Swift's runtime (a continuation resumed) may make the runtime's next worker thread, which would then run
/// unrelated work (the dashboard's own) at the lowered priority. So the priority is put back before any result
/// leaves: the thread is lowered only when the process may raise it again (`CAP_SYS_NICE`, or `RLIMIT_NICE`), which
/// `voltop` has where it measures volumes (root next to the engine).
public struct ThreadPriority: Sendable {
    /// The niceness the thread had before.
    public let base: Int32
    /// The niceness it has now.
    public let lowered: Int32

    /// Lowers the calling thread's priority by `delta` (niceness added to its own, at most 19); nil when nothing was
    /// lowered (no delta, already at 19, or the priority could not be raised back afterwards).
    public static func lower(by delta: Int32) -> ThreadPriority? {
        let base = cvs_thread_nice()
        guard delta > 0, base > -100, base < 19, canRaise(to: base) else { return nil }
        let lowered = min(19, base + delta)
        guard cvs_set_thread_nice(lowered) == 0 else { return nil }
        return ThreadPriority(base: base, lowered: lowered)
    }

    /// Puts the calling thread's priority back (call it on the thread that lowered it).
    public func restore() { _ = cvs_set_thread_nice(base) }

    /// Whether this process may set a thread's niceness back down to `niceness`.
    static func canRaise(to niceness: Int32) -> Bool {
        if hasSysNice { return true }
        // RLIMIT_NICE allows niceness down to 20 - limit.
        let limit = cvs_nice_limit()
        return limit == Int64.max || (limit >= 0 && 20 - limit <= Int64(niceness))
    }

    /// Whether the process's effective capabilities hold `CAP_SYS_NICE` (bit 23 of `CapEff` in /proc/self/status).
    static let hasSysNice: Bool = {
        let fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 8192)
        let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return false }
        return capabilities(status: String(decoding: bytes[..<count], as: UTF8.self)).map { $0 & (1 << 23) != 0 } ?? false
    }()

    /// The `CapEff` mask of a /proc/PID/status text.
    static func capabilities(status: String) -> UInt64? {
        for line in status.split(separator: "\n") where line.hasPrefix("CapEff:") {
            return UInt64(String(line.dropFirst("CapEff:".count)).trimmingBlanks(), radix: 16)
        }
        return nil
    }
}

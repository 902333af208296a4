#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// With `VOLTOP_TRACE=FILE`, appends milliseconds since process start for each step (for benchmarks).
///
/// Each line reads `"%8.1f ms  STEP\n"`; `scripts/bench-scale` parses them.
public enum StartupTrace {
    /// The trace file, or nil when tracing is off.
    public static let path: String? = {
        guard let path = ProcessInfo.processInfo.environment["VOLTOP_TRACE"], !path.isEmpty else { return nil }
        return path
    }()

    /// Whether steps are written at all.
    public static var isEnabled: Bool { path != nil }

    /// The process start in milliseconds of `CLOCK_MONOTONIC`, from /proc/self/stat field 22 (clock ticks since boot).
    private static let startMilliseconds: Double = {
        let stat = (try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8)) ?? ""
        let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
        let startTicks = fields.count > 19 ? Double(fields[19]) ?? 0 : 0
        return startTicks * 1000 / Double(sysconf(Int32(_SC_CLK_TCK)))
    }()

    /// The trace file, opened once for appending (a mark costs one `write`, not an open and a close).
    private static let descriptor: Int32 = {
        guard let path else { return -1 }
        return open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
    }()

    /// Appends one step with the milliseconds since the process started.
    public static func mark(_ step: String) {
        guard descriptor >= 0 else { return }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let ms = (Double(now.tv_sec) * 1000 + Double(now.tv_nsec) / 1e6) - startMilliseconds
        let line = Array(line(milliseconds: ms, step: step).utf8)
        _ = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }

    /// Appends malloc's figures (bytes in use, bytes taken from the system) after `step`, for memory benchmarks.
    public static func markHeap(_ step: String) {
        guard path != nil else { return }
        let (inUse, fromSystem) = FreedMemory.figures()
        mark("heap \(step): in use \(inUse >> 10) KiB, from the system \(fromSystem >> 10) KiB")
    }

    /// `"%8.1f ms  STEP\n"`, without Foundation's formatting.
    static func line(milliseconds ms: Double, step: String) -> String {
        let tenths = Int((max(0, ms) * 10).rounded())
        let number = "\(tenths / 10).\(tenths % 10)"
        return String(repeating: " ", count: max(0, 8 - number.count)) + number + " ms  " + step + "\n"
    }
}

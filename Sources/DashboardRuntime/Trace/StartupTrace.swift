import Foundation

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

    /// Appends one step with the milliseconds since the process started.
    public static func mark(_ step: String) {
        guard let path else { return }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let ms = (Double(now.tv_sec) * 1000 + Double(now.tv_nsec) / 1e6) - startMilliseconds
        let line = String(format: "%8.1f ms  %@\n", ms, step)
        if let handle = FileHandle(forWritingAtPath: path)
            ?? (FileManager.default.createFile(atPath: path, contents: nil) ? FileHandle(forWritingAtPath: path) : nil)
        {
            handle.seekToEndOfFile()
            handle.write(Data(line.utf8))
            try? handle.close()
        }
    }
}

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
    ///
    /// Read with `getenv` and the process start below with `read`: the first mark comes first in `main`, and what it
    /// costs delays everything after it in the traced start (Foundation's environment dictionary and
    /// `String(contentsOfFile:)` took about 1 ms there).
    public static let path: String? = {
        guard let value = getenv("VOLTOP_TRACE") else { return nil }
        let path = String(cString: value)
        return path.isEmpty ? nil : path
    }()

    /// Whether steps are written at all.
    public static var isEnabled: Bool { path != nil }

    /// The process start in milliseconds of `CLOCK_MONOTONIC`, from /proc/self/stat field 22 (clock ticks since boot).
    private static let startMilliseconds: Double = {
        var bytes = [UInt8](repeating: 0, count: 4096)
        let fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0, let ticks = startTicks(stat: bytes[..<count]) else { return 0 }
        return ticks * 1000 / Double(sysconf(Int32(_SC_CLK_TCK)))
    }()

    /// Field 22 of a /proc/PID/stat line (the start time in clock ticks), counted after the last `)`: the command
    /// name before it may hold spaces and parentheses.
    static func startTicks(stat: ArraySlice<UInt8>) -> Double? {
        guard let close = stat.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = stat[(close + 1)...].split(separator: UInt8(ascii: " "))
        guard fields.count > 19 else { return nil }
        return Double(String(decoding: fields[19], as: UTF8.self))
    }

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

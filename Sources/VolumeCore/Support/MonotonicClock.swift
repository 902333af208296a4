#if canImport(Glibc)
    import Glibc
#endif

/// Seconds on `CLOCK_MONOTONIC`, a clock that never jumps: growth's samples and a walk's `ScanTree.walked` share it.
public enum MonotonicClock {
    public static func seconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}

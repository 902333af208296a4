import CVolumeSys

/// Memory that the process freed but malloc still holds.
public enum FreedMemory {
    /// Gives it back to the system (glibc's `malloc_trim`): after a big transient allocation, such as decoding the
    /// volume list of a big host, the arenas would otherwise keep it resident.
    public static func release() { _ = cvs_malloc_trim() }

    /// malloc's bytes in use and bytes taken from the system, over all arenas (for traces and benchmarks).
    public static func figures() -> (inUse: UInt64, fromSystem: UInt64) {
        var inUse: UInt64 = 0
        var fromSystem: UInt64 = 0
        cvs_heap_figures(&inUse, &fromSystem)
        return (inUse, fromSystem)
    }
}

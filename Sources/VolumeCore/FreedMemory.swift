import CVolumeSys

/// Memory that the process freed but malloc still holds.
public enum FreedMemory {
    /// Gives it back to the system (glibc's `malloc_trim`): after a big transient allocation, such as decoding the
    /// volume list of a big host, the arenas would otherwise keep it resident.
    public static func release() { _ = cvs_malloc_trim() }
}

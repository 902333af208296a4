import CVolumeSys

/// Memory that the process freed but malloc still holds.
public enum FreedMemory {
    /// Gives it back to the system (glibc's `malloc_trim`): after a big transient allocation, such as decoding the
    /// volume list of a big host, the arenas would otherwise keep it resident.
    public static func release() { _ = cvs_malloc_trim() }

    /// Makes every thread allocate from one malloc arena (glibc's `M_ARENA_MAX` = 1), before threads start.
    ///
    /// With an arena per thread (glibc's default, up to 8 per core), memory freed on one thread is kept for that
    /// thread's arena: a long-running dashboard that decodes big lists on whichever thread the runtime picks keeps
    /// each arena's high-water mark. Measured at 10,000 volumes after two bursts of 1,000 creates and removes:
    /// RssAnon 46 MiB with the default, 25 MiB with one arena (30 MiB with two).
    ///
    /// Blocks of 64 KiB or more (a volume list's bytes, arrays and dictionaries of thousands of volumes, a frame's
    /// cells) that the heap has no free room for get mappings of their own, returned to the system when freed,
    /// instead of growing the heap. By default glibc raises that threshold each time such a block is freed, up to
    /// 32 MiB, and then grows the heap for them, where the holes they leave stay resident. Measured at 10,000 volumes, 40 s after start with a burst of 1,000 creates and removes: RSS
    /// 43.4 MiB by default; with the threshold at 1 MiB 40.8, at 256 KiB 39.7-40.1, at 64 KiB 38.9-39.6.
    /// Returns whether malloc took both settings.
    @discardableResult
    public static func useOneArena() -> Bool {
        let oneArena = cvs_malloc_one_arena() == 1
        let mapped = cvs_malloc_map_from(Int32(mapThreshold)) == 1
        return oneArena && mapped
    }

    /// Blocks of this size or more get a mapping of their own (see `useOneArena`).
    static let mapThreshold = 64 << 10

    /// The program's unwind tables (`.eh_frame_hdr` and `.eh_frame`), as addresses; nil when they cannot be found.
    public static var unwindTables: Range<UInt>? {
        let range = cvs_unwind_tables_of_program()
        guard range.start != 0, range.end > range.start else { return nil }
        return UInt(range.start)..<UInt(range.end)
    }

    /// Unmaps the pages of the unwind tables that the start mapped; they are read again only if something unwinds.
    ///
    /// An `async` main ends its thread with `pthread_exit`, which unwinds that thread's stack through these tables:
    /// each page the binary search touches maps 64 KiB around it (the kernel's fault-around), about 0.9 MiB of a
    /// 5 MiB table in all, resident for the whole run although nothing reads them again (Swift code does not throw
    /// by unwinding; the C++ of the TOML parser only while a configuration file is read). The pages stay in the page
    /// cache, so a later unwind maps them back at the cost of a page fault each.
    public static func releaseUnwindTables() {
        guard let tables = unwindTables else { return }
        _ = cvs_drop_read_only_pages(UInt(tables.lowerBound), UInt(tables.upperBound))
    }

    /// malloc's bytes in use and bytes taken from the system, over all arenas (for traces and benchmarks).
    public static func figures() -> (inUse: UInt64, fromSystem: UInt64) {
        var inUse: UInt64 = 0
        var fromSystem: UInt64 = 0
        cvs_heap_figures(&inUse, &fromSystem)
        return (inUse, fromSystem)
    }
}

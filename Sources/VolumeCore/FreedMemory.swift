import CVolumeSys
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

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

    /// The program's pages that are never written (its code and read-only data), as address ranges.
    public static var readOnlyProgramSegments: [Range<UInt>] {
        var ranges = [cvs_address_range](repeating: cvs_address_range(start: 0, end: 0), count: 8)
        let count = Int(cvs_read_only_segments_of_program(&ranges, 8))
        return ranges.prefix(count).filter { $0.end > $0.start }.map { UInt($0.start)..<UInt($0.end) }
    }

    /// Whether `releaseProgramPagesIfChosen` releases anything: the dashboard's executable turns it on for itself. A
    /// library does not drop the code of whatever process hosts it (the tests run hundreds of tests in one process,
    /// and a release under them stalls every thread that runs code while it maps its pages again).
    public static let releasesProgramPages = Atomic<Bool>(false)

    /// `releaseProgramPages` when the program chose it (`releasesProgramPages`).
    public static func releaseProgramPagesIfChosen() {
        if releasesProgramPages.load(ordering: .relaxed) { releaseProgramPages() }
    }

    /// Unmaps the program's code and read-only data that this process has mapped; what runs next maps its pages
    /// again from the page cache (a page fault each, 64 KiB at a time).
    ///
    /// The start runs code that never runs again (parsing the arguments and the configuration, setting up the
    /// event loops and the first connection, the first catalog), and its pages would stay resident for the whole run.
    /// After a trim, only the code that runs after it comes back: the dashboard's steady state (keys, frames,
    /// events, measurement) is a small part of the binary. The pages are the binary file's own and are never
    /// written (no relocation touches them), so mapping them again gives the same bytes.
    ///
    /// The unwind tables go with them: an `async` main ends the main thread in `pthread_exit`, which unwinds its
    /// stack through `.eh_frame_hdr` and `.eh_frame`, and the binary search maps 64 KiB around each page it reads
    /// (about 0.9 MiB that nothing reads again). Measured at 1,000 volumes (`scripts/bench-scale`): RSS 19.8 -> 17.6
    /// MiB after start and 22.0 -> 18.7 MiB after 60 s with a burst; the first key after a release maps some code
    /// again (key to frame, calm: p90 1.7 -> 2.1 ms, max 2.3 -> 5.0 ms).
    public static func releaseProgramPages() {
        // A debugger's breakpoints live in this process's copies of code pages: a release would drop them.
        guard !isTraced else { return }
        for segment in readOnlyProgramSegments {
            _ = cvs_drop_read_only_pages(UInt(segment.lowerBound), UInt(segment.upperBound))
        }
    }

    /// Whether a debugger (or anything else) traces this process (`TracerPid` in /proc/self/status).
    static var isTraced: Bool {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("TracerPid:") })
        else { return false }
        return line.dropFirst("TracerPid:".count).filter { $0 != " " && $0 != "\t" } != "0"
    }

    /// malloc's bytes in use and bytes taken from the system, over all arenas (for traces and benchmarks).
    public static func figures() -> (inUse: UInt64, fromSystem: UInt64) {
        var inUse: UInt64 = 0
        var fromSystem: UInt64 = 0
        cvs_heap_figures(&inUse, &fromSystem)
        return (inUse, fromSystem)
    }
}

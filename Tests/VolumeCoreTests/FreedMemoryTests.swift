import Foundation
import Testing

@testable import VolumeCore

/// `FreedMemory`: the unwind tables that the start maps are unmapped, and unwinding still works after.
@Suite struct FreedMemoryTests {
    /// How many of the whole pages of `range` this process maps now (/proc/self/pagemap's "present" bit).
    static func mappedPages(_ range: Range<UInt>) throws -> (mapped: Int, pages: Int) {
        let page = UInt(sysconf(Int32(_SC_PAGESIZE)))
        let first = (range.lowerBound + page - 1) / page
        let last = range.upperBound / page
        let handle = try #require(FileHandle(forReadingAtPath: "/proc/self/pagemap"))
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(first) * 8)
        let data = try #require(try handle.read(upToCount: Int(last - first) * 8))
        var mapped = 0
        data.withUnsafeBytes { raw in
            for k in 0..<(data.count / 8) where raw.loadUnaligned(fromByteOffset: k * 8, as: UInt64.self) >> 63 == 1 {
                mapped += 1
            }
        }
        return (mapped, Int(last - first))
    }

    @Test func theUnwindTablesAreUnmappedAndStillServeAnUnwind() throws {
        let tables = try #require(FreedMemory.unwindTables, "this test binary has .eh_frame_hdr")
        #expect(tables.count > 64 << 10, "Swift code has unwind entries for each function")
        // Map every page of it, then let them go.
        let page = UInt(sysconf(Int32(_SC_PAGESIZE)))
        var sum = 0
        for address in stride(from: (tables.lowerBound + page - 1) / page * page, to: tables.upperBound, by: Int(page)) {
            sum &+= Int(try #require(UnsafePointer<UInt8>(bitPattern: address)).pointee)
        }
        let before = try Self.mappedPages(tables)
        #expect(before.pages > 16)
        #expect(before.mapped == before.pages, "every page was just read")
        // Tests run side by side: one that unwinds at that moment maps some again, so the release gets three tries.
        var after = before
        for _ in 0..<3 where after.mapped > 0 {
            FreedMemory.releaseUnwindTables()
            after = try Self.mappedPages(tables)
        }
        #expect(after.mapped == 0, "\(after.mapped) of \(after.pages) pages still mapped (checksum \(sum))")
        // An unwind reads them again: a backtrace (glibc's, through these tables) finds this test's callers.
        #expect(Thread.callStackReturnAddresses.count > 5)
    }

    @Test func mallocTakesOneArenaAndMapsBlocksOf64KiB() throws {
        // Whether a given block is mapped depends on the heap's free space at that moment (glibc maps a block only when
        // the heap cannot hold it), so the test checks that malloc took the settings; the effect on RSS is measured
        // by scripts/bench-scale (FreedMemory.useOneArena's documentation).
        #expect(FreedMemory.useOneArena())
        #expect(FreedMemory.mapThreshold == 64 << 10)
    }
}

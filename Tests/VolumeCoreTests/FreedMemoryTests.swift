import Foundation
import Testing

@testable import VolumeCore

/// `FreedMemory`: the program's code and read-only data that the start maps are unmapped, and code and unwinding
/// still work after.
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

    /// The program's headers as the kernel passed them (AT_PHDR, AT_PHNUM in /proc/self/auxv) with the load bias.
    static func programHeaders() -> (headers: UnsafeBufferPointer<Elf64_Phdr>, bias: UInt)? {
        // The auxiliary vector: pairs of 8-byte key and value (AT_PHDR = 3, AT_PHNUM = 5).
        guard let auxv = FileManager.default.contents(atPath: "/proc/self/auxv") else { return nil }
        var vector: [UInt64: UInt64] = [:]
        auxv.withUnsafeBytes { raw in
            for k in stride(from: 0, to: raw.count - 15, by: 16) {
                vector[raw.loadUnaligned(fromByteOffset: k, as: UInt64.self)] = raw.loadUnaligned(fromByteOffset: k + 8, as: UInt64.self)
            }
        }
        guard let phdr = vector[3], let first = UnsafePointer<Elf64_Phdr>(bitPattern: UInt(phdr)) else { return nil }
        let headers = UnsafeBufferPointer(start: first, count: Int(vector[5] ?? 0))
        let bias = headers.first { $0.p_type == UInt32(PT_PHDR) }.map { UInt(bitPattern: first) &- UInt($0.p_vaddr) } ?? 0
        return (headers, bias)
    }

    /// Where the program's `.eh_frame_hdr` is mapped (its PT_GNU_EH_FRAME program header).
    static func unwindIndex() -> Range<UInt>? {
        guard let (headers, bias) = programHeaders(), let header = headers.first(where: { $0.p_type == UInt32(PT_GNU_EH_FRAME) })
        else { return nil }
        let start = bias &+ UInt(header.p_vaddr)
        return start..<(start + UInt(header.p_memsz))
    }

    @Test func theProgramsReadOnlySegmentsHoldItsCodeAndNoWritablePage() throws {
        let segments = FreedMemory.readOnlyProgramSegments
        #expect(!segments.isEmpty)
        let code: @convention(c) () -> Int32 = { 42 }
        let codeAddress = UInt(bitPattern: unsafeBitCast(code, to: UnsafeRawPointer.self))
        #expect(segments.contains { $0.contains(codeAddress) }, "this test's code is in \(segments)")
        // Nothing the loader or the program writes: no writable load segment (relocated data, the GOT, .data, .bss)
        // overlaps one.
        let (headers, bias) = try #require(Self.programHeaders())
        let writable = headers.filter { $0.p_type == UInt32(PT_LOAD) && $0.p_flags & UInt32(PF_W) != 0 }
        #expect(!writable.isEmpty)
        for header in writable {
            let range = (bias &+ UInt(header.p_vaddr))..<(bias &+ UInt(header.p_vaddr) + UInt(header.p_memsz))
            #expect(!segments.contains { $0.overlaps(range) }, "writable \(range) in \(segments)")
        }
    }

    @Test func theProgramsReadOnlyPagesAreUnmappedAndStillServeAnUnwind() throws {
        // The unwind tables' index (.eh_frame_hdr): read only by an unwind, so little maps it again on its own while
        // the test runs, unlike the code. Depending on the linker it shares a segment with the code or not.
        let data = try #require(Self.unwindIndex(), "this test binary has .eh_frame_hdr")
        #expect(FreedMemory.readOnlyProgramSegments.contains { $0.contains(data.lowerBound) && $0.contains(data.upperBound - 1) })
        #expect(data.count > 64 << 10, "Swift code has unwind entries for each function")
        // Map every page of it, then let them go. Tests run side by side: another's trim may unmap pages between the
        // read and the count, and another's throw (the test library takes a backtrace) maps some again, so each step
        // gets three tries and a little slack.
        let page = UInt(sysconf(Int32(_SC_PAGESIZE)))
        var sum = 0
        var before = (mapped: 0, pages: 0)
        for _ in 0..<3 where before.pages == 0 || before.mapped < before.pages {
            for address in stride(from: (data.lowerBound + page - 1) / page * page, to: data.upperBound, by: Int(page)) {
                sum &+= Int(try #require(UnsafePointer<UInt8>(bitPattern: address)).pointee)
            }
            before = try Self.mappedPages(data)
        }
        #expect(before.pages > 16)
        #expect(before.mapped == before.pages, "every page was just read")
        var after = before
        for _ in 0..<3 where after.mapped > before.pages / 10 {
            FreedMemory.releaseProgramPages()
            after = try Self.mappedPages(data)
        }
        #expect(after.mapped <= before.pages / 10, "\(after.mapped) of \(after.pages) pages still mapped (checksum \(sum))")
        // The code still runs, and an unwind reads its tables again: a backtrace (glibc's) finds this test's callers.
        let code: @convention(c) () -> Int32 = { 42 }
        #expect(code() == 42)
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

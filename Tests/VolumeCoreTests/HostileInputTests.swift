import Foundation
import Testing

@testable import VolumeCore

/// Untrusted numbers (sizes near `Int64.max` from `/system/df`, tar fields, event times) and unbounded input
/// (PAX headers, event lines): nothing traps, nothing grows without bound.
@Suite struct HostileInputTests {
    static let extremes: [Int64] = [.max, .max - 1, -1, .min]

    // MARK: Saturating arithmetic

    @Test func saturatingHelpersClampInsteadOfTrapping() {
        #expect(Int64.max.saturatingAdd(1) == .max)
        #expect(Int64.max.saturatingAdd(.max) == .max)
        #expect(Int64.min.saturatingAdd(-1) == .min)
        #expect(Int64(5).saturatingAdd(-7) == -2)
        #expect(Int64.min.saturatingSubtract(1) == .min)
        #expect(Int64.max.saturatingSubtract(-1) == .max)
        #expect(Int64(0).saturatingSubtract(.min) == .max)
        #expect(Int64(1_000_000_000_000).saturatingMultiply(1_000_000_000) == .max)
        #expect(Int64(-1_000_000_000_000).saturatingMultiply(1_000_000_000) == .min)
        #expect(Int64(saturating: .nan) == 0)
        #expect(Int64(saturating: .infinity) == .max)
        #expect(Int64(saturating: -.infinity) == .min)
        #expect(Int64(saturating: 9.3e18) == .max)
        #expect(Int64(saturating: -9.3e18) == .min)
        #expect(Int64(saturating: 42.9) == 42)
        #expect(Int(saturating: 1e300) == .max)
        #expect([Int64.max, .max - 1, -1, .min, 5].saturatingSizeSum() == .max)
        #expect([Int64(-1), .min, 5].saturatingSizeSum() == 5, "negative sizes (unknown) count as 0")
    }

    // MARK: Catalog, prune, format

    static func catalog(_ sizes: [Int64]) -> Catalog {
        let volumes = sizes.indices.map { Volume(name: "v\($0)") }
        var table: [String: (size: Int64, refCount: Int64)] = [:]
        for (i, size) in sizes.enumerated() { table["v\(i)"] = (size, 0) }
        return Catalog(volumes: volumes, containers: [], sizes: table)
    }

    @Test func catalogTotalsSaturate() {
        let catalog = Self.catalog(Self.extremes + [.max])
        #expect(catalog.totalKnownBytes == .max)
        #expect(catalog.reclaimableBytes == .max)
        #expect(Format.bytes(catalog.totalKnownBytes) == "8.0 EiB")
        // Negative sizes are "not measured", also when they arrive as a measurement.
        var entries = catalog.entries
        entries[0].size = .bytes(.min)
        entries[1].size = .bytes(-1)
        let measured = Catalog(entries: Array(entries.prefix(2)), containers: [], takenAt: Date())
        #expect(measured.totalKnownBytes == 0)
        #expect(VolumeSize.bytes(-1).knownBytes == nil)
        #expect(Format.size(.bytes(-1)) == "n/a")
    }

    @Test func prunePreviewSumsSaturate() {
        let plan = PrunePlan(catalog: Self.catalog(Self.extremes + [.max]), mode: .allUnused)
        #expect(plan.candidates.count == 5)
        #expect(plan.totalBytes == .max)
        #expect(plan.unknownSizeCount == 2, "-1 and Int64.min are unknown sizes")
    }

    @Test(arguments: extremes + [0, 1023, 1024])
    func formatNeverTraps(_ n: Int64) {
        let text = Format.bytes(n)
        #expect(n >= 0 ? text.hasSuffix("B") : text == "n/a")
    }

    @Test func formatAgeOfAbsurdDates() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(Format.age(Date(timeIntervalSince1970: -9.3e18), now: now).hasSuffix("y"))
        #expect(Format.age(Date(timeIntervalSince1970: 9.3e18), now: now) == "0s")
        #expect(Format.age(Date(timeIntervalSince1970: Double(Int64.min)), now: now).hasSuffix("y"))
    }

    // MARK: ScanTree and archive trees

    @Test func scanTreeSumsSaturate() throws {
        var builder = ScanTreeBuilder(rootPath: "/r")
        try builder.add([Array("a".utf8)], kind: .file, apparent: .max, allocated: .max, mtime: 1)
        try builder.add([Array("d".utf8), Array("b".utf8)], kind: .file, apparent: .max - 1, allocated: .max, mtime: 1)
        try builder.add([Array("d".utf8)], kind: .directory, apparent: .max, allocated: 4096, mtime: 1)
        let tree = try builder.build()
        #expect(tree.totals.apparentBytes == .max)
        #expect(tree.totals.allocatedBytes == .max)
        #expect(tree.engineStyleBytes >= 0)
        #expect(tree.bytes(of: tree.root, apparent: true) == .max)
    }

    @Test func archiveProgressSaturates() throws {
        // Two files of 2^62 bytes each (the largest entry accepted): their sum is 2^63, past Int64.max.
        var tree = ArchiveTree(rootPath: "/volume", relativePath: [])
        for name in ["./a", "./b", "./c"] {
            try tree.add(TarEntry(typeflag: 0x30, name: Array(name.utf8), linkName: [], size: TarReader.sizeLimit, mtime: 0, mode: 0o644))
        }
        #expect(tree.progress.apparentBytes == .max)
        let built = try tree.builder.build()
        #expect(built.totals.apparentBytes == .max)
    }

    // MARK: Tar

    /// A ustar header block with a valid checksum; `sizeField`/`mtimeField` are written raw when given.
    static func header(_ name: String, typeflag: UInt8 = 0x30, size: Int = 0, sizeField: [UInt8]? = nil, mtimeField: [UInt8]? = nil)
        -> [UInt8]
    {
        var h = [UInt8](repeating: 0, count: 512)
        for (i, b) in name.utf8.enumerated() { h[i] = b }
        func put(_ s: String, _ at: Int) { for (i, b) in s.utf8.enumerated() { h[at + i] = b } }
        put("0000644", 100)
        put("0000000", 108)
        put("0000000", 116)
        if let sizeField { for (i, b) in sizeField.enumerated() { h[124 + i] = b } } else { put(String(format: "%011o", size), 124) }
        if let mtimeField { for (i, b) in mtimeField.enumerated() { h[136 + i] = b } } else { put("00000000000", 136) }
        h[156] = typeflag
        put("ustar", 257)
        put("00", 263)
        put("        ", 148)
        let sum = h.reduce(0) { $0 + Int($1) }
        put(String(format: "%06o", sum), 148)
        h[154] = 0
        h[155] = 0x20
        return h
    }

    static func padded(_ body: [UInt8]) -> [UInt8] {
        body + [UInt8](repeating: 0, count: (512 - body.count % 512) % 512)
    }

    static func entries(_ stream: [UInt8]) throws -> [TarEntry] {
        var reader = TarReader()
        var out: [TarEntry] = []
        try reader.feed(stream) { out.append($0) }
        return out
    }

    static let end = [UInt8](repeating: 0, count: 1024)

    @Test func secondPaxRecordWithAHugeLengthDoesNotOverflow() throws {
        // The first record moves the offset past 0; the second's length is Int.max: `offset + length` overflowed.
        let body = Array("22 path=./renamed.txt\n\(Int.max) mtime=5\n".utf8)
        let stream =
            Self.header("./PaxHeaders/x", typeflag: 0x78, size: body.count) + Self.padded(body)
            + Self.header("./x") + Self.end
        let got = try Self.entries(stream)
        #expect(got.count == 1)
        #expect(got.first?.name == Array("./renamed.txt".utf8))
        #expect(TarReader.paxRecords(body)["path"] == Array("./renamed.txt".utf8))
    }

    @Test func paxTimeAtInt64MinDoesNotOverflow() throws {
        #expect(TarReader.paxSeconds(Array("-9223372036854775808.5".utf8)) == .min)
        let body = Array("32 mtime=-9223372036854775808.5\n".utf8)
        #expect(body.count == 32)
        let stream =
            Self.header("./PaxHeaders/x", typeflag: 0x78, size: body.count) + Self.padded(body)
            + Self.header("./x") + Self.end
        let got = try Self.entries(stream)
        #expect(got.first?.mtime == -TarReader.mtimeLimit, "clamped to the sane range")
    }

    @Test func base256TimeAtInt64MinIsClamped() throws {
        // 12 bytes of two's complement (the marker byte's 6 low bits included): Int64.min.
        let field: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0x80] + [UInt8](repeating: 0, count: 7)
        #expect(try TarReader.number(field[...], field: "mtime") == .min)
        let got = try Self.entries(Self.header("./x", mtimeField: field) + Self.end)
        #expect(got.first?.mtime == -TarReader.mtimeLimit)
        // What the file pane does with it does not trap either.
        _ = Format.age(Date(timeIntervalSince1970: Double(got.first?.mtime ?? 0)), now: Date())
    }

    @Test func base256SizeAtInt64MinIsRefused() {
        let field: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0x80] + [UInt8](repeating: 0, count: 7)
        #expect(throws: EngineError.self) { try Self.entries(Self.header("./x", sizeField: field) + Self.end) }
    }

    @Test func consecutiveExtensionHeadersAreCapped() throws {
        let body = Array("15 comment=abc\n".utf8)
        let one = Self.header("./PaxHeaders/x", typeflag: 0x78, size: body.count) + Self.padded(body)
        let allowed = Array([[UInt8]](repeating: one, count: TarReader.maxConsecutiveExtensionHeaders).joined())
        #expect(try Self.entries(allowed + Self.header("./x") + Self.end).count == 1)
        let tooMany = allowed + one + Self.header("./x") + Self.end
        #expect {
            try Self.entries(tooMany)
        } throws: { error in
            (error as? EngineError)?.code == .malformedResponse && "\(error)".contains("extension headers")
        }
        // The count starts again after each entry.
        #expect(try Self.entries(allowed + Self.header("./x") + allowed + Self.header("./y") + Self.end).count == 2)
    }

    @Test func extensionBytesBeforeOneEntryAreCapped() {
        let body = [UInt8](repeating: 0x61, count: TarReader.metadataLimit)
        let one = Self.header("./././@LongLink", typeflag: 0x4C, size: body.count) + body
        let stream = Array([[UInt8]](repeating: one, count: 5).joined()) + Self.header("./x") + Self.end
        #expect(throws: EngineError.self) { try Self.entries(stream) }
    }

    // MARK: Events

    @Test func eventTimeInSecondsDoesNotOverflow() throws {
        let line = Array(#"{"Type":"volume","Action":"create","Actor":{"ID":"v"},"time":9223372036854775807}"#.utf8)
        let event = try #require(EngineEvent.decode(line))
        #expect(event.timeNano == .max)
        _ = event.resumeToken
        let negative = try #require(EngineEvent.decode(Array(#"{"Type":"volume","time":-9223372036854775808}"#.utf8)))
        #expect(negative.timeNano == .min)
        _ = negative.resumeToken
    }

    @Test func oversizedEventLineIsDroppedAndTheStreamResynchronises() {
        var splitter = LineSplitter()
        let good = Array(#"{"Type":"volume","Action":"create","Actor":{"ID":"a"}}"#.utf8)
        var lines = splitter.feed(good + [0x0A])
        #expect(lines == [good])
        // An endless line in chunks: nothing is delivered and memory stays at the cap.
        let chunk = [UInt8](repeating: 0x78, count: 256 * 1024)
        for _ in 0..<8 { #expect(splitter.feed(chunk).isEmpty) }
        lines = splitter.feed(Array("tail of the long line".utf8) + [0x0A] + good + [0x0A])
        #expect(lines == [good], "the long line is dropped whole; the next line arrives")
        #expect(splitter.droppedLines == 1)
        // A line of exactly the cap is still delivered.
        let exact = [UInt8](repeating: 0x79, count: LineSplitter.maxLineBytes)
        #expect(splitter.feed(exact + [0x0A]) == [exact])
    }

    /// Docker 20.10 refuses a second /system/df from any client: voltop retries quietly with growing waits for
    /// about two minutes, and only then reports the refusal.
    @Test func diskUsageRefusalsAreRetriedWithBackoffForAboutTwoMinutes() {
        var waits: [Double] = []
        var attempt = 0
        while let wait = DiskUsageRetry.delay(afterAttempt: attempt) {
            waits.append(wait)
            attempt += 1
            if attempt > 1000 { break }
        }
        #expect(waits.first == 0.25)
        #expect(waits.allSatisfy { $0 <= 15 })
        #expect(zip(waits, waits.dropFirst()).allSatisfy { $0 <= $1 }, "waits never shrink")
        let total = waits.reduce(0, +)
        #expect(total > 90 && total <= 120, "about two minutes in all: \(total) s over \(waits.count) tries")
    }
}

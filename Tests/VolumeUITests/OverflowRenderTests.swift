import Foundation
import Testing

@testable import VolumeCore
@testable import VolumeUI

/// Sizes near `Int64.max` (what `/system/df` reports for sparse files: the engine adds in Go, which wraps),
/// `-1` and `Int64.min` reach every screen that sums or divides sizes: the dashboard renders, never traps.
@Suite struct OverflowRenderTests {
    static let names = ["huge-a", "huge-b", "minus-one", "most-negative", "max-minus-one"]
    static let table: [String: (size: Int64, refCount: Int64)] = [
        "huge-a": (.max, 0), "huge-b": (.max, 0), "minus-one": (-1, 0), "most-negative": (.min, 0), "max-minus-one": (.max - 1, 0)
    ]

    static func loaded(rows: Int = 24, cols: Int = 100) -> AppState {
        let volumes = names.map { Fixture.volume($0, age: Fixture.day) }
        let catalog = Catalog(volumes: volumes, containers: [], sizes: nil, takenAt: Fixture.now)
        let measured = Catalog(volumes: volumes, containers: [], sizes: table, takenAt: Fixture.now)
        let sizes = Dictionary(uniqueKeysWithValues: measured.entries.map { ($0.name, $0.size) })
        return Fixture.loaded(rows: rows, cols: cols, catalog: catalog, sizes: sizes)
    }

    @Test func catalogWithTwoVolumesOfInt64MaxRenders() {
        let s = Self.loaded()
        #expect(s.catalog.totalKnownBytes == .max)
        let text = Fixture.screen(s).text
        #expect(text.contains("8.0 EiB total"), "header totals saturate:\n\(text)")
        #expect(text.contains("huge-a"))
    }

    @Test func removeConfirmOfHugeVolumesRenders() throws {
        var s = Self.loaded()
        for name in Self.names {
            Fixture.select(name, &s)
            Fixture.press([.char(" ")], &s)
        }
        Fixture.press([.char("D")], &s)
        let confirm = try #require(s.dialog?.removeConfirm)
        #expect(confirm.removableBytes == .max)
        let text = Fixture.screen(s).text
        #expect(text.contains("8.0 EiB"), "\(text)")
        // The result: every one removed; the notice sums them.
        let outcome = Dictionary(uniqueKeysWithValues: Self.names.map { ($0, EngineError?.none) })
        _ = Dashboard.reduce(&s, .volumesRemoved(outcome))
        #expect(s.notice?.text.contains("8.0 EiB") == true, "\(String(describing: s.notice))")
        _ = Fixture.screen(s)
    }

    @Test func prunePreviewAndResultOfHugeVolumesRender() {
        var s = Self.loaded()
        let measured = Catalog(
            volumes: Self.names.map { Fixture.volume($0, age: Fixture.day) }, containers: [], sizes: Self.table, takenAt: Fixture.now)
        let plan = PrunePlan(catalog: measured, mode: .allUnused)
        #expect(plan.totalBytes == .max)
        Fixture.press([.char("p")], &s)
        _ = Dashboard.reduce(&s, .prunePreviewLoaded(.success(plan)))
        #expect(Fixture.screen(s).text.contains("8.0 EiB"))
        let result = Fixture.pruneResult(removed: Self.names, skipped: [], reclaimedBytes: .max)
        _ = Dashboard.reduce(&s, .pruneFinished(.success(result)))
        _ = Fixture.screen(s)
    }

    @Test func filePaneWithSizesPastInt64MaxRenders() throws {
        // Three files whose sum passes Int64.max: a wrapping sum made the directory 1 byte and the share 9e18.
        var builder = ScanTreeBuilder(rootPath: "/var/lib/docker/volumes/shop_uploads/_data")
        try builder.add([Array("d".utf8)], kind: .directory, apparent: 0, allocated: 4096, mtime: 1_700_000_000)
        for (name, size) in [("a", Int64.max), ("b", Int64.max), ("c", 3)] {
            try builder.add([Array("d".utf8), Array(name.utf8)], kind: .file, apparent: size, allocated: size, mtime: .max)
        }
        try builder.add([Array("old".utf8)], kind: .file, apparent: 1, allocated: 1, mtime: -(1 << 40))
        let tree = try builder.build(isFromArchive: false)
        var s = Fixture.loaded(rows: 24, cols: 120)
        s.timeZone = TimeZone(identifier: "UTC")!
        Fixture.select(FileFixture.volume, &s)
        Fixture.press([.char("t")], &s)
        _ = Dashboard.reduce(&s, .filesOpened(volume: FileFixture.volume, .success(FileFixture.direct)))
        _ = Dashboard.reduce(&s, .filesScanned(volume: FileFixture.volume, .success(tree)))
        Fixture.press([.char("l"), .char("j"), .char("j")], &s)
        let text = Fixture.screen(s).text
        #expect(text.contains("8.0 EiB"), "\(text)")
        #expect(!FileFixture.hasRawControl(Fixture.screen(s)))
        // Wide layout too (times as dates).
        _ = Dashboard.reduce(&s, .resize(rows: 45, cols: 200))
        _ = Fixture.screen(s)
    }

    @Test(arguments: [Int64.max, .max - 1, -1, .min, 0])
    func progressLineNeverTraps(_ bytes: Int64) {
        for expected in [Int64(1), .max, nil] {
            let progress = ScanProgress(entries: 1, directories: 1, apparentBytes: bytes, allocatedBytes: bytes)
            let line = Dashboard.progressLine(progress, expected: expected, width: 80)
            #expect(!line.spans.isEmpty)
        }
        #expect(Dashboard.bar(.nan, width: 10).count == 10)
        #expect(Dashboard.percent(.infinity, isWide: true).hasSuffix("%"))
        #expect(Dashboard.percent(-.infinity, isWide: false).hasSuffix("%"))
        #expect(Dashboard.percent(.nan, isWide: false) == "0%")
    }
}

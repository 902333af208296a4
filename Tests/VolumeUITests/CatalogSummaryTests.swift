import Foundation
import Testing
import VolumeCore

@testable import VolumeUI

/// The header's counts and totals are kept in the state (a frame never walks every volume); they must always equal
/// a full count of the catalog as it is.
@Suite struct CatalogSummaryTests {
    @Test func theKeptSummaryEqualsAFullCountAfterEveryChange() {
        var s = Fixture.loaded()
        func check(_ step: String, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(s.summary == CatalogSummary(s.catalog.entries, measured: s.measuredSizes), "\(step)", sourceLocation: sourceLocation)
        }
        check("loaded")
        #expect(s.summary.unusedCount == 5 && s.summary.leakedCount == 1)
        #expect(s.summary.engineFigureCount == 8, "every known size is the engine's figure")
        Fixture.press([.char("s")], &s)  // by size: a batch re-sorts once
        _ = Dashboard.reduce(&s, .volumesMeasured(["cache": .success(1_000), "ci-cache": .success(5), "nope": .success(1)]))
        check("a batch")
        #expect(s.summary.engineFigureCount == 6)
        _ = Dashboard.reduce(&s, .volumeMeasured(name: "cache", .success(2_000)))
        check("measured again")
        _ = Dashboard.reduce(&s, .volumeMeasured(name: "nfs-share", .success(7)))
        check("a volume the engine could not size")
        _ = Dashboard.reduce(&s, .sizesLoaded(.success(Fixture.sizes)))
        check("new engine sizes")
        _ = Dashboard.reduce(&s, .catalogLoaded(.success(Fixture.catalog)))
        check("a new catalog")
        #expect(s.summary.engineFigureCount == 6, "measured sizes survive a reload")
    }

    @Test func saturatedTotalsAreCountedAgainNotSubtracted() {
        let sizes: [String: VolumeSize] = ["cache": .bytes(.max - 1), "ci-cache": .bytes(10), "old-logs": .bytes(20)]
        var s = Fixture.loaded(sizes: sizes)
        #expect(s.summary.totalKnownBytes == .max)
        _ = Dashboard.reduce(&s, .volumesMeasured(["cache": .success(1)]))
        #expect(s.summary.totalKnownBytes == 31)
        #expect(s.summary == CatalogSummary(s.catalog.entries, measured: s.measuredSizes))
    }

    /// A batch of 50 measurements is one sort, not 50; the result is the same as measuring one by one.
    @Test func aBatchEqualsItsMeasurementsOneByOne() {
        var batched = Fixture.loaded()
        Fixture.press([.char("s"), .char("j"), .char("j")], &batched)
        var single = batched
        let results: [String: Result<Int64, EngineError>] = [
            "cache": .success(9_000_000_000), "grafana-data": .success(1), "old-logs": .failure(EngineError(.notFound, "gone"))
        ]
        _ = Dashboard.reduce(&batched, .volumesMeasured(results))
        for (name, result) in results.sorted(by: { $0.key < $1.key }) {
            _ = Dashboard.reduce(&single, .volumeMeasured(name: name, result))
        }
        #expect(batched.table.visibleIndices == single.table.visibleIndices)
        #expect(batched.selectedEntry?.name == single.selectedEntry?.name)
        #expect(batched.measuredSizes == single.measuredSizes)
        #expect(Fixture.screen(batched).text == Fixture.screen(single).text)
        #expect(batched.visibleEntry(0).name == "cache", "the largest first")
    }

    /// Before the owners are in, nothing counts as unused (the header says the owners are loading); the summary kept
    /// meanwhile, sizes included, equals a full count that knows no owners, and the full catalog counts them.
    @Test func unusedIsCountedOnlyOnceTheOwnersAreKnown() {
        var s = AppState(header: Fixture.header, isReadOnly: false, now: Fixture.now)
        _ = Dashboard.start(&s)
        _ = Dashboard.reduce(&s, .resize(rows: 24, cols: 80))
        _ = Dashboard.reduce(&s, .volumesListed(Catalog(volumes: Fixture.volumes, containers: [], takenAt: Fixture.now)))
        #expect(s.areOwnersLoading)
        #expect(s.summary.unusedCount == 0 && s.summary.leakedCount == 0 && s.summary.reclaimableBytes == 0)
        #expect(s.summary.notRequestedCount == Fixture.volumes.count)
        _ = Dashboard.reduce(&s, .volumesMeasured(["cache": .success(1_000), "ci-cache": .success(5)]))
        #expect(s.summary == CatalogSummary(s.catalog.entries, measured: s.measuredSizes, ownersKnown: false))
        #expect(s.summary.totalKnownBytes == 1_005 && s.summary.reclaimableBytes == 0)
        _ = Dashboard.reduce(&s, .catalogLoaded(.success(Fixture.catalog)))
        #expect(s.summary == CatalogSummary(s.catalog.entries, measured: s.measuredSizes))
        #expect(s.summary.unusedCount == 5 && s.summary.leakedCount == 1)
    }

    /// Read field by field, the summary counts what the entries' own questions say, under either anonymity rule.
    @Test(arguments: [AnonymityRule.label, .labelOrNameShape])
    func countsAgreeWithTheEntriesOwnAnswers(rule: AnonymityRule) {
        let hex = String(repeating: "ab", count: 32)
        var entries = Fixture.catalog.entries
        for i in entries.indices { entries[i].anonymity = rule }
        let extra = [hex, "named", "fleet/" + hex].enumerated().map { i, name in
            Volume(name: name, mountpoint: "/m/\(i)", labels: i == 1 ? [Volume.anonymousLabel: ""] : [:])
        }
        for var entry in Catalog(volumes: extra, containers: [], anonymity: rule).entries {
            entry.size = .bytes(Int64(entry.name.count) * 100)
            entries.append(entry)
        }
        let summary = CatalogSummary(entries, measured: [:])
        #expect(summary.unusedCount == entries.filter(\.isDangling).count)
        #expect(summary.leakedCount == entries.filter { $0.isDangling && $0.isAnonymous }.count)
        #expect(summary.reclaimableBytes == entries.filter(\.isDangling).compactMap(\.size.knownBytes).reduce(0, +))
        #expect(summary.totalKnownBytes == entries.compactMap(\.size.knownBytes).reduce(0, +))
        // The labelled one always; the 64-hex names only by their shape.
        #expect(summary.leakedCount - Fixture.catalog.entries.filter { $0.isDangling && $0.isAnonymous }.count == (rule == .label ? 1 : 3))
    }
}

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
}

import Foundation
import Testing
import VolumeCore

@testable import VolumeUI

/// Growth in the dashboard: the GROWTH column, the banner that names the fastest-growing volume and its writer,
/// the sort by growth, and the detail pane's sparkline and writers.
@Suite struct GrowthScreenTests {
    static func snapshot() -> GrowthSnapshot {
        var g = GrowthSnapshot()
        g.disk = DiskSpace(totalBytes: 100 << 30, freeBytes: 7 << 30)
        g.volumes["shop_uploads"] = VolumeGrowth(
            shortRate: Double(10 << 20), longRate: Double(8 << 20),
            writers: [VolumeWriter(container: "shop-worker-1", pid: 4242, command: "rsync")], writersSeen: true,
            history: [nil, 100, 200, 400, 800, 1600], bytes: 1600)
        g.volumes["shop_db-data"] = VolumeGrowth(
            shortRate: 0, longRate: 0, writers: [], writersSeen: true, history: [500, 500], bytes: 500)
        g.volumes["grafana-data"] = VolumeGrowth(
            shortRate: -2048, longRate: -1024, writers: [VolumeWriter(container: "grafana", pid: 7, command: "grafana")],
            writersSeen: true, history: [900, 800], bytes: 800)
        return g
    }

    @Test func theFastestGrowingVolumeIsNamedWithoutAKeyAndWSortsByGrowth() throws {
        var s = Fixture.loaded(rows: 35, cols: 120)
        _ = Dashboard.reduce(&s, .growthUpdated(Self.snapshot()))
        let screen = Fixture.screen(s).text
        // The banner: volume, rate, writer, and the disk filling at that rate.
        let banner = try #require(screen.split(separator: "\n").first { $0.contains("▲ shop_uploads") })
        #expect(banner.contains("+10.0 MiB/s by shop-worker-1"))
        #expect(banner.contains("disk 93 % · full in ~12 min"))
        // GROWTH is a column where the table has room; a narrow table keeps its room for names.
        #expect(!screen.contains("GROWTH"))
        var wide = Fixture.loaded(rows: 50, cols: 200)
        _ = Dashboard.reduce(&wide, .growthUpdated(Self.snapshot()))
        let wideScreen = Fixture.screen(wide).text
        #expect(wideScreen.contains("GROWTH"))
        #expect(wideScreen.split(separator: "\n").contains { $0.contains("shop_uploads") && $0.contains("+10.0 MiB/s") })

        Fixture.press([.char("w")], &s)
        #expect(s.table.sortKey == .growth)
        let order = s.table.visibleIndices.map { s.catalog.entries[$0].name }
        #expect(Array(order.prefix(3)) == ["shop_uploads", "shop_db-data", "grafana-data"])
        // A new snapshot re-sorts a table sorted by growth.
        var faster = Self.snapshot()
        faster.volumes["grafana-data"]?.shortRate = Double(50 << 20)
        _ = Dashboard.reduce(&s, .growthUpdated(faster))
        #expect(s.catalog.entries[s.table.visibleIndices[0]].name == "grafana-data")
    }

    @Test func withoutGrowthNothingChangesAndWSaysWhy() {
        var s = Fixture.loaded(rows: 35, cols: 120)
        #expect(!Fixture.screen(s).text.contains("GROWTH"))
        Fixture.press([.char("w")], &s)
        #expect(s.table.sortKey != .growth)
        #expect(s.notice?.text.contains("not followed") == true)
        // `s` skips growth where it is not followed.
        for _ in 0..<VolumeSortKey.allCases.count {
            Fixture.press([.char("s")], &s)
            #expect(s.table.sortKey != .growth)
        }
    }

    @Test func goldenWithGrowth() {
        var s = Fixture.loaded(rows: 35, cols: 120)
        Fixture.select("shop_uploads", &s)
        _ = Dashboard.reduce(&s, .growthUpdated(Self.snapshot()))
        Fixture.press([.tab], &s)
        expectScreen(Fixture.screen(s), "growth-120x35")
        let text = Fixture.screen(s).text
        #expect(text.contains("Writers") && text.contains("shop-worker-1 (pid 4242, rsync)"))
        #expect(text.contains("▁"))
    }

    @Test func mayWriteWhereWritesCannotBeSeen() {
        var s = Fixture.loaded(rows: 35, cols: 120)
        var g = Self.snapshot()
        g.volumes["shop_uploads"]?.writersSeen = false
        g.disk = nil
        g.diskNote = "the engine's disk is not visible from here (remote engine or another namespace)"
        Fixture.select("shop_uploads", &s)
        _ = Dashboard.reduce(&s, .growthUpdated(g))
        Fixture.press([.tab], &s)
        let text = Fixture.screen(s).text
        #expect(text.contains("(may write: shop-worker-1)"))
        #expect(text.contains("May write"))
        #expect(text.contains("disk: the engine's disk is not visible"))
    }

    @Test func sizeFollowsAGrowingVolumeThatVoltopMeasured() {
        var s = Fixture.loaded(rows: 35, cols: 120)
        _ = Dashboard.reduce(&s, .volumesMeasured(["shop_uploads": .success(1 << 20)]))
        var g = Self.snapshot()
        g.volumes["shop_uploads"]?.bytes = 5 << 20
        // An engine figure (not measured by voltop) is left alone.
        g.volumes["grafana-data"]?.bytes = 1
        _ = Dashboard.reduce(&s, .growthUpdated(g))
        #expect(s.measuredSizes["shop_uploads"] == 5 << 20)
        #expect(s.catalog.entries.first { $0.name == "shop_uploads" }?.size == .bytes(5 << 20))
        #expect(s.measuredSizes["grafana-data"] == nil)
    }

    @Test func growthNeverCostsTheWideLayoutItsMountpoints() {
        var s = Fixture.loaded(rows: 45, cols: 160)
        _ = Dashboard.reduce(&s, .growthUpdated(Self.snapshot()))
        #expect(Fixture.screen(s).text.contains("MOUNTPOINT"))
    }
}

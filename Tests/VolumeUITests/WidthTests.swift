import Foundation
import Testing
import VolumeCore

@testable import VolumeUI

/// How the dashboard uses the width it has: MOUNTPOINT without the shared data root, compose tags that stay,
/// paths broken between their parts, a footer that says more keys exist, dialogs as wide as their names, and
/// a table that drops columns on a small terminal instead of refusing to draw.
@Suite struct WidthTests {
    typealias Size = ScreenTests.Size
    static let sizes = [Size(rows: 24, cols: 80), Size(rows: 35, cols: 120), Size(rows: 50, cols: 200)]
    static let longName = "customer-uploads-archive-2024-q4-eu-west-1-replica"

    /// The fixture's catalog plus compose volumes whose names do not say their project, and a long name.
    static var catalog: Catalog {
        var volumes = Fixture.volumes
        volumes.append(
            Fixture.volume("pgdata", labels: ["com.docker.compose.project": "billing", "com.docker.compose.volume": "db"], age: 3600))
        volumes.append(
            Fixture.volume(
                "reporting-warehouse-data",
                labels: ["com.docker.compose.project": "analytics", "com.docker.compose.volume": "warehouse"], age: 7200))
        volumes.append(Fixture.volume(longName, age: 86_400))
        return Catalog(volumes: volumes, containers: Fixture.containers, sizes: nil, takenAt: Fixture.now)
    }

    private func loaded(_ size: Size) -> AppState {
        var s = Fixture.loaded(rows: size.rows, cols: size.cols, catalog: Self.catalog)
        Fixture.select("shop_uploads", &s)
        return s
    }

    private func rowText(_ s: AppState, _ name: String) -> String {
        Fixture.screen(s).text.split(separator: "\n").first { $0.contains(name) }.map(String.init) ?? ""
    }

    @Test(arguments: sizes) func table(_ size: Size) {
        expectScreen(Fixture.screen(loaded(size)), "widths-table-\(size.name)")
    }

    @Test func mountpointDropsTheSharedDataRootNotTheName() {
        let s = loaded(Size(rows: 50, cols: 200))
        for name in ["cache", "ci-cache", "grafana-data", "old-logs", "shop_db-data", "pgdata"] {
            let row = rowText(s, name + " ")
            #expect(row.contains("…/\(name)") || row.contains("…/volumes/\(name)"), "\(name): \(row)")
        }
        #expect(
            VolumeTable.mountpointText("/var/lib/docker/volumes/cache/_data", name: "cache", width: 40)
                == "/var/lib/docker/volumes/cache/_data")
        #expect(VolumeTable.mountpointText("/var/lib/docker/volumes/cache/_data", name: "cache", width: 24) == "…/volumes/cache/_data")
        #expect(VolumeTable.mountpointText("/var/lib/docker/volumes/cache/_data", name: "cache", width: 16) == "…/cache/_data")
    }

    @Test func composeTagStaysAt120Columns() {
        let s = loaded(Size(rows: 35, cols: 120))
        #expect(rowText(s, "pgdata").contains("pgdata (billing"))
        let long = rowText(s, "reporting")
        #expect(long.contains("(an") || long.contains("(analytics"), "the tag is kept, cut if need be: \(long)")
        #expect(VolumeTable.nameCell("data", tag: "project/db", width: 17).text == "data (project/db)")
        let cut = VolumeTable.nameCell("a-rather-long-volume-name", tag: "proj/db", width: 17).text
        #expect(CellGrid.columns(of: cut) <= 17 && cut.hasPrefix("a-rather") && cut.contains(" (pr") && cut.hasSuffix(")"), "\(cut)")
    }

    @Test func pathsBreakBetweenTheirParts() {
        #expect(
            Dashboard.brokenAtBoundaries("/var/lib/docker/volumes/shop_uploads/_data", width: 31) == [
                "/var/lib/docker/volumes/", "shop_uploads/_data"
            ])
        #expect(
            Dashboard.brokenAtBoundaries("com.docker.compose.volume=uploads", width: 31) == ["com.docker.compose.volume=", "uploads"])
        // No boundary in the second half: a hard cut, as before.
        #expect(Dashboard.brokenAtBoundaries("abcdefghij", width: 4) == ["abcd", "efgh", "ij"])
        let text = Fixture.screen(loaded(Size(rows: 35, cols: 120))).text
        #expect(text.contains("shop_uploads/_data"), "the volume's directory is not split")
        #expect(text.contains("com.docker.compose.volume="))
    }

    @Test func footerSaysMoreKeysExist() {
        #expect(Fixture.screen(loaded(Size(rows: 24, cols: 80))).text.contains("? more"))
        let wide = Fixture.screen(loaded(Size(rows: 50, cols: 200))).text
        #expect(wide.contains("? help") && !wide.contains("? more"))
    }

    @Test func dialogsUseTheirWidthBeforeCuttingNames() {
        var s = Fixture.loaded(rows: 50, cols: 200, catalog: Self.catalog)
        Fixture.select(Self.longName, &s)
        Fixture.press([.char(" ")], &s)
        Fixture.select("cache", &s)
        Fixture.press([.char(" ")], &s)
        Fixture.press([.char("D")], &s)
        #expect(Fixture.screen(s).text.contains(Self.longName), "bulk remove")
        Fixture.press([.escape], &s)
        Fixture.select(Self.longName, &s)
        Fixture.press([.char("d")], &s)
        #expect(Fixture.screen(s).text.contains("Remove volume \(Self.longName)?"))
        Fixture.press([.escape], &s)
        Fixture.press([.char("p"), .char("A")], &s)
        _ = Dashboard.reduce(&s, .prunePreviewLoaded(.success(PrunePlan(catalog: s.catalog, mode: .allUnused))))
        #expect(Fixture.screen(s).text.contains(Self.longName), "prune preview")
    }

    @Test(arguments: [Size(rows: 20, cols: 70), Size(rows: 16, cols: 60), Size(rows: 10, cols: 40)]) func smallTerminalsDegrade(
        _ size: Size
    ) {
        var s = Fixture.loaded(rows: size.rows, cols: size.cols)
        Fixture.select("cache", &s)
        let grid = Fixture.screen(s)
        expectScreen(grid, "small-\(size.name)")
        let text = grid.text
        #expect(!text.contains("too small"))
        #expect(text.contains("NAME") && text.contains("SIZE"))
        #expect(text.contains("cache") && text.contains("12.0 MiB"))
        for line in text.split(separator: "\n") { #expect(CellGrid.columns(of: String(line)) <= size.cols) }
    }

    @Test func aShortScreenShowsTheDetailPaneWhenTabFocusesIt() {
        var s = Fixture.loaded(rows: 16, cols: 60)
        Fixture.select("cache", &s)
        #expect(!Fixture.screen(s).text.contains("Mountpoint"), "the table keeps the rows")
        Fixture.press([.tab], &s)
        #expect(Fixture.screen(s).text.contains("Mountpoint"), "Tab shows the pane it focuses")
        Fixture.press([.tab], &s)
        #expect(!Fixture.screen(s).text.contains("Mountpoint"))
    }

    @Test func belowTheMinimumItSaysSo() {
        let s = Fixture.loaded(rows: 9, cols: 39)
        #expect(Fixture.screen(s).text.contains("terminal too small (need 40x10)"))
    }
}

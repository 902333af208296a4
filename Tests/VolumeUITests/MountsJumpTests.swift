import Foundation
import Testing

@testable import VolumeCore
@testable import VolumeUI

/// The mounts view's `--volumes-from` sources, the jump from a mount to its volume and back, and the detail pane
/// resolving `--volumes-from` without Tab.
@Suite struct MountsJumpTests {
    static let sizes = [
        ScreenTests.Size(rows: 24, cols: 80), ScreenTests.Size(rows: 35, cols: 120), ScreenTests.Size(rows: 50, cols: 200)
    ]

    /// shop-backup-1's detail: it got shop_db-data through `--volumes-from shop-db-1`.
    static var backupDetail: ContainerDetail {
        let json = """
            {"Mounts":[{"Type":"volume","Name":"shop_db-data","Source":"/var/lib/docker/volumes/shop_db-data/_data","Destination":"/var/lib/postgresql/data","Driver":"local","Mode":"","RW":false}],
            "HostConfig":{"VolumesFrom":["shop-db-1:ro"]}}
            """
        return try! ContainerDetail(json: Data(json.utf8))
    }

    private func selectContainer(_ name: String, _ s: inout AppState) {
        Fixture.press([.char("g")], &s)
        while s.selectedContainer?.name != name, s.mounts.cursor.selection < s.catalog.containers.count - 1 {
            Fixture.press([.char("j")], &s)
        }
    }

    private func text(_ s: AppState) -> String { Fixture.screen(s).text }

    @Test func aMountFromVolumesFromSaysWhere() {
        var s = Fixture.loaded(rows: 35, cols: 120)
        Fixture.press([.char("m")], &s)
        selectContainer("shop-backup-1", &s)
        #expect(!text(s).contains("via --volumes-from"), "unknown until the container's detail arrives")
        _ = Dashboard.reduce(&s, .containerDetailLoaded(id: "id-shop-backup-1", .success(Self.backupDetail)))
        #expect(text(s).contains("via --volumes-from shop-db-1"))
        let rows = Dashboard.mountRows(
            s.selectedContainer!, detail: Self.backupDetail, containers: s.catalog.containers)
        #expect(rows.map(\.via) == ["shop-db-1"])
        // The source's own mount is not "via" anything.
        let db = s.catalog.containers.first { $0.name == "shop-db-1" }!
        #expect(Dashboard.mountRows(db, detail: nil, containers: s.catalog.containers).map(\.via) == [nil])
    }

    @Test func enterOnAContainerSelectsItsVolumeInTheTableAndMComesBack() {
        var s = Fixture.loaded(rows: 35, cols: 120)
        Fixture.select("cache", &s)
        Fixture.press([.char("m")], &s)
        selectContainer("grafana", &s)
        Fixture.press([.enter], &s)
        #expect(s.mode == .volumes)
        #expect(s.selectedEntry?.name == "grafana-data")
        #expect(s.notice?.text == "m returns to the mounts view")
        // m goes back to the container it came from.
        Fixture.press([.char("m")], &s)
        #expect(s.mode == .mounts && s.selectedContainer?.name == "grafana")
        // From a volume used elsewhere, m lands on a container that uses it.
        Fixture.press([.escape], &s)
        Fixture.select("shop_uploads", &s)
        Fixture.press([.char("m")], &s)
        #expect(s.selectedContainer?.name == "shop-web-1")
        // A filter that hides the volume is cleared so the volume can be shown.
        Fixture.press([.escape, .char("/")], &s)
        Fixture.type("cache", &s)
        Fixture.press([.enter, .char("m")], &s)
        selectContainer("shop-db-1", &s)
        Fixture.press([.enter], &s)
        #expect(s.table.filter.isEmpty)
        #expect(s.selectedEntry?.name == "shop_db-data")
        // A container without volumes says so and stays.
        Fixture.press([.char("m")], &s)
        selectContainer("builder", &s)
        Fixture.press([.enter], &s)
        #expect(s.mode == .mounts)
        #expect(s.notice?.text == "builder mounts no volume")
    }

    @Test func enterAgainShowsTheContainersNextVolume() {
        var containers = Fixture.containers
        containers[0].mounts.append(MountPoint(type: "volume", name: "old-logs", destination: "/logs", driver: "local"))
        var s = Fixture.loaded(
            rows: 35, cols: 120, catalog: Catalog(volumes: Fixture.volumes, containers: containers, sizes: nil, takenAt: Fixture.now))
        Fixture.press([.char("m")], &s)
        selectContainer("shop-db-1", &s)
        Fixture.press([.enter], &s)
        let first = s.selectedEntry?.name
        Fixture.press([.char("m"), .enter], &s)
        let second = s.selectedEntry?.name
        #expect(Set([first, second]) == ["shop_db-data", "old-logs"])
        #expect(s.notice?.text.hasPrefix("volume 2 of 2 of shop-db-1") == true)
    }

    @Test func theDetailPaneResolvesVolumesFromWithoutTab() {
        var s = Fixture.loaded(rows: 35, cols: 120)
        Fixture.select("cache", &s)
        var effects = Fixture.press([.char("g")], &s)
        while s.selectedEntry?.name != "shop_db-data" { effects += Fixture.press([.char("j")], &s) }
        #expect(effects.contains(.resolveOwners("shop_db-data")), "selecting a volume with owners resolves them")
        #expect(s.focus == .table)
        // Once asked, not again while it is on its way; a volume without owners asks nothing.
        Fixture.select("cache", &s)
        effects = Fixture.press([.char("g")], &s)
        while s.selectedEntry?.name != "shop_db-data" { effects += Fixture.press([.char("j")], &s) }
        #expect(!effects.contains(.resolveOwners("shop_db-data")))
        _ = Dashboard.reduce(&s, .ownersResolved(name: "shop_db-data", .success(Fixture.resolvedDBOwners)))
        #expect(text(s).contains("via --volumes-from shop-db-1"), "shown with the table focused")
    }

    /// A request the runner dropped (the selection moved on before its debounce ended) is asked again when the
    /// volume is selected, and at once if it still is.
    @Test func aSkippedOwnersRequestIsAskedAgain() {
        var s = Fixture.loaded(rows: 35, cols: 120)
        Fixture.select("cache", &s)
        var effects = Fixture.press([.char("g")], &s)
        while s.selectedEntry?.name != "shop_db-data" { effects += Fixture.press([.char("j")], &s) }
        #expect(effects.contains(.resolveOwners("shop_db-data")))
        // Still selected: asked again at once.
        #expect(Dashboard.reduce(&s, .ownersSkipped(name: "shop_db-data")) == [.resolveOwners("shop_db-data")])
        // Selected elsewhere: nothing now, asked when selected again.
        Fixture.select("cache", &s)
        #expect(Dashboard.reduce(&s, .ownersSkipped(name: "shop_db-data")).isEmpty)
        effects = Fixture.press([.char("g")], &s)
        while s.selectedEntry?.name != "shop_db-data" { effects += Fixture.press([.char("j")], &s) }
        #expect(effects.contains(.resolveOwners("shop_db-data")))
    }

    @Test(arguments: sizes) func mountsWithVolumesFrom(_ size: ScreenTests.Size) {
        var s = Fixture.loaded(rows: size.rows, cols: size.cols)
        Fixture.press([.char("m")], &s)
        selectContainer("shop-backup-1", &s)
        _ = Dashboard.reduce(&s, .containerDetailLoaded(id: "id-shop-backup-1", .success(Self.backupDetail)))
        expectScreen(Fixture.screen(s), "mounts-volumes-from-\(size.name)")
    }
}

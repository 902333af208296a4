import Foundation
import Testing
import VolumeCore

@testable import VolumeUI

/// Golden screens at the smallest supported size and a large one.
@Suite struct ScreenTests {
    struct Size: Sendable, CustomTestStringConvertible {
        var rows: Int
        var cols: Int
        var name: String { "\(cols)x\(rows)" }
        var testDescription: String { name }
    }

    static let sizes = [Size(rows: 24, cols: 80), Size(rows: 45, cols: 160)]

    private func check(_ state: AppState, _ name: String, _ size: Size, sourceLocation: SourceLocation = #_sourceLocation) {
        expectScreen(Fixture.screen(state), "\(name)-\(size.name)", sourceLocation: sourceLocation)
    }

    @Test(arguments: sizes) func table(_ size: Size) {
        var s = Fixture.loaded(rows: size.rows, cols: size.cols)
        Fixture.select("shop_uploads", &s)
        check(s, "table", size)
    }

    @Test(arguments: sizes) func loading(_ size: Size) {
        var s = AppState(header: Fixture.header, isReadOnly: false, now: Fixture.now)
        _ = Dashboard.start(&s)
        _ = Dashboard.reduce(&s, .resize(rows: size.rows, cols: size.cols))
        check(s, "loading", size)
        _ = Dashboard.reduce(&s, .catalogLoaded(.success(Fixture.catalog)))
        check(s, "measuring", size)
    }

    /// The volume list before the containers: names at once, owners and status "loading", never "unused".
    @Test(arguments: sizes) func namesBeforeOwners(_ size: Size) {
        var s = AppState(header: Fixture.header, isReadOnly: false, now: Fixture.now)
        _ = Dashboard.start(&s)
        _ = Dashboard.reduce(&s, .resize(rows: size.rows, cols: size.cols))
        _ = Dashboard.reduce(&s, .volumesListed(Catalog(volumes: Fixture.volumes, containers: [], takenAt: Fixture.now)))
        check(s, "names-before-owners", size)
        // Above the footer (whose "u unused" names a key), nothing says unused.
        let text = Fixture.screen(s).text.split(separator: "\n").dropLast().joined(separator: "\n")
        #expect(!text.contains("unused") && !text.contains("reclaimable"))
    }

    @Test(arguments: sizes) func detailPane(_ size: Size) {
        var s = Fixture.loaded(rows: size.rows, cols: size.cols)
        Fixture.select("shop_db-data", &s)
        Fixture.press([.tab], &s)
        _ = Dashboard.reduce(&s, .ownersResolved(name: "shop_db-data", .success(Fixture.resolvedDBOwners)))
        check(s, "detail", size)
    }

    @Test(arguments: sizes) func mountsView(_ size: Size) {
        var s = Fixture.loaded(rows: size.rows, cols: size.cols)
        Fixture.press([.char("m")], &s)
        let web = s.catalog.containers.firstIndex { $0.name == "shop-web-1" }!
        Fixture.press(Array(repeating: .char("j"), count: web), &s)
        _ = Dashboard.reduce(&s, .containerDetailLoaded(id: "id-shop-web-1", .success(Fixture.webDetail)))
        check(s, "mounts", size)
    }

    @Test(arguments: sizes) func createForm(_ size: Size) {
        var s = Fixture.loaded(rows: size.rows, cols: size.cols)
        Fixture.press([.char("c")], &s)
        Fixture.type("x", &s)
        check(s, "create-invalid", size)
        Fixture.type("-data", &s)
        Fixture.press([.tab, .tab], &s)
        Fixture.type("team=web", &s)
        check(s, "create-valid", size)
        Fixture.press([.enter], &s)
        _ = Dashboard.reduce(
            &s,
            .volumeCreated(
                .failure(
                    EngineError(
                        .conflict, "creating volume x-data: a volume named x-data already exists with different labels",
                        cause: "volume x-data already exists"))))
        check(s, "create-engine-error", size)
    }

    @Test(arguments: sizes) func inspect(_ size: Size) {
        var s = Fixture.loaded(rows: size.rows, cols: size.cols)
        Fixture.select("shop_db-data", &s)
        Fixture.press([.char("i")], &s)
        let json = """
            {
                "CreatedAt": "2026-11-06T12:00:00Z",
                "Driver": "local",
                "Labels": {
                    "com.docker.compose.project": "shop",
                    "com.docker.compose.version": "2.29.1",
                    "com.docker.compose.volume": "db-data"
                },
                "Mountpoint": "/var/lib/docker/volumes/shop_db-data/_data",
                "Name": "shop_db-data",
                "Options": null,
                "Scope": "local",
                "Owners": [
                    {
                        "Name": "shop-db-1",
                        "State": "running",
                        "Image": "postgres:16",
                        "Destination": "/var/lib/postgresql/data",
                        "RW": true
                    },
                    {
                        "Name": "shop-backup-1",
                        "State": "exited",
                        "Image": "alpine:3.20",
                        "Destination": "/var/lib/postgresql/data",
                        "RW": false,
                        "VolumesFrom": "shop-db-1"
                    }
                ]
            }
            """
        _ = Dashboard.reduce(&s, .inspectLoaded(name: "shop_db-data", .success(json)))
        Fixture.press([.char("/")], &s)
        Fixture.type("shop-", &s)
        Fixture.press([.enter], &s)
        check(s, "inspect", size)
    }

    @Test(arguments: sizes) func removeConfirm(_ size: Size) {
        var s = Fixture.loaded(rows: size.rows, cols: size.cols)
        Fixture.select("old-logs", &s)
        Fixture.press([.char("d")], &s)
        check(s, "remove-confirm", size)
    }

    /// With a trash, the confirms say the copy is kept (and which volumes are over its cap, deleted for good).
    @Test(arguments: sizes) func removeConfirmsWithTheTrash(_ size: Size) {
        var s = Fixture.loaded(rows: size.rows, cols: size.cols)
        s.trash = TrashNote(retentionText: "7 days", maxVolumeBytes: 1 << 30)
        Fixture.select("old-logs", &s)
        Fixture.press([.char("d")], &s)
        check(s, "remove-confirm-trash", size)
        Fixture.press([.escape], &s)
        s.trash = TrashNote(retentionText: "7 days", maxVolumeBytes: 1 << 20)
        for name in ["cache", "ci-cache", Fixture.leakedAnon, "old-logs", "grafana-data"] {
            Fixture.select(name, &s)
            Fixture.press([.char(" ")], &s)
        }
        Fixture.press([.char("D")], &s)
        check(s, "bulk-remove-trash", size)
    }

    @Test(arguments: sizes) func removeInUse(_ size: Size) {
        var s = Fixture.loaded(rows: size.rows, cols: size.cols)
        Fixture.select("shop_db-data", &s)
        Fixture.press([.char("d")], &s)
        check(s, "remove-in-use", size)
    }

    @Test(arguments: sizes) func bulkRemove(_ size: Size) {
        var s = Fixture.loaded(rows: size.rows, cols: size.cols)
        for name in ["cache", "ci-cache", Fixture.leakedAnon, "old-logs", "grafana-data"] {
            Fixture.select(name, &s)
            Fixture.press([.char(" ")], &s)
        }
        Fixture.press([.char("D")], &s)
        check(s, "bulk-remove", size)
    }

    @Test(arguments: sizes) func prune(_ size: Size) {
        var s = Fixture.loaded(rows: size.rows, cols: size.cols)
        let measured = Catalog(volumes: Fixture.volumes, containers: Fixture.containers, sizes: Fixture.sizeTable, takenAt: Fixture.now)
        Fixture.press([.char("p")], &s)
        check(s, "prune-loading", size)
        _ = Dashboard.reduce(&s, .prunePreviewLoaded(.success(PrunePlan(catalog: measured, mode: .unusedAnonymous))))
        check(s, "prune-anonymous", size)
        Fixture.press([.tab], &s)
        _ = Dashboard.reduce(&s, .prunePreviewLoaded(.success(PrunePlan(catalog: measured, mode: .allUnused))))
        check(s, "prune-all", size)
        Fixture.press([.char("y")], &s)
        _ = Dashboard.reduce(
            &s,
            .pruneFinished(
                .success(
                    Fixture.pruneResult(
                        removed: ["cache", "ci-cache", Fixture.leakedAnon],
                        skipped: [
                            (
                                name: "old-logs", reason: "in-use",
                                message: "volume old-logs is in use by logship (running): a container started using it after the preview"
                            )
                        ],
                        reclaimedBytes: 2_482_193_203))))
        check(s, "prune-result", size)
    }

    @Test(arguments: sizes) func help(_ size: Size) {
        var s = Fixture.loaded(rows: size.rows, cols: size.cols)
        Fixture.press([.char("?")], &s)
        check(s, "help", size)
    }

    @Test(arguments: sizes) func errorBanner(_ size: Size) {
        var s = Fixture.loaded(rows: size.rows, cols: size.cols)
        _ = Dashboard.reduce(
            &s,
            .catalogLoaded(
                .failure(
                    EngineError(
                        .unreachable, "the engine at unix:///var/run/docker.sock does not answer: start dockerd or pick another --context",
                        cause: "connection refused"))))
        check(s, "error-banner", size)
    }

    @Test(arguments: sizes) func eventStreamLost(_ size: Size) {
        var s = Fixture.loaded(rows: size.rows, cols: size.cols)
        _ = Dashboard.reduce(&s, .eventStreamChanged(.disconnected(reason: "connection reset by peer", retryIn: 5)))
        check(s, "events-lost", size)
    }

    @Test(arguments: sizes) func readOnly(_ size: Size) {
        var s = Fixture.loaded(rows: size.rows, cols: size.cols, readOnly: true)
        Fixture.select("cache", &s)
        Fixture.press([.char("d")], &s)
        check(s, "read-only", size)
    }

    @Test(arguments: sizes) func filterActive(_ size: Size) {
        var s = Fixture.loaded(rows: size.rows, cols: size.cols)
        Fixture.press([.char("s"), .char("u"), .char("/")], &s)
        Fixture.type("!cache", &s)
        check(s, "filter", size)
    }

    @Test(arguments: sizes) func untrustedText(_ size: Size) {
        var s = Fixture.loaded(rows: size.rows, cols: size.cols, catalog: Fixture.unicodeCatalog, sizes: Fixture.unicodeSizes)
        Fixture.select("📦-boxes-🐳", &s)
        check(s, "unicode", size)
        let text = Fixture.screen(s).text
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "no raw escape reaches the screen")
        #expect(text.contains("\\e[31m"))
    }

    @Test func tooSmall() {
        let s = Fixture.loaded(rows: 9, cols: 39)
        expectScreen(Fixture.screen(s), "too-small-39x9")
    }
}

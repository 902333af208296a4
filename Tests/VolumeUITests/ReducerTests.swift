import Foundation
import Testing
import VolumeCore

@testable import VolumeUI

@Suite struct ReducerTests {
    // MARK: Start-up and loading

    @Test func startLoadsTheCatalogThenSizesOnce() {
        var s = AppState(header: Fixture.header, isReadOnly: false, now: Fixture.now)
        let first = Dashboard.start(&s)
        #expect(first.contains(.loadCatalog))
        #expect(first.contains { if case .scheduleTick = $0 { return true } else { return false } })
        let afterCatalog = Dashboard.reduce(&s, .catalogLoaded(.success(Fixture.catalog)))
        #expect(afterCatalog.contains(.loadSizes))
        #expect(s.isLoadingSizes)
        // While sizes load, another catalog (from an event) does not ask again; it is queued once.
        _ = Dashboard.reduce(&s, .eventReceived(EngineEvent(type: "volume", action: "create", actorID: "x")))
        let second = Dashboard.reduce(&s, .catalogLoaded(.success(Fixture.catalog)))
        #expect(!second.contains(.loadSizes))
        let sized = Dashboard.reduce(&s, .sizesLoaded(.success(Fixture.sizes)))
        #expect(sized == [.loadSizes])
        let done = Dashboard.reduce(&s, .sizesLoaded(.success(Fixture.sizes)))
        #expect(done.isEmpty, "idle means idle: no tick, no load")
        #expect(s.catalog.entry(named: "cache")?.size == .bytes(12_582_912))
    }

    /// Fast ticks only while something animates; otherwise one tick when a shown age next changes its text (the
    /// fixture's youngest row on screen is hours old: the next tick is up to an hour away, never sooner).
    @Test func ticksOnlyWhileSomethingAnimates() {
        var s = Fixture.loaded()
        func onlySlowTicks(_ effects: [Effect]) -> Bool {
            effects.allSatisfy { if case .scheduleTick(let after) = $0 { return after >= 60 } else { return false } }
        }
        #expect(onlySlowTicks(Dashboard.reduce(&s, .tick(Fixture.now.addingTimeInterval(1)))))
        #expect((s.tickInterval ?? 0) >= 60)
        _ = Fixture.press([.char("r")], &s)
        #expect((s.tickInterval ?? 0) >= 60, "sizes are known, so refreshing shows no spinner")
        var fresh = AppState(header: Fixture.header, isReadOnly: false, now: Fixture.now)
        _ = Dashboard.start(&fresh)
        _ = Dashboard.reduce(&fresh, .catalogLoaded(.success(Fixture.catalog)))
        #expect(fresh.isSpinning)
        let tick = Dashboard.reduce(&fresh, .tick(Fixture.now.addingTimeInterval(0.1)))
        #expect(tick == [.scheduleTick(after: 0.1)])
        #expect(fresh.spinnerFrame == 1)
        #expect(fresh.now == Fixture.now.addingTimeInterval(0.1))
        _ = Dashboard.reduce(&fresh, .sizesLoaded(.success(Fixture.sizes)))
        #expect(onlySlowTicks(Dashboard.reduce(&fresh, .tick(Fixture.now.addingTimeInterval(0.2)))))
    }

    /// Ages follow the clock: a row created 50 s ago reads "50s", a tick lands when it turns "51s", then once a
    /// minute after it turns "1m"; a spinner that starts meanwhile gets its fast tick at once.
    @Test func agesFollowTheClockWithOneTickPerChange() {
        let young = Volume(name: "young", createdAt: "2026-11-29T11:59:10Z")
        var s = Fixture.loaded(catalog: Catalog(volumes: [young], containers: [], takenAt: Fixture.now))
        #expect(Fixture.screen(s).text.contains("50s"))
        let interval = s.tickInterval ?? 0
        #expect(interval > 0.9 && interval < 1.2, "\(interval)")
        _ = Dashboard.reduce(&s, .tick(Fixture.now.addingTimeInterval(10)))
        #expect(Fixture.screen(s).text.contains("1m"))
        let minute = s.tickInterval ?? 0
        #expect(minute > 59 && minute < 61, "the next change is at 2m: \(minute)")
        // A spinner (a prune preview loading) needs a tick sooner than the pending one: it is scheduled.
        let effects = Dashboard.reduce(&s, .key(.char("p")))
        #expect(effects.contains(.scheduleTick(after: 0.1)), "\(effects)")
        #expect(Format.secondsUntilAgeChanges(59.5) == 0.5)
        #expect(Format.secondsUntilAgeChanges(3600) == 3600)
    }

    @Test func eventsThatChangeTheCatalogReload() {
        var s = Fixture.loaded()
        let effects = Dashboard.reduce(&s, .eventReceived(EngineEvent(type: "container", action: "start", actorID: "id-worker")))
        // Asked for by an event: the runtime lets the events settle before it loads.
        #expect(effects == [.refreshCatalog])
        // A burst while the load is in flight asks once more, after it returns.
        #expect(Dashboard.reduce(&s, .eventReceived(EngineEvent(type: "volume", action: "destroy", actorID: "cache"))).isEmpty)
        let next = Dashboard.reduce(&s, .catalogLoaded(.success(Fixture.catalog)))
        #expect(next.contains(.loadSizes))
        #expect(next.contains(.refreshCatalog))
        // Events before the load sent its requests are in its answer: no second load for them.
        var settled = Fixture.loaded()
        func created(_ name: String) -> Action { .eventReceived(EngineEvent(type: "volume", action: "create", actorID: name)) }
        #expect(Dashboard.reduce(&settled, created("a")) == [.refreshCatalog])
        #expect(Dashboard.reduce(&settled, created("b")).isEmpty)
        #expect(Dashboard.reduce(&settled, .catalogLoadStarted).isEmpty)
        #expect(!Dashboard.reduce(&settled, .catalogLoaded(.success(Fixture.catalog))).contains(.refreshCatalog))
        // One after the start may be missing from it: once more.
        #expect(Dashboard.reduce(&settled, created("c")) == [.refreshCatalog])
        #expect(Dashboard.reduce(&settled, .catalogLoadStarted).isEmpty)
        #expect(Dashboard.reduce(&settled, created("d")).isEmpty)
        #expect(Dashboard.reduce(&settled, .catalogLoaded(.success(Fixture.catalog))).contains(.refreshCatalog))
        // Noise does nothing.
        var idle = Fixture.loaded()
        #expect(Dashboard.reduce(&idle, .eventReceived(EngineEvent(type: "container", action: "exec_start: sh", actorID: "x"))).isEmpty)
    }

    @Test func refreshReloadsCatalogAndSizes() throws {
        var s = Fixture.loaded()
        let effects = Fixture.press([.char("r")], &s)
        #expect(effects.prefix(2) == [.loadCatalog, .loadSizes])
        let names = try #require(effects.last?.measuredNames)
        #expect(Set(names) == Set(s.catalog.entries.map(\.name)))
    }

    @Test func lostEventStreamShowsACountdownAndRelistsOnReconnect() {
        var s = Fixture.loaded()
        let effects = Dashboard.reduce(&s, .eventStreamChanged(.disconnected(reason: "connection reset", retryIn: 4)))
        #expect(effects == [.scheduleTick(after: 1)])
        #expect(s.banners.first?.text == "live updates lost (connection reset): reconnecting in 4s")
        _ = Dashboard.reduce(&s, .tick(Fixture.now.addingTimeInterval(10)))
        _ = Dashboard.reduce(&s, .tick(Fixture.now.addingTimeInterval(12)))
        #expect(s.banners.first?.text == "live updates lost (connection reset): reconnecting in 2s")
        _ = Dashboard.reduce(&s, .tick(Fixture.now.addingTimeInterval(14)))
        #expect(s.banners.first?.text == "live updates lost (connection reset): reconnecting…")
        #expect((s.tickInterval ?? 0) >= 60, "the countdown stops at zero (only an age tick remains)")
        let back = Dashboard.reduce(&s, .eventStreamChanged(.connected))
        #expect(back == [.loadCatalog])
        #expect(s.banners.isEmpty)
    }

    @Test func catalogErrorShowsABannerThatEscDismisses() {
        var s = Fixture.loaded()
        _ = Fixture.press([.char("r")], &s)
        _ = Dashboard.reduce(
            &s,
            .catalogLoaded(
                .failure(EngineError(.unreachable, "the engine at unix:///var/run/docker.sock does not answer: is dockerd running?"))))
        #expect(s.errorBanner?.code == .unreachable)
        #expect(s.catalog.entries.count == Fixture.volumes.count, "the last catalog stays")
        _ = Fixture.press([.escape], &s)
        #expect(s.errorBanner == nil)
    }

    @Test func resizeIsStored() {
        var s = Fixture.loaded()
        _ = Dashboard.reduce(&s, .resize(rows: 45, cols: 160))
        #expect(s.rows == 45 && s.cols == 160)
    }

    // MARK: Navigation

    @Test func movesWithKeysAndStaysInBounds() {
        var s = Fixture.loaded()
        let names = s.table.visibleIndices.map { s.catalog.entries[$0].name }
        #expect(s.table.cursor.selection == 0)
        Fixture.press([.char("j"), .down], &s)
        #expect(s.selectedEntry?.name == names[2])
        Fixture.press([.char("k")], &s)
        #expect(s.table.cursor.selection == 1)
        Fixture.press([.char("G")], &s)
        #expect(s.table.cursor.selection == names.count - 1)
        Fixture.press([.char("j")], &s)
        #expect(s.table.cursor.selection == names.count - 1)
        Fixture.press([.home], &s)
        #expect(s.table.cursor.selection == 0)
        Fixture.press([.up], &s)
        #expect(s.table.cursor.selection == 0)
        Fixture.press([.end], &s)
        #expect(s.table.cursor.selection == names.count - 1)
        Fixture.press([.char("g"), .pageDown], &s)
        #expect(s.table.cursor.selection > 1)
        Fixture.press([.pageUp], &s)
        #expect(s.table.cursor.selection == 0)
    }

    @Test func scrollKeepsTheSelectionVisible() {
        let (catalog, sizes) = Fixture.bigCatalog(100)
        var s = Fixture.loaded(catalog: catalog, sizes: sizes)
        let body = PaneLayout(s, rows: s.rows, cols: s.cols).tableBody.height
        Fixture.press(Array(repeating: .char("j"), count: 30), &s)
        #expect(s.table.cursor.selection == 30)
        #expect(s.table.cursor.scroll <= 30 && 30 < s.table.cursor.scroll + body)
        Fixture.press([.char("G")], &s)
        #expect(s.table.cursor.scroll == 100 - body)
    }

    @Test func tabFocusesTheDetailAndResolvesOwners() {
        var s = Fixture.loaded()
        // Selecting the volume already asks (the detail pane shows --volumes-from without Tab); Tab does not ask twice.
        Fixture.select("shop_db-data", &s)
        #expect(s.requestedOwners.contains("shop_db-data"))
        #expect(Fixture.press([.tab], &s) == [])
        #expect(s.focus == .detail)
        // In the detail pane j/k scroll it, and the table stays put.
        Fixture.press([.char("j")], &s)
        #expect(s.selectedEntry?.name == "shop_db-data")
        #expect(s.detailScroll == 1)
        Fixture.press([.tab], &s)
        #expect(s.focus == .table)
        // Tab into the detail pane asks again only when the first answer never came (here it is still on its way).
        #expect(Fixture.press([.tab], &s) == [])
        _ = Dashboard.reduce(&s, .ownersResolved(name: "shop_db-data", .success(Fixture.resolvedDBOwners)))
        Fixture.press([.escape], &s)
        #expect(Fixture.press([.tab], &s).isEmpty)
    }

    @Test func mouseClickSelectsAndWheelScrolls() {
        var s = Fixture.loaded()
        let body = PaneLayout(s, rows: s.rows, cols: s.cols).tableBody
        _ = Dashboard.reduce(&s, .mouse(MouseEvent(kind: .press, row: body.row + 3, col: 10)))
        #expect(s.table.cursor.selection == 3)
        _ = Dashboard.reduce(&s, .mouse(MouseEvent(kind: .wheelDown, row: body.row, col: 10)))
        #expect(s.table.cursor.selection == 6)
        _ = Dashboard.reduce(&s, .mouse(MouseEvent(kind: .wheelUp, row: body.row, col: 10)))
        #expect(s.table.cursor.selection == 3)
        // A click below the last row selects nothing new.
        _ = Dashboard.reduce(&s, .mouse(MouseEvent(kind: .press, row: body.row + body.height - 1, col: 10)))
        #expect(s.table.cursor.selection == 3)
        // A click in the detail pane focuses it.
        let detail = PaneLayout(s, rows: s.rows, cols: s.cols).detail!
        _ = Dashboard.reduce(&s, .mouse(MouseEvent(kind: .press, row: detail.row + 2, col: 5)))
        #expect(s.focus == .detail)
    }

    @Test func selectionFollowsTheVolumeAcrossReloads() {
        var s = Fixture.loaded()
        Fixture.select("old-logs", &s)
        let row = s.table.cursor.selection
        // A new volume sorted before it appears elsewhere: the selection stays on old-logs.
        var volumes = Fixture.volumes
        volumes.append(Fixture.volume("aaa-new", age: 1))
        _ = Dashboard.reduce(&s, .catalogLoaded(.success(Catalog(volumes: volumes, containers: Fixture.containers, takenAt: Fixture.now))))
        #expect(s.selectedEntry?.name == "old-logs")
        #expect(s.table.cursor.selection == row + 1)
        #expect(s.selectedEntry?.size == .bytes(314_572_800), "known sizes survive a reload")
        // When it goes away, the selection stays at the same row.
        volumes.removeAll { $0.name == "old-logs" }
        _ = Dashboard.reduce(&s, .catalogLoaded(.success(Catalog(volumes: volumes, containers: Fixture.containers, takenAt: Fixture.now))))
        #expect(s.table.cursor.selection == row + 1)
        #expect(s.selectedEntry != nil)
    }

    // MARK: Filter, sort, unused only

    @Test func filterMatchesNameLabelsProjectAndOwners() {
        func visible(_ text: String) -> [String] {
            var s = Fixture.loaded()
            Fixture.press([.char("/")], &s)
            Fixture.type(text, &s)
            Fixture.press([.enter], &s)
            #expect(!s.table.isEditingFilter)
            return s.table.visibleIndices.map { s.catalog.entries[$0].name }
        }
        #expect(visible("logs") == ["old-logs"])
        #expect(visible("team=ci") == ["ci-cache"])
        #expect(visible("SHOP") == ["shop_db-data", "shop_uploads"])
        #expect(visible("grafana") == ["grafana-data"])
        #expect(visible("backup") == ["shop_db-data"], "owner names are searched")
        let inverted = visible("!shop")
        #expect(inverted.count == Fixture.volumes.count - 2)
        #expect(!inverted.contains("shop_db-data"))
        #expect(visible("!").count == Fixture.volumes.count)
    }

    @Test func filterIsLiveAndEscClearsIt() {
        var s = Fixture.loaded()
        Fixture.press([.char("/")], &s)
        Fixture.type("cach", &s)
        #expect(s.table.visibleIndices.count == 2)
        Fixture.press([.backspace, .backspace, .backspace, .backspace], &s)
        #expect(s.table.visibleIndices.count == Fixture.volumes.count)
        Fixture.type("q", &s)
        #expect(!s.shouldQuit, "q is a character in the filter")
        #expect(s.table.filter.text == "q")
        Fixture.press([.escape], &s)
        #expect(s.table.filter.isEmpty && !s.table.isEditingFilter)
        #expect(s.table.visibleIndices.count == Fixture.volumes.count)
        // Esc in the table clears an applied filter.
        Fixture.press([.char("/")], &s)
        Fixture.type("cache", &s)
        Fixture.press([.enter, .escape], &s)
        #expect(s.table.filter.isEmpty)
    }

    @Test func sortCyclesAndReverses() {
        var s = Fixture.loaded()
        func names() -> [String] { s.table.visibleIndices.map { s.catalog.entries[$0].name } }
        #expect(s.table.sortKey == .name)
        #expect(names() == names().sorted())
        Fixture.press([.char("s")], &s)
        #expect(s.table.sortKey == .size)
        #expect(names().first == "ci-cache")
        #expect(Array(names().suffix(2)).sorted() == ["ebs-archive", "nfs-share"], "unknown sizes sort last")
        Fixture.press([.char("S")], &s)
        #expect(s.table.isSortReversed)
        #expect(names().last == "ci-cache")
        Fixture.press([.char("s")], &s)
        #expect(s.table.sortKey == .created && !s.table.isSortReversed)
        #expect(names().first == Fixture.leakedAnon)
        Fixture.press([.char("s")], &s)
        #expect(s.table.sortKey == .owners)
        #expect(names().first == "shop_db-data")
        Fixture.press([.char("s")], &s)
        #expect(s.table.sortKey == .status)
        #expect(names().first == Fixture.leakedAnon)
        Fixture.press([.char("s")], &s)
        #expect(s.table.sortKey == .name)
    }

    @Test func sortKeepsTheSelectedVolume() {
        var s = Fixture.loaded()
        Fixture.select("grafana-data", &s)
        Fixture.press([.char("s"), .char("S"), .char("s")], &s)
        #expect(s.selectedEntry?.name == "grafana-data")
    }

    @Test func unusedOnlyToggles() {
        var s = Fixture.loaded()
        Fixture.press([.char("u")], &s)
        let names = Set(s.table.visibleIndices.map { s.catalog.entries[$0].name })
        #expect(names == ["cache", Fixture.leakedAnon, "old-logs", "ebs-archive", "ci-cache"])
        Fixture.press([.char("u")], &s)
        #expect(s.table.visibleIndices.count == Fixture.volumes.count)
    }

    @Test func spaceMarksAndMovesDown() {
        var s = Fixture.loaded()
        let first = s.selectedEntry!.name
        Fixture.press([.char(" ")], &s)
        #expect(s.marked == [first])
        #expect(s.table.cursor.selection == 1)
        Fixture.press([.char("k"), .char(" ")], &s)
        #expect(s.marked.isEmpty)
    }

    // MARK: Read-only

    @Test(arguments: ["c", "d", "D", "p"])
    func readOnlyDisablesDestructiveKeys(_ key: Character) {
        var s = Fixture.loaded(readOnly: true)
        Fixture.press([.char(" ")], &s)
        let effects = Fixture.press([.char(key)], &s)
        #expect(effects.isEmpty)
        #expect(s.dialog == nil)
        #expect(s.notice?.kind == .disabled)
        #expect(s.notice?.text.contains("read-only mode (--read-only)") == true)
        // Looking still works.
        #expect(Fixture.press([.char("i")], &s) == [.inspectVolume(s.selectedEntry!.name)])
    }

    // MARK: Remove

    @Test func removingAnInUseVolumeShowsOwnersAndEmitsNothing() throws {
        var s = Fixture.loaded()
        Fixture.select("shop_db-data", &s)
        #expect(Fixture.press([.char("d")], &s).isEmpty)
        let confirm = try #require(s.dialog?.removeConfirm)
        #expect(!confirm.canConfirm)
        #expect(confirm.blocked.first?.owners.map(\.containerName) == ["shop-db-1", "shop-backup-1"])
        #expect(Fixture.press([.char("y")], &s).isEmpty)
        #expect(Fixture.press([.enter], &s).isEmpty)
        let text = Fixture.screen(s).text
        #expect(text.contains("shop-db-1") && text.contains("shop-backup-1"))
        #expect(text.contains("in use by 2 containers"))
        Fixture.press([.escape], &s)
        #expect(s.dialog == nil)
    }

    @Test func removingAnUnusedVolumeAfterConfirm() {
        var s = Fixture.loaded()
        Fixture.select("cache", &s)
        Fixture.press([.char("d")], &s)
        #expect(Fixture.screen(s).text.contains("Remove volume cache?"))
        #expect(Fixture.screen(s).text.contains("12.0 MiB"))
        #expect(Fixture.press([.char("y")], &s) == [.removeVolumes(["cache"], force: false)])
        #expect(Fixture.press([.char("y")], &s).isEmpty, "a second y while removing does nothing")
        let after = Dashboard.reduce(&s, .volumesRemoved(["cache": nil]))
        #expect(after == [.loadCatalog])
        #expect(s.dialog == nil)
        #expect(s.notice?.text == "removed volume cache (12.0 MiB)")
    }

    @Test func escCancelsARemove() {
        var s = Fixture.loaded()
        Fixture.select("cache", &s)
        Fixture.press([.char("d")], &s)
        #expect(Fixture.press([.char("n")], &s).isEmpty)
        #expect(s.dialog == nil)
    }

    @Test func bulkRemoveListsEveryMarkedVolumeAndSkipsInUseOnes() {
        var s = Fixture.loaded()
        #expect(Fixture.press([.char("D")], &s).isEmpty)
        #expect(s.notice?.text.contains("Space") == true)
        for name in ["cache", "old-logs", "shop_uploads"] {
            Fixture.select(name, &s)
            Fixture.press([.char(" ")], &s)
        }
        #expect(s.marked == ["cache", "old-logs", "shop_uploads"])
        Fixture.press([.char("D")], &s)
        let text = Fixture.screen(s).text
        #expect(text.contains("cache") && text.contains("old-logs") && text.contains("shop_uploads"))
        #expect(text.contains("used by shop-web-1"))
        #expect(Fixture.press([.enter], &s) == [.removeVolumes(["cache", "old-logs"], force: false)])
        let failure = EngineError(.inUse, "volume old-logs is in use by x (running): stop and remove those containers first")
        _ = Dashboard.reduce(&s, .volumesRemoved(["cache": nil, "old-logs": failure]))
        #expect(s.marked == ["old-logs", "shop_uploads"])
        #expect(s.errorBanner == failure)
    }

    // MARK: Prune

    /// With a filter, the prune covers only the rows the table shows and says so; Space unticks a candidate, the
    /// total follows, and the prune removes exactly the ticked ones.
    @Test func pruneFollowsTheFilterAndUntickedStay() throws {
        var s = Fixture.loaded()
        Fixture.press([.char("/")], &s)
        Fixture.type("cache", &s)
        Fixture.press([.enter], &s)
        #expect(Fixture.press([.char("p"), .char("A")], &s) == [.previewPrune(.unusedAnonymous), .previewPrune(.allUnused)])
        let measured = Catalog(volumes: Fixture.volumes, containers: Fixture.containers, sizes: Fixture.sizeTable, takenAt: Fixture.now)
        _ = Dashboard.reduce(&s, .prunePreviewLoaded(.success(PrunePlan(catalog: measured, mode: .allUnused))))
        let prune = try #require(s.dialog?.pruneDialog)
        #expect(prune.plan?.candidates.map(\.name) == ["cache", "ci-cache"], "only the filtered rows, not old-logs")
        var text = Fixture.screen(s).text
        #expect(text.contains("matching /cache"))
        #expect(!text.contains("old-logs"))
        #expect(text.contains("total ~2.3 GiB"), "the engine's figures are marked")
        // Untick the first (the cursor moves on); the total follows.
        Fixture.press([.char(" ")], &s)
        text = Fixture.screen(s).text
        #expect(text.contains("[ ] cache") && text.contains("[x] ci-cache"))
        #expect(text.contains("1 volume (1 unticked, kept)"))
        let effects = Fixture.press([.char("y")], &s)
        let plan = try #require(effects.first?.prunePlan)
        #expect(plan.candidates.map(\.name) == ["ci-cache"])
        // Without a filter: every volume.
        var all = Fixture.loaded()
        _ = Fixture.press([.char("p")], &all)
        let unscoped = try #require(all.dialog?.pruneDialog)
        #expect(unscoped.scope == nil)
        // Unticking everything leaves nothing to confirm: y is not offered and does nothing.
        _ = Dashboard.reduce(&all, .prunePreviewLoaded(.success(PrunePlan(catalog: measured, mode: .unusedAnonymous))))
        Fixture.press([.char(" ")], &all)
        #expect(Fixture.press([.char("y")], &all).isEmpty)
        #expect(!Fixture.screen(all).text.contains("y prune"))
    }

    @Test func pruneFlowExecutesExactlyThePreviewedPlan() throws {
        var s = Fixture.loaded()
        #expect(Fixture.press([.char("p")], &s) == [.previewPrune(.unusedAnonymous)])
        // Confirming before the preview arrives does nothing.
        #expect(Fixture.press([.char("y")], &s).isEmpty)
        let measured = Catalog(volumes: Fixture.volumes, containers: Fixture.containers, sizes: Fixture.sizeTable, takenAt: Fixture.now)
        let anonymousPlan = PrunePlan(catalog: measured, mode: .unusedAnonymous)
        let allPlan = PrunePlan(catalog: measured, mode: .allUnused)
        _ = Dashboard.reduce(&s, .prunePreviewLoaded(.success(anonymousPlan)))
        #expect(Fixture.screen(s).text.contains("3f9c0a1b2c3d…"))
        // Toggle: re-preview in the other mode; a late answer for the old mode is ignored.
        #expect(Fixture.press([.tab], &s) == [.previewPrune(.allUnused)])
        _ = Dashboard.reduce(&s, .prunePreviewLoaded(.success(anonymousPlan)))
        let waiting = try #require(s.dialog?.pruneDialog)
        #expect(waiting.plan == nil)
        _ = Dashboard.reduce(&s, .prunePreviewLoaded(.success(allPlan)))
        #expect(Fixture.press([.char("A")], &s).isEmpty, "already in that mode")
        #expect(Fixture.press([.char("a")], &s) == [.previewPrune(.unusedAnonymous)])
        #expect(Fixture.press([.char("A")], &s) == [.previewPrune(.allUnused)])
        _ = Dashboard.reduce(&s, .prunePreviewLoaded(.success(allPlan)))
        let text = Fixture.screen(s).text
        #expect(text.contains("old-logs") && text.contains("ci-cache"))
        #expect(Fixture.press([.enter], &s) == [.executePrune(allPlan)])
        #expect(Fixture.press([.enter], &s).isEmpty, "no second prune while one runs")
        let result = Fixture.pruneResult(
            removed: ["cache", "ci-cache", Fixture.leakedAnon],
            skipped: [(name: "old-logs", reason: "in-use", message: "a container started using it after the preview")],
            reclaimedBytes: 2_482_193_203)
        #expect(Dashboard.reduce(&s, .pruneFinished(.success(result))) == [.loadCatalog])
        let done = Fixture.screen(s).text
        #expect(done.contains("Prune finished"))
        #expect(done.contains("2.3 GiB"))
        #expect(done.contains("a container started using it"))
        Fixture.press([.escape], &s)
        #expect(s.dialog == nil)
    }

    @Test func emptyPrunePlanCannotBeConfirmed() {
        var s = Fixture.loaded()
        Fixture.press([.char("p")], &s)
        _ = Dashboard.reduce(&s, .prunePreviewLoaded(.success(PrunePlan(catalog: .empty, mode: .unusedAnonymous))))
        #expect(Fixture.press([.char("y")], &s).isEmpty)
    }

    // MARK: Create

    @Test func createFormValidatesOnEveryKeystroke() throws {
        var s = Fixture.loaded()
        Fixture.press([.char("c")], &s)
        Fixture.type("x", &s)
        let form = try #require(s.dialog?.createForm)
        #expect(form.problem?.field == .name)
        #expect(form.problem?.message.contains("too short") == true)
        #expect(Fixture.press([.enter], &s).isEmpty, "an invalid name is not sent")
        Fixture.type("/y", &s)
        let bad = try #require(s.createForm, "the create form is open")
        #expect(bad.problem?.message.contains("does not allow") == true)
        Fixture.press([.backspace, .backspace], &s)
        Fixture.type("q-data", &s)
        let good = try #require(s.createForm, "the create form is open")
        #expect(good.name.text == "xq-data", "q is a character in the form")
        #expect(good.problem == nil)
        Fixture.press([.tab, .tab], &s)
        Fixture.type("team=web env", &s)
        let labels = try #require(s.createForm, "the create form is open")
        #expect(labels.problem?.field == .labels)
        Fixture.type("=dev", &s)
        Fixture.press([.down], &s)
        Fixture.type("type=tmpfs device=tmpfs o=size=64m", &s)
        let effects = Fixture.press([.enter], &s)
        #expect(
            effects == [
                .createVolume(
                    VolumeCreateRequest(
                        name: "xq-data", driver: "local", labels: ["team": "web", "env": "dev"],
                        options: ["type": "tmpfs", "device": "tmpfs", "o": "size=64m"]))
            ])
    }

    @Test func createShowsTheEngineErrorInTheFormAndEscCancels() throws {
        var s = Fixture.loaded()
        Fixture.press([.char("c")], &s)
        Fixture.type("dup", &s)
        #expect(Fixture.press([.enter], &s) == [.createVolume(VolumeCreateRequest(name: "dup"))])
        _ = Dashboard.reduce(&s, .volumeCreated(.failure(EngineError(.conflict, "a volume named dup exists with other options"))))
        let form = try #require(s.dialog?.createForm)
        #expect(form.engineError?.message == "a volume named dup exists with other options")
        #expect(Fixture.screen(s).text.contains("the engine refused"))
        #expect(Fixture.press([.escape], &s).isEmpty)
        #expect(s.dialog == nil)
    }

    @Test func createdVolumeGetsSelected() {
        var s = Fixture.loaded()
        Fixture.press([.char("c")], &s)
        Fixture.type("new-vol", &s)
        Fixture.press([.enter], &s)
        #expect(Dashboard.reduce(&s, .volumeCreated(.success(Volume(name: "new-vol")))) == [.loadCatalog])
        #expect(s.dialog == nil)
        let volumes = Fixture.volumes + [Fixture.volume("new-vol", age: 0)]
        let effects = Dashboard.reduce(
            &s, .catalogLoaded(.success(Catalog(volumes: volumes, containers: Fixture.containers, takenAt: Fixture.now))))
        #expect(effects.contains(.loadSizes))
        #expect(s.selectedEntry?.name == "new-vol")
    }

    @Test func emptyNameCreatesAnAnonymousVolume() {
        var s = Fixture.loaded()
        Fixture.press([.char("c")], &s)
        #expect(Fixture.press([.enter], &s) == [.createVolume(VolumeCreateRequest(name: nil))])
    }

    // MARK: Inspect

    @Test func inspectScrollsAndSearches() throws {
        var s = Fixture.loaded()
        Fixture.select("cache", &s)
        #expect(Fixture.press([.char("i")], &s) == [.inspectVolume("cache")])
        let json = (0..<60).map { "  \"line\($0)\": \($0 % 7 == 0 ? "\"Needle\"" : "1")," }.joined(separator: "\n")
        _ = Dashboard.reduce(&s, .inspectLoaded(name: "cache", .success(json)))
        Fixture.press([.char("j"), .char("j")], &s)
        let v1 = try #require(s.dialog?.inspectViewer)
        #expect(v1.scroll == 2)
        Fixture.press([.char("/")], &s)
        Fixture.type("needle", &s)
        Fixture.press([.enter], &s)
        let v2 = try #require(s.inspectViewer, "the inspect viewer is open")
        #expect(v2.matches == [0, 7, 14, 21, 28, 35, 42, 49, 56])
        #expect(v2.currentMatchLine == 7)
        Fixture.press([.char("n"), .char("n")], &s)
        let v3 = try #require(s.inspectViewer, "the inspect viewer is open")
        #expect(v3.currentMatchLine == 21)
        #expect(v3.scroll == 19)
        Fixture.press([.char("N")], &s)
        let v4 = try #require(s.inspectViewer, "the inspect viewer is open")
        #expect(v4.currentMatchLine == 14)
        Fixture.press([.char("G")], &s)
        let v5 = try #require(s.inspectViewer, "the inspect viewer is open")
        #expect(v5.scroll > 0 && v5.scroll < 60)
        #expect(!s.shouldQuit)
        Fixture.press([.char("q")], &s)
        #expect(!s.shouldQuit, "q does not quit from inside a dialog")
        Fixture.press([.escape], &s)
        #expect(s.dialog == nil)
    }

    @Test func lateInspectResultForAnotherVolumeIsIgnored() throws {
        var s = Fixture.loaded()
        Fixture.select("cache", &s)
        Fixture.press([.char("i")], &s)
        _ = Dashboard.reduce(&s, .inspectLoaded(name: "other", .success("{}")))
        let viewer = try #require(s.inspectViewer, "the inspect viewer is open")
        #expect(viewer.lines == nil)
    }

    // MARK: Mounts view and help

    @Test func mountsViewLoadsTheSelectedContainersDetail() {
        var s = Fixture.loaded()
        let first = s.catalog.containers[0].id
        #expect(Fixture.press([.char("m")], &s) == [.loadContainerDetail(first)])
        #expect(s.mode == .mounts)
        let second = s.catalog.containers[1].id
        #expect(Fixture.press([.char("j")], &s) == [.loadContainerDetail(second)])
        #expect(Fixture.press([.char("k")], &s).isEmpty, "already asked")
        _ = Dashboard.reduce(&s, .containerDetailLoaded(id: first, .success(Fixture.webDetail)))
        #expect(s.containerDetails[first] != nil)
        Fixture.press([.escape], &s)
        #expect(s.mode == .volumes)
    }

    @Test func helpOpensAndCloses() {
        var s = Fixture.loaded()
        Fixture.press([.char("m"), .char("?")], &s)
        #expect(s.mode == .help)
        Fixture.press([.char("j")], &s)
        Fixture.press([.escape], &s)
        #expect(s.mode == .mounts, "help returns where it came from")
    }

    // MARK: Quit

    @Test func qAndCtrlCQuit() {
        var s = Fixture.loaded()
        #expect(Fixture.press([.char("q")], &s) == [.quit])
        #expect(s.shouldQuit)
        var t = Fixture.loaded()
        Fixture.press([.char("c")], &t)
        Fixture.type("q", &t)
        #expect(!t.shouldQuit)
        #expect(Fixture.press([.ctrl("c")], &t) == [.quit])
        var u = Fixture.loaded()
        #expect(Fixture.press([.ctrl("C")], &u) == [.quit], "however the backend spells Ctrl-C")
    }

    /// Names show as soon as the volume list arrives; keys that need owners wait for them; the full catalog takes
    /// over, and a later early list never replaces a full catalog.
    @Test func namesArriveBeforeOwners() throws {
        var s = AppState(header: Fixture.header, isReadOnly: false, now: Fixture.now)
        let startEffects = Dashboard.start(&s)
        #expect(startEffects.contains(.loadCatalog))
        _ = Dashboard.reduce(&s, .resize(rows: 24, cols: 80))
        _ = Dashboard.reduce(&s, .volumesListed(Catalog(volumes: Fixture.volumes, containers: [], takenAt: Fixture.now)))
        #expect(s.catalog.entries.count == Fixture.volumes.count)
        #expect(s.areOwnersLoading)
        for key in [KeyPress.char("d"), .char("D"), .char("u")] {
            let effects = Fixture.press([key], &s)
            #expect(effects.isEmpty && s.dialog == nil, "\(key)")
            #expect(s.notice?.text.contains("still loading") == true)
        }
        #expect(!s.table.isUnusedOnly)
        _ = Dashboard.reduce(&s, .catalogLoaded(.success(Fixture.catalog)))
        #expect(!s.areOwnersLoading)
        #expect(!Fixture.screen(s).text.contains("loading owners"))
        // A later load's early list does not replace the full catalog on screen.
        s.isLoadingCatalog = true
        _ = Dashboard.reduce(&s, .volumesListed(Catalog(volumes: [], containers: [], takenAt: Fixture.now)))
        #expect(s.catalog.entries.count == Fixture.catalog.entries.count)
        #expect(!s.areOwnersLoading)
        _ = Fixture.press([.char("d")], &s)
        #expect(s.dialog != nil, "d acts once the owners are known")
    }

    /// Label and option values take quotes for spaces, as in a shell; an unclosed quote is a problem in the form.
    @Test func createFormLabelsTakeQuotedValues() throws {
        let parsed = try CreateForm.pairs(#"note="a b" other='c "d"' plain=x esc=a\ b empty="""#, what: "label").get()
        #expect(parsed == ["note": "a b", "other": #"c "d""#, "plain": "x", "esc": "a b", "empty": ""])
        let error = try #require(CreateForm.pairs(#"note="a b"#, what: "label").failure)
        #expect(error.message.contains("not closed"))
        var s = Fixture.loaded()
        Fixture.press([.char("c")], &s)
        Fixture.type("vq", &s)
        Fixture.press([.tab, .tab], &s)
        Fixture.type(#"note="a b""#, &s)
        #expect(Fixture.press([.enter], &s) == [.createVolume(VolumeCreateRequest(name: "vq", labels: ["note": "a b"]))])
    }

    /// One rule for q: it goes back one level (help → where it was opened → the table) and quits only from the
    /// table; help opens at the section for where the user is.
    @Test func qGoesBackOneLevelAndHelpOpensAtTheSection() {
        var s = Fixture.loaded(rows: 24, cols: 80)
        Fixture.press([.char("m")], &s)
        #expect(s.mode == .mounts)
        Fixture.press([.char("?")], &s)
        #expect(s.mode == .help)
        let text = Fixture.screen(s).text.split(separator: "\n")
        #expect(
            text.dropFirst(3).first?.contains("Mounts view") == true, "help opens at the mounts section:\n\(text.joined(separator: "\n"))")
        Fixture.press([.char("q")], &s)
        #expect(s.mode == .mounts && !s.shouldQuit, "q closes the help, back to the mounts view")
        Fixture.press([.char("q")], &s)
        #expect(s.mode == .volumes && !s.shouldQuit, "q leaves the mounts view")
        Fixture.press([.tab], &s)
        #expect(s.focus == .detail)
        Fixture.press([.char("q")], &s)
        #expect(s.focus == .table && !s.shouldQuit, "q leaves the detail pane")
        _ = Dashboard.reduce(&s, .key(.char("q")))
        #expect(s.shouldQuit, "q quits from the table")
    }

    /// `o` lists the volume's owners; a stopped owner can be removed after a confirm that names its other volumes,
    /// a running one must be stopped first; the dialog follows the catalog.
    @Test func ownersCanBeStoppedStartedAndRemoved() throws {
        var s = Fixture.loaded()
        Fixture.select("shop_db-data", &s)
        #expect(Fixture.press([.char("o")], &s).isEmpty)
        let opened = try #require(s.dialog?.ownersDialog)
        #expect(opened.owners.map(\.containerName) == ["shop-db-1", "shop-backup-1"])
        // The running owner: x is refused with the reason, s asks, y does it.
        #expect(Fixture.press([.char("x")], &s).isEmpty)
        #expect(Fixture.screen(s).text.contains("stop it first"))
        #expect(Fixture.press([.char("s")], &s).isEmpty)
        #expect(Fixture.screen(s).text.contains("Stop container shop-db-1?"))
        #expect(Fixture.press([.char("y")], &s) == [.actOnContainer(id: "id-shop-db-1", name: "shop-db-1", .stop)])
        let after = Dashboard.reduce(&s, .containerActed(name: "shop-db-1", .stop, nil))
        #expect(after.contains(.loadCatalog))
        #expect(Fixture.screen(s).text.contains("✓ stopped shop-db-1"))
        // The stopped owner: x asks, Esc cancels, x and y remove it.
        Fixture.press([.char("j"), .char("x")], &s)
        #expect(Fixture.screen(s).text.contains("Remove container shop-backup-1?"))
        Fixture.press([.escape], &s)
        let cancelled = try #require(s.dialog?.ownersDialog)
        #expect(cancelled.pending == nil)
        Fixture.press([.char("x")], &s)
        #expect(Fixture.press([.enter], &s) == [.actOnContainer(id: "id-shop-backup-1", name: "shop-backup-1", .remove)])
        // Read-only: the actions are refused before anything is sent.
        var ro = Fixture.loaded(readOnly: true)
        Fixture.select("shop_db-data", &ro)
        Fixture.press([.char("o"), .char("s")], &ro)
        #expect(Fixture.press([.char("y")], &ro).isEmpty)
        // No owners: a notice, no dialog.
        s.dialog = nil
        Fixture.select("cache", &s)
        Fixture.press([.char("o")], &s)
        #expect(s.dialog == nil && s.notice?.text.contains("no container uses cache") == true)
    }
}

extension AppState {
    /// The create form, when it is the open dialog.
    var createForm: CreateForm? {
        if case .create(let form)? = dialog { return form }
        return nil
    }
    /// The inspect viewer, when it is the open dialog.
    var inspectViewer: InspectViewer? {
        if case .inspect(let viewer)? = dialog { return viewer }
        return nil
    }
}

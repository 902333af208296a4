import Foundation
import Testing

@testable import VolumeCore
@testable import VolumeUI

/// The file-tree pane: open, scan, expand, sort, rescan, preview, delete, over trees scanned from real directories.
@Suite struct FileTreeTests {
    typealias F = FileFixture
    let vol = FileFixture.volume

    private func bytes(_ path: [String]) -> [[UInt8]] { path.map { Array($0.utf8) } }

    @Test func enterOrTOpensThePaneAndEscClosesIt() {
        for key in [KeyPress.enter, .char("t")] {
            var s = Fixture.loaded()
            Fixture.select(vol, &s)
            #expect(Fixture.press([key], &s) == [.openFiles(volume: vol)])
            #expect(s.mode == .files)
            #expect(s.keyScopes == [.files, .global])
            #expect(s.isSpinning, "the pane shows a spinner while it opens")
            #expect(Fixture.press([.escape], &s) == [.closeFiles(volume: vol)])
            #expect(s.mode == .volumes && s.files == nil)
            // q in the pane goes back too, and does not quit.
            Fixture.press([key], &s)
            #expect(Fixture.press([.char("q")], &s) == [.closeFiles(volume: vol)])
            #expect(!s.shouldQuit)
        }
    }

    @Test func helperModeStartsWithApparentSizes() {
        var s = Fixture.loaded()
        Fixture.select(vol, &s)
        Fixture.press([.char("t")], &s)
        #expect(s.files?.isApparent == false, "disk usage first, as ncdu")
        _ = Dashboard.reduce(&s, .filesOpened(volume: vol, .success(.helper(containerID: "c0ffee"))))
        #expect(s.files?.isApparent == true, "through the archive API disk usage is only an estimate")
    }

    @Test func openWatchesTheRootThenShowsTheTreeLargestFirst() async throws {
        let root = try F.makeVolume(hardLink: true)
        defer { F.remove(root) }
        var s = Fixture.loaded()
        Fixture.select(vol, &s)
        Fixture.press([.char("t")], &s)
        #expect(Dashboard.reduce(&s, .filesOpened(volume: vol, .success(F.direct))) == [.watchFiles(volume: vol, directories: [[]])])
        _ = Dashboard.reduce(&s, .filesProgress(volume: vol, ScanProgressValue.make(entries: 3)))
        #expect(s.files?.progress?.entries == 3)
        let effects = Dashboard.reduce(&s, .filesScanned(volume: vol, .success(try await F.scan(root))))
        #expect(effects.filter { if case .scheduleTick = $0 { false } else { true } }.isEmpty, "the watch set did not change")
        let pane = try #require(s.files)
        #expect(!pane.isScanning && pane.progress == nil)
        // Hidden files and every kind of entry are listed; sizes (disk) largest first, the hard link counted once.
        #expect(Set(F.names(s)) == ["app", "cache", "data.bin", "data-link.bin", ".hidden", "empty", F.evilName, "current"])
        #expect(["data.bin", "data-link.bin"].contains(F.names(s).first ?? ""))
        let tree = try #require(pane.tree)
        let links = pane.rows.filter { tree.isCountedElsewhere($0.node) }
        #expect(links.count == 1)
        // Ticks stop once the scan is done.
        _ = Dashboard.reduce(&s, .tick(Fixture.now))
        #expect(!s.isSpinning)
    }

    @Test func expandCollapseAndSelectionSurviveARescanByPath() async throws {
        let root = try F.makeVolume()
        defer { F.remove(root) }
        var s = try await F.opened(root)
        F.select(["app"], &s)
        #expect(Fixture.press([.char("l")], &s) == [.watchFiles(volume: vol, directories: [[], bytes(["app"])])])
        #expect(F.names(s).contains("app/config.json"))
        // l again steps into the directory; then to config.json.
        Fixture.press([.right], &s)
        F.select(["app", "config.json"], &s)
        #expect(F.selectedPath(s) == ["app", "config.json"])
        let oldNode = try #require(s.files?.selectedRow?.node)

        // A big new file at the root: node numbers and order change.
        FileManager.default.createFile(atPath: root.appendingPathComponent("aaa-new.bin").path, contents: Data(count: 2_000_000))
        #expect(Dashboard.reduce(&s, .filesChanged(volume: vol)) == [.rescanFiles(volume: vol)])
        #expect(s.files?.isRescanning == true)
        let rescanned = Dashboard.reduce(&s, .filesScanned(volume: vol, .success(try await F.scan(root))))
        #expect(!rescanned.contains { if case .watchFiles = $0 { true } else { false } }, "same expanded set: no new watch")
        #expect(F.names(s).first == "aaa-new.bin")
        #expect(F.selectedPath(s) == ["app", "config.json"], "selection kept by path")
        #expect(s.files?.expanded == [bytes(["app"])])
        #expect(s.files?.selectedRow?.node != oldNode)

        // h on a file goes to its parent; h again collapses it.
        Fixture.press([.char("h")], &s)
        #expect(F.selectedPath(s) == ["app"])
        #expect(Fixture.press([.left], &s) == [.watchFiles(volume: vol, directories: [[]])])
        #expect(!F.names(s).contains("app/config.json"))

        // The selected entry disappears: the cursor lands on its parent.
        Fixture.press([.char("l")], &s)
        F.select(["app", "config.json"], &s)
        try FileManager.default.removeItem(at: root.appendingPathComponent("app/config.json"))
        _ = Dashboard.reduce(&s, .filesChanged(volume: vol))
        _ = Dashboard.reduce(&s, .filesScanned(volume: vol, .success(try await F.scan(root))))
        #expect(F.selectedPath(s) == ["app"])
    }

    @Test func watchSetFollowsTheExpandedDirectoriesOnScreen() async throws {
        let root = try F.makeVolume()
        defer { F.remove(root) }
        var s = try await F.opened(root)
        F.select(["app"], &s)
        Fixture.press([.char("l")], &s)
        F.select(["app", "logs"], &s)
        #expect(Fixture.press([.char("l")], &s) == [.watchFiles(volume: vol, directories: [[], bytes(["app"]), bytes(["app", "logs"])])])
        // Collapsing app hides logs: only the root stays watched; expanding it again brings logs back.
        F.select(["app"], &s)
        #expect(Fixture.press([.char("h")], &s) == [.watchFiles(volume: vol, directories: [[]])])
        #expect(Fixture.press([.char("l")], &s) == [.watchFiles(volume: vol, directories: [[], bytes(["app"]), bytes(["app", "logs"])])])
        // A directory that vanishes is forgotten after the rescan, and the watch shrinks.
        try FileManager.default.removeItem(at: root.appendingPathComponent("app/logs"))
        _ = Dashboard.reduce(&s, .filesChanged(volume: vol))
        let effects = Dashboard.reduce(&s, .filesScanned(volume: vol, .success(try await F.scan(root))))
        #expect(effects.contains(.watchFiles(volume: vol, directories: [[], bytes(["app"])])))
    }

    @Test func changesWhileScanningAreCoalescedIntoOneRescan() async throws {
        let root = try F.makeVolume()
        defer { F.remove(root) }
        var s = try await F.opened(root)
        let tree = try await F.scan(root)
        #expect(Dashboard.reduce(&s, .filesChanged(volume: vol)) == [.rescanFiles(volume: vol)])
        #expect(Dashboard.reduce(&s, .filesChanged(volume: vol)).filter { $0 != .scheduleTick(after: 0.1) }.isEmpty)
        #expect(Dashboard.reduce(&s, .filesChanged(volume: vol)).isEmpty)
        #expect(Fixture.press([.char("r")], &s).isEmpty, "r while scanning waits too")
        // The scan ends: exactly one more.
        #expect(
            Dashboard.reduce(&s, .filesScanned(volume: vol, .success(tree))).filter { $0 != .scheduleTick(after: 0.1) } == [
                .rescanFiles(volume: vol)
            ])
        #expect(Dashboard.reduce(&s, .filesScanned(volume: vol, .success(tree))).isEmpty)
        // Events for another volume, or after closing, do nothing.
        #expect(Dashboard.reduce(&s, .filesChanged(volume: "cache")).isEmpty)
        Fixture.press([.escape], &s)
        #expect(Dashboard.reduce(&s, .filesChanged(volume: vol)).isEmpty)
        #expect(Dashboard.reduce(&s, .filesScanned(volume: vol, .success(tree))).isEmpty)
    }

    @Test func aRescanKeepsTheTreeOnScreenWithAMarker() async throws {
        let root = try F.makeVolume()
        defer { F.remove(root) }
        var s = try await F.opened(root)
        Fixture.press([.char("r")], &s)
        _ = Dashboard.reduce(&s, .filesProgress(volume: vol, ScanProgressValue.make(entries: 2)))
        let text = Fixture.screen(s).text
        #expect(text.contains("rescanning…"))
        #expect(text.contains("data.bin"), "the tree stays")
        #expect(!text.contains("entries ·"), "no progress bar over the tree")
    }

    @Test func sortCyclesReversesAndSizesToggle() async throws {
        let root = try F.makeVolume()
        defer { F.remove(root) }
        var s = try await F.opened(root)
        #expect(s.files?.sortKey == .size && s.files?.isApparent == false)
        #expect(F.names(s).first == "data.bin")
        Fixture.press([.char("s")], &s)
        #expect(s.files?.sortKey == .name)
        #expect(F.names(s) == [".hidden", "app", "cache", "current", "data.bin", "empty", F.evilName])
        Fixture.press([.char("S")], &s)
        #expect(F.names(s).first == F.evilName)
        Fixture.press([.char("s")], &s)
        #expect(s.files?.sortKey == .modified)
        #expect(F.names(s).first == ".hidden", "newest first: .hidden was touched 5 minutes ago")
        Fixture.press([.char("s")], &s)
        #expect(s.files?.sortKey == .items)
        #expect(F.names(s).first == "app", "app holds 4 entries")
        Fixture.press([.char("s")], &s)
        #expect(s.files?.sortKey == .size)
        Fixture.press([.char("a")], &s)
        #expect(s.files?.isApparent == true)
        let pane = try #require(s.files)
        let tree = try #require(pane.tree)
        #expect(pane.bytes(of: pane.rows[0].node) == tree.apparentBytes(of: pane.rows[0].node))
        #expect(Fixture.screen(s).text.contains("apparent"))
    }

    @Test func deleteAsksThenEmitsAndRescansAfterwards() async throws {
        let root = try F.makeVolume()
        defer { F.remove(root) }
        var s = try await F.opened(root)
        F.select(["app"], &s)
        #expect(Fixture.press([.char("d")], &s).isEmpty)
        let confirm = try #require(s.dialog?.deleteConfirm)
        #expect(confirm.path == bytes(["app"]) && confirm.items == 4)
        let text = Fixture.screen(s).text
        #expect(text.contains("Delete directory") && text.contains("4 items"))
        // n keeps it.
        #expect(Fixture.press([.char("n")], &s).isEmpty)
        #expect(s.dialog == nil)
        Fixture.press([.char("d")], &s)
        #expect(Fixture.press([.char("y")], &s) == [.deleteFile(volume: vol, path: bytes(["app"]), kind: .directory)])
        #expect(Fixture.press([.char("y")], &s).isEmpty, "no second delete while one runs")
        let done = Dashboard.reduce(&s, .fileDeleted(volume: vol, path: bytes(["app"]), nil))
        #expect(done.contains(.rescanFiles(volume: vol)))
        #expect(s.dialog == nil)
        #expect(s.notice?.kind == .success && s.notice?.text.hasPrefix("deleted app") == true)

        // A failure shows the error (Esc dismisses it before leaving the pane) and still rescans.
        _ = Dashboard.reduce(&s, .filesScanned(volume: vol, .success(try await F.scan(root))))
        F.select(["cache"], &s)
        Fixture.press([.char("d"), .enter], &s)
        let failed = Dashboard.reduce(
            &s, .fileDeleted(volume: vol, path: bytes(["cache"]), EngineError(.permissionDenied, "cannot delete cache: permission denied")))
        #expect(failed.contains(.rescanFiles(volume: vol)))
        #expect(s.errorBanner?.message.contains("permission denied") == true)
        #expect(Fixture.press([.escape], &s).isEmpty)
        #expect(s.mode == .files && s.errorBanner == nil)
    }

    @Test func deleteIsRefusedInReadOnlyAndHelperModes() async throws {
        let root = try F.makeVolume()
        defer { F.remove(root) }
        var readOnly = try await F.opened(root, readOnly: true)
        F.select(["data.bin"], &readOnly)
        #expect(Fixture.press([.char("d")], &readOnly).isEmpty)
        #expect(readOnly.dialog == nil)
        #expect(readOnly.notice?.kind == .disabled && readOnly.notice?.text.contains("read-only") == true)

        var helper = try await F.opened(root, source: .helper(containerID: "abc123"))
        F.select(["data.bin"], &helper)
        #expect(Fixture.press([.delete], &helper).isEmpty)
        #expect(helper.dialog == nil)
        #expect(
            helper.notice?.text.contains("helper container mounts the volume read-only; run voltop as root on the engine host to delete")
                == true)
        #expect(Fixture.screen(helper).text.contains("helper"))
        // The footer shows d delete dimmed.
        let grid = Fixture.screen(helper)
        let row = grid.rows - 1
        let line = (0..<grid.cols).map { grid[row, $0].text }.joined()
        let start = try #require(line.range(of: "d delete"))
        #expect(grid[row, line.distance(from: line.startIndex, to: start.lowerBound)].style.dim)
    }

    @Test func previewShowsTextOrHexAndNothingRawReachesTheGrid() async throws {
        let root = try F.makeVolume()
        defer { F.remove(root) }
        var s = try await F.opened(root)
        F.select(["app"], &s)
        Fixture.press([.char("l")], &s)
        F.select(["app", "config.json"], &s)
        #expect(Fixture.press([.enter], &s) == [.previewFile(volume: vol, path: bytes(["app", "config.json"]))])
        #expect(s.keyScopes == [.preview, .global])
        let source =
            "{\"color\": \"\u{1B}[31mred\u{1B}[0m\",\n\t\"bell\": \"\u{07}\", \"osc\": \"\u{1B}]0;pwned\u{07}\"}\r\n\u{9B}2J done\n"
            + String(repeating: "plain configuration text, nothing to see here\n", count: 3)
        let text = Array(source.utf8)
        _ = Dashboard.reduce(
            &s, .filePreviewLoaded(volume: vol, path: bytes(["app", "config.json"]), .success(FilePreview(bytes: text, size: 1200))))
        let viewer = try #require(s.dialog?.previewViewer)
        #expect(viewer.encoding == .text)
        var grid = Fixture.screen(s)
        #expect(!F.hasRawControl(grid))
        #expect(grid.text.contains("\\e[31mred\\e[0m"))
        #expect(grid.text.contains("bytes 0–\(Format.bytes(Int64(text.count))) of 1.2 KiB"))

        // Binary: a hex dump with an ASCII column.
        let binary: [UInt8] = Array(0...255)
        _ = Dashboard.reduce(
            &s, .filePreviewLoaded(volume: vol, path: bytes(["app", "config.json"]), .success(FilePreview(bytes: binary, size: 256))))
        grid = Fixture.screen(s)
        #expect(!F.hasRawControl(grid))
        #expect(grid.text.contains("00000000  00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f |................|"))
        #expect(grid.text.contains("all 256 bytes"))
        // A late preview of another file is ignored; Esc closes.
        _ = Dashboard.reduce(&s, .filePreviewLoaded(volume: vol, path: bytes(["data.bin"]), .failure(EngineError(.notFound, "gone"))))
        #expect(!Fixture.screen(s).text.contains("gone"))
        Fixture.press([.escape], &s)
        #expect(s.dialog == nil && s.mode == .files)
        // p on a directory explains instead.
        F.select(["app"], &s)
        #expect(Fixture.press([.char("p")], &s).isEmpty)
        #expect(s.notice?.text.contains("only regular files") == true)
    }

    @Test func previewFormatDetection() {
        #expect(FilePreviewViewer.encoding(of: Array("plain\ttext\nline\n".utf8), isTruncated: false) == .text)
        #expect(FilePreviewViewer.encoding(of: [0x68, 0x00, 0x69], isTruncated: false) == .hex)
        #expect(FilePreviewViewer.encoding(of: [0xFF, 0xFE, 0x41], isTruncated: false) == .hex)
        // A multi-byte character cut by the preview's end is still text.
        #expect(FilePreviewViewer.encoding(of: Array("größe".utf8).dropLast(1).map { $0 }, isTruncated: true) == .text)
        #expect(FilePreviewViewer.encoding(of: Array(repeating: 0x1B, count: 10) + Array("ab".utf8), isTruncated: false) == .hex)
    }

    @Test func untrustedNamesAreEscapedInTheTree() async throws {
        let root = try F.makeVolume()
        defer { F.remove(root) }
        var s = try await F.opened(root, rows: 45, cols: 160)
        F.select([F.evilName], &s)
        let grid = Fixture.screen(s)
        #expect(!F.hasRawControl(grid))
        #expect(grid.text.contains("evil\\e[31mred\\nline.txt"))
    }

    @Test func openFailureShowsTheReasonAndTheEnginesFigure() {
        var s = Fixture.loaded()
        Fixture.select(vol, &s)
        Fixture.press([.char("t")], &s)
        let error = EngineError(.invalidArgument, "volume shop_uploads is gone: it was removed while the pane opened")
        #expect(Dashboard.reduce(&s, .filesOpened(volume: vol, .failure(error))).isEmpty)
        #expect(!s.isSpinning)
        let text = Fixture.screen(s).text
        #expect(text.contains("it was removed while the pane opened"))
        #expect(text.contains("340.0 MiB"), "the engine's own figure for the volume")
        // Changes do not scan a volume that cannot be read; r opens again.
        #expect(Dashboard.reduce(&s, .filesChanged(volume: vol)).isEmpty)
        #expect(Fixture.press([.char("r")], &s) == [.openFiles(volume: vol)])
    }

    @Test func mouseSelectsTreeRowsAndTheWheelMoves() async throws {
        let root = try F.makeVolume()
        defer { F.remove(root) }
        var s = try await F.opened(root)
        let body = Dashboard.fileTreeBody(PaneLayout(s, rows: s.rows, cols: s.cols).main)
        _ = Dashboard.reduce(&s, .mouse(MouseEvent(kind: .press, row: body.row + 2, col: 30)))
        #expect(s.files?.selection == 2)
        _ = Dashboard.reduce(&s, .mouse(MouseEvent(kind: .wheelDown, row: body.row, col: 30)))
        #expect(s.files?.selection == 5)
    }

    // MARK: Measured sizes

    @Test func measuredSizesWinOverTheEnginesFigures() {
        var s = Fixture.loaded()
        let before = s.catalog.totalKnownBytes
        _ = Dashboard.reduce(&s, .volumeMeasured(name: "cache", .success(1_000)))
        #expect(s.catalog.entry(named: "cache")?.size == .bytes(1_000))
        #expect(s.catalog.totalKnownBytes == before - 12_582_912 + 1_000)
        // New df figures and a new catalog keep the measured size; a failure keeps what was there.
        _ = Dashboard.reduce(&s, .sizesLoaded(.success(Fixture.sizes)))
        _ = Dashboard.reduce(&s, .catalogLoaded(.success(Fixture.catalog)))
        #expect(s.catalog.entry(named: "cache")?.size == .bytes(1_000))
        _ = Dashboard.reduce(&s, .volumeMeasured(name: "old-logs", .failure(EngineError(.permissionDenied, "no"))))
        #expect(s.catalog.entry(named: "old-logs")?.size == .bytes(314_572_800))
        // A measured volume the engine could not size gets a size.
        _ = Dashboard.reduce(&s, .volumeMeasured(name: "nfs-share", .success(4096)))
        #expect(Fixture.screen(s).text.contains("4.0 KiB"))
    }

    /// Measurements arrive in batches (one frame for many volumes); a batch does what its single results do.
    @Test func aBatchOfMeasurementsIsAppliedAtOnce() {
        var s = Fixture.loaded()
        _ = Dashboard.reduce(
            &s,
            .volumesMeasured([
                "cache": .success(1_000), "nfs-share": .success(4096), "old-logs": .failure(EngineError(.permissionDenied, "no"))
            ]))
        #expect(s.catalog.entry(named: "cache")?.size == .bytes(1_000))
        #expect(s.catalog.entry(named: "nfs-share")?.size == .bytes(4096))
        #expect(s.catalog.entry(named: "old-logs")?.size == .bytes(314_572_800))
    }

    @Test func aDirectScanInThePaneUpdatesTheTablesSize() async throws {
        let root = try F.makeVolume()
        defer { F.remove(root) }
        var s = Fixture.loaded()
        Fixture.select(vol, &s)
        Fixture.press([.char("t")], &s)
        _ = Dashboard.reduce(&s, .filesOpened(volume: vol, .success(F.direct)))
        let tree = try await F.scan(root)
        _ = Dashboard.reduce(&s, .filesScanned(volume: vol, .success(tree)))
        #expect(s.catalog.entry(named: vol)?.size == .bytes(tree.diskUsageBytes))
        // Through a helper the figures are not the same measure (directories count 0): the table keeps its own.
        var h = Fixture.loaded()
        let before = h.catalog.entry(named: vol)?.size
        Fixture.select(vol, &h)
        Fixture.press([.char("t")], &h)
        _ = Dashboard.reduce(&h, .filesOpened(volume: vol, .success(.helper(containerID: "c0ffee"))))
        _ = Dashboard.reduce(&h, .filesScanned(volume: vol, .success(tree)))
        #expect(h.catalog.entry(named: vol)?.size == before)
    }

    @Test func anEmptyVolumeWithDriverOptionsSaysWhy() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("voltop-ui-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { F.remove(root) }
        var s = Fixture.loaded(rows: 24, cols: 120)
        Fixture.select("nfs-share", &s)
        Fixture.press([.char("t")], &s)
        _ = Dashboard.reduce(&s, .filesOpened(volume: "nfs-share", .success(.helper(containerID: "c0ffee"))))
        _ = Dashboard.reduce(&s, .filesScanned(volume: "nfs-share", .success(try await F.scan(root))))
        let text = Fixture.screen(s).text
        #expect(text.contains("the volume is empty"))
        #expect(text.contains("type=nfs: its files exist only while a container mounts it"), "\(text)")
    }

    @Test func catalogChangesMeasureVisibleRowsFirst() throws {
        var s = Fixture.loaded(rows: 24, cols: 80)
        Fixture.press([.char("G")], &s)
        _ = Dashboard.reduce(&s, .eventReceived(EngineEvent(type: "volume", action: "create", actorID: "x")))
        let effects = Dashboard.reduce(&s, .catalogLoaded(.success(Fixture.catalog)))
        #expect(effects.contains(.loadSizes))
        let names = try #require(effects.lazy.compactMap(\.measuredNames).first)
        let body = PaneLayout(s, rows: s.rows, cols: s.cols).tableBody.height
        let onScreen = s.table.visibleIndices.dropFirst(s.table.cursor.scroll).prefix(body).map { s.catalog.entries[$0].name }
        #expect(Array(names.prefix(onScreen.count)) == onScreen)
        #expect(Set(names) == Set(s.catalog.entries.map(\.name)))
        // A plain reload without a change does not measure again.
        _ = Dashboard.reduce(&s, .sizesLoaded(.success(Fixture.sizes)))
        let again = Dashboard.reduce(&s, .catalogLoaded(.success(Fixture.catalog)))
        #expect(!again.contains { if case .measureVolumes = $0 { true } else { false } })
    }
}

/// Progress values (the memberwise initializer is internal to VolumeCore).
enum ScanProgressValue {
    static func make(entries: Int, directories: Int = 1, apparentBytes: Int64 = 0) -> ScanProgress {
        ScanProgress(entries: entries, directories: directories, apparentBytes: apparentBytes, allocatedBytes: apparentBytes)
    }
}

import Foundation
import Testing
import VolumeCore

@testable import VolumeUI

@Suite struct RenderTests {
    @Test func monochromeUsesNoColor() {
        var s = Fixture.loaded(rows: 45, cols: 160, readOnly: true)
        _ = Dashboard.reduce(&s, .eventStreamChanged(.disconnected(reason: "gone", retryIn: 3)))
        _ = Dashboard.reduce(&s, .catalogLoaded(.failure(EngineError(.timeout, "slow"))))
        s.isMonochrome = true
        let grid = Fixture.screen(s)
        #expect(grid.cells.allSatisfy { $0.style.fg == .default && $0.style.bg == .default })
        s.isMonochrome = false
        #expect(Fixture.screen(s).cells.contains { $0.style.fg != .default })
    }

    @Test func selectionIsReverseVideo() {
        var s = Fixture.loaded()
        Fixture.select("cache", &s)
        let grid = Fixture.screen(s)
        let body = PaneLayout(s, rows: s.rows, cols: s.cols).tableBody
        let row = body.row + s.table.cursor.selection - s.table.cursor.scroll
        #expect((0..<grid.cols).allSatisfy { grid[row, $0].style.reverse })
        #expect(!grid[row + 1, 3].style.reverse)
    }

    @Test func leakedVolumesAreMarkedWithoutColor() {
        let s = Fixture.loaded()
        let text = Fixture.screen(s).text
        #expect(text.contains("3f9c0a1b2c3d…"))
        #expect(text.contains("! unused anonymous"))
    }

    @Test func wideCharactersKeepColumnsAligned() {
        let s = Fixture.loaded(catalog: Fixture.unicodeCatalog, sizes: Fixture.unicodeSizes)
        let grid = Fixture.screen(s)
        let table = VolumeTable(width: grid.cols, isWide: false)
        let driverCol = table.columns.first { $0.column == .driver }!.col
        let body = PaneLayout(s, rows: s.rows, cols: s.cols).tableBody
        for i in 0..<s.table.visibleIndices.count {
            let row = body.row + i
            // The cell where DRIVER starts holds the first letter of the driver in every row.
            let driver = s.visibleEntry(i).volume.driver
            #expect(grid[row, driverCol].text == String(driver.first!), "row \(i) misaligned")
            // The cell before it is a blank, never the right half of a wide character.
            #expect(grid[row, driverCol - 1].text == " ")
        }
    }

    @Test func fittedTextNeverSplitsAWideCharacter() {
        #expect(CellGrid.fitted("日本語", to: 4) == "日… ")
        #expect(CellGrid.fitted("日本語", to: 6) == "日本語")
        #expect(CellGrid.fitted("abc", to: 5, alignRight: true) == "  abc")
        #expect(CellGrid.fitted("/var/lib/docker/volumes/x/_data", to: 12, keepTail: true) == "…mes/x/_data")
        #expect(CellGrid.fitted("a\u{1B}[1mb", to: 10) == "a\\e[1mb   ")
    }

    @Test func wrapsAtSpaces() {
        #expect(CellGrid.wrapped("one two three four", width: 9) == ["one two", "three", "four"])
        #expect(CellGrid.wrapped("abcdefghij", width: 4) == ["abcd", "efgh", "ij"])
        // A character wider than the line goes alone on its line (the loop never ended: the dashboard froze).
        #expect(CellGrid.wrapped("漢字", width: 1) == ["漢", "字"])
        #expect(CellGrid.wrapped("ab漢c", width: 1) == ["a", "b", "漢", "c"])
    }

    @Test func layoutReservesRoomForAFileTree() {
        let wide = PaneLayout(rows: 45, cols: 160, bannerCount: 0, showsDetail: true, showsFileTree: true)
        #expect(wide.isSideBySide)
        #expect(wide.detail!.bottom == wide.fileTree!.row)
        let narrow = PaneLayout(rows: 24, cols: 80, bannerCount: 1, showsDetail: true, showsFileTree: true)
        #expect(narrow.main.height >= 5)
        #expect(narrow.fileTree!.bottom <= narrow.footer.row)
        let none = PaneLayout(rows: 24, cols: 80, bannerCount: 0, showsDetail: true)
        #expect(none.fileTree == nil)
        #expect(none.main.height + none.detail!.height == 24 - 3)
    }

    /// A thousand volumes through keys and a filter (their speed is measured by VolumeUIBench and bench-scale, never
    /// timed here: wall-clock limits flake on shared machines).
    @Test func aThousandVolumesFollowTheCursorAndTheFilter() {
        let (catalog, sizes) = Fixture.bigCatalog(1000)
        var s = Fixture.loaded(rows: 45, cols: 160, catalog: catalog, sizes: sizes)
        Fixture.press([.char("s"), .char("g")], &s)  // sorted by size, from the top
        var grid = CellGrid(rows: 45, cols: 160)
        Dashboard.render(s, into: &grid)
        for _ in 0..<20 {
            _ = Dashboard.reduce(&s, .key(.char("j")))
            Dashboard.render(s, into: &grid)
        }
        #expect(s.table.cursor.selection == 20)
        let selected = s.selectedEntry?.name ?? ""
        #expect(!selected.isEmpty && grid.text.contains(String(selected.prefix(12))))
        Fixture.press([.char("/")], &s)
        Fixture.type("peer-vol-09", &s)
        #expect(s.table.visibleIndices.count == 100)
    }
}

@Suite struct CombiningMarkTests {
    /// A combining mark typed into a text field joins the character before it; the cursor never passes the end
    /// (the monkey test found the dashboard trapping on `/`, `e`, U+0301, `x`).
    @Test func aCombiningMarkKeepsTheCursorInside() {
        var input = TextInput()
        for key in [KeyPress.char("e"), .char("\u{301}"), .char("x"), .left, .char("\u{302}"), .backspace, .backspace, .backspace, .right] {
            _ = input.edit(key)
            #expect(input.cursor >= 0 && input.cursor <= input.text.count, "\(key): cursor \(input.cursor) in \(input.text.count)")
        }
        var s = Fixture.loaded()
        _ = Fixture.press([.char("/"), .char("e"), .char("\u{301}"), .char("x"), .backspace, .backspace, .backspace], &s)
        #expect(s.table.filter.text.isEmpty)
    }

    /// A 50 MB label is shown cut, with how much was left out, and costs a frame what a short one does.
    @Test func aHugeLabelIsShownCut() {
        let huge = String(repeating: "A", count: 5_000_000)
        let volume = Volume(name: "big-label", labels: ["note": huge])
        var s = Fixture.loaded(catalog: Catalog(volumes: [volume], containers: [], takenAt: Fixture.now))
        Fixture.select("big-label", &s)
        let text = Fixture.screen(s).text
        #expect(text.contains("more bytes") || text.contains("note=AAAA"))
        #expect(Format.capped(huge).utf8.count < 2100)
        #expect(Format.capped("short") == "short")
    }
}

import Foundation
import Testing
import VolumeCore

@testable import VolumeUI

/// The cursor both lists share: movement, wheel, clicks and scrolling are written once, in `RowCursor`.
@Suite struct RowCursorTests {
    @Test(arguments: [
        (Command.moveDown, 5, 6), (.moveUp, 5, 4), (.pageDown, 5, 14), (.pageUp, 5, 0), (.moveTop, 5, 0),
        (.moveBottom, 5, 29), (.moveDown, 29, 29), (.moveUp, 0, 0), (.pageDown, 25, 29)
    ])
    func movesWithinTheList(command: Command, from: Int, to: Int) {
        var cursor = RowCursor(selection: from, scroll: 0)
        let moved = cursor.move(command, count: 30, page: 9)
        #expect(cursor.selection == to)
        #expect(moved == (from != to))
    }

    @Test func anEmptyListKeepsTheCursorAtTheTop() {
        var cursor = RowCursor(selection: 3, scroll: 2)
        cursor.move(.moveBottom, count: 0, page: 9)
        #expect(cursor.selection == 0)
        cursor.clamp(count: 0, height: 10)
        #expect(cursor == RowCursor(selection: 0, scroll: 0))
    }

    @Test func clampKeepsTheSelectionOnScreenMovingTheViewAsLittleAsPossible() {
        var cursor = RowCursor(selection: 12, scroll: 0)
        cursor.clamp(count: 30, height: 10)
        #expect(cursor.scroll == 3, "the selected row becomes the last one shown")
        cursor.selection = 5
        cursor.clamp(count: 30, height: 10)
        #expect(cursor.scroll == 3, "a row already on screen does not scroll")
        cursor.selection = 1
        cursor.clamp(count: 30, height: 10)
        #expect(cursor.scroll == 1)
        cursor = RowCursor(selection: 40, scroll: 35)
        cursor.clamp(count: 30, height: 10)
        #expect(cursor == RowCursor(selection: 29, scroll: 20), "a list that shrank pulls the view back")
    }

    @Test func aClickHitsTheRowUnderItAndNothingBelowTheLastRow() {
        let cursor = RowCursor(selection: 0, scroll: 7)
        #expect(cursor.row(atScreenRow: 10, bodyRow: 5, count: 30) == 12)
        #expect(cursor.row(atScreenRow: 40, bodyRow: 5, count: 30) == nil)
    }

    /// 40 volumes and 40 containers: the same keys, wheel notches and clicks leave both lists at the same row and
    /// scroll offset, because both move the same `RowCursor`.
    @Test func theVolumesTableAndTheMountsViewMoveAlike() {
        let volumes = (0..<40).map { Fixture.volume(String(format: "vol-%02d", $0), age: $0 * 3600) }
        let containers = (0..<40).map {
            Fixture.container(String(format: "app-%02d", $0), "acme/app:1", state: "running", mounts: [])
        }
        let catalog = Catalog(volumes: volumes, containers: containers, sizes: nil, takenAt: Fixture.now)
        var table = Fixture.loaded(rows: 30, cols: 100, catalog: catalog, sizes: nil)
        var mounts = table
        Fixture.press([.char("m")], &mounts)
        #expect(mounts.mode == .mounts)
        let body = PaneLayout(table, rows: table.rows, cols: table.cols).tableBody
        let steps: [KeyPress] = [
            .char("j"), .char("j"), .pageDown, .pageDown, .char("k"), .char("G"), .pageUp, .char("g"), .end,
            .mouse(MouseEvent(kind: .wheelUp, row: body.row + 1, col: 2)),
            .mouse(MouseEvent(kind: .press, row: body.row + 2, col: 2)), .home,
            .mouse(MouseEvent(kind: .wheelDown, row: body.row + 1, col: 2)), .char("j")
        ]
        for key in steps {
            Fixture.press([key], &table)
            Fixture.press([key], &mounts)
            #expect(table.table.cursor == mounts.mounts.cursor, "after \(key)")
        }
        #expect(table.table.cursor.selection == 4)
        #expect(table.selectedEntry?.name == "vol-04")
        #expect(mounts.selectedContainer?.name == "app-04")
    }
}

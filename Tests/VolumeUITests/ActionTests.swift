import Foundation
import Testing
import VolumeCore

@testable import VolumeUI

/// Keys, mouse events and resizes are actions of their own; the runtime maps a terminal event in one call.
@Suite struct ActionTests {
    @Test func terminalEventsBecomeKeyMouseOrResizeActions() {
        let click = MouseEvent(kind: .press, row: 3, col: 4)
        switch Action(terminalEvent: .mouse(click)) {
        case .mouse(let event): #expect(event == click)
        default: Issue.record("a click is a .mouse action")
        }
        switch Action(terminalEvent: .resize(rows: 50, cols: 200)) {
        case .resize(let rows, let cols): #expect(rows == 50 && cols == 200)
        default: Issue.record("a resize is a .resize action")
        }
        for key in [KeyPress.char("j"), .pageDown, .ctrl("c"), .escape, .function(1)] {
            switch Action(terminalEvent: key) {
            case .key(let k): #expect(k == key)
            default: Issue.record("\(key) is a .key action")
            }
        }
    }

    @Test func resizeAndMouseActionsActOnTheState() {
        var s = Fixture.loaded(rows: 24, cols: 80)
        #expect(Dashboard.reduce(&s, .resize(rows: 40, cols: 150)).isEmpty)
        #expect(s.rows == 40 && s.cols == 150)
        let body = PaneLayout(s, rows: s.rows, cols: s.cols).tableBody
        _ = Dashboard.reduce(&s, .mouse(MouseEvent(kind: .press, row: body.row + 2, col: 3)))
        #expect(s.table.cursor.selection == 2)
        // A mouse event or resize still wrapped as a key goes to the same place.
        _ = Dashboard.reduce(&s, .key(.resize(rows: 30, cols: 100)))
        #expect(s.rows == 30 && s.cols == 100)
    }
}

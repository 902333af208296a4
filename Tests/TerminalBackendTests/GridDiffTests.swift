import Testing
import VolumeUI

@testable import TerminalBackend

/// wcwidth as glibc answers it in a UTF-8 locale, for the scalars these tests use.
private func fakeWidth(_ s: Unicode.Scalar) -> Int {
    switch s.value {
    case 0..<0x20, 0x7F..<0xA0: return -1
    case 0x300..<0x370, 0x200D, 0xFE0F, 0x20E3: return 0
    case 0x1100..<0x1160, 0x2E80..<0xA4D0, 0xAC00..<0xD7A4, 0x1F300..<0x1FB00: return 2
    default: return 1
    }
}

private let diff = GridDiff(scalarWidth: fakeWidth)
private let red = CellStyle(fg: .red)
private let bold = CellStyle(bold: true)

private func grid(_ lines: [String], cols: Int, style: CellStyle = .plain) -> CellGrid {
    var g = CellGrid(rows: lines.count, cols: cols)
    for (row, line) in lines.enumerated() { g.put(line, row: row, col: 0, style: style) }
    return g
}

private func run(_ row: Int, _ col: Int, _ text: String, width: Int? = nil, style: CellStyle = .plain) -> GridDiff.Run {
    GridDiff.Run(row: row, col: col, width: width ?? text.count, style: style, text: text)
}

@Suite struct GridDiffTests {
    @Test func firstFrameWritesEveryCellOneRunPerRow() {
        let new = grid(["ab", "c"], cols: 3)
        #expect(diff.runs(from: nil, to: new) == [run(0, 0, "ab "), run(1, 0, "c  ")])
    }

    @Test func sameGridWritesNothing() {
        let g = grid(["hello", "world"], cols: 6)
        #expect(diff.runs(from: g, to: g).isEmpty)
    }

    @Test func oneChangedCell() {
        let old = grid(["hello"], cols: 5)
        let new = grid(["hallo"], cols: 5)
        #expect(diff.runs(from: old, to: new) == [run(0, 1, "a")])
    }

    @Test func unchangedCellsSplitRuns() {
        let old = grid(["abcdef", "xyz"], cols: 6)
        let new = grid(["AbCDef", "xyz"], cols: 6)
        #expect(diff.runs(from: old, to: new) == [run(0, 0, "A"), run(0, 2, "CD")])
    }

    @Test func styleChangesSplitRuns() {
        let old = CellGrid(rows: 1, cols: 4)
        var new = old
        new.put("ab", row: 0, col: 0, style: red)
        new.put("cd", row: 0, col: 2, style: bold)
        #expect(diff.runs(from: old, to: new) == [run(0, 0, "ab", style: red), run(0, 2, "cd", style: bold)])
    }

    @Test func aStyleOnlyChangeIsWritten() {
        let old = grid(["ab"], cols: 2)
        let new = grid(["ab"], cols: 2, style: bold)
        #expect(diff.runs(from: old, to: new) == [run(0, 0, "ab", style: bold)])
    }

    @Test func runsDoNotWrapAcrossRows() {
        let old = CellGrid(rows: 2, cols: 2)
        let new = grid(["ab", "cd"], cols: 2)
        #expect(diff.runs(from: old, to: new) == [run(0, 0, "ab"), run(1, 0, "cd")])
    }

    @Test func aWideCharacterIsOneUnitOfTwoColumns() {
        let old = grid(["ab cd"], cols: 5)
        let new = grid(["a日cd"], cols: 5)
        #expect(new[0, 2].text == "")
        #expect(diff.runs(from: old, to: new) == [run(0, 1, "日", width: 2)])
    }

    @Test func aChangedContinuationRewritesItsWideCharacter() {
        let old = grid(["日x"], cols: 3)
        var new = old
        new[0, 1] = Cell("", style: bold)  // only the right half's style changed
        #expect(diff.runs(from: old, to: new) == [run(0, 0, "日", width: 2)])
    }

    @Test func overwritingTheRightHalfRedrawsTheLeftHalf() {
        let old = grid(["日"], cols: 2)
        var new = old
        new[0, 1] = Cell("x")  // the lead is unchanged but can no longer be drawn two columns wide
        #expect(diff.runs(from: old, to: new) == [run(0, 0, "?x")])
    }

    @Test func narrowOverWideWritesBothCells() {
        let old = grid(["日本"], cols: 4)
        let new = grid(["ab本"], cols: 4)
        #expect(diff.runs(from: old, to: new) == [run(0, 0, "ab")])
    }

    @Test func wideAndNarrowMixInOneRun() {
        let new = grid(["a🐳b"], cols: 4)
        #expect(diff.runs(from: nil, to: new) == [run(0, 0, "a🐳b", width: 4)])
    }

    @Test func anotherSizeRedrawsEverything() {
        let old = grid(["ab"], cols: 2)
        let new = grid(["ab"], cols: 3)
        #expect(diff.runs(from: old, to: new) == [run(0, 0, "ab ")])
    }

    @Test(arguments: [
        ("", 1, " "),
        ("", 2, "  "),
        ("a", 1, "a"),
        ("日", 2, "日"),
        ("日", 1, "?"),  // a wide character in a narrow cell (cut at the screen's edge)
        ("\u{1B}", 1, "?"),  // control characters never reach the terminal
        ("\u{301}", 1, "?"),  // a lone combining mark has nothing to sit on
        ("e\u{301}", 1, "e\u{301}"),
        ("⚠\u{FE0F}", 2, "⚠ "),  // grid: 2 columns, ncurses: 1; drop the selector and pad
        ("1\u{FE0F}\u{20E3}", 2, "1\u{20E3} "),
        ("👨\u{200D}👩\u{200D}👧", 2, "👨"),  // ZWJ sequence: the first emoji, without the joiner
        ("👍🏽", 2, "👍"),  // skin-tone modifier is a spacing scalar for wcwidth
        ("a\u{301}\u{302}\u{303}\u{304}\u{305}", 1, "a\u{301}\u{302}\u{303}\u{304}")  // at most 4 marks
    ])
    func drawableText(text: String, columns: Int, expected: String) {
        #expect(diff.drawable(text, columns: columns).unicodeScalars.elementsEqual(expected.unicodeScalars))
    }

    @Test func fittedCutsAndPads() {
        let g = grid(["abc", "def"], cols: 3)
        #expect(GridDiff.fitted(g, rows: 1, cols: 2).text == "ab")
        #expect(GridDiff.fitted(g, rows: 3, cols: 4).text == "abc\ndef\n")
        #expect(GridDiff.fitted(g, rows: 3, cols: 4)[2, 3] == .blank)
    }
}

import Testing
import VolumeUI

@testable import TerminalBackend

private let color256 = StyleMapping(colorCount: 256, hasDefaultColors: true)
private let color8 = StyleMapping(colorCount: 8, hasDefaultColors: true)
private let noDefaults = StyleMapping(colorCount: 8, hasDefaultColors: false)

@Suite struct StyleMappingTests {
    @Test func attributesFollowTheStyle() {
        let mapping = StyleMapping.monochrome
        #expect(mapping.attributes(for: .plain) == [])
        #expect(mapping.attributes(for: CellStyle(bold: true)) == .bold)
        #expect(mapping.attributes(for: CellStyle(reverse: true)) == .reverse)
        #expect(mapping.attributes(for: CellStyle(dim: true)) == .dim)
        #expect(mapping.attributes(for: CellStyle(underline: true)) == .underline)
        #expect(
            mapping.attributes(for: CellStyle(fg: .red, bold: true, reverse: true, dim: true, underline: true))
                == [.bold, .reverse, .dim, .underline]
        )
    }

    // A_BOLD etc. are NCURSES_BITS(mask, shift) = mask << (shift + 8).
    @Test func cursesBits() {
        #expect(TextAttributes().cursesValue == 0)
        #expect(TextAttributes.bold.cursesValue == 1 << 21)
        #expect(TextAttributes.reverse.cursesValue == 1 << 18)
        #expect(TextAttributes.dim.cursesValue == 1 << 20)
        #expect(TextAttributes.underline.cursesValue == 1 << 17)
        #expect(TextAttributes([.bold, .underline]).cursesValue == (1 << 21 | 1 << 17))
    }

    @Test func monochromeUsesNoColorPairs() {
        let mapping = StyleMapping.monochrome
        #expect(mapping.colorPair(for: CellStyle(fg: .red, bg: .blue)) == nil)
        #expect(mapping.colorPair(for: CellStyle(fg: .indexed(200))) == nil)
    }

    @Test func defaultColorsNeedNoPair() {
        #expect(color256.colorPair(for: .plain) == nil)
        #expect(color256.colorPair(for: CellStyle(bold: true)) == nil)
    }

    @Test func namedColors() {
        #expect(color256.colorPair(for: CellStyle(fg: .red)) == ColorPairKey(fg: 1, bg: -1))
        #expect(color256.colorPair(for: CellStyle(fg: .black, bg: .cyan)) == ColorPairKey(fg: 0, bg: 6))
        #expect(color256.colorPair(for: CellStyle(bg: .white)) == ColorPairKey(fg: -1, bg: 7))
        let named: [TermColor] = [.black, .red, .green, .yellow, .blue, .magenta, .cyan, .white]
        #expect(named.map { color8.color($0, isForeground: true) } == Array(0...7))
    }

    @Test func indexedColorsWhenTheTerminalHasThem() {
        let style = CellStyle(fg: .indexed(208), bg: .indexed(236))
        #expect(color256.colorPair(for: style) == ColorPairKey(fg: 208, bg: 236))
    }

    @Test(arguments: [
        (UInt8(3), Int16(3)),
        (9, 1),  // bright red
        (15, 7),  // bright white
        (196, 1),  // cube (5,0,0): red
        (208, 1),  // cube (5,2,0): orange -> red
        (46, 2),  // cube (0,5,0): green
        (21, 4),  // cube (0,0,5): blue
        (226, 3),  // cube (5,5,0): yellow
        (16, 0),  // cube (0,0,0): black
        (231, 7),  // cube (5,5,5): white
        (236, 0),  // dark grey
        (250, 7)  // light grey
    ])
    func indexedColorsApproximatedOnEightColorTerminals(index: UInt8, expected: Int16) {
        #expect(color8.color(.indexed(index), isForeground: true) == expected)
    }

    @Test func withoutDefaultColorsDefaultIsWhiteOnBlack() {
        #expect(noDefaults.color(.default, isForeground: true) == 7)
        #expect(noDefaults.color(.default, isForeground: false) == 0)
        #expect(noDefaults.colorPair(for: .plain) == nil)
        #expect(noDefaults.colorPair(for: CellStyle(fg: .white, bg: .black)) == nil)
        #expect(noDefaults.colorPair(for: CellStyle(fg: .red)) == ColorPairKey(fg: 1, bg: 0))
    }

    @Test func pairsAreAllocatedOnceInOrder() {
        var table = ColorPairTable(limit: 2)
        let red = ColorPairKey(fg: 1, bg: -1)
        let blue = ColorPairKey(fg: 4, bg: -1)
        #expect(table.number(for: red) == (1, true))
        #expect(table.number(for: red) == (1, false))
        #expect(table.number(for: blue) == (2, true))
        // Out of pairs: default colors rather than recolouring text already on screen.
        #expect(table.number(for: ColorPairKey(fg: 2, bg: -1)) == (0, false))
        #expect(table.number(for: blue) == (2, false))
    }

    @Test func pairNumbersFitInAShort() {
        #expect(ColorPairTable(limit: 65535).limit == Int(Int16.max))
        #expect(ColorPairTable(limit: 0).limit == 0)
    }
}

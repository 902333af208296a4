import Testing
import VolumeUI

@testable import TerminalBackend

// Return codes and key codes of ncurses 6 (<ncursesw/curses.h>), spelled out as the ABI they are.
private let ok: Int32 = 0
private let keyCodeYes: Int32 = 0o400
private let err: Int32 = -1

@Suite struct KeyDecoderTests {
    @Test(arguments: [
        (UInt32(0x61), KeyPress.char("a")),
        (0x5A, .char("Z")),
        (0x20, .char(" ")),
        (0x7E, .char("~")),
        (0xE9, .char("é")),
        (0x65E5, .char("日")),
        (0x1F433, .char("🐳"))
    ])
    func printableCharacters(code: UInt32, key: KeyPress) {
        #expect(KeyDecoder.decode(status: ok, code: code) == .key(key))
    }

    @Test(arguments: [
        (UInt32(1), KeyPress.ctrl("a")),
        (3, .ctrl("c")),
        (4, .ctrl("d")),
        (12, .ctrl("l")),
        (17, .ctrl("q")),
        (26, .ctrl("z")),
        (0, .ctrl("@")),
        (28, .ctrl("\\")),
        (31, .ctrl("_"))
    ])
    func controlChords(code: UInt32, key: KeyPress) {
        #expect(KeyDecoder.decode(status: ok, code: code) == .key(key))
    }

    @Test(arguments: [
        (UInt32(9), KeyPress.tab),
        (10, .enter),
        (13, .enter),
        (8, .backspace),
        (127, .backspace),
        (27, .escape)
    ])
    func editingCharacters(code: UInt32, key: KeyPress) {
        #expect(KeyDecoder.decode(status: ok, code: code) == .key(key))
    }

    @Test(arguments: [UInt32(0x85), 0x9B, 0xD800, 0x378, 0x110000])
    func unprintableCharactersAreDropped(code: UInt32) {
        #expect(KeyDecoder.decode(status: ok, code: code) == nil)
    }

    @Test(arguments: [
        (UInt32(0o403), KeyPress.up),  // KEY_UP
        (0o402, .down),
        (0o404, .left),
        (0o405, .right),
        (0o523, .pageUp),  // KEY_PPAGE
        (0o522, .pageDown),  // KEY_NPAGE
        (0o406, .home),
        (0o550, .end),
        (0o534, .home),  // KEY_A1, keypad
        (0o535, .pageUp),  // KEY_A3
        (0o537, .end),  // KEY_C1
        (0o540, .pageDown),  // KEY_C3
        (0o527, .enter),  // KEY_ENTER
        (0o407, .backspace),  // KEY_BACKSPACE
        (0o512, .delete),  // KEY_DC
        (0o513, .insert),  // KEY_IC
        (0o541, .backTab),  // KEY_BTAB
        (0o410 + 1, .function(1)),  // KEY_F(1)
        (0o410 + 10, .function(10)),
        (0o410 + 12, .function(12))
    ])
    func functionKeys(code: UInt32, key: KeyPress) {
        #expect(KeyDecoder.decode(status: keyCodeYes, code: code) == .key(key))
    }

    @Test func resizeAndMouseNeedTheTerminal() {
        #expect(KeyDecoder.decode(status: keyCodeYes, code: 0o632) == .resize)  // KEY_RESIZE
        #expect(KeyDecoder.decode(status: keyCodeYes, code: 0o631) == .mouse)  // KEY_MOUSE
    }

    @Test func unknownKeysAndErrorsAreDropped() {
        #expect(KeyDecoder.decode(status: keyCodeYes, code: 0o410) == nil)  // KEY_F(0)
        #expect(KeyDecoder.decode(status: keyCodeYes, code: 0o633) == nil)  // past KEY_MAX's neighbours
        #expect(KeyDecoder.decode(status: keyCodeYes, code: 0x1000) == nil)
        #expect(KeyDecoder.decode(status: err, code: 0x61) == nil)
    }

    @Test func aKeyCodeIsNotACharacter() {
        // 0o403 with status OK is the character U+0103, not KEY_UP.
        #expect(KeyDecoder.decode(status: ok, code: 0o403) == .key(.char("ă")))
    }

    // getmouse bstate bits for NCURSES_MOUSE_VERSION 2: five bits per button.
    @Test(arguments: [
        (UInt32(0x2), MouseEvent.Kind.press),  // BUTTON1_PRESSED
        (0x4, .press),  // BUTTON1_CLICKED
        (0x1, .release),  // BUTTON1_RELEASED
        (0x10000, .wheelUp),  // BUTTON4_PRESSED
        (0x200000, .wheelDown),  // BUTTON5_PRESSED
        (0x10000 | 0x1000_0000, .wheelUp)  // with BUTTON_SHIFT
    ])
    func mouseButtons(state: UInt32, kind: MouseEvent.Kind) {
        #expect(KeyDecoder.mouseEvent(state: state, row: 4, col: 9) == MouseEvent(kind: kind, row: 4, col: 9))
    }

    @Test(arguments: [
        UInt32(0x40),  // BUTTON2_PRESSED
        0x800,  // BUTTON3_PRESSED
        0x8000000,  // REPORT_MOUSE_POSITION
        0
    ])
    func otherMouseEventsAreDropped(state: UInt32) {
        #expect(KeyDecoder.mouseEvent(state: state, row: 0, col: 0) == nil)
    }
}

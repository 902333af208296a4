import CNcursesw
import VolumeUI

/// What one `get_wch` result means.
enum DecodedInput: Equatable, Sendable {
    /// A key, ready to deliver.
    case key(KeyPress)
    /// `KEY_RESIZE`: the terminal has a new size, to be asked for.
    case resize
    /// `KEY_MOUSE`: a mouse event, to be read with `getmouse`.
    case mouse
}

/// Turns `get_wch` results and mouse states into `KeyPress` values, without touching the terminal.
enum KeyDecoder {
    /// The meaning of `get_wch`'s return code `status` (`OK`, `KEY_CODE_YES` or `ERR`) and the `wint_t` it stored.
    ///
    /// Returns nil for `ERR` and for codes that have no `KeyPress` (other control characters, unknown keys).
    static func decode(status: Int32, code: UInt32) -> DecodedInput? {
        switch status {
        case OK: return character(code).map(DecodedInput.key)
        case KEY_CODE_YES: return functionKey(Int32(truncatingIfNeeded: code))
        default: return nil
        }
    }

    /// A character code from `get_wch` (status `OK`): printable text, a control chord or an editing key.
    static func character(_ code: UInt32) -> KeyPress? {
        switch code {
        case 8, 127: return .backspace  // Ctrl-H is what many terminals send for Backspace
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 0: return .ctrl("@")
        case 1...26:
            guard let letter = Unicode.Scalar(0x60 + code) else { return nil }
            return .ctrl(Character(letter))
        case 28...31:
            guard let symbol = Unicode.Scalar(0x40 + code) else { return nil }  // \ ] ^ _
            return .ctrl(Character(symbol))
        default:
            guard let scalar = Unicode.Scalar(code), scalar.isKeyText else { return nil }
            return .char(Character(scalar))
        }
    }

    /// A key code from `get_wch` (status `KEY_CODE_YES`).
    static func functionKey(_ code: Int32) -> DecodedInput? {
        switch code {
        case KEY_RESIZE: return .resize
        case KEY_MOUSE: return .mouse
        case KEY_UP: return .key(.up)
        case KEY_DOWN: return .key(.down)
        case KEY_LEFT: return .key(.left)
        case KEY_RIGHT: return .key(.right)
        case KEY_PPAGE, KEY_A3: return .key(.pageUp)
        case KEY_NPAGE, KEY_C3: return .key(.pageDown)
        case KEY_HOME, KEY_A1: return .key(.home)
        case KEY_END, KEY_C1: return .key(.end)
        case KEY_ENTER: return .key(.enter)
        case KEY_BACKSPACE: return .key(.backspace)
        case KEY_DC: return .key(.delete)
        case KEY_IC: return .key(.insert)
        case KEY_BTAB: return .key(.backTab)
        case (KEY_F0 + 1)...(KEY_F0 + 63): return .key(.function(Int(code - KEY_F0)))
        default: return nil
        }
    }

    /// The mouse event for a `getmouse` button state at a position, or nil for buttons and motions that have none.
    ///
    /// Button 1 press (or click) is `.press`, its release `.release`; buttons 4 and 5 are the wheel.
    static func mouseEvent(state: mmask_t, row: Int, col: Int) -> MouseEvent? {
        let kind: MouseEvent.Kind
        if state & cnc_button4Pressed() != 0 {
            kind = .wheelUp
        } else if state & cnc_button5Pressed() != 0 {
            kind = .wheelDown
        } else if state & (cnc_button1Pressed() | cnc_button1Clicked()) != 0 {
            kind = .press
        } else if state & cnc_button1Released() != 0 {
            kind = .release
        } else {
            return nil
        }
        return MouseEvent(kind: kind, row: row, col: col)
    }
}

extension Unicode.Scalar {
    /// Whether the scalar can be a typed character: not a control, surrogate or unassigned code point.
    fileprivate var isKeyText: Bool {
        switch properties.generalCategory {
        case .control, .surrogate, .unassigned: return false
        default: return true
        }
    }
}

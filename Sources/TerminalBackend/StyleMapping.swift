import CNcursesw
import VolumeUI

/// Text attributes of a style, independent of ncurses' bit values.
struct TextAttributes: OptionSet, Hashable, Sendable {
    let rawValue: UInt8

    static let bold = TextAttributes(rawValue: 1 << 0)
    static let reverse = TextAttributes(rawValue: 1 << 1)
    static let dim = TextAttributes(rawValue: 1 << 2)
    static let underline = TextAttributes(rawValue: 1 << 3)

    /// The ncurses attribute bits (`A_BOLD`, …) for these attributes.
    var cursesValue: attr_t {
        var value: attr_t = 0  // A_NORMAL
        if contains(.bold) { value |= cnc_attrBold() }
        if contains(.reverse) { value |= cnc_attrReverse() }
        if contains(.dim) { value |= cnc_attrDim() }
        if contains(.underline) { value |= cnc_attrUnderline() }
        return value
    }
}

/// A foreground and background as ncurses color numbers (-1 is the terminal's default).
struct ColorPairKey: Hashable, Sendable {
    /// Foreground color number.
    var fg: Int16
    /// Background color number.
    var bg: Int16
}

/// How the terminal can show colors: what `CellStyle` colors become.
struct StyleMapping: Sendable {
    /// How many colors the terminal has (`COLORS`); 0 means draw without colors.
    var colorCount: Int
    /// Whether `use_default_colors` succeeded, so -1 means the terminal's own colors.
    var hasDefaultColors: Bool

    /// A mapping that draws without colors (monochrome, `NO_COLOR`, or a terminal without them).
    static let monochrome = StyleMapping(colorCount: 0, hasDefaultColors: false)

    /// The attributes of a style.
    func attributes(for style: CellStyle) -> TextAttributes {
        var attributes: TextAttributes = []
        if style.bold { attributes.insert(.bold) }
        if style.reverse { attributes.insert(.reverse) }
        if style.dim { attributes.insert(.dim) }
        if style.underline { attributes.insert(.underline) }
        return attributes
    }

    /// The color pair a style needs, or nil for pair 0 (default colors, or no colors at all).
    func colorPair(for style: CellStyle) -> ColorPairKey? {
        guard colorCount > 0 else { return nil }
        let key = ColorPairKey(fg: color(style.fg, isForeground: true), bg: color(style.bg, isForeground: false))
        let defaults = ColorPairKey(fg: color(.default, isForeground: true), bg: color(.default, isForeground: false))
        return key == defaults ? nil : key
    }

    /// The ncurses color number for a color, approximated when the terminal has fewer colors.
    func color(_ color: TermColor, isForeground: Bool) -> Int16 {
        switch color {
        case .default:
            if hasDefaultColors { return -1 }
            return isForeground ? Int16(COLOR_WHITE) : Int16(COLOR_BLACK)
        case .black: return Int16(COLOR_BLACK)
        case .red: return Int16(COLOR_RED)
        case .green: return Int16(COLOR_GREEN)
        case .yellow: return Int16(COLOR_YELLOW)
        case .blue: return Int16(COLOR_BLUE)
        case .magenta: return Int16(COLOR_MAGENTA)
        case .cyan: return Int16(COLOR_CYAN)
        case .white: return Int16(COLOR_WHITE)
        case .indexed(let index):
            if Int(index) < colorCount { return Int16(index) }
            return Self.basicColor(approximating: index)
        }
    }

    /// The nearest of the 8 basic colors to one of the 256 indexed colors.
    static func basicColor(approximating index: UInt8) -> Int16 {
        switch index {
        case 0..<8: return Int16(index)
        case 8..<16: return Int16(index - 8)
        case 16..<232:
            let cube = Int(index) - 16
            let (r, g, b) = (cube / 36, cube / 6 % 6, cube % 6)
            return Int16((r >= 3 ? 1 : 0) | (g >= 3 ? 2 : 0) | (b >= 3 ? 4 : 0))
        default:
            return index < 244 ? Int16(COLOR_BLACK) : Int16(COLOR_WHITE)
        }
    }
}

/// Color pair numbers, handed out on first use and remembered.
struct ColorPairTable {
    /// The highest pair number that may be used (`COLOR_PAIRS - 1`, at most `Int16.max`).
    let limit: Int
    private var numbers: [ColorPairKey: Int16] = [:]

    /// A table for pairs 1 through `limit`.
    init(limit: Int) {
        self.limit = min(limit, Int(Int16.max))
    }

    /// The pair number for `key`, and whether it was just allocated (so `init_pair` must be called).
    ///
    /// When every pair is taken, returns pair 0 (default colors) rather than reusing one that is on screen.
    mutating func number(for key: ColorPairKey) -> (number: Int16, isNew: Bool) {
        if let number = numbers[key] { return (number, false) }
        guard numbers.count < limit else { return (0, false) }
        let number = Int16(numbers.count + 1)
        numbers[key] = number
        return (number, true)
    }
}

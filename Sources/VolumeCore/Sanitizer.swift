/// Makes untrusted text (names, labels, engine messages, file names) safe to print on a terminal.
///
/// Control characters, DEL, C1 controls and bidirectional overrides become visible escapes
/// (`\e`, `\n`, `\t`, `\x07`, `\u{202E}`), so no escape sequence ever reaches the terminal.
public enum Sanitizer {
    /// The text with every control character replaced by a visible escape.
    public static func inline(_ text: String) -> String {
        guard needsEscaping(text) else { return text }
        var out = String()
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar) {
                out += escape(scalar)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Whether the text holds anything that `inline` would change.
    public static func needsEscaping(_ text: String) -> Bool {
        text.unicodeScalars.contains(where: isUnsafe)
    }

    /// Whether one scalar must not reach a terminal raw.
    public static func isUnsafe(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x20 || v == 0x7F { return true }
        if (0x80...0x9F).contains(v) { return true }
        // Bidi controls can reorder what follows on screen.
        if (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0x200E || v == 0x200F {
            return true
        }
        return false
    }

    static func escape(_ s: Unicode.Scalar) -> String {
        switch s.value {
        case 0x1B: return "\\e"
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0x09: return "\\t"
        case let v where v < 0x100: return "\\x" + hex(v, width: 2)
        case let v: return "\\u{" + hex(v, width: 4) + "}"
        }
    }

    private static func hex(_ v: UInt32, width: Int) -> String {
        let digits = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

/// Makes untrusted text (names, labels, engine messages, file names) safe to print on a terminal.
///
/// Control characters, DEL, C1 controls, bidirectional controls, invisible characters (zero-width spaces and
/// joiners, word joiner and invisible operators, byte order mark, line and paragraph separators) and tag
/// characters become visible escapes (`\e`, `\n`, `\t`, `\x07`, `\u{202E}`), so no escape sequence ever reaches
/// the terminal and nothing hides or reorders what is shown.
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
        // Printable ASCII is safe; only text with a control byte or a non-ASCII byte needs the scalar check.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return false }
        return text.unicodeScalars.contains(where: isUnsafe)
    }

    /// Whether one scalar must not reach a terminal raw.
    public static func isUnsafe(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x20 || v == 0x7F { return true }
        if (0x80...0x9F).contains(v) { return true }
        if v < 0x61C { return false }
        // Bidi controls can reorder what follows on screen: the Arabic letter mark, LRM/RLM, embeddings and
        // overrides, isolates.
        if v == 0x061C || v == 0x200E || v == 0x200F || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) {
            return true
        }
        // Invisible characters can hide text or make two different names look the same: zero-width space,
        // non-joiner and joiner, word joiner and invisible operators, the byte order mark, and the line and
        // paragraph separators (line breaks to some terminals).
        if (0x200B...0x200D).contains(v) || (0x2060...0x2064).contains(v) || v == 0xFEFF || v == 0x2028 || v == 0x2029 {
            return true
        }
        // Tag characters (invisible; used to smuggle text past readers).
        if (0xE0000...0xE007F).contains(v) { return true }
        return false
    }

    /// Text for a stream that keeps its own line structure (CLI output, messages): like `inline`, but newlines and
    /// tabs stay as they are. Everything else unsafe (ESC, CR, other controls, bidi, invisible) is escaped.
    public static func multiline(_ text: String) -> String {
        let plain = text.utf8.allSatisfy { ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x0A || $0 == 0x09 }
        guard !plain, text.unicodeScalars.contains(where: { isUnsafe($0) && $0 != "\n" && $0 != "\t" }) else { return text }
        var out = String()
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar) && scalar != "\n" && scalar != "\t" {
                out += escape(scalar)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// JSON text with every unsafe scalar written as a `\uXXXX` escape (UTF-16, so tag characters become a
    /// surrogate pair): the same JSON value, but nothing in it can act on a terminal.
    ///
    /// Valid for any JSON document: unsafe scalars can only occur inside strings, where `\uXXXX` means the same.
    public static func jsonEscaped(_ json: String) -> String {
        guard needsEscaping(json) else { return json }
        var out = String()
        out.reserveCapacity(json.utf8.count + 16)
        for scalar in json.unicodeScalars {
            if isUnsafe(scalar) && scalar != "\n" {
                for unit in String(scalar).utf16 { out += "\\u" + hex(UInt32(unit), width: 4).lowercased() }
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
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

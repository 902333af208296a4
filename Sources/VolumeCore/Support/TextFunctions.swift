#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few text functions voltop took from Foundation's `NSString` bridge, written on the standard library so the
/// binary links `FoundationEssentials` only (no ICU: 45 MB smaller, fewer pages at start).
extension Unicode.Scalar {
    /// `CharacterSet.whitespaces`: general category Zs, tab, and (as Foundation has it) the zero-width space.
    public var isBlank: Bool { value == 0x09 || value == 0x200B || properties.generalCategory == .spaceSeparator }

    /// `CharacterSet.newlines`: U+000A–U+000D, U+0085, U+2028, U+2029.
    public var isLineBreak: Bool {
        switch value {
        case 0x0A...0x0D, 0x85, 0x2028, 0x2029: return true
        default: return false
        }
    }

    /// `CharacterSet.whitespacesAndNewlines`: general category Z*, tab, U+000A–U+000D, U+0085 and U+200B.
    public var isBlankOrLineBreak: Bool {
        switch properties.generalCategory {
        case .spaceSeparator, .lineSeparator, .paragraphSeparator: return true
        default: return value == 0x09 || (0x0A...0x0D).contains(value) || value == 0x85 || value == 0x200B
        }
    }

    /// `CharacterSet.alphanumerics`: general categories L*, M* and N*.
    public var isAlphanumeric: Bool {
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .nonspacingMark,
            .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber:
            return true
        default: return false
        }
    }

    /// An ASCII letter or digit.
    public var isASCIIAlphanumeric: Bool {
        switch value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        default: return false
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing scalars that `drop` matches (as `trimmingCharacters(in:)`).
    public func trimming(_ drop: (Unicode.Scalar) -> Bool) -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !drop($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !drop($0) }) ?? first
        return String(String.UnicodeScalarView(scalars[first...last]))
    }

    /// Without leading and trailing blanks (spaces and tabs; `.whitespaces`).
    public func trimmingBlanks() -> String { trimming(\.isBlank) }

    /// Without leading and trailing blanks and line breaks (`.whitespacesAndNewlines`).
    public func trimmingBlanksAndLineBreaks() -> String { trimming(\.isBlankOrLineBreak) }

    /// The text with every `target` replaced by `replacement`, matched scalar by scalar (as `replacingOccurrences`
    /// matched code units: a tab before a combining mark is still a tab).
    public func replacingAll(_ target: String, with replacement: String) -> String {
        let find = Array(target.utf8)
        guard !find.isEmpty else { return String(self) }
        let bytes = Array(utf8)
        guard bytes.count >= find.count else { return String(self) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            // UTF-8 is self-synchronizing: a match of the encoded target starts on a scalar boundary.
            if bytes[i] == find[0] && i + find.count <= bytes.count && bytes[i..<(i + find.count)].elementsEqual(find) {
                out.append(contentsOf: replacement.utf8)
                i += find.count
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The text percent-encoded as UTF-8, keeping ASCII letters, digits and the scalars in `kept`.
    public func percentEncoded(keeping kept: String = "") -> String {
        let keep = Set(kept.unicodeScalars)
        var out = ""
        for scalar in unicodeScalars {
            if scalar.isASCIIAlphanumeric || keep.contains(scalar) {
                out.unicodeScalars.append(scalar)
            } else {
                for byte in String(scalar).utf8 {
                    out += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xF, radix: 16, uppercase: true)
                }
            }
        }
        return out
    }

    /// Whether the two are equal ignoring ASCII case (HTTP header names).
    public func equalsIgnoringASCIICase<Other: StringProtocol>(_ other: Other) -> Bool {
        let a = utf8
        let b = other.utf8
        guard a.count == b.count else { return false }
        return zip(a, b).allSatisfy { x, y in
            x == y || (x | 0x20 == y | 0x20 && (0x61...0x7A).contains(x | 0x20))
        }
    }

    /// The first range where `query` occurs, Characters compared lowercased (as `.caseInsensitive` searched), or nil.
    public func firstRangeIgnoringCase(of query: String) -> Range<Index>? {
        let wanted = query.map { $0.lowercased() }
        guard !wanted.isEmpty else { return nil }
        var start = startIndex
        while start < endIndex {
            var i = start
            var matched = 0
            while matched < wanted.count, i < endIndex, self[i].lowercased() == wanted[matched] {
                matched += 1
                i = index(after: i)
            }
            if matched == wanted.count { return start..<i }
            start = index(after: start)
        }
        return nil
    }

    /// The last range where `target` occurs, or nil.
    public func lastRange(of target: String) -> Range<Index>? {
        guard !target.isEmpty else { return nil }
        return ranges(of: target).last
    }
}

/// printf-style formatting of numbers (`%.1f`, `%09lld`), as `String(format:)` did, through the C library, always in
/// the C locale: the dashboard sets the user's locale for ncurses, and `2,5 s` must not reach messages or traces.
public enum CFormat {
    nonisolated(unsafe) private static let cLocale: locale_t? = newlocale(1 << LC_NUMERIC, "C", nil)

    /// `format` with `arguments`; the format must be a literal whose conversions match the arguments.
    public static func string(_ format: String, _ arguments: any CVarArg...) -> String {
        let previous = cLocale.map { uselocale($0) }
        defer { if let previous { uselocale(previous) } }
        var buffer = [CChar](repeating: 0, count: 128)
        var size = buffer.count
        let needed = Int(withVaList(arguments) { vsnprintf(&buffer, size, format, $0) })
        if needed >= size {
            size = needed + 1
            buffer = [CChar](repeating: 0, count: size)
            _ = withVaList(arguments) { vsnprintf(&buffer, size, format, $0) }
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

import VolumeCore

/// The preview overlay of one file: its first bytes as text, or as a hex dump when they are not text.
///
/// Every line it produces is drawn through `CellGrid`, which escapes control characters; the hex dump's ASCII
/// column shows only printable ASCII (everything else as `.`).
struct FilePreviewViewer: Sendable, Equatable {
    /// The volume the file is in.
    var volume: String
    /// The file's path below the volume's root.
    var path: [[UInt8]]
    /// The file's size from the scan, until the preview says otherwise.
    var scannedSize: Int64
    /// The loaded bytes; nil while loading.
    var preview: FilePreview?
    /// Why loading failed.
    var error: String?
    /// First visible line.
    var scroll = 0

    init(volume: String, path: [[UInt8]], scannedSize: Int64) {
        self.volume = volume
        self.path = path
        self.scannedSize = scannedSize
    }

    /// The path made safe for a terminal, `/`-joined.
    var displayPath: String { Sanitizer.inline(bytes: Array(path.joined(separator: [UInt8(ascii: "/")]))) }

    /// Text when the bytes are valid UTF-8 (a sequence cut at the end of a truncated preview allowed) with few
    /// control characters other than newline, carriage return and tab; hex otherwise.
    static func encoding(of bytes: [UInt8], isTruncated: Bool) -> PreviewEncoding {
        guard !bytes.contains(0) else { return .hex }
        guard let text = decoded(bytes, isTruncated: isTruncated) else { return .hex }
        var controls = 0
        var scalars = 0
        for s in text.unicodeScalars {
            scalars += 1
            if s == "\n" || s == "\r" || s == "\t" { continue }
            if Sanitizer.isUnsafe(s) { controls += 1 }
        }
        // A stray escape sequence (colored logs) still reads as text; mostly control bytes do not.
        return controls * 20 <= max(1, scalars) ? .text : .hex
    }

    /// The bytes as a string when they are valid UTF-8, ignoring up to 3 bytes of a sequence cut at the end.
    static func decoded(_ bytes: [UInt8], isTruncated: Bool) -> String? {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        guard isTruncated else { return nil }
        for cut in 1...3 where bytes.count > cut {
            if let text = String(validating: bytes.dropLast(cut), as: UTF8.self) { return text }
        }
        return nil
    }

    /// How the loaded bytes are shown.
    var encoding: PreviewEncoding? { preview.map { Self.encoding(of: $0.bytes, isTruncated: $0.isTruncated) } }

    /// The lines to show at a width: text lines (tabs expanded; escaping is left to the grid), or hex dump rows
    /// of 16 bytes (8 when narrow): `00000010  48 65 6c 6c  …  |Hell…|`.
    func lines(width: Int) -> [StyledLine] {
        guard let preview else { return [] }
        switch Self.encoding(of: preview.bytes, isTruncated: preview.isTruncated) {
        case .text:
            let text = Self.decoded(preview.bytes, isTruncated: preview.isTruncated) ?? ""
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> StyledLine in
                var s = String(line)
                if s.hasSuffix("\r") { s.removeLast() }
                return StyledLine(Self.expandingTabs(s))
            }
            if text.hasSuffix("\n"), lines.count > 1 { lines.removeLast() }
            return lines
        case .hex:
            let perLine = width >= 78 ? 16 : 8
            var lines: [StyledLine] = []
            var offset = 0
            let bytes = preview.bytes
            while offset < bytes.count {
                let chunk = bytes[offset..<min(offset + perLine, bytes.count)]
                var hex = ""
                for (i, b) in chunk.enumerated() {
                    if i > 0 { hex += i == perLine / 2 ? "  " : " " }
                    hex += Self.hex(UInt32(b), digits: 2)
                }
                let hexWidth = perLine * 3 - 1 + 1
                hex += String(repeating: " ", count: max(0, hexWidth - hex.count))
                let ascii = String(chunk.map { (0x20...0x7E).contains($0) ? Character(Unicode.Scalar($0)) : "." })
                lines.append(
                    StyledLine(Self.hex(UInt32(offset), digits: 8), .dim).adding("  ").adding(hex).adding("  |", .dim)
                        .adding(ascii).adding("|", .dim))
                offset += perLine
            }
            return lines
        }
    }

    /// Tabs as spaces up to the next multiple of 4 columns.
    static func expandingTabs(_ s: String) -> String {
        guard s.contains("\t") else { return s }
        var out = ""
        var col = 0
        for c in s {
            if c == "\t" {
                let n = 4 - col % 4
                out += String(repeating: " ", count: n)
                col += n
            } else {
                out.append(c)
                col += 1
            }
        }
        return out
    }

    static func hex(_ v: UInt32, digits: Int) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, digits - s.count)) + s
    }
}

import VolumeCore

/// The preview overlay of one file: a window of its bytes as text, or as a hex dump when they are not text.
///
/// At most `windowBytes` of the file are held at once; scrolling past either end of the window reads the next
/// window by offset (direct mode; helper mode reads only the start of a file through the archive API).
///
/// Every line it produces is drawn through `CellGrid`, which escapes control characters; the hex dump's ASCII
/// column shows only printable ASCII (everything else as `.`).
struct FilePreviewViewer: Sendable, Equatable {
    /// Bytes read at a time, and the most held.
    static let windowBytes = Effect.previewWindowBytes

    /// Where the view goes once a window arrives.
    enum Anchor: Sendable, Equatable {
        /// The line holding this byte at the top, moved by `rows` (negative: up).
        case byte(Int64, rows: Int)
        /// The end of the window at the bottom.
        case bottom
    }

    /// The volume the file is in.
    var volume: String
    /// The file's path below the volume's root.
    var path: [[UInt8]]
    /// The file's size from the scan, until the preview says otherwise.
    var scannedSize: Int64
    /// The loaded window of the file; nil while loading.
    var preview: FilePreview?
    /// Why loading failed.
    var error: String?
    /// First visible row.
    var scroll = 0
    /// Whether long text lines fold (as in `less`); `w` toggles it.
    var wraps = true {
        didSet { layout = nil }
    }
    /// The first column shown while lines do not fold.
    var column = 0 {
        didSet { layout = nil }
    }
    /// Whether windows past the first can be read (direct mode; the archive API streams a file from its start).
    var canPage = true
    /// How the file is shown, decided from its first window.
    var fixedEncoding: PreviewEncoding?
    /// A window being read: its offset, and where the view goes when it arrives.
    struct Pending: Sendable, Equatable {
        var offset: Int64
        var anchor: Anchor
    }
    var pending: Pending?

    /// The window laid out for one screen width (kept so a key or a frame does not lay out 64 KiB again).
    struct Layout: Sendable, Equatable {
        var cols: Int
        var rows: Dashboard.PagerRows
        var lines: Lines
    }
    /// The layout for the current window, wrap and column; nil once any of them changes.
    var layout: Layout?

    init(volume: String, path: [[UInt8]], scannedSize: Int64, canPage: Bool = true) {
        self.volume = volume
        self.path = path
        self.scannedSize = scannedSize
        self.canPage = canPage
        pending = Pending(offset: 0, anchor: .byte(0, rows: 0))
    }

    /// The path made safe for a terminal, `/`-joined.
    var displayPath: String { Sanitizer.inline(bytes: Array(path.joined(separator: [UInt8(ascii: "/")]))) }

    /// Takes a window read from the file; the file's start decides text or hex (later windows keep that).
    mutating func load(_ window: FilePreview) {
        preview = window
        error = nil
        layout = nil
        if fixedEncoding == nil || window.offset == 0 {
            fixedEncoding = Self.encoding(of: window.bytes, isTruncated: window.offset + Int64(window.bytes.count) < window.size)
        }
    }

    /// Whether bytes follow the window.
    var hasMoreAfter: Bool { preview.map { $0.offset + Int64($0.bytes.count) < $0.size } ?? false }
    /// Whether bytes precede the window.
    var hasMoreBefore: Bool { (preview?.offset ?? 0) > 0 }

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
    var encoding: PreviewEncoding? {
        fixedEncoding ?? preview.map { Self.encoding(of: $0.bytes, isTruncated: $0.isTruncated) }
    }

    /// The window's lines with the file offset each starts at.
    struct Lines: Sendable, Equatable {
        var lines: [StyledLine] = []
        var offsets: [Int64] = []

        mutating func append(_ line: StyledLine, at offset: Int64) {
            lines.append(line)
            offsets.append(offset)
        }

        /// The last line starting at or before a byte.
        func line(holding byte: Int64) -> Int { offsets.lastIndex(notAfter: byte) }
    }

    /// The lines to show at a width: text lines (tabs expanded; escaping is left to the grid; folding to the
    /// pager), or hex dump rows of as many bytes as fit (multiples of 8, 16 from 76 columns), with runs of
    /// identical rows collapsed into one `*` as `hexdump` does.
    func lines(width: Int) -> Lines {
        guard let preview else { return Lines() }
        switch encoding ?? .hex {
        case .text: return Self.textLines(preview)
        case .hex: return Self.hexLines(preview, width: width)
        }
    }

    /// Text lines of a window: a line cut by the window's start or end is left to the neighbouring window (unless
    /// the window holds no line break at all).
    static func textLines(_ preview: FilePreview) -> Lines {
        let bytes = preview.bytes
        var start = 0
        // A window from the middle of a file: skip a UTF-8 sequence cut by the start, then the cut line.
        if preview.offset > 0 {
            while start < min(3, bytes.count), bytes[start] & 0xC0 == 0x80 { start += 1 }
            if let newline = bytes[start...].firstIndex(of: 0x0A), newline + 1 < bytes.count { start = newline + 1 }
        }
        var end = bytes.count
        let atEnd = preview.offset + Int64(bytes.count) >= preview.size
        if !atEnd, let newline = bytes[start...].lastIndex(of: 0x0A) { end = newline + 1 }
        var out = Lines()
        var lineStart = start
        while lineStart < end {
            let newline = bytes[lineStart..<end].firstIndex(of: 0x0A)
            let lineEnd = newline ?? end
            var slice = bytes[lineStart..<lineEnd]
            if slice.last == 0x0D { slice = slice.dropLast() }
            if newline == nil, !atEnd {
                // A window without a line break: drop a sequence cut by its end.
                for cut in 0...3 where slice.count > cut {
                    if String(validating: slice.dropLast(cut), as: UTF8.self) != nil {
                        slice = slice.dropLast(cut)
                        break
                    }
                }
            }
            out.append(StyledLine(expandingTabs(String(decoding: slice, as: UTF8.self))), at: preview.offset + Int64(lineStart))
            lineStart = lineEnd + 1
        }
        return out
    }

    /// The hex layout for a width: bytes a row, and whether the spacing is `hexdump -C`'s (two spaces between
    /// groups of 8 and before the ASCII column) or the compact one (one space).
    static func hexLayout(width: Int) -> (perRow: Int, isCompact: Bool) {
        var groups = max(1, (width - 12) / 32)
        while groups > 1 {
            if 12 + 33 * groups <= width { return (groups * 8, false) }
            if 12 + 32 * groups <= width { return (groups * 8, true) }
            groups -= 1
        }
        return (8, 12 + 33 > width)
    }

    static func hexLines(_ preview: FilePreview, width: Int) -> Lines {
        let (perLine, isCompact) = hexLayout(width: width)
        let gap = isCompact ? " " : "  "
        var out = Lines()
        let bytes = preview.bytes
        var offset = 0
        var previous: ArraySlice<UInt8>?
        var isSkipping = false
        while offset < bytes.count {
            let chunk = bytes[offset..<min(offset + perLine, bytes.count)]
            let at = preview.offset + Int64(offset)
            if chunk.count == perLine, let previous, previous == chunk {
                if !isSkipping { out.append(StyledLine("*", .dim), at: at) }
                isSkipping = true
                offset += perLine
                continue
            }
            isSkipping = false
            previous = chunk
            var hex = ""
            for (i, b) in chunk.enumerated() {
                if i > 0 { hex += i % 8 == 0 ? gap : " " }
                hex += Self.hex(UInt32(truncatingIfNeeded: b), digits: 2)
            }
            let hexWidth = perLine * 3 - 1 + (perLine / 8 - 1) * (gap.count - 1)
            hex += String(repeating: " ", count: max(0, hexWidth - hex.count))
            let ascii = String(chunk.map { (0x20...0x7E).contains($0) ? Character(Unicode.Scalar($0)) : "." })
            out.append(
                StyledLine(offsetText(at), .dim).adding("  ").adding(hex).adding(gap + "|", .dim).adding(ascii).adding("|", .dim), at: at)
            offset += perLine
        }
        // As hexdump: after a run of repeats, the offset where they end.
        if isSkipping {
            out.append(StyledLine(offsetText(preview.offset + Int64(bytes.count)), .dim), at: preview.offset + Int64(bytes.count))
        }
        return out
    }

    /// An offset as 8 hex digits (more past 4 GiB).
    static func offsetText(_ offset: Int64) -> String {
        let s = String(offset, radix: 16)
        return String(repeating: "0", count: max(0, 8 - s.count)) + s
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

import Foundation
import Testing
import VolumeCore

@testable import VolumeUI

/// The inspect viewer and the file preview as pagers: new searches, folded or cut long lines, hex rows that use
/// the width, repeated rows collapsed, and a big file read window by window.
@Suite struct PagerTests {
    static let longValue = (1...30).map { "word\($0)" }.joined(separator: "-") + "-END"
    static let json = """
        {
            "CreatedAt": "2026-11-06T12:00:00Z",
            "Driver": "local",
            "Labels": {
                "note": "\(longValue)"
            },
            "Mountpoint": "/var/lib/docker/volumes/shop_db-data/_data",
            "Owners": [
                { "Name": "shop-db-1", "State": "running" }
            ]
        }
        """

    private func inspected(rows: Int = 24, cols: Int = 80) -> AppState {
        var s = Fixture.loaded(rows: rows, cols: cols)
        Fixture.select("shop_db-data", &s)
        Fixture.press([.char("i")], &s)
        _ = Dashboard.reduce(&s, .inspectLoaded(name: "shop_db-data", .success(Self.json)))
        return s
    }

    private func inspectViewer(_ s: AppState) -> InspectViewer? {
        if case .inspect(let v)? = s.dialog { return v }
        return nil
    }

    @Test func slashStartsANewSearch() {
        var s = inspected()
        Fixture.press([.char("/")], &s)
        Fixture.type("Mount", &s)
        Fixture.press([.enter], &s)
        #expect(inspectViewer(s)?.query == "mount")
        Fixture.press([.char("/")], &s)
        #expect(inspectViewer(s)?.search.text == "", "/ opens an empty search line, as in less")
        Fixture.type("running", &s)
        Fixture.press([.enter], &s)
        #expect(inspectViewer(s)?.query == "running", "not \"mountrunning\"")
        #expect(inspectViewer(s)?.matches.count == 1)
        // Esc while typing keeps the last search.
        Fixture.press([.char("/")], &s)
        Fixture.type("zzz", &s)
        Fixture.press([.escape], &s)
        #expect(inspectViewer(s)?.query == "running")
    }

    @Test(arguments: [(24, 80), (35, 120), (50, 200)]) func longLinesFoldWithNothingCut(rows: Int, cols: Int) {
        let s = inspected(rows: rows, cols: cols)
        let text = Fixture.screen(s).text
        #expect(text.contains("END\""), "the end of the long line is on screen")
        // Inside the box (the table behind it may cut its own cells).
        let inside = text.split(separator: "\n").compactMap { line in line.lastIndex(of: "│").map { line[..<$0] } }
        #expect(!inside.contains { $0.contains("word") && $0.contains("…") }, "no line is cut")
    }

    @Test func wCutsLinesAndHLScrollSideways() {
        var s = inspected()
        Fixture.press([.char("w")], &s)
        #expect(inspectViewer(s)?.wraps == false)
        var text = Fixture.screen(s).text
        #expect(!text.contains("END\""))
        #expect(text.contains("columns 1–"))
        var presses = 0
        while !Fixture.screen(s).text.contains("END\""), presses < 20 {
            Fixture.press([.char("l")], &s)
            presses += 1
        }
        #expect(presses > 0 && presses < 20, "l scrolls right until the end of the longest line shows")
        let column = inspectViewer(s)?.column ?? 0
        Fixture.press([.char("l")], &s)
        #expect(inspectViewer(s)?.column == column, "no scrolling past the longest line")
        Fixture.press([.left], &s)
        #expect((inspectViewer(s)?.column ?? 0) < column)
        Fixture.press([.char("w")], &s)
        text = Fixture.screen(s).text
        #expect(inspectViewer(s)?.column == 0)
        #expect(text.contains("END\""))
    }

    @Test func nextMatchScrollsToTheMatchRow() throws {
        var s = inspected(rows: 12, cols: 60)
        Fixture.press([.char("/")], &s)
        Fixture.type("owners", &s)
        Fixture.press([.enter], &s)
        let viewer = try #require(inspectViewer(s))
        #expect(viewer.currentMatchLine == 7)
        // Line 8 (index 7) sits below the folded label line: the view follows the folding.
        let rows = Dashboard.inspectRows(viewer, cols: 60)
        let view = Dashboard.scrollMetrics(.inspect, s).view
        #expect(rows.firstRow[7] > 7, "the label line folded")
        #expect((viewer.scroll..<viewer.scroll + view).contains(rows.firstRow[7]))
        #expect(Fixture.screen(s).text.contains("\"Owners\""))
    }

    // MARK: Preview

    private func previewing(_ bytes: [UInt8], size: Int64, rows: Int = 24, cols: Int = 80, canPage: Bool = true) -> AppState {
        var s = Fixture.loaded(rows: rows, cols: cols)
        s.dialog = .preview(FilePreviewViewer(volume: "cache", path: [Array("big.bin".utf8)], scannedSize: size, canPage: canPage))
        _ = Dashboard.reduce(
            &s, .filePreviewLoaded(volume: "cache", path: [Array("big.bin".utf8)], .success(FilePreview(bytes: bytes, size: size))))
        return s
    }

    private func previewViewer(_ s: AppState) -> FilePreviewViewer? {
        if case .preview(let v)? = s.dialog { return v }
        return nil
    }

    @Test func hexUsesTheWidth() {
        #expect(FilePreviewViewer.hexLayout(width: 70).perRow == 8)
        #expect(FilePreviewViewer.hexLayout(width: 76).perRow == 16)
        #expect(FilePreviewViewer.hexLayout(width: 78).perRow == 16 && !FilePreviewViewer.hexLayout(width: 78).isCompact)
        #expect(FilePreviewViewer.hexLayout(width: 116).perRow == 24)
        #expect(FilePreviewViewer.hexLayout(width: 196).perRow == 40)
        let s = previewing([0x00, 0xFF] + Array(repeating: 0x41, count: 30), size: 32)
        let text = Fixture.screen(s).text
        #expect(
            text.contains("00000000  00 ff 41 41 41 41 41 41 41 41 41 41 41 41 41 41 |..AAAAAAAAAAAAAA|"), "16 bytes a row at 80 columns")
        for line in text.split(separator: "\n") { #expect(CellGrid.columns(of: String(line)) <= 80) }
    }

    @Test func repeatedRowsCollapse() {
        let bytes = Array("header..".utf8) + [UInt8](repeating: 0, count: 8192) + Array("trailer!".utf8)
        let s = previewing(bytes, size: Int64(bytes.count))
        let lines = previewViewer(s)?.lines(width: 76).lines.map(\.text) ?? []
        // header + 8 zeros, a row of zeros, `*` for the 510 rows like it, then 8 zeros + the trailer.
        #expect(lines.count == 4, "\(lines)")
        #expect(lines.filter { $0 == "*" }.count == 1)
        #expect(lines.last?.hasPrefix("00002000") == true)
        #expect(lines.last?.contains("|........trailer!|") == true)
    }

    @Test func longTextLinesFoldOrScroll() {
        let line = (1...40).map { "w\($0)" }.joined(separator: " ") + " TAIL"
        var s = previewing(Array((line + "\nshort\n").utf8), size: Int64(line.utf8.count + 7))
        // Folded between words: every word of the line is on screen, whole.
        let words = Set(Fixture.screen(s).text.split(whereSeparator: { $0 == " " || $0 == "│" || $0 == "\n" }).map(String.init))
        for word in line.split(separator: " ") { #expect(words.contains(String(word)), "\(word)") }
        Fixture.press([.char("w")], &s)
        #expect(!Fixture.screen(s).text.contains("TAIL"))
        #expect(Fixture.screen(s).text.contains("w20 w21"), "cut at the edge")
        Fixture.press([.char("l"), .right, .char("l")], &s)
        #expect(Fixture.screen(s).text.contains("TAIL"))
        #expect(previewViewer(s)?.column == 114, "half the width a key")
        Fixture.press([.char("l")], &s)
        #expect(previewViewer(s)?.column == 114, "not past the end of the longest line")
    }

    @Test func aBigFileIsReadWindowByWindow() {
        let window = Effect.previewWindowBytes
        let size = Int64(window) * 3 + 1000
        // Text: numbered lines of 16 bytes (`line 0000000042` and a newline).
        func lines(from offset: Int, count: Int) -> [UInt8] {
            var out: [UInt8] = []
            var n = offset / 16
            while out.count < count {
                out += Array(String(format: "line %010d\n", n).utf8)
                n += 1
            }
            return Array(out.prefix(count))
        }
        var s = previewing(lines(from: 0, count: window), size: size)
        #expect(Fixture.screen(s).text.contains("bytes 0–64.0 KiB of 193.0 KiB"))
        // PgDn inside the window scrolls; at its bottom it asks for the next window from the top line on.
        var effects: [Effect] = []
        var presses = 0
        while effects.isEmpty, presses < 1000 {
            effects = Fixture.press([.pageDown], &s)
            presses += 1
        }
        guard case .previewFile(_, _, let offset)? = effects.first else {
            Issue.record("no window was asked for: \(effects)")
            return
        }
        #expect(offset > 0 && offset < Int64(window) && offset % 4096 == 0)
        let top = previewViewer(s)?.scroll ?? 0
        #expect(Fixture.press([.pageDown], &s).isEmpty, "one window at a time")
        _ = Dashboard.reduce(
            &s,
            .filePreviewLoaded(
                volume: "cache", path: [Array("big.bin".utf8)],
                .success(FilePreview(bytes: lines(from: Int(offset), count: window), size: size, offset: offset))))
        let shown = Fixture.screen(s).text
        #expect(shown.contains("bytes \(Format.bytes(offset))–"))
        let step = Dashboard.scrollMetrics(.dialog, s).view - 1
        if let viewer = previewViewer(s) {
            let rows = Dashboard.previewRows(viewer, cols: 80).rows.rows
            #expect(rows[viewer.scroll].text == String(format: "line %010d", top + step), "the view moved on by a page from where it was")
        }
        // G reads the last window and shows its end.
        let last = Fixture.press([.char("G")], &s)
        guard case .previewFile(_, _, let end)? = last.first else {
            Issue.record("G read no window")
            return
        }
        #expect(end % 4096 == 0 && size - end <= Int64(window), "one window from there reaches the end")
        _ = Dashboard.reduce(
            &s,
            .filePreviewLoaded(
                volume: "cache", path: [Array("big.bin".utf8)],
                .success(FilePreview(bytes: lines(from: Int(end), count: min(window, Int(size - end))), size: size, offset: end))))
        let bottom = Fixture.screen(s).text
        #expect(bottom.contains(String(format: "line %010d", Int(size) / 16 - 1)))
        #expect(bottom.contains("of 193.0 KiB"))
        // g goes back to the start.
        let first = Fixture.press([.char("g")], &s)
        #expect(first == [.previewFile(volume: "cache", path: [Array("big.bin".utf8)], offset: 0)])
    }

    @Test func helperModeSaysItShowsOnlyTheStart() {
        var s = previewing(Array(repeating: 0x41, count: Effect.previewWindowBytes), size: 10_000_000, canPage: false)
        #expect(Fixture.press([.char("G")], &s).isEmpty)
        #expect(Fixture.screen(s).text.contains("helper mode reads only the start"))
    }

    @Test func aStaleWindowIsDropped() {
        var s = previewing(Array(repeating: 0x41, count: 100), size: 100)
        let before = previewViewer(s)
        _ = Dashboard.reduce(
            &s,
            .filePreviewLoaded(
                volume: "cache", path: [Array("big.bin".utf8)], .success(FilePreview(bytes: [1, 2, 3], size: 100, offset: 4096))))
        #expect(previewViewer(s) == before)
    }

    // MARK: Golden screens

    static let sizes = WidthTests.sizes

    @Test(arguments: sizes) func inspectScreen(_ size: ScreenTests.Size) {
        var s = inspected(rows: size.rows, cols: size.cols)
        Fixture.press([.char("/")], &s)
        Fixture.type("running", &s)
        Fixture.press([.enter], &s)
        expectScreen(Fixture.screen(s), "pager-inspect-\(size.name)")
    }

    @Test(arguments: sizes) func hexScreen(_ size: ScreenTests.Size) {
        var bytes = Array("\u{7F}ELF\u{02}\u{01}\u{01}".utf8) + [UInt8](repeating: 0, count: 9)
        bytes += (0..<48).map { UInt8($0 &* 29 & 0xFF) } + [UInt8](repeating: 0, count: 8192) + Array("voltop-end".utf8)
        let s = previewing(bytes, size: 3_355_443, rows: size.rows, cols: size.cols)
        expectScreen(Fixture.screen(s), "pager-hex-\(size.name)")
    }

    @Test(arguments: sizes) func textScreen(_ size: ScreenTests.Size) {
        let log =
            (1...30).map { i in
                i % 7 == 3
                    ? "2026-12-01T03:0\(i % 10):00Z ERROR request \(i) failed: " + (1...25).map { "detail\($0)" }.joined(separator: " ")
                    : "2026-12-01T03:0\(i % 10):00Z info request \(i) ok"
            }.joined(separator: "\n") + "\n"
        var s = previewing(Array(log.utf8), size: 3_355_443, rows: size.rows, cols: size.cols)
        expectScreen(Fixture.screen(s), "pager-text-\(size.name)")
        Fixture.press([.char("w"), .char("l")], &s)
        expectScreen(Fixture.screen(s), "pager-text-cut-\(size.name)")
    }
}

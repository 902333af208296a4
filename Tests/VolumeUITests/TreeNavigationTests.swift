import Foundation
import Testing

@testable import VolumeCore
@testable import VolumeUI

#if canImport(Glibc)
    import Glibc
#endif

/// The file tree's symlinks, guides, stepping into directories (breadcrumb) and `/` search, over real scans.
@Suite struct TreeNavigationTests {
    typealias F = FileFixture
    let vol = FileFixture.volume
    static let sizes = [
        ScreenTests.Size(rows: 24, cols: 80), ScreenTests.Size(rows: 35, cols: 120), ScreenTests.Size(rows: 50, cols: 200)
    ]

    private func path(_ names: String...) -> [[UInt8]] { names.map { Array($0.utf8) } }

    /// The screen's lines, trailing blanks dropped.
    private func lines(_ s: AppState) -> [String] {
        Fixture.screen(s).text.split(separator: "\n", omittingEmptySubsequences: false).map {
            String($0.reversed().drop { $0 == " " }.reversed())
        }
    }

    /// The breadcrumb line (under the title rule) and the status line (under the tree).
    private func crumb(_ s: AppState) -> String { lines(s)[PaneLayout(s, rows: s.rows, cols: s.cols).main.row + 1] }
    private func status(_ s: AppState) -> String {
        let main = PaneLayout(s, rows: s.rows, cols: s.cols).main
        return lines(s)[main.row + main.height - 1]
    }

    private func check(_ s: AppState, _ name: String, _ size: ScreenTests.Size, sourceLocation: SourceLocation = #_sourceLocation) {
        let grid = Fixture.screen(s)
        #expect(!F.hasRawControl(grid), "no raw control character on \(name)", sourceLocation: sourceLocation)
        expectScreen(grid, "\(name)-\(size.name)", sourceLocation: sourceLocation)
    }

    // MARK: Symlinks

    @Test func aSymlinkShowsItsEscapedTargetAndOpeningItSaysItIsNotFollowed() async throws {
        let root = try F.makeVolume()
        defer { F.remove(root) }
        // A hostile target: an escape sequence and a newline must never reach the terminal raw.
        #expect(symlink("../\u{1B}[2Jgone\nx", root.appendingPathComponent("trap").path) == 0)
        var s = try await F.opened(root, rows: 24, cols: 120)
        let text = lines(s)
        #expect(text.contains { $0.hasSuffix("current → app/logs") }, "the target next to the name")
        #expect(text.contains { $0.hasSuffix("trap → ../\\e[2Jgone\\nx") }, "an untrusted target escaped")
        #expect(!F.hasRawControl(Fixture.screen(s)))
        F.select(["current"], &s)
        #expect(status(s).contains("current → app/logs (not followed)"), "the status line: \(status(s))")
        for key in [KeyPress.enter, .char("p"), .char("l")] {
            #expect(Fixture.press([key], &s).isEmpty, "\(key) opens nothing")
            #expect(s.dialog == nil && s.files?.base == [])
            #expect(s.notice?.text == "current is a link to app/logs, not followed (voltop never follows symlinks)")
        }
        F.select(["trap"], &s)
        Fixture.press([.enter], &s)
        #expect(s.notice?.text.contains("link to ../\\e[2Jgone\\nx, not followed") == true)
    }

    // MARK: Guides

    @Test func guidesShowDepthSoATopLevelFileNeverLinesUpWithANestedEntry() async throws {
        let root = try F.makeVolume()
        defer { F.remove(root) }
        var s = try await F.opened(root, rows: 24, cols: 80)
        Fixture.press([.char("s")], &s)  // by name: a fixed order
        #expect(s.files?.sortKey == .name)
        F.select(["app"], &s)
        Fixture.press([.char("l")], &s)
        F.select(["app", "logs"], &s)
        Fixture.press([.char("l")], &s)
        let shown = lines(s).filter { $0.contains("─") && !$0.contains("Files") }.map { line -> String in
            let start = line.firstIndex { "│├└".contains($0) } ?? line.endIndex
            return String(line[start...])
        }
        #expect(
            Array(shown.prefix(6)) == [
                "├── .hidden", "├─▾ app/", "│ ├── config.json", "│ └─▾ logs/", "│   ├── 2026-11.log", "│   └── old.log.gz"
            ], "\(shown)")
        #expect(shown.last?.hasPrefix("└── evil") == true, "the last entry closes the guide: \(shown)")
    }

    // MARK: Stepping into a directory

    @Test func enterStepsIntoADirectoryUnderABreadcrumbAndBackspaceComesBack() async throws {
        let root = try F.makeVolume()
        defer { F.remove(root) }
        var s = try await F.opened(root, rows: 24, cols: 80)
        F.select(["app"], &s)
        let effects = Fixture.press([.enter], &s)
        #expect(s.files?.base == path("app"))
        #expect(Set(F.names(s)) == ["app/config.json", "app/logs"], "only the directory's entries")
        #expect(F.selectedPath(s) == ["app", "logs"] || F.selectedPath(s) == ["app", "config.json"])
        #expect(s.files?.selection == 0)
        #expect(effects == [.watchFiles(volume: vol, directories: [[], path("app")])], "the shown root is watched")
        #expect(crumb(s).hasPrefix(" shop_uploads / app"), "the breadcrumb: \(crumb(s))")
        // Deeper, then h at the top of the directory shown steps out; Backspace too.
        F.select(["app", "logs"], &s)
        Fixture.press([.enter], &s)
        #expect(s.files?.base == path("app", "logs"))
        #expect(crumb(s).hasPrefix(" shop_uploads / app / logs"))
        Fixture.press([.char("h")], &s)
        #expect(s.files?.base == path("app"))
        #expect(F.selectedPath(s) == ["app", "logs"], "the cursor lands on the directory left")
        Fixture.press([.backspace], &s)
        #expect(s.files?.base == [])
        #expect(F.selectedPath(s) == ["app"])
        Fixture.press([.backspace], &s)
        #expect(s.notice?.text.contains("already at the top") == true)
        #expect(s.mode == .files)
        // l still expands in place, and Enter on a file previews it.
        Fixture.press([.char("l")], &s)
        #expect(s.files?.expanded.contains(path("app")) == true && s.files?.base == [])
        F.select(["data.bin"], &s)
        #expect(Fixture.press([.enter], &s) == [.previewFile(volume: vol, path: path("data.bin"))])
    }

    @Test func aRescanWithoutTheSteppedIntoDirectoryFallsBackToItsParent() async throws {
        let root = try F.makeVolume()
        defer { F.remove(root) }
        var s = try await F.opened(root)
        F.select(["app"], &s)
        Fixture.press([.enter], &s)
        F.select(["app", "logs"], &s)
        Fixture.press([.enter], &s)
        try FileManager.default.removeItem(at: root.appendingPathComponent("app/logs"))
        _ = Dashboard.reduce(&s, .filesScanned(volume: vol, .success(try await F.scan(root))))
        #expect(s.files?.base == path("app"))
        #expect(F.names(s) == ["app/config.json"])
    }

    // MARK: Search

    @Test func slashSearchesNamesBelowTheShownRootAndNStepsThroughMatches() async throws {
        let root = try F.makeVolume()
        defer { F.remove(root) }
        var s = try await F.opened(root, rows: 24, cols: 80)
        Fixture.press([.char("s")], &s)  // by name
        Fixture.press([.char("/")], &s)
        #expect(s.keyScopes == [.treeSearch, .global])
        let effects = Fixture.type("LOG", &s)
        // Case-insensitive, in the tree's order, directories expanded to show the match.
        let matches = s.files?.search.matches.map { $0.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "/") }
        #expect(matches == ["app/logs", "app/logs/2026-11.log", "app/logs/old.log.gz"])
        #expect(F.selectedPath(s) == ["app", "logs"])
        #expect(s.files?.expanded.contains(path("app")) == true)
        #expect(effects.contains(.watchFiles(volume: vol, directories: [[], path("app")])))
        #expect(crumb(s).contains("/LOG"), "the search on the breadcrumb line: \(crumb(s))")
        Fixture.press([.enter], &s)
        #expect(s.keyScopes == [.files, .global])
        #expect(crumb(s).contains("/LOG 1 of 3 matches · n/N"), "\(crumb(s))")
        // A rescan (helper mode polls) keeps the matches and where the cursor is among them.
        _ = Dashboard.reduce(&s, .filesScanned(volume: vol, .success(try await F.scan(root))))
        #expect(crumb(s).contains("/LOG 1 of 3 matches · n/N"), "after a rescan: \(crumb(s))")
        Fixture.press([.char("n")], &s)
        #expect(F.selectedPath(s) == ["app", "logs", "2026-11.log"])
        #expect(s.files?.expanded.contains(path("app", "logs")) == true)
        Fixture.press([.char("n"), .char("n")], &s)
        #expect(F.selectedPath(s) == ["app", "logs"], "wraps around")
        Fixture.press([.char("N")], &s)
        #expect(F.selectedPath(s) == ["app", "logs", "old.log.gz"])
        // From the cursor: n goes to the next match after it.
        F.select([".hidden"], &s)
        Fixture.press([.char("n")], &s)
        #expect(F.selectedPath(s) == ["app", "logs"])
        // Esc clears the search first, then leaves the tree.
        Fixture.press([.escape], &s)
        #expect(s.files?.search.isActive == false && s.mode == .files)
        Fixture.press([.char("n")], &s)
        #expect(s.notice?.text.contains("no search") == true)
        Fixture.press([.char("/")], &s)
        Fixture.type("zzz", &s)
        Fixture.press([.enter], &s)
        #expect(s.notice?.text == "no name contains \"zzz\"")
        #expect(crumb(s).contains("/zzz no match"))
        // A stepped-into directory limits the search to what it holds.
        Fixture.press([.escape], &s)
        F.select(["cache"], &s)
        Fixture.press([.enter, .char("/")], &s)
        Fixture.type("log", &s)
        #expect(s.files?.search.matches.isEmpty == true)
        Fixture.press([.escape], &s)
        #expect(s.files?.search.isActive == false && s.files?.search.isEditing == false)
    }

    // MARK: Screens

    @Test(arguments: sizes) func steppedIntoWithASearch(_ size: ScreenTests.Size) async throws {
        let root = try F.makeVolume()
        defer { F.remove(root) }
        var s = try await F.opened(root, rows: size.rows, cols: size.cols)
        Fixture.press([.char("a"), .char("s")], &s)  // apparent sizes, by name: stable on any filesystem
        F.select(["app"], &s)
        Fixture.press([.enter, .char("/")], &s)
        Fixture.type("log", &s)
        Fixture.press([.enter, .char("n")], &s)
        check(s, "files-stepped-search", size)
    }

    @Test(arguments: sizes) func treeWithGuidesAndSymlinks(_ size: ScreenTests.Size) async throws {
        let root = try F.makeVolume()
        defer { F.remove(root) }
        var s = try await F.opened(root, rows: size.rows, cols: size.cols)
        Fixture.press([.char("a"), .char("s")], &s)
        F.select(["app"], &s)
        Fixture.press([.char("l")], &s)
        F.select(["app", "logs"], &s)
        Fixture.press([.char("l")], &s)
        F.select(["current"], &s)
        check(s, "files-guides", size)
    }
}

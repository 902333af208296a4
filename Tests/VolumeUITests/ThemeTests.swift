import Foundation
import Testing
import VoltopConfig

@testable import VolumeUI

/// `[theme]`: the shipped themes (files = compiled in), custom colors per role, every problem with its line, and
/// `NO_COLOR` over all of it.
@Suite struct ThemeTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func shippedFilesAreTheCompiledThemes() throws {
        let folder = Self.root.appendingPathComponent("Resources/themes")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".toml") }
        #expect(Set(files.map { String($0.dropLast(5)) }) == Set(VoltopConfig.themeNames))
        #expect(VoltopConfig.themeNames.first == "default" && VoltopConfig.themeNames.count >= 4)
        for name in VoltopConfig.themeNames {
            let file = try String(contentsOf: folder.appendingPathComponent("\(name).toml"), encoding: .utf8)
            #expect(VoltopConfig.themeText(named: name) == file, "Resources/themes/\(name).toml changed: run scripts/embed-themes")
        }
    }

    @Test func theDefaultThemeIsTheBuiltInColors() throws {
        let text = try #require(VoltopConfig.themeText(named: "default"))
        #expect(try VoltopConfig.parseTheme(text).get() == Palette.standard)
        #expect(try VoltopConfig.parse("").get().palette == Palette.standard)
    }

    @Test(arguments: ["light", "solarized-dark", "solarized-light"]) func everyShippedThemeParsesToItsOwnColors(_ name: String) throws {
        let config = try VoltopConfig.parse("[theme]\nname = \"\(name)\"\n").get()
        #expect(config.themeName == name)
        #expect(config.palette != Palette.standard)
        // Every role that the default colors is colored by the theme too (none falls back to plain).
        for role in Palette.roleNames where Palette.standard[roleNamed: role] != nil {
            #expect(config.palette[roleNamed: role] != nil, "\(name) leaves \(role) uncolored")
        }
    }

    @Test func customColorsGoOverTheNamedTheme() throws {
        let text = """
            [theme]
            name = "solarized-dark"

            [theme.colors]
            selected = { fg = "black", bg = "cyan", bold = true }
            mark = { fg = 200 }
            leaked = { fg = "bright-red", underline = true }
            running = { bold = true }
            """
        let config = try VoltopConfig.parse(text).get()
        let theme = Theme(isMonochrome: false, palette: config.palette)
        // The bg replaces reverse video; bold is added.
        #expect(theme.style(.selected) == CellStyle(fg: .black, bg: .cyan, bold: true))
        #expect(theme.style(.mark) == CellStyle(fg: .indexed(200), bold: true))
        #expect(theme.style(.leaked) == CellStyle(fg: .indexed(9), bold: true, underline: true))
        // Only bold set: the theme's green stays.
        #expect(theme.style(.running) == CellStyle(fg: .indexed(64), bold: true))
        // Untouched roles keep solarized-dark's colors.
        let solarized = try VoltopConfig.parse("[theme]\nname = \"solarized-dark\"\n").get().palette
        #expect(theme.style(.brand) == Theme(isMonochrome: false, palette: solarized).style(.brand))
        #expect(theme.style(.brand).bg == .indexed(37))
    }

    @Test func everyThemeProblemIsNamedWithItsLine() throws {
        let text = """
            [theme]
            name = "neon"
            shade = 3

            [theme.colors]
            selected = { fg = "chartreuse" }
            mark = { bg = 256 }
            leaked = { bold = "yes" }
            running = { blink = true }
            flashy = { fg = "red" }
            stopped = "yellow"
            """
        guard case .failure(let problems) = VoltopConfig.parse(text) else {
            Issue.record("a broken theme was accepted")
            return
        }
        func message(at line: Int) -> String { problems.list.filter { $0.line == line }.map(\.message).joined(separator: " | ") }
        #expect(message(at: 2).contains("unknown theme \"neon\": use one of \"default\", \"light\""), "\(problems.list)")
        #expect(message(at: 3).contains("unknown setting shade in [theme]"), "\(problems.list)")
        #expect(message(at: 6).contains("selected: fg must be a color name"), "\(problems.list)")
        #expect(message(at: 7).contains("mark: bg must be a color name") && message(at: 7).contains("0 to 255"), "\(problems.list)")
        #expect(message(at: 8).contains("leaked: bold must be true or false"), "\(problems.list)")
        #expect(message(at: 9).contains("running: unknown part blink"), "\(problems.list)")
        #expect(message(at: 10).contains("unknown role flashy in [theme.colors]"), "\(problems.list)")
        #expect(message(at: 11).contains("stopped must be a table of colors"), "\(problems.list)")
        #expect(problems.list.count == 8, "\(problems.list)")
    }

    @Test func theUsersOwnThemeIsReadFromTheThemesFolder() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("voltop-theme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("themes"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("config.toml")
        try "[dashboard]\nsort = \"size\"\n\n[theme]\nname = \"mine\"\n".write(to: config, atomically: true, encoding: .utf8)
        try "[colors]\nbrand = { fg = 16, bg = 214 }\n".write(
            to: dir.appendingPathComponent("themes/mine.toml"), atomically: true, encoding: .utf8)
        let loaded = try #require(try VoltopConfig.load(path: config.path).get())
        #expect(loaded.themeName == "mine")
        #expect(
            Theme(isMonochrome: false, palette: loaded.palette).style(.brand) == CellStyle(fg: .indexed(16), bg: .indexed(214), bold: true))
        // Only what the file colors: the rest is monochrome.
        #expect(loaded.palette[roleNamed: "running"] == nil)

        // A broken theme file: named at the config's line, with the theme file's own line.
        try "[colors]\nbrand = { fg = \"pink\" }\n".write(
            to: dir.appendingPathComponent("themes/mine.toml"), atomically: true, encoding: .utf8)
        guard case .failure(let problems) = VoltopConfig.load(path: config.path) else {
            Issue.record("a broken theme file was accepted")
            return
        }
        #expect(problems.list.count == 1)
        #expect(problems.list.first?.line == 5)
        #expect(
            problems.list.first?.message.contains("themes/mine.toml has problems: line 2: brand: fg must be a color name") == true,
            "\(problems.list)")

        // A name that is a path is never read.
        guard
            case .failure(let escaped) = VoltopConfig.parse(
                "[theme]\nname = \"../config\"\n", themeDirectory: dir.appendingPathComponent("themes").path)
        else {
            Issue.record("a path was taken for a theme name")
            return
        }
        #expect(escaped.list.first?.message.contains("unknown theme") == true)
    }

    /// `NO_COLOR` and `--no-color` win: a monochrome dashboard draws the same whatever the theme.
    @Test func monochromeIgnoresTheTheme() throws {
        let solarized = try VoltopConfig.parse("[theme]\nname = \"solarized-dark\"\n").get().palette
        var state = Fixture.loaded()
        Fixture.select("shop_uploads", &state)
        #expect(state.isMonochrome)
        let plain = Fixture.screen(state)
        state.palette = solarized
        let themed = Fixture.screen(state)
        #expect(plain == themed)
        #expect(themed.cells.allSatisfy { $0.style.fg == .default && $0.style.bg == .default })
        state.isMonochrome = false
        #expect(Fixture.screen(state) != plain)
    }

    /// A non-default theme's screen with its colors, and the default's for comparison.
    @Test(arguments: ["default", "solarized-dark", "light"]) func themedTable(_ name: String) throws {
        var state = Fixture.loaded()
        Fixture.select("shop_uploads", &state)
        state.isMonochrome = false
        state.palette = try VoltopConfig.parse("[theme]\nname = \"\(name)\"\n").get().palette
        expectStyledScreen(Fixture.screen(state), "theme-\(name)-80x24")
    }

    static let begin = "<!-- theme-roles:begin (generated from Palette; see ThemeTests) -->"
    static let end = "<!-- theme-roles:end -->"

    /// The README's role table is generated from the roles; the man page names every role and every theme.
    @Test func readmeAndManPageNameEveryRoleAndTheme() throws {
        let readmeURL = Self.root.appendingPathComponent("README.md")
        let readme = try String(contentsOf: readmeURL, encoding: .utf8)
        var table = "| Role | What it colors | `default` theme |\n|---|---|---|"
        for role in Palette.roleNames {
            let value = Palette.standard[roleNamed: role].map { "`\(VoltopConfig.themeValue($0))`" } ?? "no color"
            table += "\n| `\(role)` | \(Palette.help(forRole: role) ?? "") | \(value) |"
        }
        guard let start = readme.range(of: Self.begin), let stop = readme.range(of: Self.end), start.upperBound <= stop.lowerBound else {
            Issue.record("README.md has no theme-roles markers")
            return
        }
        if readme[start.upperBound..<stop.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines) != table {
            if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
                let updated = readme[..<start.upperBound] + "\n" + table + "\n" + readme[stop.lowerBound...]
                try String(updated).write(to: readmeURL, atomically: true, encoding: .utf8)
            }
            Issue.record("README.md's theme roles differ from Palette (re-record with RECORD_SNAPSHOTS=1)")
        }
        let man = try String(contentsOf: Self.root.appendingPathComponent("Resources/voltop.1"), encoding: .utf8)
            .replacingOccurrences(of: "\\-", with: "-")
        for name in Palette.roleNames + VoltopConfig.themeNames + ["[theme]", "[theme.colors]", "print-theme"] {
            #expect(man.contains(name), "the man page does not name \(name)")
        }
        for name in VoltopConfig.themeNames + ["[theme]", "[theme.colors]", "print-theme", "NO_COLOR"] {
            #expect(readme.contains(name), "README.md does not name \(name)")
        }
    }
}

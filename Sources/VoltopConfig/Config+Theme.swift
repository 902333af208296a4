import TOMLKit
import VolumeUI

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension VoltopConfig {
    /// The names of the themes voltop ships (`Resources/themes/NAME.toml`, compiled in), `default` first.
    public static var themeNames: [String] { BuiltInThemes.all.map(\.name) }

    /// The text of a shipped theme (nil: no theme of that name).
    public static func themeText(named name: String) -> String? {
        BuiltInThemes.all.first { $0.name == name }?.text
    }

    /// The names of a color, as a theme spells them.
    static let colorNames: [(name: String, color: TermColor)] = {
        let basic: [(String, TermColor)] = [
            ("black", .black), ("red", .red), ("green", .green), ("yellow", .yellow), ("blue", .blue), ("magenta", .magenta),
            ("cyan", .cyan), ("white", .white)
        ]
        let bright = basic.enumerated().map { ("bright-" + $1.0, TermColor.indexed(UInt8(8 + $0))) }
        return [("default", .default)] + basic + bright
    }()

    /// A theme file (`[colors]`, one entry per role) as a palette over the monochrome look.
    public static func parseTheme(_ text: String) -> Result<Palette, Problems> {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            return .failure(Problems([Problem(line: error.source.begin.line, message: "not valid TOML: \(error.description)")]))
        } catch {
            return .failure(Problems([Problem(line: nil, message: "not valid TOML: \(error)")]))
        }
        let lines = LineFinder(text)
        var palette = Palette()
        var problems: [Problem] = []
        for key in table.keys {
            guard key == "colors", let colors = table[key]?.table else {
                problems.append(
                    Problem(
                        line: lines.table(key) ?? lines.key(key, in: nil),
                        message: "unknown setting \(visible(key)) in a theme: a theme holds one table, [colors]"))
                continue
            }
            parseColors(colors, section: "colors", into: &palette, lines: lines, problems: &problems)
        }
        return problems.isEmpty ? .success(palette) : .failure(Problems(problems))
    }

    /// `[theme]`: `name` (a shipped theme, or `NAME.toml` in `themeDirectory`), then `[theme.colors]` over it.
    static func parseThemeSection(
        _ t: TOMLTable, into config: inout VoltopConfig, themeDirectory: String?, lines: LineFinder, problems: inout [Problem]
    ) {
        for key in t.keys where key != "name" && key != "colors" {
            problems.append(
                Problem(
                    line: lines.key(key, in: "theme") ?? lines.table("theme.\(key)"),
                    message: "unknown setting \(visible(key)) in [theme]: expected name or [theme.colors]"))
        }
        if t.contains(key: "name") {
            let line = lines.key("name", in: "theme")
            if let name = t["name"]?.string {
                switch theme(named: name, directory: themeDirectory) {
                case .success(let palette):
                    config.themeName = name
                    config.palette = palette
                case .failure(var problem):
                    problem.line = line
                    problems.append(problem)
                }
            } else {
                problems.append(Problem(line: line, message: "name must be a theme's name in quotes: name = \"light\""))
            }
        }
        if t.contains(key: "colors") {
            guard let colors = t["colors"]?.table else {
                problems.append(
                    Problem(
                        line: lines.key("colors", in: "theme"),
                        message: "colors must be a table: [theme.colors] with one line per role, selected = { fg = \"black\" }"))
                return
            }
            parseColors(colors, section: "theme.colors", into: &config.palette, lines: lines, problems: &problems)
        }
    }

    /// A shipped theme, or the user's `directory/NAME.toml`; what is wrong otherwise.
    private static func theme(named name: String, directory: String?) -> Result<Palette, Problem> {
        let shipped = themeNames.map { "\"\($0)\"" }.joined(separator: ", ")
        if let text = themeText(named: name) {
            return parseTheme(text).mapError { _ in
                Problem(line: nil, message: "the shipped theme \(name) does not parse: please report it")
            }
        }
        let isPlainName =
            !name.isEmpty && name.count <= 64 && !name.hasPrefix(".")
            && name.unicodeScalars.allSatisfy { $0.isAlphanumeric || "-_.".unicodeScalars.contains($0) }
        guard isPlainName, let directory else {
            return .failure(Problem(line: nil, message: "unknown theme \"\(visible(name))\": use one of \(shipped)"))
        }
        let path = directory + "/" + name + ".toml"
        guard FileManager.default.fileExists(atPath: path) else {
            return .failure(
                Problem(line: nil, message: "unknown theme \"\(visible(name))\": use one of \(shipped), or write your own as \(path)"))
        }
        guard let data = FileManager.default.contents(atPath: path), data.count <= 1 << 20,
            let text = String(data: data, encoding: .utf8)
        else {
            return .failure(
                Problem(line: nil, message: "cannot read the theme \(path) (or it is over 1 MiB, or not UTF-8): check its permissions"))
        }
        switch parseTheme(text) {
        case .success(let palette): return .success(palette)
        case .failure(let problems):
            let said = problems.list.map(\.description).joined(separator: "; ")
            return .failure(Problem(line: nil, message: "the theme \(path) has problems: \(said)"))
        }
    }

    /// One entry per role: `selected = { fg = "black", bg = "cyan", bold = true }`, painted over `palette`.
    private static func parseColors(
        _ t: TOMLTable, section: String, into palette: inout Palette, lines: LineFinder, problems: inout [Problem]
    ) {
        for role in t.keys {
            let line = lines.key(role, in: section) ?? lines.table("\(section).\(role)")
            guard Palette.roleNames.contains(role) else {
                problems.append(
                    Problem(
                        line: line,
                        message:
                            "unknown role \(visible(role)) in [\(section)]: expected one of \(Palette.roleNames.joined(separator: ", "))"))
                continue
            }
            guard let parts = t[role]?.table else {
                problems.append(
                    Problem(line: line, message: "\(role) must be a table of colors: \(role) = { fg = \"black\", bg = \"cyan\" }"))
                continue
            }
            var paint = Palette.Paint()
            var isValid = true
            for part in parts.keys {
                switch part {
                case "fg", "bg":
                    guard let value = parts[part], let color = color(value) else {
                        problems.append(
                            Problem(
                                line: line,
                                message:
                                    "\(role): \(part) must be a color name (\(colorNames.map(\.name).joined(separator: ", "))) "
                                    + "or a number 0 to 255"))
                        isValid = false
                        continue
                    }
                    if part == "fg" { paint.fg = color } else { paint.bg = color }
                case "bold", "reverse", "dim", "underline":
                    guard let value = parts[part]?.bool else {
                        problems.append(Problem(line: line, message: "\(role): \(part) must be true or false"))
                        isValid = false
                        continue
                    }
                    switch part {
                    case "bold": paint.bold = value
                    case "reverse": paint.reverse = value
                    case "dim": paint.dim = value
                    default: paint.underline = value
                    }
                default:
                    problems.append(
                        Problem(
                            line: line, message: "\(role): unknown part \(visible(part)): expected fg, bg, bold, reverse, dim or underline")
                    )
                    isValid = false
                }
            }
            if isValid { _ = palette.paint(roleNamed: role, with: paint) }
        }
    }

    /// A color: a name, or a number of the 256-color palette.
    private static func color(_ value: TOMLValueConvertible) -> TermColor? {
        if let name = value.string {
            return colorNames.first { $0.name == name.lowercased() }?.color
        }
        if let number = value.int, (0...255).contains(number) { return .indexed(UInt8(number)) }
        return nil
    }

    /// The spelling of a color in a theme file.
    static func colorName(_ color: TermColor) -> String {
        if let name = colorNames.first(where: { $0.color == color })?.name { return "\"\(name)\"" }
        if case .indexed(let n) = color { return String(n) }
        return "\"default\""
    }

    /// A paint as a theme file spells it: `{ fg = "black", bg = "cyan" }`.
    public static func themeValue(_ paint: Palette.Paint) -> String {
        var parts: [String] = []
        if let fg = paint.fg { parts.append("fg = \(colorName(fg))") }
        if let bg = paint.bg { parts.append("bg = \(colorName(bg))") }
        if let bold = paint.bold { parts.append("bold = \(bold)") }
        if let reverse = paint.reverse { parts.append("reverse = \(reverse)") }
        if let dim = paint.dim { parts.append("dim = \(dim)") }
        if let underline = paint.underline { parts.append("underline = \(underline)") }
        return "{ " + parts.joined(separator: ", ") + " }"
    }
}

import TOMLKit
import VolumeCore
import VolumeUI

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The user's configuration, `$XDG_CONFIG_HOME/voltop/config.toml` (default `~/.config/voltop/config.toml`):
/// key bindings per screen, the default sort, how often sizes are looked at again, and the theme.
///
/// A file with any problem is refused as a whole (voltop says which line and how to fix it, and starts nothing):
/// half a configuration would surprise more than none.
public struct VoltopConfig: Sendable {
    /// The keymap: the defaults with the file's `[keys.SCOPE]` tables over them.
    public var keyMap = KeyMap.default
    /// The table's sort at start (`name`, `size`, `created`, `owners`, `status`, `growth`), and whether reversed.
    public var sort: String?
    public var reverse = false
    /// Seconds between looks at the sizes of rows on screen that a running container writes (0: only on changes).
    public var sizeRefresh: Double?
    /// The theme's name (`[theme] name`), and its colors with the file's `[theme.colors]` over them.
    public var themeName = "default"
    public var palette = Palette.standard
    /// The trash's limits from `[trash]`: `max_volume`, `max_total` (bytes) and `days`; nil where the file
    /// sets none. `VOLTOP_TRASH_*` in the environment wins over them.
    public var trashMaxVolume: Int64?
    public var trashMaxTotal: Int64?
    public var trashDays: Double?

    public init() {}

    /// The standard trash policy with this file's `[trash]` limits over it.
    public var trashPolicy: Trash.Policy {
        var policy = Trash.Policy.standard
        if let trashMaxVolume { policy.maxVolumeBytes = trashMaxVolume }
        if let trashMaxTotal { policy.maxTotalBytes = trashMaxTotal }
        if let trashDays { policy.retention = trashDays * 24 * 3600 }
        return policy
    }

    /// One thing wrong with a file: where (a line when known) and what to do.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var line: Int?
        public var message: String
        public var description: String { (line.map { "line \($0): " } ?? "") + message }
    }

    /// Every problem of a file.
    public struct Problems: Error, Sendable {
        public var list: [Problem]
        public init(_ list: [Problem]) { self.list = list }
    }

    /// Where the file is looked for.
    public static func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let dir = environment["XDG_CONFIG_HOME"], dir.hasPrefix("/") { return dir + "/voltop/config.toml" }
        return (environment["HOME"] ?? HomeDirectory.path) + "/.config/voltop/config.toml"
    }

    /// The file at `path`, or nil when there is none; every problem otherwise. A theme that voltop does not ship is
    /// looked for next to it, as `themes/NAME.toml`.
    public static func load(path: String) -> Result<VoltopConfig?, Problems> {
        guard FileManager.default.fileExists(atPath: path) else { return .success(nil) }
        guard let data = FileManager.default.contents(atPath: path), data.count <= 1 << 20 else {
            return .failure(Problems([Problem(line: nil, message: "cannot read \(path) (or it is over 1 MiB): check its permissions")]))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(Problems([Problem(line: nil, message: "\(path) is not UTF-8 text")]))
        }
        let directory = PathName.parent(path)
        return parse(text, themeDirectory: (directory.isEmpty ? "." : directory) + "/themes").map { Optional($0) }
    }

    /// Parses a configuration; every problem is reported, each with its line where it can be found. `themeDirectory`
    /// holds the user's own themes (`NAME.toml`); nil: only the shipped ones.
    public static func parse(_ text: String, themeDirectory: String? = nil) -> Result<VoltopConfig, Problems> {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            return .failure(Problems([Problem(line: error.source.begin.line, message: "not valid TOML: \(error.description)")]))
        } catch {
            return .failure(Problems([Problem(line: nil, message: "not valid TOML: \(error)")]))
        }
        let lines = LineFinder(text)
        var config = VoltopConfig()
        var problems: [Problem] = []
        for key in table.keys {
            switch key {
            case "dashboard":
                guard let dashboard = table[key]?.table else {
                    problems.append(Problem(line: lines.table(key), message: "dashboard must be a table: [dashboard]"))
                    continue
                }
                parseDashboard(dashboard, into: &config, lines: lines, problems: &problems)
            case "keys":
                guard let keys = table[key]?.table else {
                    problems.append(Problem(line: lines.table(key), message: "keys must hold tables: [keys.volumes], [keys.files]…"))
                    continue
                }
                parseKeys(keys, into: &config, lines: lines, problems: &problems)
            case "theme":
                guard let theme = table[key]?.table else {
                    problems.append(
                        Problem(line: lines.key(key, in: nil), message: "theme must be a table: [theme] with name = \"light\""))
                    continue
                }
                parseThemeSection(theme, into: &config, themeDirectory: themeDirectory, lines: lines, problems: &problems)
            case "trash":
                guard let trash = table[key]?.table else {
                    problems.append(Problem(line: lines.table(key), message: "trash must be a table: [trash]"))
                    continue
                }
                parseTrash(trash, into: &config, lines: lines, problems: &problems)
            default:
                problems.append(
                    Problem(
                        line: lines.table(key) ?? lines.key(key, in: nil),
                        message: "unknown section \(visible(key)): expected [dashboard], [trash], [keys.SCOPE] or [theme]"))
            }
        }
        return problems.isEmpty ? .success(config) : .failure(Problems(problems))
    }

    private static func parseDashboard(_ t: TOMLTable, into config: inout VoltopConfig, lines: LineFinder, problems: inout [Problem]) {
        for key in t.keys {
            let line = lines.key(key, in: "dashboard")
            switch key {
            case "sort":
                guard let name = t[key]?.string, AppState.sortNames.contains(name) else {
                    problems.append(Problem(line: line, message: "sort must be one of \(AppState.sortNames.joined(separator: ", "))"))
                    continue
                }
                config.sort = name
            case "reverse":
                guard let value = t[key]?.bool else {
                    problems.append(Problem(line: line, message: "reverse must be true or false"))
                    continue
                }
                config.reverse = value
            case "size_refresh":
                let value = t[key]?.double ?? t[key]?.int.map(Double.init)
                guard let seconds = value, seconds == 0 || (1...3600).contains(seconds) else {
                    problems.append(Problem(line: line, message: "size_refresh must be 0 (only on changes) or 1 to 3600 seconds"))
                    continue
                }
                config.sizeRefresh = seconds
            default:
                problems.append(
                    Problem(line: line, message: "unknown setting \(key) in [dashboard]: expected sort, reverse or size_refresh"))
            }
        }
    }

    private static func parseTrash(_ t: TOMLTable, into config: inout VoltopConfig, lines: LineFinder, problems: inout [Problem]) {
        for key in t.keys {
            let line = lines.key(key, in: "trash")
            switch key {
            case "max_volume", "max_total":
                let text = t[key]?.string ?? t[key]?.int.map(String.init)
                guard let text, let bytes = Trash.Policy.size(text) else {
                    problems.append(
                        Problem(line: line, message: "\(key) must be a size: bytes, or a string like \"512MiB\", \"1GiB\", \"10G\""))
                    continue
                }
                if key == "max_volume" { config.trashMaxVolume = bytes } else { config.trashMaxTotal = bytes }
            case "days":
                let value = t[key]?.double ?? t[key]?.int.map(Double.init)
                guard let days = value, days >= 0, days < 100_000 else {
                    problems.append(Problem(line: line, message: "days must be a number of days from 0 (e.g. 7 or 0.5)"))
                    continue
                }
                config.trashDays = days
            default:
                problems.append(
                    Problem(line: line, message: "unknown setting \(key) in [trash]: expected max_volume, max_total or days"))
            }
        }
    }

    private static func parseKeys(_ t: TOMLTable, into config: inout VoltopConfig, lines: LineFinder, problems: inout [Problem]) {
        let scopes = KeyBinding.Scope.allCases.map(\.rawValue)
        for scopeName in t.keys {
            guard let scope = KeyBinding.Scope(configName: scopeName), let table = t[scopeName]?.table else {
                problems.append(
                    Problem(
                        line: lines.table("keys.\(scopeName)"),
                        message: "unknown key scope [keys.\(scopeName)]: expected one of \(scopes.joined(separator: ", "))"))
                continue
            }
            for commandName in table.keys {
                let line = lines.key(commandName, in: "keys.\(scopeName)")
                guard let command = Command(rawValue: commandName) else {
                    problems.append(
                        Problem(
                            line: line,
                            message: "unknown command \(commandName) in [keys.\(scopeName)]: voltop config print-default lists them"))
                    continue
                }
                var names: [String] = []
                if let one = table[commandName]?.string {
                    names = [one]
                } else if let list = table[commandName]?.array {
                    for value in list {
                        guard let name = value.string else {
                            names = []
                            break
                        }
                        names.append(name)
                    }
                }
                guard !names.isEmpty else {
                    problems.append(
                        Problem(line: line, message: "\(commandName) must be a key or a list of keys: \(commandName) = [\"j\", \"down\"]"))
                    continue
                }
                var keys: [KeyPress] = []
                for name in names {
                    guard let key = KeyPress(configName: name) else {
                        problems.append(
                            Problem(
                                line: line,
                                message:
                                    "unknown key \"\(Self.visible(name))\" for \(commandName): use a character, ctrl-X, enter, esc, tab, space, "
                                    + "up, down, left, right, pgup, pgdn, home, end, backspace, delete or f1…f12"))
                        continue
                    }
                    keys.append(key)
                }
                guard keys.count == names.count else { continue }
                guard let rebound = config.keyMap.rebinding(command, in: scope, to: keys) else {
                    problems.append(
                        Problem(
                            line: line,
                            message: "\(commandName) is not a command of [keys.\(scopeName)]: voltop config print-default lists them"))
                    continue
                }
                config.keyMap = rebound
            }
        }
        // Two commands on one key in one scope: the second would never run.
        var reported: Set<String> = []
        for (scope, key) in config.keyMap.duplicateKeys {
            let holders = config.keyMap.bindings(in: scope).filter { $0.keys.contains(key) }.map(\.command.rawValue)
            let id = "\(scope.rawValue) \(key.configName)"
            guard reported.insert(id).inserted else { continue }
            let line = holders.lazy.compactMap { lines.key($0, in: "keys.\(scope.rawValue)") }.first
            problems.append(
                Problem(
                    line: line,
                    message:
                        "key \"\(key.configName)\" is bound twice in [keys.\(scope.rawValue)] (\(holders.joined(separator: " and "))): "
                        + "give one of them another key"))
        }
    }

    /// Text from the file shown in a message: control characters made visible.
    static func visible(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) }.prefix(40))
    }

    /// A commented default file: every setting and every binding with its default keys.
    public static var defaultText: String {
        var out = """
            # voltop configuration: $XDG_CONFIG_HOME/voltop/config.toml (default ~/.config/voltop/config.toml).
            # Every line is commented out: these are the defaults. Check a file with `voltop config check`.
            # NO_COLOR (or --no-color) turns colors off, whatever the theme.

            [dashboard]
            # sort = "name"          # name, size, created, owners, status or growth
            # reverse = false        # against the column's natural order
            # size_refresh = 15      # seconds between looks at rows a running container writes (0: only on changes)

            [trash]
            # max_volume = "1GiB"    # a larger volume is not kept: removing it deletes its data for good
            # max_total = "10GiB"    # the most the trash holds; the oldest items go first
            # days = 7               # how long an item is kept
            # VOLTOP_TRASH_MAX_VOLUME, VOLTOP_TRASH_MAX_TOTAL and VOLTOP_TRASH_DAYS win over these.

            # Keys per screen. A value is one key or a list: a character ("j", "G", "/"), "ctrl-f", "enter", "esc",
            # "tab", "shift-tab", "space", "up", "down", "left", "right", "pgup", "pgdn", "home", "end", "backspace",
            # "delete", "insert", "f1"…"f12". A key bound twice in one screen is an error.

            """
        for scope in KeyBinding.Scope.allCases {
            let bindings = KeyMap.default.bindings(in: scope)
            guard !bindings.isEmpty else { continue }
            out += "[keys.\(scope.rawValue)]    # \(scope.title)\n"
            for binding in bindings {
                let keys = binding.keys.map { "\"\($0.configName)\"" }.joined(separator: ", ")
                out += "# \(binding.command.rawValue) = [\(keys)]    # \(binding.help)\n"
            }
            out += "\n"
        }
        out += """
            [theme]
            # name = "default"    # \(themeNames.joined(separator: ", ")), or NAME for ~/.config/voltop/themes/NAME.toml

            # Colors per role, over the theme's. fg and bg: a color name (default, black, red, green, yellow, blue, magenta,
            # cyan, white, bright-black … bright-white) or a number 0-255; bold, reverse, dim, underline: true or false.
            # Unset parts keep the theme's (or the role's monochrome look); a bg turns reverse video off unless it sets reverse too.
            [theme.colors]

            """
        for role in Palette.roleNames {
            let value = Palette.standard[roleNamed: role].map(themeValue) ?? "{ }"
            out += "# \(role) = \(value)    # \(Palette.help(forRole: role) ?? "")\n"
        }
        return out
    }
}

/// Finds the line of a table header or a key in the file's text (TOMLKit reports lines only for syntax errors).
struct LineFinder {
    let lines: [Substring]

    init(_ text: String) { lines = text.split(separator: "\n", omittingEmptySubsequences: false) }

    /// The line of `[name]`.
    func table(_ name: String) -> Int? {
        for (i, line) in lines.enumerated() {
            let t = line.trimmingBlanks()
            if t.hasPrefix("["), t.dropFirst().hasPrefix(name),
                t.dropFirst(1 + name.count).trimmingBlanks().hasPrefix("]")
            {
                return i + 1
            }
        }
        return nil
    }

    /// The line where `key` is set inside `[table]` (nil: at the top).
    func key(_ key: String, in table: String?) -> Int? {
        var inside = table == nil
        for (i, line) in lines.enumerated() {
            let t = line.trimmingBlanks()
            if t.hasPrefix("[") {
                inside = table.map { name in t == "[\(name)]" || t.hasPrefix("[\(name)]") } ?? false
                continue
            }
            guard inside, t.hasPrefix(key) else { continue }
            let rest = t.dropFirst(key.count).trimmingBlanks()
            if rest.hasPrefix("=") { return i + 1 }
        }
        return nil
    }
}

import Foundation
import Testing

/// `voltop config check` and `voltop config print-default`, and the dashboard refusing a broken file before it
/// takes the screen.
@Suite struct ConfigCommandTests {
    func run(_ args: [String], configHome: String) throws -> (status: Int32, out: String, err: String) {
        var env = ProcessInfo.processInfo.environment
        env["XDG_CONFIG_HOME"] = configHome
        return try TestEngine.run(CLITests.binary, args, check: false, environment: env)
    }

    @Test func checkNamesTheLineAndTheDefaultFileIsValid() throws {
        let home = NSTemporaryDirectory() + "voltop-config-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: home + "/voltop", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        var r = try run(["config", "check"], configHome: home)
        #expect(r.status == 0 && r.out.contains("the defaults apply"), "\(r.out)\(r.err)")

        r = try run(["config", "print-default"], configHome: home)
        #expect(r.status == 0 && r.out.contains("[keys.volumes]") && r.out.contains("moveDown"))
        try r.out.write(toFile: home + "/voltop/config.toml", atomically: true, encoding: .utf8)
        r = try run(["config", "check"], configHome: home)
        #expect(r.status == 0 && r.out.contains(": ok"), "\(r.err)")

        try "[dashboard]\nsort = \"size\"\n\n[keys.volumes]\nmoveDown = \"k\"\n".write(
            toFile: home + "/voltop/config.toml", atomically: true, encoding: .utf8)
        r = try run(["config", "check"], configHome: home)
        #expect(r.status == 1)
        #expect(r.err.contains("line 5") && r.err.contains("bound twice"), "\(r.err)")
        // The dashboard refuses it before taking over the terminal, with the same words.
        r = try run(["--host", "unix:///nonexistent.sock"], configHome: home)
        #expect(r.status == 2 && r.err.contains("bound twice") && r.err.contains("voltop config check"), "\(r.err)")
    }

    /// `config print-theme` prints a shipped theme; a copy in `themes/` is a theme of the user's own, and `config check`
    /// names a bad color with the config's line and the theme file's.
    @Test func printThemeGivesAStartForOnesOwn() throws {
        let home = NSTemporaryDirectory() + "voltop-theme-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: home + "/voltop/themes", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        var r = try run(["config", "print-theme", "solarized-dark"], configHome: home)
        #expect(r.status == 0 && r.out.hasPrefix("# voltop theme \"solarized-dark\"") && r.out.contains("[colors]"), "\(r.out)\(r.err)")
        try r.out.replacingOccurrences(of: "mark = { fg = 125 }", with: "mark = { fg = \"pink\" }").write(
            toFile: home + "/voltop/themes/mine.toml", atomically: true, encoding: .utf8)
        try "[theme]\nname = \"mine\"\n".write(toFile: home + "/voltop/config.toml", atomically: true, encoding: .utf8)
        r = try run(["config", "check"], configHome: home)
        #expect(r.status == 1 && r.err.contains("line 2: the theme") && r.err.contains("mark: fg must be a color name"), "\(r.err)")
        r = try run(["config", "print-theme", "solarized-dark"], configHome: home)
        try r.out.write(toFile: home + "/voltop/themes/mine.toml", atomically: true, encoding: .utf8)
        r = try run(["config", "check"], configHome: home)
        #expect(r.status == 0 && r.out.contains(": ok"), "\(r.out)\(r.err)")
        r = try run(["config", "print-theme", "neon"], configHome: home)
        #expect(r.status == 1 && r.err.contains("no shipped theme \"neon\"") && r.err.contains("solarized-light"), "\(r.err)")
    }
}

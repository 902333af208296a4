import ArgumentParser
import VoltopConfig
import VolumeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// `voltop config`: the user's configuration file.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Check the configuration file, or print a commented default one or a theme.",
        subcommands: [Check.self, PrintDefault.self, PrintTheme.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Check a configuration file (default: ~/.config/voltop/config.toml) and name each problem's line.")

        @Argument(help: "The file to check.")
        var file: String?

        func run() async throws {
            let path = file ?? VoltopConfig.path()
            guard FileManager.default.fileExists(atPath: path) else {
                if file != nil {
                    Output.warn("no file at \(path)")
                    throw ExitCode(1)
                }
                Output.line("no configuration at \(path): the defaults apply (voltop config print-default > \(path) to start one)")
                return
            }
            switch VoltopConfig.load(path: path) {
            case .success:
                Output.line("\(path): ok")
            case .failure(let problems):
                for problem in problems.list { Output.warn("\(path): \(problem)") }
                throw ExitCode(1)
            }
        }
    }

    struct PrintDefault: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "print-default", abstract: "Print a commented configuration file with every setting and key binding.")

        func run() async throws { Output.text(VoltopConfig.defaultText, to: STDOUT_FILENO) }
    }

    struct PrintTheme: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "print-theme",
            abstract: "Print a shipped theme (default, light, solarized-dark, solarized-light) to start your own from.")

        @Argument(help: "The theme's name.")
        var name = "default"

        func run() async throws {
            guard let text = VoltopConfig.themeText(named: name) else {
                Output.warn(
                    "no shipped theme \"\(name)\": use one of \(VoltopConfig.themeNames.joined(separator: ", "))")
                throw ExitCode(1)
            }
            Output.text(text, to: STDOUT_FILENO)
        }
    }
}

extension VoltopConfig {
    /// The user's configuration for the dashboard; a file with problems stops voltop before the screen is taken
    /// over, with each problem's line and how to check it.
    static func forDashboard() throws -> VoltopConfig {
        let path = VoltopConfig.path()
        switch VoltopConfig.load(path: path) {
        case .success(let config): return config ?? VoltopConfig()
        case .failure(let problems):
            for problem in problems.list { Output.warn("\(path): \(problem)") }
            Output.warn("fix the file (voltop config check shows the same), or move it away to start with the defaults")
            throw ExitCode(2)
        }
    }

    /// Sets the trash's limits from the file's `[trash]` (the environment still wins) before a command that keeps
    /// or reads the trash; a file with problems stops it, as it stops the dashboard.
    static func configureTrash() throws {
        Trash.Policy.configure(try forDashboard().trashPolicy)
    }
}

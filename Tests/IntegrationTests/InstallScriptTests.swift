import Foundation
import Testing

/// `scripts/install` puts the binary, the man page and completions for bash, zsh and fish where each shell looks.
@Suite struct InstallScriptTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .path

    @Test func installsBinaryManPageAndCompletions() throws {
        let prefix = NSTemporaryDirectory() + "voltop-install-" + UUID().uuidString.prefix(8).lowercased()
        defer { try? FileManager.default.removeItem(atPath: prefix) }
        let r = try TestEngine.run(
            "/bin/bash", [Self.root + "/scripts/install", "--binary", CLITests.binary, "--prefix", prefix], check: false)
        #expect(r.status == 0, "\(r.err)")
        #expect(FileManager.default.isExecutableFile(atPath: prefix + "/bin/voltop"))
        let man = try String(contentsOfFile: prefix + "/share/man/man1/voltop.1", encoding: .utf8)
        #expect(man.contains(".TH VOLTOP") || man.contains(".TH voltop"), "\(man.prefix(80))")
        let bash = try String(contentsOfFile: prefix + "/share/bash-completion/completions/voltop", encoding: .utf8)
        let zsh = try String(contentsOfFile: prefix + "/share/zsh/site-functions/_voltop", encoding: .utf8)
        let fish = try String(contentsOfFile: prefix + "/share/fish/vendor_completions.d/voltop.fish", encoding: .utf8)
        for (shell, script) in [("bash", bash), ("zsh", zsh), ("fish", fish)] {
            // Completions know the subcommands and their options.
            #expect(script.contains("prune") && script.contains("inspect") && script.contains("--sample"), "\(shell)")
        }
        // The installed binary runs.
        let version = try TestEngine.run(prefix + "/bin/voltop", ["--version"], check: false)
        #expect(version.status == 0 && !version.out.isEmpty, "\(version.err)")
        // A dry run changes nothing.
        let dry = try TestEngine.run(
            "/bin/bash", [Self.root + "/scripts/install", "--binary", CLITests.binary, "--prefix", prefix + "/dry", "--dry-run"],
            check: false)
        #expect(dry.status == 0 && dry.out.contains("would install"))
        #expect(!FileManager.default.fileExists(atPath: prefix + "/dry"))
    }
}

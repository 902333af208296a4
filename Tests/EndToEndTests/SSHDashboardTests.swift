import Foundation
import Testing

/// The dashboard over `ssh://`, through the private sshd of scripts/test: names, live events, and the file tree
/// through a helper container (the files are on the "other" host, so never direct).
@Suite(.enabled(if: E2E.isAvailable), .serialized)
struct SSHDashboardTests {
    let id = String(UUID().uuidString.prefix(6).lowercased())

    @Test func theDashboardWorksOverSSH() throws {
        let env = ProcessInfo.processInfo.environment
        guard let host = env["VOLTOP_TEST_SSH_HOST"], !host.isEmpty, let config = env["VOLTOP_TEST_SSH_CONFIG"], !config.isEmpty else {
            Issue.record("needs the private sshd of scripts/test (openssh-server; VOLTOP_TEST_SSH_HOST)")
            return
        }
        let first = "e2e-\(id)-ssh-a"
        let later = "e2e-\(id)-ssh-b"
        try E2E.docker(["volume", "create", first])
        try E2E.docker(["run", "--rm", "--network", "none", "-v", "\(first):/v", E2E.image, "sh", "-c", "echo hi > /v/over-ssh.txt"])
        defer { _ = try? E2E.docker(["volume", "rm", "-f", first, later], check: false) }

        // A copy of the config under a name of this test's own, to find this dashboard's ssh processes by.
        let mine = (config as NSString).deletingLastPathComponent + "/ssh_config-\(id)"
        try? FileManager.default.removeItem(atPath: mine)
        try FileManager.default.copyItem(atPath: config, toPath: mine)
        defer { try? FileManager.default.removeItem(atPath: mine) }
        let tmux = try TmuxSession(cols: 140, rows: 35, environment: ["DOCKER_HOST": host, "VOLTOP_SSH_CONFIG": mine])
        let screen = try tmux.waitFor(first, timeout: 20)
        #expect(screen.contains("ssh://vt-engine"), "the header names the engine: \(screen)")
        // Events arrive over the same transport.
        try E2E.docker(["volume", "create", later])
        _ = try tmux.waitFor(later, timeout: 15)
        // The file tree through a helper container.
        try tmux.keys("/")
        try tmux.type(first)
        try tmux.keys("Enter", "Enter")
        _ = try tmux.waitFor("over-ssh.txt", timeout: 20)
        try tmux.keys("Escape", "Escape", "q")
        _ = try tmux.waitFor("VOLTOP-EXITED 0", timeout: 10)
        let left = try E2E.run("/usr/bin/pgrep", ["-af", "dial-stdio"], check: false)
        #expect(!left.contains(mine), "ssh processes left: \(left)")
    }
}

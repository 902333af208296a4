import Foundation
import Testing

@testable import VolumeCore

/// `ssh://` engines, through the private sshd of scripts/test (scripts/lib/sshd.sh): key-only login on 127.0.0.1,
/// `SetEnv DOCKER_HOST` pointing `docker system dial-stdio` at the private engine.
@Suite(.enabled(if: TestEngine.isAvailable, "needs the private engine of scripts/test"))
struct SSHTests {
    static let host = ProcessInfo.processInfo.environment["VOLTOP_TEST_SSH_HOST"].flatMap { $0.isEmpty ? nil : $0 }
    static let config = ProcessInfo.processInfo.environment["VOLTOP_TEST_SSH_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }

    /// A copy of the config for this suite: its path in ssh's command line finds this suite's ssh processes.
    static let ownConfig: String = {
        guard let config else { return "" }
        let copy = (config as NSString).deletingLastPathComponent + "/ssh_config-cli-\(getpid())"
        try? FileManager.default.removeItem(atPath: copy)
        try? FileManager.default.copyItem(atPath: config, toPath: copy)
        return copy
    }()

    /// voltop over ssh, with the test's ssh config.
    static func voltop(_ args: [String], host: String) throws -> (status: Int32, out: String, err: String) {
        var env = CLITests.isolated(ProcessInfo.processInfo.environment)
        env["DOCKER_CONTEXT"] = nil
        env["DOCKER_HOST"] = host
        env["VOLTOP_SSH_CONFIG"] = ownConfig
        return try TestEngine.run(CLITests.binary, args, check: false, environment: env)
    }

    func requireSSH() throws -> String {
        guard let host = Self.host, Self.config != nil else {
            Issue.record("needs the private sshd of scripts/test (openssh-server; VOLTOP_TEST_SSH_HOST)")
            throw CancellationError()
        }
        return host
    }

    @Test func theCLIWorksOverSSHAsOnTheLocalSocket() throws {
        let host = try requireSSH()
        let volume = TestEngine.unique("ssh")
        defer { TestEngine.removeVolumes([volume]) }
        var r = try Self.voltop(["create", volume, "--label", "via=ssh"], host: host)
        #expect(r.status == 0, "\(r.err)")
        #expect(try TestEngine.docker(["volume", "inspect", "-f", "{{.Labels.via}}", volume]).out.contains("ssh"))

        r = try Self.voltop(["ls", "--json"], host: host)
        #expect(r.status == 0, "\(r.err)")
        let list = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]])
        let local = try CLITests.voltop(["ls", "--json"])
        let localList = try #require(try JSONSerialization.jsonObject(with: Data(local.out.utf8)) as? [[String: Any]])
        // The same volume as the local socket shows it (other tests create volumes meanwhile: compare this one).
        let overSSH = try #require(list.first { $0["name"] as? String == volume })
        let direct = try #require(localList.first { $0["name"] as? String == volume })
        #expect(overSSH["mountpoint"] as? String == direct["mountpoint"] as? String)
        #expect(overSSH["driver"] as? String == "local")
        #expect((overSSH["labels"] as? [String: String])?["via"] == "ssh")

        r = try Self.voltop(["inspect", volume], host: host)
        #expect(r.status == 0 && r.out.contains(volume), "\(r.err)")
        // Files go through a helper container over ssh (direct reads need the files on this host).
        try TestEngine.docker([
            "run", "--rm", "--network", "none", "-v", "\(volume):/v", TestEngine.image, "sh", "-c", "echo hello > /v/greeting"
        ])
        r = try Self.voltop(["du", volume, "--json", "--apparent"], host: host)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("greeting") || r.out.contains("\"files\" : 1") || r.out.contains("\"files\":1"), "\(r.out)")

        r = try Self.voltop(["rm", volume], host: host)
        #expect(r.status == 0, "\(r.err)")
        #expect(try TestEngine.docker(["volume", "inspect", volume], check: false).status != 0)
        // No ssh process outlives voltop (found by this test's own copy of the config).
        let left = try TestEngine.run("/usr/bin/pgrep", ["-af", "dial-stdio"], check: false)
        #expect(!left.out.contains(Self.ownConfig), "\(left.out)")
    }

    @Test func sshFailuresAreOneClearLine() throws {
        _ = try requireSSH()
        var r = try Self.voltop(["ls"], host: "ssh://vt-unknown-key")
        #expect(r.status == 1)
        #expect(r.err.contains("host key"), "\(r.err)")
        #expect(r.err.split(separator: "\n").count == 1, "\(r.err)")
        #expect(!r.err.contains("errno"), "ssh's reason, not the reset connection it leaves: \(r.err)")

        r = try Self.voltop(["ls"], host: "ssh://vt-wrong-user")
        #expect(r.status == 1)
        #expect(r.err.contains("not allowed in") && r.err.contains("ssh-agent"), "\(r.err)")

        r = try Self.voltop(["ls"], host: "ssh://-oProxyCommand=evil")
        #expect(r.status != 0)
        #expect(r.err.contains("leading '-'"), "\(r.err)")
    }

    @Test func sshAddressesParseAsTheDockerCLIParsesThem() throws {
        let t = try SSHDialer.Target.parse("ssh://me@example.com:2222").get()
        #expect(t == SSHDialer.Target(user: "me", host: "example.com", port: 2222))
        #expect(try SSHDialer.Target.parse("ssh://example.com").get() == SSHDialer.Target(user: nil, host: "example.com", port: nil))
        #expect(try SSHDialer.Target.parse("ssh://[::1]:22").get() == SSHDialer.Target(user: nil, host: "::1", port: 22))
        for bad in ["ssh://", "ssh://me:pw@host", "ssh://host:0", "ssh://host:x", "ssh://host/path", "ssh://a b", "ssh://-x"] {
            #expect(throws: SSHDialer.Invalid.self, "\(bad)") { try SSHDialer.Target.parse(bad).get() }
        }
    }
}

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

    /// One login serves a whole run: `voltop ls` asks for the volumes and the containers at once, and each connection
    /// used to start an ssh that logged in (a key exchange each: 907 ms over ssh against 180 ms on the socket at 1,000
    /// volumes); now the first ssh is a master and the others are sessions over it. Counted in the private sshd's log by
    /// a key made for this test (other tests log in meanwhile with the suite's key).
    @Test func oneLoginServesEveryConnectionOfARun() throws {
        let host = try requireSSH()
        let dir = (Self.ownConfig as NSString).deletingLastPathComponent
        let key = dir + "/mux_key-\(getpid())"
        try? FileManager.default.removeItem(atPath: key)
        try? FileManager.default.removeItem(atPath: key + ".pub")
        try TestEngine.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key, "-C", "vt-mux"])
        let fingerprint = try #require(
            try TestEngine.run("/usr/bin/ssh-keygen", ["-l", "-f", key + ".pub"]).out.split(separator: " ").dropFirst().first.map(
                String.init))
        let publicKey = try String(contentsOfFile: key + ".pub", encoding: .utf8)
        let authorized = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/authorized_keys"))
        try authorized.seekToEnd()
        try authorized.write(contentsOf: Data(("\n" + publicKey).utf8))
        try authorized.close()
        // The suite's config with this key first for every host.
        let config = dir + "/ssh_config-mux-\(getpid())"
        try ("IdentityFile \(key)\n" + String(contentsOfFile: Self.ownConfig, encoding: .utf8)).write(
            toFile: config, atomically: true, encoding: .utf8)
        func count() -> Int {
            let log = (try? String(contentsOfFile: dir + "/sshd.log", encoding: .utf8)) ?? ""
            return log.split(separator: "\n").filter { $0.contains("Accepted publickey") && $0.contains(fingerprint) }.count
        }
        // sshd's processes may write their lines as they end, a moment after voltop: wait until the count holds still.
        func logins() -> Int {
            var last = count()
            for _ in 0..<20 {
                usleep(250_000)
                let now = count()
                if now == last && now > 0 { return now }
                last = now
            }
            return last
        }
        var env = CLITests.isolated(ProcessInfo.processInfo.environment)
        env["DOCKER_CONTEXT"] = nil
        env["DOCKER_HOST"] = host
        env["VOLTOP_SSH_CONFIG"] = config
        let before = logins()
        let r = try TestEngine.run(CLITests.binary, ["ls"], check: false, environment: env)
        #expect(r.status == 0, "\(r.err)")
        let muxed = logins() - before
        #expect(muxed == 1, "logins of one `voltop ls` over ssh: \(muxed)")
        // The master ends with voltop (TERM at exit): none is left a moment later.
        var left = ""
        for _ in 0..<40 {
            left = try TestEngine.run("/usr/bin/pgrep", ["-af", "ssh"], check: false).out
            if !left.contains(config) { break }
            usleep(50_000)
        }
        #expect(!left.contains(config), "an ssh outlived voltop: \(left)")
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

import Foundation
import Testing

/// `voltop ls` over several engines (a fleet): the private dockerd and Podman of scripts/test, a dead socket, and
/// contexts from a docker config of the test's own.
@Suite(.enabled(if: TestEngine.isAvailable, "needs the private engine of scripts/test (VOLTOP_TEST_HOST)"), .serialized)
struct FleetCLITests {
    let id = String(UUID().uuidString.prefix(6).lowercased())
    static let dead = "unix:///nonexistent/voltop-fleet.sock"

    static func json(_ text: String) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]], "\(text)")
    }

    /// A docker config directory with one context per (name, host), as `docker context create` writes them.
    static func config(_ contexts: [(String, String)]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("voltop-fleet-\(UUID().uuidString)").path
        for (index, (name, host)) in contexts.enumerated() {
            let meta = "\(dir)/contexts/meta/\(String(repeating: "\(index)", count: 64))"
            try FileManager.default.createDirectory(atPath: meta, withIntermediateDirectories: true)
            let object: [String: Any] = ["Name": name, "Metadata": [:], "Endpoints": ["docker": ["Host": host, "SkipTLSVerify": false]]]
            try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: meta + "/meta.json"))
        }
        return dir
    }

    @Test(.enabled(if: PodmanEngine.host != nil, "needs the private Podman of scripts/test (VOLTOP_TEST_PODMAN_HOST)"))
    func lsListsEveryEngineAndNamesEach() throws {
        let docker = try #require(TestEngine.host)
        let podman = try #require(PodmanEngine.host)
        let shared = "fl-\(id)-shared"
        let onlyPodman = "fl-\(id)-pm"
        try TestEngine.docker(["volume", "create", "--label", "fl=\(id)", shared])
        try PodmanTests.docker(["volume", "create", "--label", "fl=\(id)", shared])
        try PodmanTests.docker(["volume", "create", "--label", "fl=\(id)", onlyPodman])
        defer {
            TestEngine.removeVolumes([shared])
            _ = try? PodmanTests.docker(["volume", "rm", "-f", shared, onlyPodman], check: false)
        }
        var r = try CLITests.voltop(["ls", "-H", docker, "-H", podman, "--json", "--filter", "label=fl=\(id)"], host: nil)
        #expect(r.status == 0, "\(r.err)")
        let list = try Self.json(r.out)
        let pairs = Set(
            list.compactMap { entry -> String? in
                guard let engine = entry["engine"] as? String, let name = entry["name"] as? String else { return nil }
                return engine + " " + name
            })
        #expect(pairs == ["\(docker) \(shared)", "\(podman) \(shared)", "\(podman) \(onlyPodman)"])

        // The table has an ENGINE column; -q prints ENGINE/name.
        r = try CLITests.voltop(["ls", "-H", docker, "-H", podman, "--filter", "label=fl=\(id)"], host: nil)
        #expect(r.out.split(separator: "\n").first?.contains("ENGINE") == true, "\(r.out)")
        r = try CLITests.voltop(["ls", "-q", "-H", docker, "-H", podman, "--filter", "label=fl=\(id)"], host: nil)
        #expect(
            Set(r.out.split(separator: "\n").map(String.init)) == ["\(docker)/\(shared)", "\(podman)/\(shared)", "\(podman)/\(onlyPodman)"])
    }

    @Test func anUnreachableEngineIsNamedAndTheOthersListed() throws {
        let docker = try #require(TestEngine.host)
        let volume = "fl-\(id)-here"
        try TestEngine.docker(["volume", "create", "--label", "fl=\(id)", volume])
        defer { TestEngine.removeVolumes([volume]) }
        let started = Date()
        var r = try CLITests.voltop(["ls", "-H", Self.dead, "-H", docker, "--json", "--filter", "label=fl=\(id)"], host: nil)
        #expect(r.status == 0, "one engine answered: \(r.err)")
        #expect(Date().timeIntervalSince(started) < 10, "a dead engine does not hold up the others")
        #expect(r.err.contains("engine \(Self.dead) left out"), "\(r.err)")
        let list = try Self.json(r.out)
        #expect(list.map { $0["name"] as? String } == [volume])
        #expect(list.first?["engine"] as? String == docker)

        // Every engine dead: exit 1.
        r = try CLITests.voltop(["ls", "-H", Self.dead, "-H", Self.dead + "2"], host: nil)
        #expect(r.status == 1, "\(r.err)")
        // One engine: `engine` is its address.
        r = try CLITests.voltop(["ls", "--json", "--filter", "label=fl=\(id)"])
        #expect(try Self.json(r.out).first?["engine"] as? String == docker)
    }

    /// A local socket and an ssh:// engine at once (the same daemon behind both, named apart by their addresses).
    @Test(.enabled(if: SSHTests.host != nil && SSHTests.config != nil, "needs the private sshd of scripts/test"))
    func aLocalAndAnSSHEngineTogether() throws {
        let docker = try #require(TestEngine.host)
        let ssh = try #require(SSHTests.host)
        let volume = "fl-\(id)-ssh"
        try TestEngine.docker(["volume", "create", "--label", "fl=\(id)", volume])
        defer { TestEngine.removeVolumes([volume]) }
        let r = try SSHTests.voltop(["ls", "-H", docker, "-H", ssh, "--json", "--filter", "label=fl=\(id)"], host: docker)
        #expect(r.status == 0, "\(r.err)")
        let engines = try Self.json(r.out).compactMap { $0["engine"] as? String }.sorted()
        #expect(engines == [docker, ssh].sorted())
    }

    @Test func usageErrors() throws {
        let docker = try #require(TestEngine.host)
        var r = try CLITests.voltop(["ls", "-H", docker, "-H", docker], host: nil)
        #expect(r.status == 2 && r.err.contains("given twice"), "\(r.err)")
        r = try CLITests.voltop(["rm", "-H", docker, "-H", Self.dead, "x"], host: nil)
        #expect(r.status == 2 && r.err.contains("one engine"), "\(r.err)")
        r = try CLITests.voltop(["-H", docker, "-H", Self.dead, "ls", "--sample", "1"], host: nil)
        #expect(r.status == 2 && r.err.contains("--sample works on one engine"), "\(r.err)")
    }

    @Test func allContextsListsEveryContextOfTheStore() throws {
        let docker = try #require(TestEngine.host)
        let volume = "fl-\(id)-ctx"
        try TestEngine.docker(["volume", "create", "--label", "fl=\(id)", volume])
        defer { TestEngine.removeVolumes([volume]) }
        let dir = try Self.config([("blue", docker), ("green", docker)])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var env = CLITests.isolated(ProcessInfo.processInfo.environment)
        env["DOCKER_HOST"] = nil
        env["DOCKER_CONTEXT"] = nil
        env["DOCKER_CONFIG"] = dir
        let r = try TestEngine.run(
            CLITests.binary, ["ls", "--all-contexts", "--json", "--filter", "label=fl=\(id)"], check: false, environment: env)
        #expect(r.status == 0, "\(r.err)")
        let engines = try Self.json(r.out).compactMap { $0["engine"] as? String }.sorted()
        #expect(engines == ["blue", "green"])
    }
}

import Foundation
import Testing

@testable import VolumeCore

#if canImport(Glibc)
    import Glibc
#endif

/// The private Podman service of scripts/test.
enum PodmanEngine {
    static let host = ProcessInfo.processInfo.environment["VOLTOP_TEST_PODMAN_HOST"].flatMap { $0.isEmpty ? nil : $0 }
}

/// The engine-agnostic CLI against Podman's Docker-compatible API (the private `podman system service` of
/// scripts/test, scripts/lib/podman.sh). Podman here creates containers but cannot start them (runc cannot set the
/// rlimits it asks for), so owners are created containers; everything a running container needs is tested on Docker.
@Suite(
    .enabled(if: PodmanEngine.host != nil, "needs the private Podman service of scripts/test (podman; VOLTOP_TEST_PODMAN_HOST)"),
    .serialized)
struct PodmanTests {
    static let host = PodmanEngine.host
    let id = String(UUID().uuidString.prefix(6).lowercased())
    func name(_ suffix: String) -> String { "pm-\(id)-\(suffix)" }

    /// The docker CLI against Podman: an independent look at its state.
    @discardableResult
    static func docker(_ args: [String], check: Bool = true) throws -> (status: Int32, out: String, err: String) {
        try TestEngine.run(TestEngine.dockerCLI, ["-H", try #require(host)] + args, check: check)
    }

    static func voltop(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
        try CLITests.voltop(args, host: host)
    }

    static func json(_ text: String) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]], "\(text)")
    }

    @Test func listInspectAndOwnersOfCreatedContainers() throws {
        let used = name("used")
        let ro = name("ro")
        let free = name("free")
        let holder = name("holder")
        for v in [used, ro, free] { try Self.docker(["volume", "create", "--label", "t=\(id)", v]) }
        try Self.docker(["create", "--name", holder, "-v", "\(used):/data", "-v", "\(ro):/ro:ro", TestEngine.image, "sleep", "100"])
        defer {
            _ = try? Self.docker(["rm", "-f", holder], check: false)
            _ = try? Self.docker(["volume", "rm", "-f", used, ro, free], check: false)
        }
        let r = try Self.voltop(["ls", "--json", "--filter", "label=t=\(id)"])
        #expect(r.status == 0, "\(r.err)")
        let list = try Self.json(r.out)
        #expect(Set(list.compactMap { $0["name"] as? String }) == [used, ro, free])
        let usedEntry = try #require(list.first { $0["name"] as? String == used })
        #expect(usedEntry["status"] as? String == "in use (stopped)", "\(usedEntry)")
        let owners = try #require(usedEntry["owners"] as? [[String: Any]])
        #expect(owners.first?["name"] as? String == holder)
        #expect(owners.first?["destination"] as? String == "/data")
        #expect(owners.first?["rw"] as? Bool == true)
        let roOwner = try #require((list.first { $0["name"] as? String == ro }?["owners"] as? [[String: Any]])?.first)
        #expect(roOwner["rw"] as? Bool == false)
        #expect(list.first { $0["name"] as? String == free }?["status"] as? String == "unused")

        let inspect = try Self.voltop(["inspect", used])
        #expect(inspect.status == 0 && inspect.out.contains(holder) && inspect.out.contains("/data"), "\(inspect.out)\(inspect.err)")
    }

    @Test func createRemoveAndPruneGoByWhatPodmanSays() throws {
        let keep = name("keep")
        let gone = name("gone")
        let holder = name("holder")
        var r = try Self.voltop(["create", keep, "--label", "note=a b", "--label", "t=\(id)"])
        #expect(r.status == 0, "\(r.err)")
        #expect(try Self.docker(["volume", "inspect", "-f", "{{index .Labels \"note\"}}", keep]).out.contains("a b"))
        // The engine returns an existing volume on create: voltop says so.
        r = try Self.voltop(["create", keep, "--label", "other=x"])
        #expect(r.status == 1 && r.err.contains("already exists"), "\(r.err)")
        try Self.docker(["volume", "create", "--label", "t=\(id)", gone])
        try Self.docker(["create", "--name", holder, "-v", "\(keep):/k", TestEngine.image, "sleep", "100"])
        defer {
            _ = try? Self.docker(["rm", "-f", holder], check: false)
            _ = try? Self.docker(["volume", "rm", "-f", keep, gone], check: false)
        }
        // In use by a created container: refused, naming it.
        r = try Self.voltop(["rm", keep])
        #expect(r.status == 1 && r.err.contains(holder), "\(r.err)")

        // Prune: the preview lists only unused volumes of this test (filter by label), then removes exactly those.
        r = try Self.voltop(["prune", "--all", "--dry-run", "--json", "--filter", "label=t=\(id)"])
        #expect(r.status == 0, "\(r.err)")
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        let candidates = try #require(plan["candidates"] as? [[String: Any]], "\(plan)")
        #expect(candidates.compactMap { $0["name"] as? String } == [gone])
        r = try Self.voltop(["prune", "--all", "--yes", "--filter", "label=t=\(id)"])
        #expect(r.status == 0, "\(r.err)")
        #expect(try Self.docker(["volume", "inspect", gone], check: false).status != 0)
        #expect(try Self.docker(["volume", "inspect", keep], check: false).status == 0)
        // Podman labels no volume anonymous: the preview says by what rule it counts them.
        r = try Self.voltop(["prune", "--dry-run"])
        #expect(r.status == 0 && r.out.contains("does not label anonymous volumes"), "\(r.out)")
    }

    @Test func filesThroughAHelperAndDirectlyAgree() throws {
        let volume = name("files")
        let holder = name("holder")
        try Self.docker(["volume", "create", volume])
        try Self.docker(["create", "--name", holder, "-v", "\(volume):/v", TestEngine.image, "sleep", "100"])
        defer {
            _ = try? Self.docker(["rm", "-f", holder], check: false)
            _ = try? Self.docker(["volume", "rm", "-f", volume], check: false)
        }
        // Files put through the archive endpoint of a created container (Podman cannot run one here).
        let scratch = NSTemporaryDirectory() + "vt-pm-\(id)"
        try FileManager.default.createDirectory(atPath: scratch + "/sub", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try Data(repeating: 7, count: 10_000).write(to: URL(fileURLWithPath: scratch + "/sub/ten-k"))
        try Data("hello\n".utf8).write(to: URL(fileURLWithPath: scratch + "/hello.txt"))
        try Self.docker(["cp", scratch + "/.", "\(holder):/v/"])

        let helper = try Self.voltop(["du", volume, "--json", "--apparent", "--source", "helper"])
        #expect(helper.status == 0, "\(helper.err)")
        let viaHelper = try #require(try JSONSerialization.jsonObject(with: Data(helper.out.utf8)) as? [String: Any])
        let totals = try #require(viaHelper["totals"] as? [String: Any], "\(viaHelper)")
        #expect(totals["files"] as? Int == 2, "\(totals)")
        #expect(totals["apparentBytes"] as? Int ?? 0 >= 10_006, "\(totals)")
        if geteuid() == 0 {
            let direct = try Self.voltop(["du", volume, "--json", "--apparent", "--source", "direct"])
            #expect(direct.status == 0, "\(direct.err)")
            let d = try #require(try JSONSerialization.jsonObject(with: Data(direct.out.utf8)) as? [String: Any])
            #expect((d["totals"] as? [String: Any])?["files"] as? Int == 2)
        }
        // No helper left behind.
        let left = try Self.docker(["ps", "-a", "--filter", "name=voltop-helper", "--format", "{{.Names}}"])
        #expect(left.out.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(left.out)")
        // Sizes: disk usage read directly as root, else Podman's figure marked ~.
        let sized = try Self.voltop(["ls", "--size", "--json", "--filter", "name=\(volume)"])
        #expect(sized.status == 0, "\(sized.err)")
        let entry = try #require(try Self.json(sized.out).first)
        #expect((entry["size"] as? Int ?? 0) >= 10_000, "\(entry)")
    }
}

import Foundation
import Testing
import VolumeCore

/// The private Podman of scripts/test.
enum FleetPodman {
    static let host = ProcessInfo.processInfo.environment["VOLTOP_TEST_PODMAN_HOST"].flatMap { $0.isEmpty ? nil : $0 }
}

/// The dashboard over a fleet under tmux: the private dockerd and Podman of scripts/test, and a dead socket. Part
/// of `DashboardTests` (serialized): its volumes and the engine's helper containers are shared with the others.
extension DashboardTests {
    enum Fleet {
        static let podman = FleetPodman.host
        static let dead = "unix:///nonexistent/voltop-fleet-e2e.sock"

        @discardableResult
        static func onPodman(_ args: [String], check: Bool = true) throws -> String {
            try E2E.run(E2E.dockerCLI, ["-H", podman ?? ""] + args, check: check)
        }

        static func podmanVolumes() throws -> Set<String> {
            Set(try onPodman(["volume", "ls", "-q"]).split(separator: "\n").map(String.init))
        }
    }

    @Test(.enabled(if: FleetPodman.host != nil, "needs the private Podman of scripts/test (VOLTOP_TEST_PODMAN_HOST)"))
    func fleetOfTwoEnginesOneActionRoutedAndADeadEngineShownAsError() throws {
        let docker = try #require(E2E.host)
        let podman = try #require(Fleet.podman)
        let shared = "e2e-\(id)-shared"
        let onlyDocker = "e2e-\(id)-dk"
        try E2E.docker(["volume", "create", "--label", "fleet=\(id)", shared])
        try E2E.docker(["volume", "create", "--label", "fleet=\(id)", onlyDocker])
        try Fleet.onPodman(["volume", "create", "--label", "fleet=\(id)", shared])
        defer {
            _ = try? E2E.docker(["volume", "rm", "-f", shared, onlyDocker], check: false)
            _ = try? Fleet.onPodman(["volume", "rm", "-f", shared], check: false)
        }
        let tmux = try TmuxSession(cols: 150, rows: 36, arguments: ["-H", docker, "-H", podman, "-H", Fleet.dead])

        // The header has a line per engine: two live, the dead one with its error; the table an ENGINE column.
        var screen = try tmux.waitFor("three engine lines and the volumes", timeout: 20) {
            $0.contains("fleet of 3 engines") && $0.contains("ENGINE") && $0.contains(onlyDocker) && $0.contains(Fleet.dead)
        }
        let lines = screen.split(separator: "\n").map(String.init)
        // An engine down at start shows its error, then is tried again (reconnecting, with the reason).
        #expect(lines.contains { $0.contains(Fleet.dead) && ($0.contains("error:") || $0.contains("reconnecting")) }, "\(screen)")
        #expect(lines.filter { $0.contains("live") && $0.contains("volume") }.count == 2, "\(screen)")
        #expect(lines.contains { $0.contains("Podman") }, "\(screen)")

        // The filter matches the engine: Podman's copy of the shared volume alone.
        try tmux.keys("/")
        try tmux.type(FleetName.qualified(shared, engine: podman))
        try tmux.keys("Enter")
        screen = try tmux.waitFor("one row: Podman's shared volume") { !$0.contains(onlyDocker) && $0.contains("Volumes (1") }
        #expect(screen.contains(shared), "\(screen)")

        // Remove it: it goes on Podman, Docker keeps its own.
        try tmux.keys("d")
        try tmux.waitFor("the remove confirm") { $0.contains("Remove volume") }
        try tmux.keys("y")
        try eventually("Podman no longer has the volume") { !(try Fleet.podmanVolumes().contains(shared)) }
        #expect(try E2E.volumeNames().contains(shared), "Docker's volume of the same name stays")

        // The other engines stay live: a volume created on Docker appears without a key.
        try tmux.keys("Escape")
        let fresh = "e2e-\(id)-fresh"
        try E2E.docker(["volume", "create", "--label", "fleet=\(id)", fresh])
        defer { _ = try? E2E.docker(["volume", "rm", "-f", fresh], check: false) }
        try tmux.waitFor(fresh, timeout: 10)
        try tmux.keys("q")
        try tmux.waitFor("VOLTOP-EXITED 0", timeout: 5)
    }
}

import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Triage as an ops engineer does it: launched with no key, the dashboard names the volume that grows, its rate and
/// the container that writes it; a container that only reads the volume is never named; when the writer stops,
/// the alert goes.
@Suite(.enabled(if: E2E.isAvailable), .serialized)
struct GrowthTests {
    let id = String(UUID().uuidString.prefix(6).lowercased())
    func name(_ suffix: String) -> String { "e2e-\(id)-\(suffix)" }

    @Test(.enabled(if: geteuid() == 0, "fanotify and direct reads need root"))
    func theWriterOfAGrowingVolumeIsNamedOnTheFirstScreen() throws {
        let volume = name("logs")
        let quiet = name("quiet")
        let writer = name("writer")
        let reader = name("reader")
        try E2E.docker(["volume", "create", volume])
        try E2E.docker(["volume", "create", quiet])
        defer {
            _ = try? E2E.docker(["rm", "-f", writer, reader], check: false)
            _ = try? E2E.docker(["volume", "rm", "-f", volume, quiet], check: false)
        }
        // About 10 MB/s (as the issue asks), and a reader of the same volume (read-write mount, never writes).
        try E2E.docker([
            "run", "-d", "--network", "none", "--name", writer, "-v", "\(volume):/v", E2E.image, "sh", "-c",
            "while true; do head -c 1048576 /dev/zero >> /v/f; usleep 100000; done"
        ])
        try E2E.docker([
            "run", "-d", "--network", "none", "--name", reader, "-v", "\(volume):/v", "-v", "\(quiet):/q", E2E.image, "sh", "-c",
            "while true; do cat /v/f > /dev/null 2>&1; sleep 0.2; done"
        ])
        let tmux = try TmuxSession(cols: 160, rows: 40)
        let started = Date()
        let screen = try tmux.waitFor("the growing volume named with its writer", timeout: 15) { screen in
            screen.split(separator: "\n").contains { $0.contains("▲ \(volume)") && $0.contains("by \(writer)") }
        }
        let seconds = Date().timeIntervalSince(started)
        print("growth e2e: writer named \(seconds) s after launch")
        // The issue's bound: 5 s from launch (measured 1.9 s here with four builds running beside it).
        #expect(seconds < 5, "took \(seconds) s")
        #expect(!screen.contains("by \(reader)"))
        #expect(screen.contains("MiB/s") || screen.contains("KiB/s"))
        #expect(screen.contains("disk "))

        // The detail pane names the writer with its pid, never the reader.
        try tmux.keys("w")
        _ = try tmux.waitFor("sort: growth")
        try tmux.keys("g", "Tab")
        let detail = try tmux.waitFor("the writer in the detail pane") { $0.contains("Writers") && $0.contains(writer) }
        #expect(!detail.split(separator: "\n").contains { $0.contains("Writers") && $0.contains(reader) })
        try tmux.keys("Escape")

        // The writer stops: the alert goes within a window.
        try E2E.docker(["kill", writer])
        _ = try tmux.waitFor("the alert gone after the writer stopped", timeout: 20) { !$0.contains("▲ \(volume)") }
        try tmux.keys("q")
    }

    /// A docker-group user (no root: no fanotify, no direct reads) still sees the growing volume, from the engine's
    /// figures, with the running containers that mount it read-write as "may write".
    @Test func asADockerGroupUserGrowthShowsWithMayWrite() throws {
        let user = "voltop-test"
        guard geteuid() == 0, getpwnam(user) != nil else {
            Issue.record("needs root and the user \(user) in the engine socket's group (scripts/lib/engine.sh makes it)")
            return
        }
        let volume = name("ulogs")
        let writer = name("uwriter")
        try E2E.docker(["volume", "create", volume])
        defer {
            _ = try? E2E.docker(["rm", "-f", writer], check: false)
            _ = try? E2E.docker(["volume", "rm", "-f", volume], check: false)
        }
        try E2E.docker([
            "run", "-d", "--network", "none", "--name", writer, "-v", "\(volume):/v", E2E.image, "sh", "-c",
            "while true; do head -c 524288 /dev/zero >> /v/f; usleep 100000; done"
        ])
        // The engine's figures every 2 s instead of 30 (each /system/df walks every volume).
        let tmux = try TmuxSession(
            cols: 160, rows: 40, environment: ["VOLTOP_ENGINE_FIGURES_INTERVAL": "2", "HOME": "/tmp"], user: user)
        let screen = try tmux.waitFor("the growing volume with its possible writer", timeout: 40) { screen in
            screen.split(separator: "\n").contains { $0.contains("▲ \(volume)") && $0.contains(writer) }
        }
        #expect(screen.contains("MiB/s") || screen.contains("KiB/s"), "\(screen)")
        try tmux.keys("/")
        try tmux.type(volume)
        try tmux.keys("Enter", "Tab")
        _ = try tmux.waitFor("may write in the detail pane", timeout: 15) { $0.contains("May write") && $0.contains(writer) }
        try tmux.keys("Escape", "q")
    }
}

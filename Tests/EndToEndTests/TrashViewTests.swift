import Foundation
import Testing

/// The trash view under tmux against the private engine: a volume removed with `d` shows in the trash with the
/// container that owned it, comes back with `r` (files and all), and its detail pane then says who owned it.
///
/// Part of `DashboardTests` (serialized): its prunes and engine stops would otherwise hit these tests' volumes.
extension DashboardTests {
    /// A scratch directory for this test's trash and audit log (the default E2E home is shared).
    func trashScratch() throws -> String {
        let base = ProcessInfo.processInfo.environment["VOLTOP_TEST_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        let dir = base + "/voltop-e2e-trash-\(id)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func removeSeeInTheTrashRestoreSeeTheOwners() throws {
        let volume = name("kept")
        let holder = name("owner")
        let home = try trashScratch()
        try E2E.docker(["volume", "create", "--label", "voltop.e2e=\(id)", volume])
        try E2E.docker([
            "run", "--network", "none", "--name", holder, "-v", "\(volume):/data", E2E.image, "sh", "-c",
            "echo precious > /data/note.txt && mkdir /data/sub && echo deeper > /data/sub/more.txt"
        ])
        defer {
            _ = try? E2E.docker(["rm", "-f", holder], check: false)
            _ = try? E2E.docker(["volume", "rm", "-f", volume], check: false)
            try? FileManager.default.removeItem(atPath: home)
        }
        let tmux = try TmuxSession(
            cols: 120, rows: 32, environment: ["XDG_DATA_HOME": home + "/data", "XDG_STATE_HOME": home + "/state"])
        try filter(tmux, to: volume)
        try tmux.waitFor("the volume held by a stopped container") { $0.contains("in use (stopped)") }
        // The owner goes first (o, x, y), then the volume (d, y): the dashboard saw who owned it.
        try tmux.keys("o")
        try tmux.waitFor("the owners dialog") { $0.contains("Owners of \(volume)") && $0.contains(holder) }
        try tmux.keys("x")
        try tmux.waitFor("a confirm naming the container") { $0.contains("Remove container \(holder)?") }
        try tmux.keys("y")
        try tmux.waitFor("the container removed") { $0.contains("✓ removed \(holder)") }
        try tmux.keys("Escape")
        try tmux.waitFor("the volume is unused now") { $0.contains("Status     unused") }
        try tmux.keys("d")
        try tmux.waitFor("the remove confirm, which says a copy is kept") {
            $0.contains("Remove volume") && $0.contains("kept in the trash")
        }
        try tmux.keys("y")
        try eventually("the volume is gone") { !(try E2E.volumeNames().contains(volume)) }
        try tmux.waitFor("the removal said") { $0.contains("✓ removed volume \(volume)") }

        // T: the trash view lists it with the container that owned it.
        try tmux.keys("T")
        let trash = try tmux.waitFor("the trash view with the item") {
            $0.contains("Trash (1)") && $0.contains(volume) && $0.contains("OWNERS THEN") && $0.contains(holder)
        }
        #expect(trash.contains("dashboard d"))
        #expect(trash.contains("Removed volume \(volume)"), "the detail pane follows the cursor")

        // r restores it: the volume is back with its files and labels, and the trash is empty.
        try tmux.keys("r")
        try tmux.waitFor("the restore done") { $0.contains("✓ restored \(volume) from the trash") }
        try eventually("the volume is back") { try E2E.volumeNames().contains(volume) }
        let files = try E2E.docker([
            "run", "--rm", "--network", "none", "-v", "\(volume):/data", E2E.image, "sh", "-c", "cat /data/note.txt /data/sub/more.txt"
        ])
        #expect(files == "precious\ndeeper\n")
        #expect(try E2E.docker(["volume", "inspect", "-f", "{{index .Labels \"voltop.e2e\"}}", volume]) == "\(id)\n")
        try tmux.waitFor("the trash emptied") { $0.contains("Trash (0)") && $0.contains("the trash is empty") }

        // Back in the table: the restored volume is selected and its detail says who owned it when it was removed.
        try tmux.keys("Escape")
        let table = try tmux.waitFor("the owners' history in the detail pane") {
            $0.contains("Owned by") && $0.contains(holder) && $0.contains("Restored") && $0.contains("from the trash; removed")
        }
        #expect(table.contains("by dashboard d"), "the removing command, on the next line of the field")
        try tmux.keys("q")
        try tmux.waitFor("VOLTOP-EXITED 0", timeout: 5)
    }

    /// A restore of a large item (400 MB: long enough to press Esc, light enough for the tests running alongside)
    /// shows bytes, rate and ETA under the header; Esc cancels it: no volume of that name,
    /// no helper container, and the item stays in the trash.
    @Test func escCancelsARestoreAndLeavesNothing() throws {
        let volume = name("large")
        let home = try trashScratch()
        try E2E.docker(["volume", "create", volume])
        try E2E.docker([
            "run", "--rm", "--network", "none", "-v", "\(volume):/d", E2E.image, "sh", "-c",
            "for i in 1 2 3 4; do head -c 100000000 /dev/zero > /d/part$i; done"
        ])
        defer {
            _ = try? E2E.docker(["volume", "rm", "-f", volume], check: false)
            try? FileManager.default.removeItem(atPath: home)
        }
        let tmux = try TmuxSession(
            cols: 120, rows: 32, environment: ["XDG_DATA_HOME": home + "/data", "XDG_STATE_HOME": home + "/state"])
        try filter(tmux, to: volume)
        try tmux.waitFor("the volume") { $0.contains("Status     unused") }
        try tmux.keys("d")
        try tmux.waitFor("the remove confirm") { $0.contains("Remove volume") }
        try tmux.keys("y")
        try tmux.waitFor("the removal, after its copy", timeout: 120) { $0.contains("✓ removed volume \(volume)") }
        try tmux.keys("T")
        try tmux.waitFor("the trash view with the item") { $0.contains("Trash (1)") && $0.contains(volume) }
        try tmux.keys("r")
        let running = try tmux.waitFor("the progress line", timeout: 30) { $0.contains("restoring \(volume): ") && $0.contains("/s") }
        #expect(running.contains("Esc cancel"))
        #expect(running.contains("of ~"), "the archive's length gives a percent and an ETA")
        try tmux.keys("Escape")
        try tmux.waitFor("the cancel said", timeout: 60) { $0.contains("restoring \(volume) cancelled: nothing was left behind") }
        #expect(!(try E2E.volumeNames().contains(volume)), "a half-filled volume was left")
        let helpers = try E2E.docker(["ps", "-aq", "--filter", "label=voltop.helper=\(volume)"])
        #expect(helpers.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "a helper container was left")
        try tmux.waitFor("the item still in the trash") { $0.contains("Trash (1)") && $0.contains(volume) }
        try tmux.keys("q")
        try tmux.waitFor("back to the table") { $0.contains("Volumes (") }
        try tmux.keys("q")
        try tmux.waitFor("VOLTOP-EXITED 0", timeout: 5)
    }

    /// C clones the selected volume after asking for the new name; E exports it to the file typed in: both show
    /// their result, the clone holds the same files and the archive is a valid tar of them.
    @Test func cloneAndExportFromTheDashboard() throws {
        let volume = name("src")
        let copy = volume + "-copy"
        let home = try trashScratch()
        try E2E.docker(["volume", "create", "--label", "voltop.e2e=\(id)", volume])
        try E2E.docker([
            "run", "--rm", "--network", "none", "-v", "\(volume):/d", E2E.image, "sh", "-c", "echo original > /d/a.txt && mkdir /d/b"
        ])
        defer {
            _ = try? E2E.docker(["volume", "rm", "-f", volume, copy], check: false)
            try? FileManager.default.removeItem(atPath: home)
        }
        let tmux = try TmuxSession(
            cols: 120, rows: 32, environment: ["XDG_DATA_HOME": home + "/data", "XDG_STATE_HOME": home + "/state"])
        try filter(tmux, to: volume)
        try tmux.waitFor("the volume") { $0.contains("Status     unused") }
        try tmux.keys("C")
        try tmux.waitFor("the clone prompt") { $0.contains("Clone volume") && $0.contains(copy) }
        try tmux.keys("Enter")
        try tmux.waitFor("the clone done", timeout: 30) { $0.contains("✓ cloned \(volume) to \(copy)") }
        let files = try E2E.docker([
            "run", "--rm", "--network", "none", "-v", "\(copy):/d", E2E.image, "sh", "-c", "cat /d/a.txt; ls -d /d/b"
        ])
        #expect(files == "original\n/d/b\n")
        #expect(try E2E.docker(["volume", "inspect", "-f", "{{index .Labels \"voltop.e2e\"}}", copy]) == "\(id)\n")
        // The clone is selected once it is done: E exports it (the same files), to the path typed over the default.
        let archive = home + "/out.tar.gz"
        try tmux.keys("E")
        try tmux.waitFor("the export prompt") { $0.contains("Export volume") }
        try tmux.keys("C-u")
        try tmux.type(archive)
        try tmux.keys("Enter")
        try tmux.waitFor("the export done", timeout: 30) { $0.contains("✓ exported ") }
        let listing = try E2E.run("/bin/tar", ["-tzf", archive])
        #expect(listing.contains("a.txt") && listing.contains("b/"), "\(listing)")
        try tmux.keys("q")
        try tmux.waitFor("VOLTOP-EXITED 0", timeout: 5)
    }

    /// The audit log cannot be written (its directory would be below a regular file): the removal happens, and the
    /// dashboard says the log missed it.
    @Test func anUnwritableAuditLogIsReported() throws {
        let volume = name("unlogged")
        let home = try trashScratch()
        let blocked = home + "/state-is-a-file"
        try Data("x".utf8).write(to: URL(fileURLWithPath: blocked))
        try E2E.docker(["volume", "create", volume])
        defer {
            _ = try? E2E.docker(["volume", "rm", "-f", volume], check: false)
            try? FileManager.default.removeItem(atPath: home)
        }
        let tmux = try TmuxSession(cols: 120, rows: 32, environment: ["XDG_DATA_HOME": home + "/data", "XDG_STATE_HOME": blocked])
        try filter(tmux, to: volume)
        try tmux.waitFor("the volume") { $0.contains("Status     unused") }
        try tmux.keys("d")
        try tmux.waitFor("the remove confirm") { $0.contains("Remove volume") }
        try tmux.keys("y")
        try eventually("the volume is gone") { !(try E2E.volumeNames().contains(volume)) }
        let screen = try tmux.waitFor("the audit warning") { $0.contains("the audit log missed rm of \(volume)") }
        #expect(screen.contains("Esc dismiss"))
        try tmux.keys("Escape")
        try tmux.waitFor("the warning dismissed") { !$0.contains("the audit log missed rm of \(volume)") }
        try tmux.keys("q")
        try tmux.waitFor("VOLTOP-EXITED 0", timeout: 5)
    }
}

import Foundation
import Testing

/// The dashboard as a person uses it, under tmux, against the private engine; after each step the engine's
/// real state is checked with the docker CLI.
///
/// scripts/test runs this target on its own, after the other tests, because it prunes the whole engine.
@Suite(.enabled(if: E2E.isAvailable), .serialized)
struct DashboardTests {
    let id = String(UUID().uuidString.prefix(6).lowercased())
    func name(_ suffix: String) -> String { "e2e-\(id)-\(suffix)" }

    /// Volumes labelled with the run's id (so the filter finds them) and a running owner.
    func makeFixture() throws {
        for (suffix, kib) in [("data", 8), ("old", 4), ("big", 64)] {
            try E2E.docker(["volume", "create", "--label", "voltop.e2e=\(id)", name(suffix)])
            try E2E.docker([
                "run", "--rm", "--network", "none", "-v", "\(name(suffix)):/d", E2E.image,
                "dd", "if=/dev/zero", "of=/d/blob", "bs=1024", "count=\(kib)"
            ])
        }
        try E2E.docker([
            "run", "-d", "--network", "none", "--name", name("web"), "-v", "\(name("data")):/data", E2E.image, "sleep", "100000"
        ])
    }

    func cleanUp() {
        _ = try? E2E.docker(["rm", "-f", name("web")], check: false)
        let all = ["data", "old", "big", "new", "live"].map(name)
        _ = try? E2E.docker(["volume", "rm", "-f"] + all, check: false)
    }

    @Test func aPersonManagesVolumes() throws {
        try makeFixture()
        defer { cleanUp() }
        let tmux = try TmuxSession(cols: 120, rows: 32)

        // Launch: names, sizes and owners of the fixture appear.
        // One size everywhere: disk usage, as du counts it (64 KiB of data and the directory's own block).
        let bigSize = try E2E.diskUsage(name("big"))
        var screen = try tmux.waitFor("fixture with sizes") { $0.contains(name("big")) && $0.contains(bigSize) }
        #expect(screen.contains(name("data")))
        #expect(screen.contains("Docker 20.10") || screen.contains("Docker "))

        // Filter to this run's volumes (the filter matches labels too).
        try tmux.keys("/")
        try tmux.type(id)
        try tmux.keys("Enter")
        screen = try tmux.waitFor("filtered to 3 volumes") { $0.contains("Volumes (3") || $0.contains("3 of ") }
        #expect(!screen.contains("app-data"))

        // Sort by size: the biggest first.
        for _ in 0..<5 {
            if try tmux.screen().contains("sort: size") { break }
            try tmux.keys("s")
            Thread.sleep(forTimeInterval: 0.2)
        }
        screen = try tmux.waitFor("sort by size") { $0.contains("sort: size") }
        let rows = screen.split(separator: "\n").map(String.init)
        let order = [name("big"), name("data"), name("old")].compactMap { n in rows.firstIndex { $0.contains(n) } }
        #expect(order == order.sorted() && order.count == 3, "rows by size descending:\n\(screen)")

        // Create through the form, with a label so the filter shows it.
        try tmux.keys("c")
        try tmux.waitFor("Name")
        try tmux.type(name("new"))
        try tmux.keys("Tab", "Tab")
        try tmux.type("voltop.e2e=\(id)")
        try tmux.keys("Enter")
        try tmux.waitFor("created volume \(name("new"))")
        try eventually("the engine has the new volume") { try E2E.volumeNames().contains(name("new")) }
        let labels = try E2E.docker(["volume", "inspect", "-f", "{{json .Labels}}", name("new")])
        #expect(labels.contains(#""voltop.e2e":"\#(id)""#))

        // A name that exists is refused with "already exists" (the engine would answer with the existing volume and
        // drop the new labels); nothing changes.
        try tmux.keys("c")
        try tmux.waitFor("Name")
        try tmux.type(name("new"))
        try tmux.keys("Tab", "Tab")
        try tmux.type(#"note="a b""#)
        try tmux.keys("Enter")
        try tmux.waitFor("already exists") { $0.contains("already exists") && !$0.contains("✓ created") }
        try tmux.keys("Escape")
        #expect(!(try E2E.docker(["volume", "inspect", "-f", "{{json .Labels}}", name("new")]).contains("note")))

        // An invalid name is refused inline and nothing is created.
        try tmux.keys("c")
        try tmux.waitFor("Name")
        try tmux.type("-bad name")
        screen = try tmux.waitFor("inline validation") { $0.contains("not allow") || $0.contains("letter or digit") }
        try tmux.keys("Enter")
        try tmux.keys("Escape")
        #expect(!(try E2E.volumeNames().contains("-bad name")))

        // Remove an unused volume after the confirm.
        try select(tmux, name("old"))
        try tmux.keys("d")
        screen = try tmux.waitFor("remove confirm naming the volume") { $0.contains("Remove") && $0.contains(name("old")) }
        #expect(screen.contains(try E2E.diskUsage(name("old"))), "the confirm shows the size the table shows:\n\(screen)")
        try tmux.keys("y")
        try eventually("the engine no longer has the old volume") { !(try E2E.volumeNames().contains(name("old"))) }
        try tmux.waitFor("old volume gone from the table") { screen in
            !screen.split(separator: "\n").contains {
                $0.hasPrefix("  \(name("old"))") || $0.hasPrefix("▶ \(name("old"))")
                    || $0.contains(" \(name("old")) ") && $0.contains("local")
            }
        }

        // Try to remove the in-use volume: the dialog lists its owner and nothing is removed.
        try select(tmux, name("data"))
        try tmux.keys("d")
        screen = try tmux.waitFor("in-use dialog names the owner") {
            $0.contains(name("web")) && $0.contains("running") && $0.contains("in use")
        }
        try tmux.keys("y")
        try tmux.keys("Escape")
        #expect(try E2E.volumeNames().contains(name("data")))

        // Live: a volume created with the docker CLI appears without a key.
        try E2E.docker(["volume", "create", "--label", "voltop.e2e=\(id)", name("live")])
        try tmux.waitFor(name("live"), timeout: 5)

        // Prune preview in both modes, then confirm "all unused".
        try tmux.keys("Escape")  // clear the filter: prune is engine-wide and shows everything it would remove
        try tmux.keys("p")
        screen = try tmux.waitFor("anonymous prune preview") { $0.contains("Prune") && $0.contains("unused anonymous") }
        #expect(!box(screen, title: "Prune").contains(name("big")), "named volumes are not in the anonymous mode")
        try tmux.keys("Tab")
        screen = try tmux.waitFor("all-unused preview lists the named unused volume") { box($0, title: "Prune").contains(name("big")) }
        #expect(!box(screen, title: "Prune").contains(name("data")), "an in-use volume is never in the preview")
        #expect(box(screen, title: "Prune").contains("total"))
        try tmux.keys("y")
        screen = try tmux.waitFor("prune result") { $0.lowercased().contains("removed") && $0.lowercased().contains("reclaimed") }
        try eventually("the prune removed the listed volumes") { !(try E2E.volumeNames().contains(name("big"))) }
        let left = try E2E.volumeNames()
        #expect(!left.contains(name("new")) && !left.contains(name("live")))
        #expect(left.contains(name("data")), "the in-use volume survives the prune")
        try tmux.keys("Escape")

        // Resize mid-run: the layout follows.
        try tmux.resize(cols: 80, rows: 24)
        screen = try tmux.waitFor("80x24 layout") { s in
            s.contains("NAME") && s.split(separator: "\n").count <= 24
        }
        try tmux.resize(cols: 160, rows: 45)
        screen = try tmux.waitFor("wide layout adds MOUNTPOINT") { $0.contains("MOUNTPOINT") }

        // Quit: the terminal is restored.
        try tmux.keys("q")
        try tmux.waitFor("VOLTOP-EXITED 0", timeout: 5)
        #expect(try tmux.display("#{alternate_on}") == "0")
        #expect(try tmux.display("#{cursor_flag}") == "1")
    }

    /// The text inside the box whose top border carries the title (the columns between its side borders).
    func box(_ screen: String, title: String) -> String {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
        guard let top = lines.firstIndex(where: { String($0).contains("┌─ \(title)") }),
            let left = lines[top].firstIndex(of: "┌"), let right = lines[top].lastIndex(of: "┐")
        else { return "" }
        var inside: [String] = []
        for line in lines[(top + 1)...] {
            guard line.count > right else { break }
            if line[left] == "└" { break }
            inside.append(String(line[(left + 1)..<right]))
        }
        return inside.joined(separator: "\n")
    }

    /// Polls a condition on the engine's real state for up to 5 seconds.
    func eventually(_ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            if try condition() { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        Issue.record("timed out waiting for \(what)", sourceLocation: sourceLocation)
    }

    /// Moves the selection to the row holding a name (the selected row is drawn in reverse video).
    /// Walks down from the top until the detail pane names `target`; from the top again every 8 steps, since rows
    /// move while sizes arrive under the size sort (a walk down can pass a row that then moves above it).
    func select(_ tmux: TmuxSession, _ target: String) throws {
        for step in 0..<48 {
            let detail = try tmux.screen()
            // The detail pane's title names the selected volume.
            if detail.split(separator: "\n").contains(where: { $0.contains("─ \(target) ─") || $0.contains("┬─ \(target)") }) {
                return
            }
            try tmux.keys(step % 8 == 0 ? "g" : "j")
            Thread.sleep(forTimeInterval: 0.1)
        }
        Issue.record("could not select \(target):\n\(try tmux.screen())")
    }

    @Test(arguments: ["C-c", "TERM", "HUP"])
    func signalsRestoreTheTerminal(how: String) throws {
        let tmux = try TmuxSession(cols: 100, rows: 30)
        try tmux.waitFor("Volumes")
        if how == "C-c" {
            try tmux.keys("C-c")
        } else {
            let child = try tmux.voltopPID()
            #expect(!child.isEmpty)
            try E2E.run("/bin/kill", ["-\(how)", child])
        }
        let screen = try tmux.waitFor("VOLTOP-EXITED", timeout: 5)
        let expected = ["C-c": "0", "TERM": "143", "HUP": "129"][how] ?? "?"
        #expect(screen.contains("VOLTOP-EXITED \(expected)"))
        #expect(try tmux.display("#{alternate_on}") == "0")
        #expect(try tmux.display("#{cursor_flag}") == "1")
    }

    /// With a filter, the prune preview covers only the filtered rows (and says so); an unticked volume stays.
    @Test func pruneFollowsTheFilter() throws {
        let kept = name("pf-a")
        let gone = name("pf-b")
        let outside = name("zz-outside")
        for volume in [kept, gone, outside] { try E2E.docker(["volume", "create", volume]) }
        defer { _ = try? E2E.docker(["volume", "rm", "-f", kept, gone, outside], check: false) }
        let tmux = try TmuxSession(cols: 120, rows: 32)
        try filter(tmux, to: name("pf-"))
        try tmux.keys("p")
        try tmux.waitFor("the prune dialog") { $0.contains("Prune unused anonymous volumes") }
        try tmux.keys("A")
        let screen = try tmux.waitFor("the preview of the filtered rows") {
            $0.contains("matching /\(name("pf-"))") && $0.contains("(•) all unused") && $0.contains("[x]")
        }
        #expect(!screen.contains(outside), "a volume outside the filter is not in the preview:\n\(screen)")
        #expect(screen.contains("2 volumes"))
        // The cursor starts on the first (pf-a): untick it.
        try tmux.keys("Space")
        try tmux.waitFor("one unticked") { $0.contains("1 unticked, kept") }
        try tmux.keys("y")
        try tmux.waitFor("the result") { $0.contains("Prune finished") }
        let left = try E2E.volumeNames()
        #expect(left.contains(kept), "the unticked volume stays")
        #expect(!left.contains(gone))
        #expect(left.contains(outside), "a volume outside the filter stays")
        try tmux.keys("Escape")
        try tmux.keys("q")
        try tmux.waitFor("VOLTOP-EXITED 0", timeout: 5)
    }

    /// "Held by a stopped container" is one step from freeing the volume: `o`, `x`, `y` removes the container (its
    /// volumes stay), then `d` removes the volume.
    @Test func actingOnOwnersFreesAVolume() throws {
        let volume = name("held-by")
        let holder = name("holder")
        try E2E.docker(["volume", "create", volume])
        try E2E.docker(["run", "--network", "none", "--name", holder, "-v", "\(volume):/data", E2E.image, "true"])
        defer {
            _ = try? E2E.docker(["rm", "-f", holder], check: false)
            _ = try? E2E.docker(["volume", "rm", "-f", volume], check: false)
        }
        let tmux = try TmuxSession(cols: 120, rows: 32)
        try filter(tmux, to: volume)
        try tmux.waitFor("the volume held by a stopped container") { $0.contains("in use (stopped)") }
        try tmux.keys("o")
        try tmux.waitFor("the owners dialog") { $0.contains("Owners of \(volume)") && $0.contains(holder) }
        try tmux.keys("x")
        try tmux.waitFor("a confirm naming the container") { $0.contains("Remove container \(holder)?") }
        try tmux.keys("y")
        try tmux.waitFor("the container removed") { $0.contains("✓ removed \(holder)") }
        #expect(try E2E.docker(["ps", "-aq", "--filter", "name=\(holder)"]).trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
        #expect(try E2E.volumeNames().contains(volume), "the container's volumes stay")
        try tmux.keys("Escape")
        try tmux.waitFor("the volume is unused now") { $0.contains("Status     unused") }
        try tmux.keys("d")
        try tmux.waitFor("the remove confirm") { $0.contains("Remove volume") }
        try tmux.keys("y")
        try eventually("the volume is gone") { !(try E2E.volumeNames().contains(volume)) }
        try tmux.keys("q")
        try tmux.waitFor("VOLTOP-EXITED 0", timeout: 5)
    }

    /// A new volume's age follows the clock without a key (it read "0s" until a reload).
    @Test func agesFollowTheClock() throws {
        let volume = name("age")
        try E2E.docker(["volume", "create", "--label", "voltop.e2e=\(id)", volume])
        defer { _ = try? E2E.docker(["volume", "rm", "-f", volume], check: false) }
        let tmux = try TmuxSession(cols: 120, rows: 30)
        try filter(tmux, to: volume)
        func age() throws -> Int? {
            // The table's row (left of the detail pane's border): its last column is CREATED.
            let row = try tmux.screen().split(separator: "\n").first { $0.contains(volume) && $0.contains("local") }
            let table = row.map { String($0.split(separator: "│", omittingEmptySubsequences: false)[0]) }
            guard let last = table?.split(separator: " ").last, last.hasSuffix("s") else { return nil }
            return Int(last.dropLast())
        }
        try tmux.waitFor("the row with its age") { _ in (try? age()) != nil }
        let first = try #require(try age(), "an age in seconds")
        Thread.sleep(forTimeInterval: 3.2)
        let later = try #require(try age(), "an age in seconds")
        #expect(later >= first + 2, "the age moved by itself: \(first)s then \(later)s")
        try tmux.keys("q")
        try tmux.waitFor("VOLTOP-EXITED 0", timeout: 5)
    }

    @Test func noColorStaysReadableAndReadOnlyDisablesHarm() throws {
        let tmux = try TmuxSession(cols: 100, rows: 30, arguments: ["--read-only"], environment: ["NO_COLOR": "1"])
        try tmux.waitFor("READ-ONLY")
        let colored = try tmux.tmux(["capture-pane", "-p", "-e", "-t", tmux.name])
        let colors = colored.range(of: #"\x1B\[[0-9;]*(3[0-7]|4[0-7]|38;5|48;5)[;m]"#, options: .regularExpression)
        #expect(colors == nil, "no colors with NO_COLOR")
        #expect(colored.contains("\u{1B}[7m") || colored.contains(";7m"), "reverse video still marks things")
        try tmux.keys("p")
        try tmux.waitFor("read-only")
        try tmux.keys("Escape", "q")
        try tmux.waitFor("VOLTOP-EXITED 0", timeout: 5)
    }
}

/// The engine goes away and comes back while the dashboard runs: a banner says so, then it reconnects and re-lists.
/// (In the serialized suite, so no other dashboard test runs while the daemon is down.)
extension DashboardTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["VOLTOP_TEST_DIR"] != nil))
    func bannerThenReconnectAndRelist() throws {
        let dir = try #require(ProcessInfo.processInfo.environment["VOLTOP_TEST_DIR"])
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let restart = root.appendingPathComponent("scripts/engine-restart").path
        let tmux = try TmuxSession(cols: 120, rows: 30)
        try tmux.waitFor("● live")

        // The daemon stops: the stream drops and the banner says so, without a key.
        try E2E.run("/bin/bash", [restart, dir, "stop"], detached: true)
        try tmux.waitFor("live updates lost", timeout: 10)

        // It comes back: the dashboard reconnects by itself and re-lists, so a volume made meanwhile shows up.
        try E2E.run("/bin/bash", [restart, dir, "start"], detached: true)
        let name = "000-rs-\(UUID().uuidString.prefix(4).lowercased())"
        defer { _ = try? E2E.docker(["volume", "rm", "-f", name], check: false) }
        try E2E.docker(["volume", "create", name])
        let screen = try tmux.waitFor("reconnected and re-listed", timeout: 30) { $0.contains("● live") && $0.contains(name) }
        #expect(!screen.contains("live updates lost"))
        try tmux.keys("q")
        try tmux.waitFor("VOLTOP-EXITED 0", timeout: 5)
    }
}

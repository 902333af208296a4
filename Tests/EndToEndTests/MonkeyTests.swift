import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A small seeded generator (SplitMix64), so a failing run replays with its seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random input for the dashboard without any key that confirms a dialog or quits.
///
/// Confirm keys are `y` and Enter (`\r`, `\n`, and keypad Enter, `ESC O M`); quit keys are `q` (quits from the
/// table) and Ctrl-C. Everything else the keymap binds is in, plus random text (ASCII, C0 controls, Latin,
/// CJK, emoji, bidi controls), X10 and SGR mouse reports and window resizes.
struct MonkeyInput {
    enum Event {
        case bytes([UInt8])
        case resize(cols: Int, rows: Int)
    }

    /// Every binding of the default keymap (README's key table, generated from it) as the bytes a terminal
    /// sends, minus the confirm and quit keys.
    static let bindings: [[UInt8]] = {
        let chars = "jkgGtcdp/siDumSr?hlaAnN" + " "
        var keys = chars.map { Array(String($0).utf8) }
        let esc: UInt8 = 0x1B
        keys += [
            [esc, 0x5B, 0x41], [esc, 0x5B, 0x42], [esc, 0x5B, 0x43], [esc, 0x5B, 0x44],  // arrows
            [esc, 0x5B, 0x35, 0x7E], [esc, 0x5B, 0x36, 0x7E],  // PgUp, PgDn
            [esc, 0x5B, 0x31, 0x7E], [esc, 0x5B, 0x34, 0x7E],  // Home, End (tmux)
            [esc, 0x5B, 0x33, 0x7E],  // Delete
            [esc, 0x4F, 0x50],  // F1
            [esc, 0x5B, 0x5A],  // Shift-Tab
            [0x09], [esc], [0x06], [0x02], [0x12], [0x7F], [0x08]  // Tab, Esc, Ctrl-F, Ctrl-B, Ctrl-R, Backspace
        ]
        return keys
    }()

    /// Bytes never sent: confirm (y, Y, CR, LF) and quit (q, Ctrl-C).
    static let forbidden: Set<UInt8> = [0x79, 0x59, 0x0A, 0x0D, 0x71, 0x03]

    var rng: SeededGenerator
    /// The last two bytes sent, so `ESC O M` (keypad Enter) is never formed across events.
    var tail: [UInt8] = []

    mutating func next() -> Event {
        let roll = Int.random(in: 0..<1000, using: &rng)
        var bytes: [UInt8]
        switch roll {
        case 0..<2:
            return .resize(cols: Int.random(in: 10...220, using: &rng), rows: Int.random(in: 3...70, using: &rng))
        case 2..<600:
            bytes = Self.bindings.randomElement(using: &rng) ?? [0x6A]
        case 600..<680:
            // A mouse report: SGR (ESC [ < b ; x ; y M/m) or X10 (ESC [ M b x y).
            let button = [0, 1, 2, 64, 65, 32, 35].randomElement(using: &rng) ?? 0
            let x = Int.random(in: 1...200, using: &rng)
            let y = Int.random(in: 1...60, using: &rng)
            if Bool.random(using: &rng) {
                let end = Bool.random(using: &rng) ? "M" : "m"
                bytes = Array("\u{1B}[<\(button);\(x);\(y)\(end)".utf8)
            } else {
                // The three bytes after ESC [ M are data, whatever they are: one that is forbidden (x = 89 is 'y') moves to
                // its neighbour. Dropping it, as the filter below would, left a report one byte short that took the
                // next key, the final Ctrl-C, as its row (seed 1371870038): voltop stayed, and the test's own typing
                // then went to it.
                let payload = [UInt8(32 + button), UInt8(min(32 + x, 126)), UInt8(min(32 + y, 126))]
                bytes = [0x1B, 0x5B, 0x4D] + payload.map { Self.forbidden.contains($0) ? $0 + 1 : $0 }
            }
        case 680..<900:
            // A printable or control ASCII byte.
            bytes = [UInt8.random(in: 0x00...0x7F, using: &rng)]
        default:
            // Combining marks and ZWJ/ZWNJ included: one typed into a text field merges with the character before it
            // (the monkey found TextInput's cursor running past the end there; TextInputTests keeps that case).
            let pools: [ClosedRange<UInt32>] = [
                0xA0...0x24F, 0x300...0x36F, 0x4E00...0x4FFF, 0x1F600...0x1F64F, 0x200C...0x202E, 0xFF01...0xFF5E
            ]
            let pool = pools.randomElement(using: &rng) ?? 0xA0...0xFF
            let scalar = Unicode.Scalar(UInt32.random(in: pool, using: &rng)) ?? "x"
            bytes = Array(String(scalar).utf8)
        }
        bytes = bytes.filter { !Self.forbidden.contains($0) }
        var out: [UInt8] = []
        for b in bytes {
            let window = (tail + out).suffix(2)
            if b == 0x4D, window == [0x1B, 0x4F] { continue }
            out.append(b)
        }
        tail = Array((tail + out).suffix(2))
        return .bytes(out)
    }
}

/// 100,000 random keys into the dashboard on the real engine, with a file pane open at the start: voltop never
/// crashes, nothing is removed without a confirm key, and the terminal is sane after it quits.
extension DashboardTests {
    /// Every file (path and size) in each volume, read with the docker CLI.
    func filesIn(_ volumes: [String]) throws -> [String: String] {
        var out: [String: String] = [:]
        for volume in volumes {
            out[volume] = try E2E.docker([
                "run", "--rm", "--network", "none", "-v", "\(volume):/d:ro", E2E.image, "sh", "-c",
                "cd /d && find . | sort && du -a . | sort -k2"
            ])
        }
        return out
    }

    @Test func monkeyNeverCrashesNorRemovesWithoutAConfirm() throws {
        let env = ProcessInfo.processInfo.environment
        let seed = env["VOLTOP_MONKEY_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 1...UInt64(UInt32.max))
        let count = env["VOLTOP_MONKEY_KEYS"].flatMap { Int($0) } ?? 100_000
        print("monkey: seed \(seed), \(count) keys (replay with VOLTOP_MONKEY_SEED=\(seed) VOLTOP_MONKEY_KEYS=\(count))")

        // Fixture: volumes with files, one owned by a running container.
        let volumes = ["mk-a", "mk-b", "mk-c"].map(name)
        for (i, volume) in volumes.enumerated() {
            try E2E.docker(["volume", "create", "--label", "voltop.e2e=\(id)", volume])
            try E2E.docker([
                "run", "--rm", "--network", "none", "-v", "\(volume):/d", E2E.image, "sh", "-c",
                "mkdir -p /d/dir/sub && echo one > /d/one.txt && echo two > /d/dir/two.txt && dd if=/dev/zero of=/d/dir/sub/blob bs=1024 count=\(8 * (i + 1)) 2>/dev/null"
            ])
        }
        let owner = name("mk-owner")
        try E2E.docker(["run", "-d", "--network", "none", "--name", owner, "-v", "\(volumes[0]):/data", E2E.image, "sleep", "100000"])
        defer {
            _ = try? E2E.docker(["rm", "-f", owner], check: false)
            _ = try? E2E.docker(["volume", "rm", "-f"] + volumes, check: false)
        }
        let volumesBefore = try E2E.volumeNames()
        let filesBefore = try filesIn(volumes)

        let tmux = try TmuxSession(
            cols: 120, rows: 32, environment: ["SWIFT_BACKTRACE": "enable=yes,interactive=no,color=no"], afterExit: "exec sh")
        _ = try? tmux.tmux(["set-option", "-g", "history-limit", "5000"])
        try openFiles(tmux, volumes[0])
        try tmux.waitFor("the file pane is open") { $0.contains("one.txt") && $0.contains("dir/") }
        let pid = try #require(Int32(try tmux.voltopPID().split(separator: "\n").first ?? ""))

        // The pane's terminal: its input queue tells how far voltop has read, so the keys go no faster than it reads
        // them (the liveness checks then mean something, and a hang shows as a queue that stops draining).
        let tty = try tmux.display("#{pane_tty}")
        let ttyFD = open(tty, O_RDONLY | O_NOCTTY | O_NONBLOCK)
        try #require(ttyFD >= 0, "open \(tty)")
        defer { close(ttyFD) }
        var slowest = 0.0
        func waitUntilRead(_ sentSoFar: Int) {
            let began = Date()
            var pending: Int32 = 0
            while ioctl(ttyFD, UInt(FIONREAD), &pending) == 0, pending > 0 {
                if Date().timeIntervalSince(began) > 30 {
                    Issue.record("voltop stopped reading keys after \(sentSoFar) (\(pending) bytes pending for 30 s, seed \(seed))")
                    return
                }
                Thread.sleep(forTimeInterval: 0.002)
            }
            slowest = max(slowest, Date().timeIntervalSince(began))
        }

        var input = MonkeyInput(rng: SeededGenerator(state: seed))
        let start = Date()
        var sent = 0
        var batch: [String] = []
        var batches = 0
        func flush() throws {
            guard !batch.isEmpty else { return }
            try tmux.tmux(["send-keys", "-t", tmux.name, "-H"] + batch)
            batch.removeAll(keepingCapacity: true)
            batches += 1
            waitUntilRead(sent)
            if batches % 20 == 0 {
                #expect(kill(pid, 0) == 0, "voltop died after \(sent) keys (seed \(seed))")
                let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
                #expect(!stat.isEmpty && !stat.contains(") Z "), "voltop is a zombie after \(sent) keys (seed \(seed))")
            }
        }
        while sent < count {
            switch input.next() {
            case .bytes(let bytes):
                batch += bytes.map { String(format: "%02x", $0) }
                sent += 1
                if batch.count >= 200 { try flush() }
            case .resize(let cols, let rows):
                try flush()
                try tmux.resize(cols: cols, rows: rows)
            }
            if kill(pid, 0) != 0 { break }
        }
        try flush()
        let sending = Date().timeIntervalSince(start)
        #expect(kill(pid, 0) == 0, "voltop died during the run (seed \(seed))")
        // Let the last keys take effect, then quit.
        try tmux.resize(cols: 120, rows: 32)
        Thread.sleep(forTimeInterval: 2)
        #expect(kill(pid, 0) == 0, "voltop died at the end of the run (seed \(seed))")
        print(
            "monkey: \(sent) keys in \(batches) batches read by voltop in \(String(format: "%.1f", sending)) s (slowest batch \(String(format: "%.2f", slowest)) s)"
        )
        // A crash shows the runtime's backtrace in the pane while voltop still counts as running: let it finish.
        let crashed = try tmux.screen().contains("Backtracing") || (try tmux.screen().contains("Fatal error"))
        if crashed { try tmux.waitFor("the crash report ends", timeout: 120) { $0.contains("VOLTOP-EXITED") } }
        let status = crashed ? 132 : try tmux.quitAndWait(timeout: 60)
        if status != 0 {
            // The crash report (the Swift runtime's backtrace) is in the pane's history.
            let history = (try? tmux.tmux(["capture-pane", "-p", "-S", "-5000", "-t", tmux.name])) ?? ""
            let report = history.components(separatedBy: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.suffix(120)
            Issue.record("voltop ended with status \(String(describing: status)) (seed \(seed)):\n\(report.joined(separator: "\n"))")
        }
        #expect(status == 0, "voltop exits cleanly on Ctrl-C after the run (seed \(seed))")
        print("monkey: total \(String(format: "%.1f", Date().timeIntervalSince(start))) s")

        // The terminal is sane: a shell prompt, and the line discipline echoes in canonical mode.
        try tmux.waitFor("a shell prompt", timeout: 10) { screen in
            screen.split(separator: "\n").contains { $0.hasPrefix("# ") || $0.hasPrefix("$ ") || $0 == "#" || $0 == "$" }
        }
        try tmux.type("stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon -e echo -e -echo | tr '\\n' ' '; echo STTY-DONE")
        try tmux.keys("Enter")
        let screen = try tmux.waitFor("stty output", timeout: 10) { $0.components(separatedBy: "STTY-DONE").count > 2 }
        let sttyLine = screen.split(separator: "\n").last { $0.contains("STTY-DONE") && !$0.contains("stty -a") } ?? ""
        #expect(sttyLine.contains("icanon") && !sttyLine.contains("-icanon"), "canonical mode restored: \(sttyLine)")
        #expect(sttyLine.contains("echo") && !sttyLine.contains("-echo"), "echo restored: \(sttyLine)")

        // Nothing was removed: no key confirmed anything.
        let volumesAfter = try E2E.volumeNames()
        #expect(
            volumesBefore.subtracting(volumesAfter).isEmpty,
            "removed without a confirm: \(volumesBefore.subtracting(volumesAfter)) (seed \(seed))")
        #expect(try filesIn(volumes) == filesBefore, "files changed without a confirm (seed \(seed))")
        #expect(try helperContainers().isEmpty, "no helper container left")
    }
}

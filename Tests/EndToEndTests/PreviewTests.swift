import Foundation
import Testing

/// The file preview on a real file, under tmux: a file bigger than one window is read window by window as the
/// user goes to its end (direct reads by offset); helper mode says it shows only the start.
extension DashboardTests {
    /// A volume holding `big.txt`: 40,000 numbered lines (223.5 KiB, several preview windows).
    func makeBigFileVolume(_ suffix: String) throws -> String {
        let volume = name(suffix)
        try E2E.docker(["volume", "create", "--label", "voltop.e2e=\(id)", volume])
        try E2E.docker([
            "run", "--rm", "--network", "none", "-v", "\(volume):/d", E2E.image, "sh", "-c", "seq 1 40000 > /d/big.txt"
        ])
        return volume
    }

    @Test func thePreviewReadsABigFileWindowByWindow() throws {
        let volume = try makeBigFileVolume("pager")
        defer { _ = try? E2E.docker(["volume", "rm", "-f", volume], check: false) }
        let tmux = try TmuxSession(cols: 80, rows: 24)
        try openFiles(tmux, volume)
        try tmux.waitFor("the tree lists big.txt") { $0.contains("big.txt") }
        try selectRow(tmux, "big.txt")
        try tmux.keys("p")
        var screen = try tmux.waitFor("the first window") { $0.contains("bytes 0–64.0 KiB of 223.5 KiB") }
        #expect(!screen.contains("40000"))
        // G reads the last window: its last line is on screen, and the status says which bytes are shown.
        try tmux.keys("G")
        screen = try tmux.waitFor("the end of the file") { $0.contains("40000") && $0.contains("of 223.5 KiB") }
        #expect(!screen.contains("bytes 0–"), "a later window is shown:\n\(screen)")
        // g goes back to the start.
        try tmux.keys("g")
        try tmux.waitFor("back at the start") { $0.contains("bytes 0–64.0 KiB") }
        try tmux.keys("q", "q", "q")
        try tmux.waitFor("VOLTOP-EXITED 0", timeout: 5)
    }

    @Test func helperModePreviewSaysItShowsOnlyTheStart() throws {
        let volume = try makeBigFileVolume("pagerh")
        defer { _ = try? E2E.docker(["volume", "rm", "-f", volume], check: false) }
        let tmux = try TmuxSession(cols: 120, rows: 32, arguments: ["--source", "helper"])
        try openFiles(tmux, volume)
        try tmux.waitFor("the tree lists big.txt through a helper") { $0.contains("big.txt") && $0.contains("helper") }
        try selectRow(tmux, "big.txt")
        try tmux.keys("p")
        try tmux.waitFor("the start, and why only the start") { $0.contains("helper mode reads only the start of a file") }
        try tmux.keys("G")
        // G goes to the last line read, which ends the first window: the status reads "A-B of B", short of 40000.
        let screen = try tmux.waitFor("the end of the first window") { screen in
            guard let status = screen.firstMatch(of: /(\d+)-(\d+) of (\d+)/) else { return false }
            return status.output.2 == status.output.3 && status.output.3 != "40000"
        }
        #expect(!screen.contains("40000"))
        try tmux.keys("q", "Escape", "Escape")
        try eventually("the helper container is removed") { try helperContainers().isEmpty }
        try tmux.keys("q")
        try tmux.waitFor("VOLTOP-EXITED 0", timeout: 5)
    }
}

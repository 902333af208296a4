import Foundation
import Testing

@testable import VolumeUI

/// Compares a screen with `Snapshots/<name>.txt`. A missing file, or `RECORD_SNAPSHOTS=1`, records the screen
/// and fails, so every recorded screen is looked at before it is committed.
func expectScreen(_ grid: CellGrid, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    expectSnapshot(grid.text + "\n", name, sourceLocation: sourceLocation)
}

/// Compares a screen and its colors with `Snapshots/<name>.txt`: the text, then one letter per cell for its
/// style ("." plain), then what each letter stands for.
func expectStyledScreen(_ grid: CellGrid, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    var letters: [CellStyle: Character] = [.plain: "."]
    var legend: [String] = []
    let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    var rows: [String] = []
    for r in 0..<grid.rows {
        var row = ""
        for c in 0..<grid.cols {
            let style = grid[r, c].style
            if letters[style] == nil {
                let letter = legend.count < alphabet.count ? alphabet[legend.count] : "?"
                letters[style] = letter
                legend.append("\(letter): \(describe(style))")
            }
            row.append(letters[style] ?? "?")
        }
        rows.append(row)
    }
    let text = grid.text + "\n-- styles --\n" + rows.joined(separator: "\n") + "\n-- legend --\n" + legend.joined(separator: "\n") + "\n"
    expectSnapshot(text, name, sourceLocation: sourceLocation)
}

private func describe(_ style: CellStyle) -> String {
    func name(_ color: TermColor) -> String {
        switch color {
        case .indexed(let n): return String(n)
        default: return "\(color)"
        }
    }
    var parts: [String] = []
    if style.fg != .default { parts.append("fg=\(name(style.fg))") }
    if style.bg != .default { parts.append("bg=\(name(style.bg))") }
    if style.bold { parts.append("bold") }
    if style.reverse { parts.append("reverse") }
    if style.dim { parts.append("dim") }
    if style.underline { parts.append("underline") }
    return parts.joined(separator: " ")
}

private func expectSnapshot(_ actual: String, _ name: String, sourceLocation: SourceLocation) {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
    let file = directory.appendingPathComponent("\(name).txt")
    let record = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"].map { $0 == "1" || $0 == "true" } ?? false
    guard !record, let expected = try? String(contentsOf: file, encoding: .utf8) else {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try actual.write(to: file, atomically: true, encoding: .utf8)
            Issue.record("recorded Snapshots/\(name).txt: look at it, then commit it", sourceLocation: sourceLocation)
        } catch {
            Issue.record("could not record Snapshots/\(name).txt: \(error)", sourceLocation: sourceLocation)
        }
        return
    }
    guard expected != actual else { return }
    let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
    var diff: [String] = []
    for i in 0..<max(e.count, a.count) {
        let l = i < e.count ? String(e[i]) : "<none>"
        let r = i < a.count ? String(a[i]) : "<none>"
        if l != r { diff.append("line \(i + 1):\n  expected: \(l)\n  actual:   \(r)") }
    }
    let shown: String = diff.prefix(8).joined(separator: "\n")
    Issue.record("screen differs from Snapshots/\(name).txt (RECORD_SNAPSHOTS=1 re-records):\n\(shown)", sourceLocation: sourceLocation)
}

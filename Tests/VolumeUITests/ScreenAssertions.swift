import Foundation
import Testing

@testable import VolumeUI

/// Compares a screen with `Snapshots/<name>.txt`. A missing file, or `RECORD_SNAPSHOTS=1`, records the screen
/// and fails, so every recorded screen is looked at before it is committed.
func expectScreen(_ grid: CellGrid, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
    let file = directory.appendingPathComponent("\(name).txt")
    let actual = grid.text + "\n"
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

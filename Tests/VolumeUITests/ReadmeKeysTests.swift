import Foundation
import Testing

@testable import VolumeUI

/// The README's key table is generated from the keymap; this fails when they drift apart.
/// `RECORD_SNAPSHOTS=1 swift test --filter ReadmeKeysTests` rewrites the table between the markers.
@Suite struct ReadmeKeysTests {
    static let begin = "<!-- keys:begin (generated from KeyMap.default; see ReadmeKeysTests) -->"
    static let end = "<!-- keys:end -->"

    @Test func readmeListsEveryBinding() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = root.appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let table = KeyMap.default.markdownTable
        guard let start = text.range(of: Self.begin), let stop = text.range(of: Self.end), start.upperBound <= stop.lowerBound else {
            Issue.record("README.md has no key-table markers")
            return
        }
        let current = text[start.upperBound..<stop.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
        if current != table {
            if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
                let updated = text[..<start.upperBound] + "\n" + table + "\n" + text[stop.lowerBound...]
                try String(updated).write(to: readme, atomically: true, encoding: .utf8)
            }
            Issue.record("README.md's key table differs from KeyMap.default (re-record with RECORD_SNAPSHOTS=1)")
        }
        #expect(KeyMap.default.bindings.allSatisfy { table.contains($0.help) })
    }
}

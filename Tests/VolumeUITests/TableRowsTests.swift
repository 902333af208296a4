import Foundation
import Testing
import VolumeCore

@testable import VolumeUI

/// The table's rows are kept (sorted once per change, a narrowing filter filters only the rows shown); whatever the
/// path, they must equal sorting and filtering every volume from scratch.
@Suite struct TableRowsTests {
    /// The rows a state should show, worked out the slow way: sort every entry by name-string comparisons, filter all.
    static func expectedRows(_ s: AppState) -> [String] {
        var sorted = s.catalog.entries.indices.sorted { a, b in
            let x = s.catalog.entries[a]
            let y = s.catalog.entries[b]
            switch s.table.sortKey {
            case .name: return x.name < y.name
            case .owners:
                let cx = (x.owners.count, x.runningOwnerCount)
                let cy = (y.owners.count, y.runningOwnerCount)
                return cx != cy ? cx > cy : x.name < y.name
            default: return x.name < y.name
            }
        }
        if s.table.isSortReversed { sorted.reverse() }
        let filter = VolumeFilter(s.table.filter.text)
        return sorted.filter { i in
            let entry = s.catalog.entries[i]
            if s.table.isUnusedOnly && !entry.isDangling { return false }
            if let filter, VolumeFilter.searchText(for: entry).contains(filter.needle) == filter.isInverted { return false }
            return true
        }.map { s.catalog.entries[$0].name }
    }

    @Test func typingDeletingInvertingAndUnusedOnlyKeepTheRowsExact() {
        var s = Fixture.loaded()
        Fixture.press([.char("/")], &s)
        let steps: [KeyPress] = [
            .char("c"), .char("a"), .backspace, .char("i"), .char("-"), .backspace, .backspace, .backspace,
            .char("!"), .char("s"), .char("h"), .home, .delete, .end, .escape
        ]
        for key in steps {
            Fixture.press([key], &s)
            #expect(s.table.visibleIndices.map { s.catalog.entries[$0].name } == Self.expectedRows(s), "after \(key)")
        }
        Fixture.press([.char("u")], &s)
        #expect(s.table.isUnusedOnly)
        Fixture.press([.char("/"), .char("c")], &s)
        #expect(s.table.visibleIndices.map { s.catalog.entries[$0].name } == Self.expectedRows(s), "unused only, then a filter")
        Fixture.press([.enter, .char("u")], &s)
        #expect(!s.table.isUnusedOnly)
        #expect(s.table.visibleIndices.map { s.catalog.entries[$0].name } == Self.expectedRows(s), "unused only off widens again")
    }

    /// A catalog that does not come sorted by name still sorts and breaks ties by name.
    @Test func anUnsortedCatalogSortsByNameAndBreaksTiesByName() {
        let catalog = Fixture.catalog
        let shuffled = Catalog(entries: catalog.entries.reversed(), containers: catalog.containers, takenAt: Fixture.now)
        var s = Fixture.loaded(catalog: shuffled)
        #expect(s.table.visibleIndices.map { s.catalog.entries[$0].name } == catalog.entries.map(\.name))
        Fixture.press([.char("s"), .char("s"), .char("s")], &s)
        #expect(s.table.sortKey == .owners)
        #expect(s.table.visibleIndices.map { s.catalog.entries[$0].name } == Self.expectedRows(s))
    }

    /// ASCII texts are searched byte by byte; the answer is the same as `String.contains`, also around text that is
    /// not ASCII (then `String.contains` decides).
    @Test(arguments: [
        ("shop_db-data\nteam=platform", "db-d"), ("shop_db-data", "x"), ("cafe\u{301}", "cafe"), ("café", "cafe"),
        ("データ-ボリューム", "ボリ"), ("abc", "abcd"), ("aaab", "aab")
    ])
    func byteSearchAnswersLikeStringContains(text: String, needle: String) throws {
        let filter = try #require(VolumeFilter(needle))
        var entryText = VolumeFilter.SearchText(Fixture.catalog.entries[0])
        entryText.text = text
        entryText.isASCII = text.utf8.allSatisfy { $0 < 0x80 }
        #expect(filter.keeps(entryText) == text.contains(needle))
    }
}

import Testing

@testable import VolumeUI

@Suite struct KeyMapTests {
    @Test func noKeyIsBoundTwiceInAScope() {
        let duplicates = KeyMap.default.duplicateKeys
        #expect(duplicates.isEmpty, "duplicate keys: \(duplicates.map { "\($0.scope.rawValue): \($0.key)" })")
    }

    @Test func duplicateDetectionWorks() {
        let map = KeyMap(bindings: [
            KeyBinding([.char("x")], .refresh, "one", scope: .volumes),
            KeyBinding([.char("x")], .prune, "two", scope: .volumes),
            KeyBinding([.char("x")], .prune, "other scope", scope: .mounts),
            KeyBinding([.ctrl("c")], .quit, "quit", scope: .global),
            KeyBinding([.ctrl("C")], .quit, "same chord", scope: .global)
        ])
        #expect(map.duplicateKeys.count == 2)
    }

    @Test func everyScopeHasAWayOut() {
        for scope in KeyBinding.Scope.allCases where scope != .global {
            let commands = Set(KeyMap.default.bindings(in: scope).map(\.command))
            // While a transfer runs, its scope's way out is cancelling it.
            let leaves = !commands.isDisjoint(with: [.back, .cancel, .switchPane, .applyInput, .discardInput, .cancelTransfer])
            #expect(leaves || scope == .volumes, "no way out of \(scope)")
        }
        #expect(KeyMap.default.binding(for: .ctrl("c"), in: [.form, .global])?.command == .quit)
    }

    @Test func helpListsEveryBinding() {
        let state = Fixture.loaded()
        let help = Dashboard.helpLines(state, width: 160).map(\.text)
        for binding in KeyMap.default.bindings {
            #expect(
                help.contains { $0.contains(binding.keyLabel) && $0.contains(binding.help) },
                "help lacks \(binding.keyLabel): \(binding.help)")
        }
        for scope in KeyBinding.Scope.allCases {
            #expect(help.contains { $0.contains(scope.title) })
        }
    }

    @Test func footerComesFromTheKeymapForTheScope() {
        var s = Fixture.loaded(rows: 45, cols: 160)
        let footer = Fixture.screen(s).text.split(separator: "\n").last.map(String.init) ?? ""
        for binding in KeyMap.default.footerBindings(for: [.volumes, .global]) {
            #expect(footer.contains("\(binding.keys[0]) \(binding.footer ?? "")"))
        }
        Fixture.press([.char("c")], &s)
        let formFooter = Fixture.screen(s).text.split(separator: "\n").last.map(String.init) ?? ""
        #expect(formFooter.contains("Tab next field"))
        #expect(formFooter.contains("Esc cancel"))
        #expect(!formFooter.contains("q quit"))
    }

    @Test func narrowFooterKeepsHelpAndQuit() {
        let s = Fixture.loaded()
        let footer = Fixture.screen(s).text.split(separator: "\n").last.map(String.init) ?? ""
        // Keys were left out: `?` says the help has more.
        #expect(footer.contains("? more"))
        #expect(footer.contains("q quit"))
    }

    @Test func readOnlyDimsDestructiveKeysInTheFooter() {
        let s = Fixture.loaded(rows: 45, cols: 160, readOnly: true)
        let grid = Fixture.screen(s)
        let row = grid.rows - 1
        let line = (0..<grid.cols).map { grid[row, $0].text }.joined()
        let start = try! #require(line.range(of: "c create"))
        let col = line.distance(from: line.startIndex, to: start.lowerBound)
        #expect(grid[row, col].style.dim)
        let refresh = try! #require(line.range(of: "r refresh"))
        #expect(!grid[row, line.distance(from: line.startIndex, to: refresh.lowerBound)].style.dim)
    }

    @Test func normalizesKeySpellings() {
        #expect(KeyPress.char("\r").normalized == .enter)
        #expect(KeyPress.char("\t").normalized == .tab)
        #expect(KeyPress.char("\u{1B}").normalized == .escape)
        #expect(KeyPress.char("\u{7F}").normalized == .backspace)
        #expect(KeyPress.ctrl("C").normalized == .ctrl("c"))
    }

    @Test func markdownTableHasEveryBinding() {
        let table = KeyMap.default.markdownTable
        #expect(table.split(separator: "\n").count == KeyMap.default.bindings.count + 2)
    }
}

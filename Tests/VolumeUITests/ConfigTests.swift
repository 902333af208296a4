import Testing
import VoltopConfig
import VolumeCore

@testable import VolumeUI

/// `~/.config/voltop/config.toml`: key bindings per screen, default sort, refresh; every problem named with its line.
@Suite struct ConfigTests {
    @Test func bindingsReplaceTheDefaultsAndHelpAndFooterFollow() throws {
        let text = """
            [dashboard]
            sort = "size"
            reverse = true
            size_refresh = 30

            [keys.volumes]
            moveDown = ["n", "down"]
            moveUp = "e"
            startFilter = "f3"
            """
        let config = try VoltopConfig.parse(text).get()
        #expect(config.sort == "size" && config.reverse && config.sizeRefresh == 30)
        var state = AppState(header: EngineHeader(target: "t", server: "s", apiVersion: "1.41"), isReadOnly: false, now: .now)
        state.keyMap = config.keyMap
        let sorted = state.setSort(named: "size", reversed: true)
        #expect(sorted)
        #expect(state.table.sortKey == .size && state.table.isSortReversed)
        let down = try #require(state.keyMap.binding(for: .char("n"), in: [.volumes]))
        #expect(down.command == .moveDown)
        // `j` no longer moves: the user took it away.
        #expect(state.keyMap.binding(for: .char("j"), in: [.volumes])?.command != .moveDown)
        #expect(state.keyMap.binding(for: .function(3), in: [.volumes])?.command == .startFilter)
        // Help lists the user's keys.
        let help = Dashboard.helpLines(state, width: 100).map { $0.spans.map(\.text).joined() }.joined(separator: "\n")
        #expect(help.contains("F3"), "\(help)")
        #expect(!KeyMap.default.bindings(in: .volumes).contains { $0.command == .startFilter && $0.keys == [.function(3)] })
    }

    @Test func everyProblemIsNamedWithItsLine() throws {
        let text = """
            [dashboard]
            sort = "colour"

            [keys.volumes]
            moveDown = "k"
            launchRockets = "x"
            quit = "ctrl-"

            [keys.nowhere]
            moveDown = "j"
            """
        guard case .failure(let problems) = VoltopConfig.parse(text) else {
            Issue.record("a broken file was accepted")
            return
        }
        let byLine = Dictionary(grouping: problems.list, by: { $0.line ?? 0 })
        #expect(byLine[2]?.first?.message.contains("sort must be one of") == true, "\(problems.list)")
        #expect(byLine[6]?.first?.message.contains("unknown command launchRockets") == true, "\(problems.list)")
        #expect(byLine[7]?.first?.message.contains("unknown key") == true, "\(problems.list)")
        #expect(byLine[9]?.first?.message.contains("unknown key scope [keys.nowhere]") == true, "\(problems.list)")
        // k moves down and up in one scope: a conflict, at the line that made it.
        #expect(problems.list.contains { $0.message.contains("bound twice") && $0.line == 5 }, "\(problems.list)")
    }

    @Test func trashLimitsComeFromTheFileAndTheEnvironmentWins() throws {
        let config = try VoltopConfig.parse("[trash]\nmax_volume = \"256MiB\"\nmax_total = 4294967296\ndays = 0.5\n").get()
        #expect(config.trashPolicy == Trash.Policy(maxVolumeBytes: 256 << 20, maxTotalBytes: 4 << 30, retention: 12 * 3600))
        // VOLTOP_TRASH_* wins over the file; what the environment leaves unset keeps the file's value.
        let policy = try Trash.Policy.from(environment: ["VOLTOP_TRASH_DAYS": "2"], base: config.trashPolicy)
        #expect(policy == Trash.Policy(maxVolumeBytes: 256 << 20, maxTotalBytes: 4 << 30, retention: 2 * 24 * 3600))
    }

    @Test func badTrashLimitsAreNamedWithTheirLine() {
        let text = """
            [dashboard]
            sort = "size"

            [trash]
            max_volume = "lots"
            max_total = "1GiB"
            days = -1
            keep_forever = true
            """
        guard case .failure(let problems) = VoltopConfig.parse(text) else {
            Issue.record("a broken [trash] was accepted")
            return
        }
        let byLine = Dictionary(grouping: problems.list, by: { $0.line ?? 0 })
        #expect(byLine[5]?.first?.message.contains("max_volume must be a size") == true, "\(problems.list)")
        #expect(byLine[6] == nil, "\(problems.list)")
        #expect(byLine[7]?.first?.message.contains("days must be a number of days") == true, "\(problems.list)")
        #expect(byLine[8]?.first?.message.contains("unknown setting keep_forever in [trash]") == true, "\(problems.list)")
        #expect(problems.list.count == 3)
        #expect(VoltopConfig.defaultText.contains("# max_volume = \"1GiB\""))
    }

    @Test func syntaxErrorsCarryTheirLine() {
        guard case .failure(let problems) = VoltopConfig.parse("[dashboard]\nsort = \n") else {
            Issue.record("accepted")
            return
        }
        #expect(problems.list.first?.line == 2)
        #expect(problems.list.first?.message.contains("not valid TOML") == true)
    }

    @Test func theDefaultFileParsesToTheDefaults() throws {
        let config = try VoltopConfig.parse(VoltopConfig.defaultText).get()
        #expect(config.keyMap.bindings.count == KeyMap.default.bindings.count)
        // Uncommented, it still parses to the defaults (every scope, command and key name in it is valid).
        let uncommented = VoltopConfig.defaultText.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.hasPrefix("# "), line.contains(" = ") else { return String(line) }
            let body = line.dropFirst(2)
            return String(body.split(separator: "#", maxSplits: 1).first ?? body)
        }.joined(separator: "\n")
        let all = try VoltopConfig.parse(uncommented).get()
        // Every role of [theme.colors], uncommented, paints the default theme's colors.
        #expect(uncommented.contains("\nselected = { }") && uncommented.contains("\nbrand = { fg = \"black\", bg = \"cyan\" }"))
        #expect(all.themeName == "default" && all.palette == Palette.standard)
        #expect(all.trashPolicy == Trash.Policy.standard, "the [trash] defaults printed are the standard limits")
        #expect(all.trashMaxVolume == 1 << 30)
        for binding in KeyMap.default.bindings {
            #expect(all.keyMap.binding(for: binding.keys[0], in: [binding.scope]) != nil, "\(binding.command)")
        }
    }
}

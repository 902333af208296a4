import Foundation
import Testing
import VolumeCore

@testable import VolumeUI

/// A fleet (several engines in one dashboard): an ENGINE column, a header line per engine with its status, the
/// filter matching the engine, and a prune preview grouped by engine. One engine draws as before (the other golden
/// screens are unchanged).
@Suite struct FleetScreenTests {
    static let sizes = ScreenTests.sizes

    /// The fixture's volumes spread over two engines (`prod` gets the first six, `stage` the rest and a `cache` of
    /// its own), with the containers on `prod`.
    static func placement(_ name: String) -> String {
        let index = Fixture.volumes.firstIndex { $0.name == name } ?? 0
        return index < 6 ? "prod" : "stage"
    }

    static var volumes: [Volume] {
        var all = Fixture.volumes.map { volume in
            var v = volume
            v.name = FleetName.qualified(v.name, engine: placement(v.name))
            return v
        }
        all.append(Fixture.volume("stage/cache", labels: ["tier": "cache"], age: 3 * Fixture.day))
        return all
    }

    static var containers: [Container] {
        Fixture.containers.map { container in
            var c = container
            c.mounts = c.mounts.map { mount in
                var m = mount
                if let name = m.name { m.name = FleetName.qualified(name, engine: placement(name)) }
                return m
            }
            return c
        }
    }

    static var sizeTable: [String: (size: Int64, refCount: Int64)] {
        var table: [String: (size: Int64, refCount: Int64)] = [:]
        for (name, usage) in Fixture.sizeTable { table[FleetName.qualified(name, engine: placement(name))] = usage }
        table["stage/cache"] = (4_194_304, 0)
        return table
    }

    static let members = [
        FleetMember(label: "prod", server: "Docker 20.10.24+dfsg1", status: .live),
        FleetMember(label: "stage", server: "Podman 4.3.1", status: .live),
        FleetMember(label: "unix:///tmp/dead.sock", server: "", status: .error("cannot connect to unix:///tmp/dead.sock: no such file"))
    ]

    static func loaded(rows: Int, cols: Int) -> AppState {
        var state = AppState(header: EngineHeader(target: "fleet", server: "", apiVersion: ""), isReadOnly: false, now: Fixture.now)
        state.fleet = members
        state.isMonochrome = true
        _ = Dashboard.start(&state)
        _ = Dashboard.reduce(&state, .resize(rows: rows, cols: cols))
        _ = Dashboard.reduce(&state, .catalogLoaded(.success(Catalog(volumes: volumes, containers: containers, takenAt: Fixture.now))))
        let measured = Catalog(volumes: volumes, containers: containers, sizes: sizeTable, takenAt: Fixture.now)
        _ = Dashboard.reduce(&state, .sizesLoaded(.success(Dictionary(uniqueKeysWithValues: measured.entries.map { ($0.name, $0.size) }))))
        _ = Dashboard.reduce(&state, .tick(Fixture.now))
        state.spinnerFrame = 0
        return state
    }

    @Test(arguments: sizes) func fleetTable(_ size: ScreenTests.Size) {
        var s = Self.loaded(rows: size.rows, cols: size.cols)
        let screen = Fixture.screen(s).text
        #expect(screen.contains("ENGINE"))
        #expect(screen.contains("error: cannot connect"))
        expectScreen(Fixture.screen(s), "fleet-table-\(size.name)")
        // One engine drops its event stream: its line says so, the others stay live.
        _ = Dashboard.reduce(&s, .engineLinkChanged(engine: "stage", .reconnecting(reason: "connection reset by peer", retryIn: 4)))
        expectScreen(Fixture.screen(s), "fleet-reconnecting-\(size.name)")
    }

    @Test func theFilterMatchesTheEngine() {
        var s = Self.loaded(rows: 24, cols: 80)
        Fixture.press([.char("/")], &s)
        Fixture.type("stage/", &s)
        Fixture.press([.enter], &s)
        let shown = s.table.visibleIndices.map { s.catalog.entries[$0].name }
        #expect(!shown.isEmpty && shown.allSatisfy { $0.hasPrefix("stage/") })
        #expect(shown.count == Self.volumes.filter { $0.name.hasPrefix("stage/") }.count)
    }

    /// An engine whose last volume went says so (seen under tmux: its line had no count after a prune).
    @Test func aLiveEngineWithoutVolumesCountsZero() {
        var s = Self.loaded(rows: 24, cols: 80)
        let prodOnly = Self.volumes.filter { $0.name.hasPrefix("prod/") }
        _ = Dashboard.reduce(&s, .catalogLoaded(.success(Catalog(volumes: prodOnly, containers: Self.containers, takenAt: Fixture.now))))
        let header = Fixture.screen(s).text.split(separator: "\n").prefix(4)
        #expect(header.contains { $0.contains("stage") && $0.contains("live  ·  0 volumes") }, "\(header)")
    }

    @Test func anEngineBackFromReconnectingIsListedAgain() {
        var s = Self.loaded(rows: 24, cols: 80)
        _ = Dashboard.reduce(&s, .engineLinkChanged(engine: "stage", .reconnecting(reason: "reset", retryIn: 1)))
        let effects = Dashboard.reduce(&s, .engineLinkChanged(engine: "stage", .live))
        #expect(effects.contains(.loadCatalog))
        #expect(s.fleet[1].status == .live)
    }

    /// An engine that could not be reached at start has no server on its header line until it joins.
    @Test func anEngineThatJoinsLateShowsItsServer() {
        var s = Self.loaded(rows: 24, cols: 80)
        let dead = "unix:///tmp/dead.sock"
        #expect(Dashboard.reduce(&s, .engineJoined(engine: dead, server: "Docker 24.0.7")).isEmpty)
        _ = Dashboard.reduce(&s, .engineLinkChanged(engine: dead, .live))
        let header = Fixture.screen(s).text.split(separator: "\n").prefix(4)
        #expect(header.contains { $0.contains("dead.sock") && $0.contains("Docker 24.0.7") }, "\(header)")
        // An unknown server leaves what was shown.
        _ = Dashboard.reduce(&s, .engineJoined(engine: dead, server: ""))
        #expect(s.fleet[2].server == "Docker 24.0.7")
    }

    @Test func createGoesToTheSelectedVolumesEngine() {
        var s = Self.loaded(rows: 24, cols: 80)
        Fixture.select("stage/grafana-data", &s)
        Fixture.press([.char("c")], &s)
        Fixture.type("fresh", &s)
        let effects = Fixture.press([.enter], &s)
        #expect(effects.contains { if case .createVolume(let request) = $0 { return request.name == "stage/fresh" } else { return false } })
    }

    @Test(arguments: sizes) func prunePreviewGroupedByEngine(_ size: ScreenTests.Size) {
        var s = Self.loaded(rows: size.rows, cols: size.cols)
        let measured = Catalog(volumes: Self.volumes, containers: Self.containers, sizes: Self.sizeTable, takenAt: Fixture.now)
        Fixture.press([.char("p")], &s)
        Fixture.press([.tab], &s)
        _ = Dashboard.reduce(&s, .prunePreviewLoaded(.success(PrunePlan(catalog: measured, mode: .allUnused))))
        let screen = Fixture.screen(s).text
        #expect(screen.contains("prod  ") && screen.contains("stage  "))
        expectScreen(Fixture.screen(s), "fleet-prune-\(size.name)")
        // Confirm sends exactly the previewed (qualified) names, each routed by its engine in the runtime.
        let effects = Fixture.press([.char("y")], &s)
        let sent = effects.compactMap { effect -> [String]? in
            if case .executePrune(let plan) = effect { return plan.candidates.map(\.name) }
            return nil
        }
        #expect(sent == [PrunePlan(catalog: measured, mode: .allUnused).candidates.map(\.name)])
    }
}

import ArgumentParser
import VolumeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `voltop ls`: one line per volume with its owners and status.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls", abstract: "List volumes with their owners, status and (with --size) size.",
        aliases: ["list"])

    enum ListSortOption: String, ExpressibleByArgument, CaseIterable {
        case name, size, created, owners, status, growth
    }

    @OptionGroup var global: GlobalOptions

    @Option(
        name: [.short, .long],
        help: "Filter: dangling=true|false, driver=D, label=K[=V], name=S (repeatable; all must match).")
    var filter: [String] = []

    @Option(help: "Sort by name, size, created, owners, status or growth (growth needs --sample).")
    var sort: ListSortOption = .name

    @Flag(help: "Show sizes: disk usage read by voltop where it can (root next to the engine), else the engine's figure marked ~ (slower).")
    var size = false

    @Option(
        help: ArgumentHelp(
            "Watch for SECONDS and add GROWTH (bytes per second) and WRITERS (who writes) columns.", valueName: "seconds"))
    var sample: Double?

    @Flag(help: "Print JSON (see README for the shape).")
    var json = false

    @Flag(name: .short, help: "Print names only.")
    var quiet = false

    func validate() throws {
        _ = try Self.engineFilters(filter)
        if sort == .size && !size { throw ValidationError("--sort size needs --size") }
        if let sample, !(sample > 0 && sample <= 3600) {
            throw ValidationError("--sample takes seconds from 0.1 to 3600 (e.g. --sample 5), not \(sample)")
        }
        if sort == .growth && sample == nil { throw ValidationError("--sort growth needs a sample: add --sample 5") }
    }

    /// Parses `key=value` filters into the engine's filter map, checking keys and values first.
    static func engineFilters(_ raw: [String]) throws -> [String: [String]] {
        var filters: [String: [String]] = [:]
        for item in raw {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, !parts[1].isEmpty else {
                throw ValidationError(
                    "filter \"\(Sanitizer.inline(item))\" is not KEY=VALUE; use dangling=true, driver=local, label=K[=V] or name=S")
            }
            let (key, value) = (parts[0], parts[1])
            switch key {
            case "dangling":
                guard ["true", "false", "1", "0"].contains(value.lowercased()) else {
                    throw ValidationError("dangling takes true or false, not \"\(Sanitizer.inline(value))\"")
                }
            case "driver", "name": break
            case "label": _ = try LabelFilter(parsing: value)
            default:
                throw ValidationError("unknown filter \"\(Sanitizer.inline(key))\"; use dangling, driver, label or name")
            }
            filters[key, default: []].append(value)
        }
        return filters
    }

    func run() async throws {
        if global.isFleet {
            try await runFleet()
            return
        }
        let engine = try await global.connect()
        let (entries, measured, report) = try await list(engine)
        print(entries, measured: measured, report: report, engines: [engine.endpoint.label])
    }

    /// `ls` over several engines: all at once; one that fails is named on standard error and left out. Exits 1 only
    /// when every engine failed.
    func runFleet() async throws {
        if sample != nil { throw ValidationError("--sample works on one engine: give one --host or --context") }
        let connections = try await global.connectFleet()
        let results = await withTaskGroup(of: (Int, Result<([CatalogEntry], Set<String>), Error>).self) { group in
            for (index, connection) in connections.enumerated() {
                guard case .success(let engine) = connection.result else { continue }
                group.addTask {
                    do {
                        let (entries, measured, _) = try await list(engine)
                        return (index, .success((entries, measured)))
                    } catch { return (index, .failure(error)) }
                }
            }
            var all: [Int: Result<([CatalogEntry], Set<String>), Error>] = [:]
            for await (index, result) in group { all[index] = result }
            return all
        }
        var entries: [CatalogEntry] = []
        var measured: Set<String> = []
        var failed = 0
        for (index, connection) in connections.enumerated() {
            var outcome: Result<([CatalogEntry], Set<String>), Error>
            switch connection.result {
            case .failure(let error): outcome = .failure(error)
            case .success: outcome = results[index] ?? .failure(EngineError(.engineFailure, "no answer"))
            }
            switch outcome {
            case .success(let (listed, sizes)):
                // Qualified (`ENGINE/name`) while sorting, so names on several engines stay apart.
                for var entry in listed {
                    let name = entry.name
                    entry.volume.name = FleetName.qualified(name, engine: connection.label)
                    if sizes.contains(name) { measured.insert(entry.name) }
                    entries.append(entry)
                }
            case .failure(let error):
                failed += 1
                let message = (error as? EngineError)?.description ?? "\(error)"
                Output.warn("warning: engine \(connection.label) left out: \(message)")
            }
        }
        print(Self.sorted(entries, by: sort), measured: measured, report: nil, engines: connections.map(\.label))
        if failed == connections.count { throw ExitCode(1) }
    }

    /// One engine's entries (sorted as asked), the names whose size voltop read itself, and the growth sample.
    func list(_ engine: DockerEngine) async throws -> ([CatalogEntry], Set<String>, GrowthReport?) {
        var catalog: Catalog
        if size {
            let (listed, sizesError) = try await engine.catalogWithSizes(volumeFilters: try Self.engineFilters(filter))
            catalog = listed
            if let sizesError {
                Output.warn(
                    "warning: the engine's sizes are not available (\(sizesError)): sizes are shown only where voltop reads "
                        + "the volume itself")
            }
        } else {
            catalog = try await engine.catalog(volumeFilters: try Self.engineFilters(filter))
        }
        // One size everywhere: disk usage where voltop can read the volume (as the dashboard, the tree and `du`
        // show it), the engine's figure (file lengths only) elsewhere, marked `~`.
        var measured: Set<String> = []
        if size {
            let bytes = await DiskUsageMeasurer.measure(catalog.entries.map(\.volume), engine: engine)
            for i in catalog.entries.indices {
                guard let b = bytes[catalog.entries[i].name] else { continue }
                catalog.entries[i].size = .bytes(b)
                measured.insert(catalog.entries[i].name)
            }
        }
        var report: GrowthReport? = nil
        if let sample { report = try await GrowthSampler.sample(catalog, engine: engine, seconds: sample) }
        return (Self.sorted(catalog.entries, by: sort, growth: report), measured, report)
    }

    /// Prints the entries as asked. `engines` are the labels of the engines listed: with one, names carry no prefix
    /// and JSON's `engine` is that label; with several, names are `ENGINE/name` (`-q` prints them so), JSON splits
    /// them into `engine` and `name`, and the table adds ENGINE.
    func print(_ entries: [CatalogEntry], measured: Set<String>, report: GrowthReport?, engines: [String]) {
        let isFleet = engines.count > 1
        func engine(of entry: CatalogEntry) -> String? { isFleet ? FleetName.engine(of: entry.name) : engines.first }
        if json {
            do {
                try Output.json(
                    entries.map { entry in
                        var object = VolumeJSON(entry, measured: measured.contains(entry.name), engine: engine(of: entry))
                        if isFleet { object.name = FleetName.bare(entry.name) }
                        if let report { object.add(report) }
                        return object
                    })
            } catch { Output.warn("cannot encode the list as JSON: \(error)") }
            return
        }
        if quiet {
            Output.lines(entries.map { Sanitizer.inline($0.name) })
            return
        }
        let now = Date()
        var columns: [TextTable.Column] = [
            .init("NAME"), .init("DRIVER"), .init("SIZE", alignRight: true), .init("OWNERS"), .init("STATUS"),
            .init("CREATED", alignRight: true)
        ]
        if isFleet { columns.insert(.init("ENGINE"), at: 1) }
        if report != nil { columns += [.init("GROWTH", alignRight: true), .init("WRITERS")] }
        var table = TextTable(columns: columns)
        for entry in entries {
            var row = [
                Sanitizer.inline(isFleet ? FleetName.bare(entry.name) : entry.name), Sanitizer.inline(entry.volume.driver),
                (entry.size.knownBytes != nil && !measured.contains(entry.name) ? "~" : "") + Format.size(entry.size),
                Format.owners(entry), entry.status.rawValue, Format.age(entry.volume.created, now: now) + " ago"
            ]
            if isFleet { row.insert(Sanitizer.inline(FleetName.engine(of: entry.name) ?? ""), at: 1) }
            if let report {
                let writers = (report.writers[entry.name] ?? []).map { $0.label }.joined(separator: ", ")
                if report.unwritable.contains(entry.name) {
                    row += ["-", "-"]
                } else {
                    row += [
                        GrowthText.rate(report.bytesPerSecond[entry.name] ?? nil),
                        writers.isEmpty ? "-" : (report.writersSeen ? writers : "may write: " + writers)
                    ]
                }
            }
            table.add(row)
        }
        Output.lines(table.render())
        let unknown = entries.filter { if case .unknown = $0.size { return true } else { return false } }
        if size, entries.contains(where: { $0.size.knownBytes != nil && !measured.contains($0.name) }) {
            Output.warn(
                "~: the engine's figure (file lengths only, not disk usage): voltop reads a volume's disk usage only as root next to the engine"
            )
        }
        if let report, !report.writersSeen, let note = report.writersNote {
            Output.warn("may write: running containers that mount the volume read-write (\(note))")
        }
        if size && !unknown.isEmpty {
            Output.warn("n/a: the engine cannot measure \(unknown.count) volume(s) (other drivers or driver options)")
        }
    }

    /// Entries in the order the user asked for; names break ties.
    static func sorted(_ entries: [CatalogEntry], by key: ListSortOption, growth: GrowthReport? = nil) -> [CatalogEntry] {
        entries.sorted { a, b in
            switch key {
            case .growth:
                // Fastest first; what cannot be measured last.
                let x = (growth?.bytesPerSecond[a.name] ?? nil) ?? -Double.infinity
                let y = (growth?.bytesPerSecond[b.name] ?? nil) ?? -Double.infinity
                return x != y ? x > y : a.name < b.name
            case .name: return a.name < b.name
            case .size:
                let (x, y) = (a.size.knownBytes ?? -1, b.size.knownBytes ?? -1)
                return x != y ? x > y : a.name < b.name
            case .created:
                let (x, y) = (a.volume.created ?? .distantPast, b.volume.created ?? .distantPast)
                return x != y ? x > y : a.name < b.name
            case .owners:
                return a.owners.count != b.owners.count ? a.owners.count > b.owners.count : a.name < b.name
            case .status:
                // As the dashboard sorts by status: in use, in use (stopped), unused, unused anonymous.
                let order = VolumeStatus.allCases
                let (x, y) = (order.firstIndex(of: a.status) ?? 0, order.firstIndex(of: b.status) ?? 0)
                return x != y ? x < y : a.name < b.name
            }
        }
    }
}

/// A plain text table with column widths measured in terminal columns.
struct TextTable {
    struct Column {
        var title: String
        var alignRight: Bool
        init(_ title: String, alignRight: Bool = false) {
            self.title = title
            self.alignRight = alignRight
        }
    }

    var columns: [Column]
    var rows: [[String]] = []

    mutating func add(_ row: [String]) { rows.append(row) }

    func render() -> [String] {
        var widths = columns.map { DisplayWidth.of($0.title) }
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], min(DisplayWidth.of(cell), 80)) }
        }
        // Each line is built in place (cells cut to their column, padding appended from one run of spaces): at
        // 10,000 rows a string per padded cell and a join per line cost more than the rest of `voltop ls`.
        let spaces = String(repeating: " ", count: (widths.max() ?? 0) + 3)
        let capacity = widths.reduce(0, +) + 3 * max(0, widths.count - 1) + 16
        func line(_ cells: [String]) -> String {
            var out = String()
            out.reserveCapacity(capacity)
            for (i, cell) in cells.enumerated() {
                if i > 0 { out += spaces.prefix(3) }
                let cut = DisplayWidth.truncate(cell, to: widths[i])
                if i == cells.count - 1 && !columns[i].alignRight {
                    out += cut
                    continue
                }
                let fill = spaces.prefix(max(0, widths[i] - DisplayWidth.of(cut)))
                if columns[i].alignRight {
                    out += fill
                    out += cut
                } else {
                    out += cut
                    out += fill
                }
            }
            return out
        }
        return [line(columns.map(\.title))] + rows.map(line)
    }
}

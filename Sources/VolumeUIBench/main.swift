// A micro-benchmark of the dashboard's reduce + render at 1,000 and 10,000 volumes.
//
// Run in release: `swift build -c release --product VolumeUIBench --static-swift-stdlib && .build/release/VolumeUIBench`
// (the flag README's build uses: without it every module of .build/release is compiled again).
// Options: `--quick` (fewer samples), `--volumes 1000,10000`; `--decode FILE` times reading a recorded
// `GET /volumes` answer (`curl --unix-socket SOCK http://d/volumes -o FILE`) and the first catalog built from it.
// Every figure is one `Dashboard.reduce` followed by one `Dashboard.render` into a grid of the terminal's size,
// timed with the monotonic clock; the table gives the median and the 99th percentile over many runs.

import Foundation
import VolumeCore
import VolumeUI

/// A small deterministic generator (SplitMix64), so every run benchmarks the same host.
struct Random {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }
    mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }
}

/// A host with `volumeCount` volumes and 320 containers, built like a real one.
struct Host {
    static let now = Date(timeIntervalSince1970: 1_795_953_600)
    static let words = [
        "postgres", "redis", "cache", "data", "uploads", "grafana", "prometheus", "elastic", "minio", "backup",
        "shop", "billing", "auth", "gateway", "worker", "queue", "logs", "metrics", "assets", "media", "build",
        "ci", "runner", "artifacts", "staging", "prod", "tenant", "search", "index", "snapshots"
    ]
    static let hex = Array("0123456789abcdef")

    var volumes: [Volume] = []
    var containers: [Container] = []
    var engineSizes: [String: VolumeSize] = [:]
    var measured: [String: Int64] = [:]

    init(volumeCount: Int, seed: UInt64) {
        var rng = Random(state: seed)
        var names = Set<String>()
        while volumes.count < volumeCount {
            let name: String
            var labels: [String: String] = [:]
            switch rng.int(0...9) {
            case 0...2:
                // Anonymous: 64 hex digits.
                name = String((0..<64).map { _ in Self.hex[rng.int(0...15)] })
                if rng.chance(50) { labels[Volume.anonymousLabel] = "" }
            case 3...5:
                // Compose: project_volume.
                let project = Self.words[rng.int(0...Self.words.count - 1)] + "-\(rng.int(1...400))"
                let volume = Self.words[rng.int(0...Self.words.count - 1)] + "-data"
                name = "\(project)_\(volume)"
                labels = [
                    "com.docker.compose.project": project, "com.docker.compose.volume": volume,
                    "com.docker.compose.version": "2.29.1"
                ]
            default:
                // Hand-made names, 10-64 characters.
                var n = ""
                let target = rng.int(10...64)
                while n.count < target {
                    if !n.isEmpty { n += rng.chance(50) ? "-" : "_" }
                    n += Self.words[rng.int(0...Self.words.count - 1)]
                }
                name = String(n.prefix(target))
                if rng.chance(30) { labels["team"] = Self.words[rng.int(0...Self.words.count - 1)] }
            }
            guard names.insert(name).inserted else { continue }
            let age = rng.int(60...(400 * 86_400))
            let created = ISO8601DateFormatter.string(
                from: Self.now.addingTimeInterval(-Double(age)), timeZone: TimeZone(identifier: "UTC")!,
                formatOptions: [.withInternetDateTime])
            volumes.append(
                Volume(
                    name: name, mountpoint: "/var/lib/docker/volumes/\(name)/_data", labels: labels, createdAt: created))
        }
        // 320 containers, each mounting one to three volumes.
        for c in 0..<320 {
            var mounts: [MountPoint] = []
            for _ in 0..<rng.int(1...3) {
                let v = volumes[rng.int(0...volumes.count - 1)]
                mounts.append(MountPoint(type: "volume", name: v.name, destination: "/data\(mounts.count)", driver: "local"))
            }
            let running = rng.chance(60)
            containers.append(
                Container(
                    id: String(format: "%064x", c + 1), names: ["/app-\(c)"], image: "acme/app:\(c % 7)",
                    state: running ? "running" : "exited", status: running ? "Up 3 days" : "Exited (0) 2 hours ago",
                    labels: [:], mounts: mounts))
        }
        // The engine sizes most volumes; voltop measured those it could.
        for v in volumes {
            switch rng.int(0...99) {
            case 0...94:
                let bytes = Int64(rng.int(0...(1 << 34)))
                engineSizes[v.name] = .bytes(bytes)
                measured[v.name] = bytes + Int64(rng.int(0...4096))
            case 95...97: engineSizes[v.name] = .unknown(reason: "driver cannot size")
            default: break
            }
        }
    }

    func catalog(extra: Int = 0) -> Catalog {
        var vols = volumes
        for i in 0..<extra {
            vols.append(Volume(name: "fresh-volume-\(i)", mountpoint: "/var/lib/docker/volumes/fresh-volume-\(i)/_data"))
        }
        return Catalog(volumes: vols, containers: containers, sizes: nil, takenAt: Self.now)
    }
}

/// Timings of one action, in nanoseconds.
struct Samples {
    var reduce: [UInt64] = []
    var render: [UInt64] = []
    var total: [UInt64] = []

    static func percentile(_ values: [UInt64], _ p: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let index = min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded(.up)))
        return Double(sorted[index]) / 1e6
    }
}

@inline(__always) func nanos() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

/// One benchmark configuration: a host at a terminal size.
final class Bench {
    let host: Host
    let rows: Int
    let cols: Int
    let minSamples: Int
    let maxSamples: Int
    let budget: UInt64
    var state: AppState
    var grid: CellGrid

    init(host: Host, rows: Int, cols: Int, quick: Bool) {
        self.host = host
        self.rows = rows
        self.cols = cols
        minSamples = quick ? 10 : 30
        maxSamples = quick ? 100 : 400
        budget = (quick ? 1 : 3) * 1_000_000_000
        state = Self.startedState(rows: rows, cols: cols)
        grid = CellGrid(rows: rows, cols: cols)
        _ = Dashboard.reduce(&state, .catalogLoaded(.success(host.catalog())))
        _ = Dashboard.reduce(&state, .sizesLoaded(.success(host.engineSizes)))
        _ = Dashboard.reduce(&state, .volumesMeasured(host.measured.mapValues { .success($0) }))
        _ = Dashboard.reduce(&state, .tick(Host.now))
        Dashboard.render(state, into: &grid)
    }

    /// A dashboard just started at this size, before any catalog.
    static func startedState(rows: Int, cols: Int) -> AppState {
        var state = AppState(
            header: EngineHeader(target: "default", server: "Docker 20.10.24+dfsg1", apiVersion: "1.41"),
            isReadOnly: false, now: Host.now)
        state.isMonochrome = true
        state.timeZone = TimeZone(identifier: "UTC")!
        _ = Dashboard.start(&state)
        _ = Dashboard.reduce(&state, .resize(rows: rows, cols: cols))
        return state
    }

    /// Runs `setUp` (untimed), then times `action` reduce + render, until enough samples or the time budget is spent.
    func measure(setUp: (inout AppState) -> Void = { _ in }, _ action: (Int) -> Action, tearDown: (inout AppState) -> Void = { _ in })
        -> Samples
    {
        var samples = Samples()
        let start = nanos()
        var i = 0
        while samples.total.count < maxSamples && (samples.total.count < minSamples || nanos() - start < budget) {
            setUp(&state)
            let a = action(i)
            let t0 = nanos()
            _ = Dashboard.reduce(&state, a)
            let t1 = nanos()
            Dashboard.render(state, into: &grid)
            let t2 = nanos()
            tearDown(&state)
            samples.reduce.append(t1 - t0)
            samples.render.append(t2 - t1)
            samples.total.append(t2 - t0)
            i += 1
        }
        return samples
    }

    func run() -> [(String, Samples)] {
        var results: [(String, Samples)] = []
        // j and k in the middle of the table.
        for _ in 0..<(host.volumes.count / 2 / max(1, rows - 10)) { _ = Dashboard.reduce(&state, .key(.pageDown)) }
        results.append(("j", measure({ _ in .key(.char("j")) }, tearDown: { _ = Dashboard.reduce(&$0, .key(.char("k"))) })))
        results.append(
            ("k", measure(setUp: { _ = Dashboard.reduce(&$0, .key(.char("j"))) }, { _ in .key(.char("k")) })))
        results.append(("G", measure({ _ in .key(.char("G")) }, tearDown: { _ = Dashboard.reduce(&$0, .key(.char("g"))) })))
        results.append(("g", measure(setUp: { _ = Dashboard.reduce(&$0, .key(.char("G"))) }, { _ in .key(.char("g")) })))
        results.append(
            ("page down", measure({ _ in .key(.pageDown) }, tearDown: { _ = Dashboard.reduce(&$0, .key(.pageUp)) })))
        let sort = measure({ _ in .key(.char("s")) })
        results.append(("s (sort)", sort))
        // Back to the name sort: `s` cycles through five keys.
        for _ in 0..<((5 - sort.total.count % 5) % 5) { _ = Dashboard.reduce(&state, .key(.char("s"))) }
        _ = Dashboard.reduce(&state, .key(.char("/")))
        results.append(
            ("/ type a char", measure({ _ in .key(.char("e")) }, tearDown: { _ = Dashboard.reduce(&$0, .key(.backspace)) })))
        _ = Dashboard.reduce(&state, .key(.escape))
        var rng = Random(state: 7)
        let names = host.volumes.map(\.name)
        results.append(
            (
                "measured x50",
                measure({ _ in
                    var batch: [String: Result<Int64, EngineError>] = [:]
                    while batch.count < 50 {
                        batch[names[rng.int(0...names.count - 1)]] = .success(Int64(rng.int(0...(1 << 34))))
                    }
                    return .volumesMeasured(batch)
                })
            ))
        let catalogs = [host.catalog(extra: 1), host.catalog()]
        results.append(("catalogLoaded", measure({ .catalogLoaded(.success(catalogs[$0 % 2])) })))
        let event = EngineEvent(type: "volume", action: "create", actorID: "fresh-volume-0")
        results.append(
            (
                "event: volume create",
                measure(
                    { _ in .eventReceived(event) },
                    tearDown: { _ = Dashboard.reduce(&$0, .catalogLoaded(.success(catalogs[1]))) })
            ))
        // The first screen with names: a dashboard with no catalog yet takes the volume list (owners not in yet).
        let namesOnly = Catalog(volumes: host.volumes, containers: [], takenAt: Host.now)
        let fresh = Self.startedState(rows: rows, cols: cols)
        results.append(("first names", measure(setUp: { $0 = fresh }, { _ in .volumesListed(namesOnly) })))
        return results
    }
}

var counts = [1_000, 10_000]
let arguments = CommandLine.arguments
let quick = arguments.contains("--quick")

// `--decode FILE`: reading a recorded `GET /volumes` answer and building the first catalog of names, as the dashboard
// does before its first names: the first time in this process (cold: fresh heap pages, as at a start) and then warm.
if let i = arguments.firstIndex(of: "--decode"), i + 1 < arguments.count {
    // As voltop starts: one malloc arena, big blocks mapped (`--default-malloc`: glibc's settings).
    if !arguments.contains("--default-malloc") { _ = FreedMemory.useOneArena() }
    guard let data = FileManager.default.contents(atPath: arguments[i + 1]) else {
        print("cannot read \(arguments[i + 1])")
        exit(2)
    }
    var decode: [UInt64] = []
    var build: [UInt64] = []
    var count = 0
    for _ in 0..<(quick ? 10 : 40) {
        let t0 = nanos()
        let volumes = try VolumeListDecoder.decode(data)
        let t1 = nanos()
        let catalog = Catalog(volumes: volumes, containers: [], takenAt: Host.now)
        build.append(nanos() - t1)
        decode.append(t1 - t0)
        count = catalog.entries.count
    }
    print(
        String(
            format: "%d volumes (%d bytes), ms: decode first %.3f, then median %.3f; Catalog first %.3f, then median %.3f", count,
            data.count, Double(decode[0]) / 1e6, Samples.percentile(Array(decode.dropFirst()), 0.5), Double(build[0]) / 1e6,
            Samples.percentile(Array(build.dropFirst()), 0.5)))
    exit(0)
}
if let i = arguments.firstIndex(of: "--volumes"), i + 1 < arguments.count {
    counts = arguments[i + 1].split(separator: ",").compactMap { Int($0) }
}
let sizes = [(rows: 35, cols: 120), (rows: 50, cols: 200)]

print("VolumeUIBench: reduce + render per action, milliseconds (median / p99), monotonic clock")
for count in counts {
    let host = Host(volumeCount: count, seed: UInt64(count))
    var columns: [(String, [(String, Samples)])] = []
    for size in sizes {
        let bench = Bench(host: host, rows: size.rows, cols: size.cols, quick: quick)
        columns.append(("\(size.cols)x\(size.rows)", bench.run()))
    }
    print("")
    print("\(count) volumes, \(host.containers.count) containers")
    var header = "action".padding(toLength: 22, withPad: " ", startingAt: 0)
    for (name, _) in columns {
        header += "| " + "\(name) total med / p99  (reduce, render med)".padding(toLength: 44, withPad: " ", startingAt: 0)
    }
    print(header)
    print(String(repeating: "-", count: header.count))
    for row in 0..<columns[0].1.count {
        var line = columns[0].1[row].0.padding(toLength: 22, withPad: " ", startingAt: 0)
        for (_, results) in columns {
            let s = results[row].1
            let cell = String(
                format: "%8.3f / %8.3f  (%7.3f, %7.3f)", Samples.percentile(s.total, 0.5), Samples.percentile(s.total, 0.99),
                Samples.percentile(s.reduce, 0.5), Samples.percentile(s.render, 0.5))
            line += "| " + cell.padding(toLength: 44, withPad: " ", startingAt: 0)
        }
        print(line)
    }
    // What the runtime does between the volume list and that action: the catalog of names (no owners yet).
    var build: [UInt64] = []
    for _ in 0..<(quick ? 10 : 30) {
        let t0 = nanos()
        let catalog = Catalog(volumes: host.volumes, containers: [], takenAt: Host.now)
        build.append(nanos() - t0)
        precondition(catalog.entries.count == host.volumes.count)
    }
    print(String(format: "Catalog(volumes:) of the list, no owners: %.3f ms median", Samples.percentile(build, 0.5)))
}

import Foundation
import VolumeCore

@testable import VolumeUI

/// Deterministic catalogs and states for reducer tests and golden screens: fixed dates, a fixed `now`.
enum Fixture {
    /// The clock every test uses.
    static let now = Date(timeIntervalSince1970: 1_795_953_600)  // 2026-11-29T12:00:00Z
    static let header = EngineHeader(target: "default", server: "Docker 20.10.24+dfsg1", apiVersion: "1.41")

    static let leakedAnon = "3f9c0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7"
    static let workerAnon = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9a"

    /// An RFC 3339 time `seconds` before `now`.
    static func ago(_ seconds: Int) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: now.addingTimeInterval(-Double(seconds)))
    }

    static let day = 86_400

    static func volume(
        _ name: String, driver: String = "local", labels: [String: String] = [:], options: [String: String] = [:],
        age: Int
    ) -> Volume {
        Volume(
            name: name, driver: driver, mountpoint: driver == "local" ? "/var/lib/docker/volumes/\(name)/_data" : "",
            labels: labels, options: options, createdAt: ago(age))
    }

    static let volumes: [Volume] = [
        volume(
            "shop_db-data",
            labels: ["com.docker.compose.project": "shop", "com.docker.compose.volume": "db-data", "com.docker.compose.version": "2.29.1"],
            age: 23 * day),
        volume("shop_uploads", labels: ["com.docker.compose.project": "shop", "com.docker.compose.volume": "uploads"], age: 23 * day),
        volume("cache", labels: ["tier": "cache"], age: 2 * day),
        volume(leakedAnon, labels: [Volume.anonymousLabel: ""], age: 5 * 3600),
        volume(workerAnon, age: 40 * day),
        volume("nfs-share", options: ["type": "nfs", "o": "addr=10.0.0.5,rw", "device": ":/exports/share"], age: 90 * day),
        volume("old-logs", labels: ["team": "platform", "retention": "30d"], age: 400 * day),
        volume("ebs-archive", driver: "rexray/ebs", age: 60 * day),
        volume("grafana-data", age: 12 * day),
        volume("ci-cache", labels: ["team": "ci"], age: 6 * 3600)
    ]

    static func container(
        _ name: String, _ image: String, state: String, compose: (String, String)? = nil, mounts: [MountPoint]
    ) -> Container {
        var labels: [String: String] = [:]
        if let (project, service) = compose {
            labels["com.docker.compose.project"] = project
            labels["com.docker.compose.service"] = service
        }
        return Container(
            id: "id-\(name)", names: ["/\(name)"], image: image, state: state,
            status: state == "running" ? "Up 3 days" : "Exited (0) 2 hours ago", labels: labels, mounts: mounts)
    }

    static let containers: [Container] = [
        container(
            "shop-db-1", "postgres:16", state: "running", compose: ("shop", "db"),
            mounts: [MountPoint(type: "volume", name: "shop_db-data", destination: "/var/lib/postgresql/data", driver: "local")]),
        container(
            "shop-backup-1", "alpine:3.20", state: "exited", compose: ("shop", "backup"),
            mounts: [
                MountPoint(
                    type: "volume", name: "shop_db-data", destination: "/var/lib/postgresql/data", driver: "local", isReadWrite: false)
            ]),
        container(
            "shop-web-1", "nginx:1.25", state: "running", compose: ("shop", "web"),
            mounts: [
                MountPoint(type: "volume", name: "shop_uploads", destination: "/srv/uploads", driver: "local"),
                MountPoint(type: "bind", source: "/srv/shop/static", destination: "/usr/share/nginx/html", isReadWrite: false)
            ]),
        container(
            "worker", "acme/worker:2.1", state: "running",
            mounts: [MountPoint(type: "volume", name: workerAnon, destination: "/data", driver: "local")]),
        container(
            "report", "acme/report:1.0", state: "exited",
            mounts: [MountPoint(type: "volume", name: "nfs-share", destination: "/reports", driver: "local")]),
        container(
            "grafana", "grafana/grafana:11.3.0", state: "running",
            mounts: [
                MountPoint(type: "volume", name: "grafana-data", destination: "/var/lib/grafana", driver: "local"),
                MountPoint(type: "bind", source: "/etc/grafana/provisioning", destination: "/etc/grafana/provisioning", isReadWrite: false)
            ]),
        container(
            "builder", "docker:27-cli", state: "created",
            mounts: [MountPoint(type: "bind", source: "/var/run/docker.sock", destination: "/var/run/docker.sock")])
    ]

    static let sizeTable: [String: (size: Int64, refCount: Int64)] = [
        "shop_db-data": (1_288_490_189, 2), "shop_uploads": (356_515_840, 1), "cache": (12_582_912, 0),
        leakedAnon: (4096, 0), workerAnon: (52_428_800, 1), "old-logs": (314_572_800, 0),
        "grafana-data": (83_886_080, 1), "ci-cache": (2_469_606_195, 0)
    ]

    /// The catalog as `.loadCatalog` returns it (no sizes yet).
    static var catalog: Catalog {
        Catalog(volumes: volumes, containers: containers, sizes: nil, takenAt: now)
    }

    /// What `.loadSizes` returns for `catalog`.
    static var sizes: [String: VolumeSize] {
        let measured = Catalog(volumes: volumes, containers: containers, sizes: sizeTable, takenAt: now)
        return Dictionary(uniqueKeysWithValues: measured.entries.map { ($0.name, $0.size) })
    }

    /// A dashboard that started, got a terminal size, the catalog and its sizes.
    static func loaded(
        rows: Int = 24, cols: Int = 80, readOnly: Bool = false, catalog: Catalog = Fixture.catalog,
        sizes: [String: VolumeSize]? = Fixture.sizes
    ) -> AppState {
        var state = AppState(header: header, isReadOnly: readOnly, now: now)
        state.isMonochrome = true
        _ = Dashboard.start(&state)
        _ = Dashboard.reduce(&state, .resize(rows: rows, cols: cols))
        _ = Dashboard.reduce(&state, .catalogLoaded(.success(catalog)))
        if let sizes { _ = Dashboard.reduce(&state, .sizesLoaded(.success(sizes))) }
        // The tick that start-up scheduled arrives; nothing animates any more.
        _ = Dashboard.reduce(&state, .tick(now))
        state.spinnerFrame = 0
        return state
    }

    /// The screen for a state at its size.
    static func screen(_ state: AppState) -> CellGrid {
        var grid = CellGrid(rows: state.rows, cols: state.cols)
        Dashboard.render(state, into: &grid)
        return grid
    }

    /// Feeds keys; returns the work they asked for (spinner ticks left out).
    @discardableResult
    static func press(_ keys: [KeyPress], _ state: inout AppState) -> [Effect] {
        keys.flatMap { Dashboard.reduce(&state, Action(terminalEvent: $0)) }.filter {
            if case .scheduleTick = $0 { return false }
            return true
        }
    }

    /// Feeds typed text as character keys.
    @discardableResult
    static func type(_ text: String, _ state: inout AppState) -> [Effect] {
        press(text.map { KeyPress.char($0) }, &state)
    }

    /// Moves the selection to a volume by name (through keys, so it stays honest).
    static func select(_ name: String, _ state: inout AppState) {
        press([.char("g")], &state)
        while state.selectedEntry?.name != name, state.table.cursor.selection < state.table.visibleIndices.count - 1 {
            press([.char("j")], &state)
        }
    }

    /// `ResolvedOwners` for shop_db-data: the backup container got it through `--volumes-from shop-db-1`.
    static var resolvedDBOwners: ResolvedOwners {
        var entry = Fixture.catalog.entry(named: "shop_db-data")!
        entry.owners[1].volumesFrom = "shop-db-1"
        return ResolvedOwners(entry: entry, details: [:], origin: .named)
    }

    /// shop-web-1's detail, with a `--tmpfs` mount the list does not show.
    static var webDetail: ContainerDetail {
        let json = """
            {"Mounts":[{"Type":"volume","Name":"shop_uploads","Source":"/var/lib/docker/volumes/shop_uploads/_data","Destination":"/srv/uploads","Driver":"local","Mode":"z","RW":true},
            {"Type":"bind","Source":"/srv/shop/static","Destination":"/usr/share/nginx/html","Mode":"ro","RW":false}],
            "HostConfig":{"Tmpfs":{"/run":"size=64m,mode=1777","/tmp":""},"VolumesFrom":null}}
            """
        return try! ContainerDetail(json: Data(json.utf8))
    }

    /// A prune result (VolumeCore builds these; tests decode them from their JSON form).
    static func pruneResult(removed: [String], skipped: [(name: String, reason: String, message: String)], reclaimedBytes: Int64)
        -> PruneResult
    {
        struct Skip: Encodable { var name, reason, message: String }
        struct Wire: Encodable {
            var removed: [String]
            var skipped: [Skip]
            var reclaimedBytes: Int64
        }
        let wire = Wire(
            removed: removed, skipped: skipped.map { Skip(name: $0.name, reason: $0.reason, message: $0.message) },
            reclaimedBytes: reclaimedBytes)
        return try! JSONDecoder().decode(PruneResult.self, from: JSONEncoder().encode(wire))
    }

    /// A catalog of untrusted names: CJK, emoji and escape sequences.
    static var unicodeCatalog: Catalog {
        let vols = [
            volume("データ-ボリューム", driver: "weird", labels: ["説明": "日本語のラベル"], age: 3 * day),
            volume("📦-boxes-🐳", driver: "weird", labels: ["emoji": "🐳 whale"], age: 4 * day),
            volume("evil\u{1B}[31mred\u{1B}[0m", driver: "weird", labels: ["note": "\u{1B}]0;pwned\u{07}title"], age: 5 * day),
            volume("plain-ascii", age: 6 * day),
            volume("混合mixed名前-long-name-that-is-cut", driver: "weird", age: 7 * day)
        ]
        let conts = [
            container(
                "コンテナ\u{1B}[2J", "img\u{07}", state: "running",
                mounts: [MountPoint(type: "volume", name: "📦-boxes-🐳", destination: "/数据", driver: "weird")])
        ]
        return Catalog(volumes: vols, containers: conts, sizes: nil, takenAt: now)
    }

    static var unicodeSizes: [String: VolumeSize] {
        [
            "データ-ボリューム": .bytes(1_048_576), "📦-boxes-🐳": .bytes(2048), "evil\u{1B}[31mred\u{1B}[0m": .unknown(reason: "x"),
            "plain-ascii": .bytes(10), "混合mixed名前-long-name-that-is-cut": .bytes(123_456_789)
        ]
    }

    /// A big catalog for timing: `count` volumes, a third in use.
    static func bigCatalog(_ count: Int) -> (Catalog, [String: VolumeSize]) {
        var vols: [Volume] = []
        var conts: [Container] = []
        var sizes: [String: VolumeSize] = [:]
        for i in 0..<count {
            let name = String(format: "peer-vol-%04d", i)
            vols.append(volume(name, labels: ["index": "\(i)"], age: i * 3600))
            sizes[name] = .bytes(Int64(i) * 1_000_003)
            if i % 3 == 0 {
                conts.append(
                    container(
                        "peer-c-\(i)", "busybox", state: i % 2 == 0 ? "running" : "exited",
                        mounts: [
                            MountPoint(type: "volume", name: name, destination: "/data", driver: "local")
                        ]))
            }
        }
        return (Catalog(volumes: vols, containers: conts, sizes: nil, takenAt: now), sizes)
    }
}

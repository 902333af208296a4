import Foundation
import VolumeCore

@testable import VolumeUI

#if canImport(Glibc)
    import Glibc
#endif

/// Small volumes made on disk and scanned for real, with fixed modification times so screens are stable.
enum FileFixture {
    static let volume = "shop_uploads"
    static let direct = FileSource.direct(mountpoint: "/var/lib/docker/volumes/shop_uploads/_data")
    static let evilName = "evil\u{1B}[31mred\nline.txt"

    /// A fresh directory laid out like a small volume's `_data`:
    /// ```
    /// app/config.json (1,200 B)  app/logs/2026-11.log (50,000 B)  app/logs/old.log.gz (20,000 B)
    /// cache/ (empty)  data.bin (300,000 B)  .hidden (100 B)  empty (0 B)  evil\e[31mred\nline.txt (64 B)
    /// current -> app/logs   [data-link.bin: a hard link to data.bin, when asked for]
    /// ```
    static func makeVolume(hardLink: Bool = false) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("voltop-ui-\(UUID().uuidString)")
        let fm = FileManager.default
        func dir(_ path: String) throws { try fm.createDirectory(at: root.appendingPathComponent(path), withIntermediateDirectories: true) }
        func file(_ path: String, _ bytes: [UInt8]) {
            fm.createFile(atPath: root.appendingPathComponent(path).path, contents: Data(bytes))
        }
        func text(_ count: Int) -> [UInt8] { (0..<count).map { i in i % 41 == 40 ? 10 : UInt8(97 + i % 26) } }
        func binary(_ count: Int) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) } }
        try dir("app/logs")
        try dir("cache")
        file("app/config.json", text(1200))
        file("app/logs/2026-11.log", text(50_000))
        file("app/logs/old.log.gz", binary(20_000))
        file("data.bin", binary(300_000))
        file(".hidden", text(100))
        file("empty", [])
        file(evilName, text(64))
        symlink("app/logs", root.appendingPathComponent("current").path)
        if hardLink { link(root.appendingPathComponent("data.bin").path, root.appendingPathComponent("data-link.bin").path) }
        // Times last, deepest first (creating entries changes their directory's time).
        let hour = 3600
        let day = 86_400
        let times: [(String, Int)] = [
            ("app/config.json", 40 * day), ("app/logs/2026-11.log", 3 * hour), ("app/logs/old.log.gz", 30 * day),
            ("data.bin", 2 * day), (".hidden", 300), ("empty", 10 * day), (evilName, day), ("current", 2 * day),
            ("app/logs", 3 * hour), ("app", 40 * day), ("cache", 365 * day), ("", hour)
        ]
        for (path, ago) in times { setTime(root.appendingPathComponent(path).path, secondsBeforeNow: ago) }
        return root
    }

    /// Sets a path's access and modification time (the link itself for a symlink).
    static func setTime(_ path: String, secondsBeforeNow ago: Int) {
        let t = timespec(tv_sec: Int(Fixture.now.timeIntervalSince1970) - ago, tv_nsec: 0)
        var times = [t, t]
        _ = utimensat(AT_FDCWD, path, &times, AT_SYMLINK_NOFOLLOW)
    }

    static func scan(_ root: URL) async throws -> ScanTree {
        try await VolumeScanner.scan(rootPath: root.path)
    }

    static func remove(_ root: URL) { try? FileManager.default.removeItem(at: root) }

    /// A loaded dashboard with the file pane of `volume` open and scanned from `root`.
    static func opened(
        _ root: URL, rows: Int = 24, cols: Int = 80, readOnly: Bool = false, source: FileSource = direct
    ) async throws -> AppState {
        var s = Fixture.loaded(rows: rows, cols: cols, readOnly: readOnly)
        s.timeZone = TimeZone(identifier: "UTC")!
        Fixture.select(volume, &s)
        Fixture.press([.char("t")], &s)
        _ = Dashboard.reduce(&s, .filesOpened(volume: volume, .success(source)))
        _ = Dashboard.reduce(&s, .filesScanned(volume: volume, .success(try await scan(root))))
        s.spinnerFrame = 0
        return s
    }

    /// Moves the tree's cursor to a path (through keys).
    static func select(_ path: [String], _ s: inout AppState) {
        let target = path.map { Array($0.utf8) }
        Fixture.press([.char("g")], &s)
        while s.files?.selectedRow?.path != target, let pane = s.files, pane.selection < pane.rows.count - 1 {
            Fixture.press([.char("j")], &s)
        }
    }

    /// The selected row's path as text.
    static func selectedPath(_ s: AppState) -> [String]? {
        s.files?.selectedRow?.path.map { String(decoding: $0, as: UTF8.self) }
    }

    /// The top-level names in row order.
    static func names(_ s: AppState) -> [String] {
        (s.files?.rows ?? []).map { $0.path.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "/") }
    }

    /// Whether any cell holds a control character or escape (C0, DEL, C1) — which would reach the terminal raw.
    static func hasRawControl(_ grid: CellGrid) -> Bool {
        grid.cells.contains { cell in
            cell.text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) }
        }
    }
}

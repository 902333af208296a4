import ArgumentParser
import Dispatch
import VolumeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// `voltop du`: what takes the space inside a volume, measured by reading its files.
///
/// The files are read directly from the volume's Mountpoint when voltop runs as root next to the engine (a local
/// socket, a `local` volume without driver options), else through a helper container and the engine's archive
/// API (a docker-group user, a remote engine, Docker Desktop, rootless): see `VolumeBrowser`. `--source` forces
/// one; `--source direct` fails with the reason when it cannot run. Leftover helpers of voltop processes that
/// died are removed first; this run's helper is removed at the end, on errors and on Ctrl-C too.
///
/// Hidden options for benchmarks and debugging: `--dir DIR` scans a plain directory instead of a volume (no engine
/// is contacted; VOLUME and PATH are not given), `--stats` prints entries, time and memory per entry to standard
/// error, `--workers N` sets the number of scanner threads. `scripts/bench-scan` uses `voltop du --dir DIR --depth 0`.
struct DuCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "du",
        abstract: "Show what takes the space inside a volume (reads its files directly as root, else through a helper container).",
        discussion: """
            Lists the volume (or PATH inside it) and its entries down to --depth levels, largest first, with disk \
            usage (as du -B1) or apparent sizes (--apparent, as du -b). Totals match `du -sx` on the same \
            directory: hard links counted once, symlinks never followed (their own size counted), mount points \
            inside the volume neither entered nor counted. Unreadable entries are listed on standard error. Names \
            are shown with control characters and invalid UTF-8 bytes escaped (\\e, \\n, \\xFF).

            Sources (--source): direct reads the volume's Mountpoint (needs root, a local engine, a local volume \
            without driver options); helper creates a never-started container with the volume mounted read-only \
            and reads it through the engine's archive API (works for any user who can reach the engine, remote \
            engines too; it is created and removed even with --read-only). auto (the default) uses direct when it \
            can run, else helper. Through a helper, disk usage is an estimate (file lengths rounded up to 4 KiB, \
            4 KiB per directory: the archive has no block counts) and directories' own sizes count 0 apparent \
            bytes; sockets are not listed.

            --json prints one object:
              {"source": "direct"|"helper", "root": MOUNTPOINT (or /volume in the helper), "volume": NAME, \
               "path": PATH, "sizes": "allocated"|"apparent", "allocatedEstimated": BOOL,
               "totals": {"apparentBytes", "allocatedBytes", "files", "directories", "symlinks", "others",
                          "hardlinksSkipped", "otherFilesystems", "newestMtime", "unreadable": [{"path", "errno", "error"}]},
               "tree": ENTRY}
            ENTRY is {"name", "path", "kind", "apparentBytes", "allocatedBytes", "items", "mtime", "newestMtime",
            "children": [ENTRY] (directories above --depth, largest first)}, plus "nameBase64" when the name is not \
            UTF-8 (then "name" and "path" carry \\xHH escapes), "countedElsewhere": true for a hard link counted \
            under another name, "otherFilesystem": true for a mount point, "error" when it could not be read. \
            Times are seconds since 1970; sizes are bytes; "items" counts everything below an entry.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The volume's name.")
    var volume: String?

    @Argument(help: "A directory inside the volume (symlinks on the way are refused, never followed).")
    var path: String?

    // Unconditional, so `--depth -1` reaches the check below ("must be 0 or more") instead of "Missing value".
    @Option(
        parsing: .unconditional,
        help: "Levels of entries to list below the top one (0: the total only; at most 200 with --json, 4096 without).")
    var depth = 1

    /// Most levels listed: JSON nests two values per level and Foundation's encoder stops at 512; the text
    /// listing recurses once per level (a volume can hold a chain of directories far deeper than this).
    static let maxJSONDepth = 200
    static let maxTextDepth = 4096

    @Flag(help: "Show apparent sizes (file lengths, as du -b) instead of disk usage (as du -B1).")
    var apparent = false

    @Flag(help: "Print JSON (shape below).")
    var json = false

    @Option(help: "Where to read the files: auto, direct (the Mountpoint, as root) or helper (a helper container). Default: auto.")
    var source: SourcePreference?

    @Option(name: .customLong("dir"), help: .hidden)
    var directory: String?

    @Flag(help: .hidden)
    var stats = false

    @Option(help: .hidden)
    var workers: Int?

    func validate() throws {
        if directory != nil {
            if volume != nil || path != nil { throw ValidationError("--dir DIR takes no VOLUME or PATH") }
            if source != nil { throw ValidationError("--dir DIR reads the directory itself; --source applies to volumes only") }
        } else if volume == nil {
            throw ValidationError("name a volume: voltop du VOLUME [PATH]")
        }
        if depth < 0 { throw ValidationError("--depth must be 0 or more") }
        if let workers, workers < 1 { throw ValidationError("--workers must be 1 or more") }
    }

    func run() async throws {
        let relative = (path ?? "").utf8.split(separator: UInt8(ascii: "/")).map(Array.init)
        let label: String
        var sourceLine: String
        let rssBefore = Self.memoryStatus("VmRSS")
        let started = ContinuousClock.now
        let line = ProgressLine(enabled: !json && isatty(STDERR_FILENO) == 1)
        let options = ScanOptions(workers: workers, progressInterval: .milliseconds(100))
        // Ctrl-C (or TERM, HUP, QUIT) from here on cancels the work; the helper container, if one was made, is removed
        // afterwards outside the cancelled task (a cancelled task's requests would be cancelled too).
        let current = Locked<Task<ScanTree, any Error>?>(nil)
        let interrupted = Locked<Interrupt?>(nil)
        let interrupt = Interrupt {
            guard let task = current.value else {
                Output.warn("interrupted")
                Glibc.exit(interrupted.value?.exitStatus ?? 130)
            }
            task.cancel()
        }
        interrupted.value = interrupt
        let opened = Locked<VolumeBrowser?>(nil)
        let work: Task<ScanTree, any Error>
        if let directory {
            label = directory
            sourceLine = "source: direct (\(Sanitizer.inline(directory)))"
            work = Task { try await VolumeScanner.scan(rootPath: directory, relativePath: relative, options: options) { line.show($0) } }
        } else {
            let name = volume ?? ""
            let engine = try await global.connect()
            do {
                _ = try await engine.removeLeftoverHelpers()
            } catch let error as EngineError {
                Output.warn("could not remove helper containers left by earlier voltop runs: \(error)")
            }
            let preference = source ?? .auto
            label = ([name] + relative.map { String(decoding: $0, as: UTF8.self) }).joined(separator: "/")
            sourceLine = ""
            work = Task {
                let browser = try await VolumeBrowser.open(engine: engine, volume: name, preference: preference)
                opened.value = browser
                try Task.checkCancellation()
                return try await browser.scan(path: relative) { line.show($0) }
            }
        }
        current.value = work
        let tree: ScanTree
        do {
            tree = try await work.value
        } catch let error as EngineError where !relative.isEmpty && !json && opened.value != nil {
            // PATH may name a file: say its size rather than "not a directory".
            let browser = opened.value
            let file = try? await browser?.preview(path: relative, maxBytes: 0)
            await browser?.close()
            interrupt.stop()
            line.clear()
            guard let file else { throw error }
            Output.line("\(Format.bytes(file.size))  \(Sanitizer.inline(label))  (a file: its length in bytes)")
            return
        } catch {
            await opened.value?.close()
            interrupt.stop()
            line.clear()
            if error is CancellationError || work.isCancelled {
                Output.warn("interrupted")
                throw ExitCode(interrupt.exitStatus)
            }
            throw error
        }
        await opened.value?.close()
        interrupt.stop()
        let browser = opened.value
        switch browser?.source {
        case .direct(let mountpoint)?: sourceLine = "source: direct (\(Sanitizer.inline(mountpoint)))"
        case .helper?: sourceLine = "source: helper container (read-only, via the engine's archive API)"
        case nil: break
        }
        line.clear()
        let elapsed = ContinuousClock.now - started
        let shownDepth = min(depth, json ? Self.maxJSONDepth : Self.maxTextDepth)
        if shownDepth < depth {
            Output.warn(
                "--depth \(depth) is more than voltop lists\(json ? " with --json" : ""): showing \(shownDepth) levels (deeper entries count in their parents' sizes)"
            )
        }
        if json {
            var document = DuJSON(tree: tree, volume: volume, path: path ?? "", depth: shownDepth, apparent: apparent)
            document.source = browser?.source.name ?? "direct"
            try Output.json(document)
        } else {
            printText(tree, sourceLine: sourceLine, label: Sanitizer.inline(label), depth: shownDepth)
        }
        for problem in tree.totals.unreadable.prefix(20) {
            Output.warn("cannot read \(Sanitizer.inline(label))/\(problem.displayPath): \(problem.reason)")
        }
        if tree.totals.unreadable.count > 20 {
            Output.warn("… and \(tree.totals.unreadable.count - 20) more unreadable entries (see --json)")
        }
        if stats { printStats(tree, elapsed: elapsed, rssBefore: rssBefore) }
    }

    private func printText(_ tree: ScanTree, sourceLine: String, label: String, depth: Int) {
        Output.line(sourceLine)
        var rows: [(size: String, path: String)] = []
        let key: ScanTree.ChildOrder = apparent ? .apparentSize : .allocatedSize
        func visit(_ node: ScanTree.Node, level: Int) {
            let relative = tree.displayPath(of: node)
            var shown = relative.isEmpty ? label : label + "/" + relative
            if tree.isCountedElsewhere(node) { shown += "  (hard link, counted once)" }
            if tree.isOnOtherFilesystem(node) { shown += "  (mount point, not entered)" }
            if let e = tree.error(of: node) { shown += "  (unreadable: \(String(cString: strerror(e))))" }
            rows.append((Format.bytes(tree.bytes(of: node, apparent: apparent)), shown))
            guard level < depth else { return }
            for child in tree.children(of: node, sortedBy: key) { visit(child, level: level + 1) }
        }
        visit(tree.root, level: 0)
        let width = rows.map(\.size.count).max() ?? 0
        for row in rows {
            Output.line(String(repeating: " ", count: width - row.size.count) + row.size + "  " + row.path)
        }
        let t = tree.totals
        var summary =
            "\(Format.count(t.files, "file")), \(Format.count(t.directories, "directory", plural: "directories")), "
            + Format.count(t.symlinks, "symlink")
        if t.others > 0 { summary += ", \(t.others) other" }
        summary += "; \(Format.bytes(t.allocatedBytes)) on disk, \(Format.bytes(t.apparentBytes)) apparent"
        if t.hardlinksSkipped > 0 { summary += "; \(Format.count(t.hardlinksSkipped, "hard link")) counted once" }
        if t.otherFilesystems > 0 { summary += "; \(Format.count(t.otherFilesystems, "mount point")) skipped" }
        if !t.unreadable.isEmpty { summary += "; \(t.unreadable.count) unreadable" }
        Output.line(summary)
        if tree.isFromArchive {
            Output.line("(read through a helper container: disk usage is estimated from file lengths; directories count 0 apparent bytes)")
        }
    }

    private func printStats(_ tree: ScanTree, elapsed: Duration, rssBefore: Int?) {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let entries = max(tree.count, 1)
        var text = "stats: entries=\(tree.count) seconds=\(CFormat.string("%.3f", seconds))"
        text +=
            " tree-bytes=\(tree.memoryFootprint) tree-bytes-per-entry=\(CFormat.string("%.1f", Double(tree.memoryFootprint) / Double(entries)))"
        if let before = rssBefore, let peak = Self.memoryStatus("VmHWM") {
            text +=
                " rss-before=\(before) peak-rss=\(peak) peak-rss-growth-per-entry=\(CFormat.string("%.1f", Double(peak - before) / Double(entries)))"
        }
        Output.text(text + "\n", to: STDERR_FILENO)
    }

    /// A field of /proc/self/status in bytes (`VmRSS`, `VmHWM`).
    static func memoryStatus(_ field: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            let digits = line.dropFirst(field.count + 1).filter(\.isNumber)
            return Int(digits).map { $0 * 1024 }
        }
        return nil
    }
}

extension SourcePreference: ExpressibleByArgument {}

/// A value shared with signal handlers and tasks.
final class Locked<Value>: @unchecked Sendable {
    private let lock = ThreadLock()
    private var stored: Value

    init(_ value: Value) { stored = value }

    var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}

/// INT (Ctrl-C), TERM, HUP (the terminal closed) and QUIT (Ctrl-\) while it is active run `handler` instead of
/// ending the process, so that the helper container is removed first (as the dashboard does); the first signal
/// sets the exit status.
final class Interrupt: @unchecked Sendable {
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]
    private let sources: [DispatchSourceSignal]
    private let received = Locked<Int32>(0)

    /// The first signal that arrived (0: none).
    var signal: Int32 { received.value }

    init(_ handler: @escaping @Sendable () -> Void) {
        let received = self.received
        sources = Self.signals.map { signalNumber in
            Glibc.signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                if received.value == 0 { received.value = signalNumber }
                handler()
            }
            source.resume()
            return source
        }
    }

    /// The exit status for the signal that interrupted the work: 128 + its number (130 for Ctrl-C).
    var exitStatus: Int32 { 128 + (signal == 0 ? SIGINT : signal) }

    func stop() {
        for source in sources { source.cancel() }
        for signalNumber in Self.signals { Glibc.signal(signalNumber, SIG_DFL) }
    }
}

/// A one-line progress display on standard error, redrawn in place (only on a terminal).
private final class ProgressLine: @unchecked Sendable {
    private let enabled: Bool
    private let lock = ThreadLock()
    private var drawn = false

    init(enabled: Bool) { self.enabled = enabled }

    func show(_ p: ScanProgress) {
        guard enabled else { return }
        lock.withLock {
            Output.statusLine("scanning: \(p.entries) entries, \(Format.bytes(p.allocatedBytes)) …")
            drawn = true
        }
    }

    func clear() {
        lock.withLock {
            if drawn { Output.clearStatusLine() }
            drawn = false
        }
    }
}

/// The `voltop du --json` document (shape in `DuCommand`'s discussion).
private struct DuJSON: Encodable {
    struct Totals: Encodable {
        struct Problem: Encodable {
            var path: String
            var errno: Int32
            var error: String
        }
        var apparentBytes: Int64
        var allocatedBytes: Int64
        var files: Int
        var directories: Int
        var symlinks: Int
        var others: Int
        var hardlinksSkipped: Int
        var otherFilesystems: Int
        var newestMtime: Int64?
        var unreadable: [Problem]
    }

    final class Entry: Encodable {
        var name: String
        var nameBase64: String?
        var path: String
        var kind: String
        var apparentBytes: Int64
        var allocatedBytes: Int64
        var items: Int
        var mtime: Int64
        var newestMtime: Int64
        var countedElsewhere: Bool?
        var otherFilesystem: Bool?
        var error: String?
        var children: [Entry]?

        init(_ tree: ScanTree, _ node: ScanTree.Node, levelsLeft: Int, key: ScanTree.ChildOrder) {
            let raw = tree.name(of: node)
            name = DuJSON.text(raw)
            nameBase64 = String(validating: raw, as: UTF8.self) == nil ? Data(raw).base64EncodedString() : nil
            path = DuJSON.text(tree.path(of: node))
            kind = tree.kind(of: node).name
            apparentBytes = tree.apparentBytes(of: node)
            allocatedBytes = tree.allocatedBytes(of: node)
            items = tree.itemCount(of: node)
            mtime = tree.modified(of: node)
            newestMtime = tree.newestModified(of: node)
            countedElsewhere = tree.isCountedElsewhere(node) ? true : nil
            otherFilesystem = tree.isOnOtherFilesystem(node) ? true : nil
            error = tree.error(of: node).map { String(cString: strerror($0)) }
            if tree.kind(of: node) == .directory && levelsLeft > 0 {
                children = tree.children(of: node, sortedBy: key).map { Entry(tree, $0, levelsLeft: levelsLeft - 1, key: key) }
            }
        }
    }

    var source = "direct"
    var allocatedEstimated: Bool
    var root: String
    var volume: String?
    var path: String
    var sizes: String
    var totals: Totals
    var tree: Entry

    init(tree: ScanTree, volume: String?, path: String, depth: Int, apparent: Bool) {
        root = tree.rootPath
        allocatedEstimated = tree.isFromArchive
        self.volume = volume
        self.path = path
        sizes = apparent ? "apparent" : "allocated"
        let t = tree.totals
        totals = Totals(
            apparentBytes: t.apparentBytes, allocatedBytes: t.allocatedBytes, files: t.files, directories: t.directories,
            symlinks: t.symlinks, others: t.others, hardlinksSkipped: t.hardlinksSkipped, otherFilesystems: t.otherFilesystems,
            newestMtime: t.newestMtime,
            unreadable: t.unreadable.map { .init(path: DuJSON.text($0.path), errno: $0.errno, error: $0.reason) })
        self.tree = Entry(tree, tree.root, levelsLeft: depth, key: apparent ? .apparentSize : .allocatedSize)
    }

    /// Bytes as JSON text: exact when they are UTF-8 (the encoder escapes control characters), else with `\xHH`.
    static func text(_ bytes: [UInt8]) -> String {
        String(validating: bytes, as: UTF8.self) ?? Sanitizer.inline(bytes: bytes)
    }
}

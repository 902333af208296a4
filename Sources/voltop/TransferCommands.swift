import ArgumentParser
import VolumeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// `voltop export`: a volume's files as a tar archive, to a file or standard output.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a volume's files as a tar archive (gzip for .tar.gz/.tgz) to a file or standard output.",
        discussion: """
            The archive holds the volume's files at its top (./NAME), with modes, owners, times, symbolic links as \
            links and hard links kept. It is read through a helper container (created, never started, the volume \
            mounted read-only), so it works for any user who can reach the engine, remote engines too, and with \
            --read-only. A file is written under a temporary name (mode 0600) and renamed when complete: a failed or \
            interrupted export leaves no partial file. Progress goes to standard error when it is a terminal.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The volume's name.")
    var volume: String

    @Option(name: [.short, .long], help: "The archive file; gzip when it ends in .tar.gz or .tgz. Default (or -): standard output.")
    var output: String?

    func run() async throws {
        let toStdout = output == nil || output == "-"
        if toStdout, isatty(STDOUT_FILENO) == 1 {
            throw ValidationError("refusing to write an archive to a terminal: give -o FILE, or redirect standard output")
        }
        let engine = try await global.connect()
        _ = try? await engine.removeLeftoverHelpers()
        let sink = try ArchiveSink(path: toStdout ? nil : output)
        let volume = self.volume
        await CloneCommand.warnAboutWriters(engine, volume, what: "the archive")
        let line = TransferProgressLine(verb: "exporting \(Sanitizer.inline(volume))", total: await Self.estimate(engine, volume))
        do {
            let result = try await Interruptible.run {
                try await engine.exportVolume(volume, progress: { line.show($0) }, to: { try sink.write($0) })
            }
            line.clear()
            try sink.finish()
            if !toStdout {
                Output.warn("exported \(Sanitizer.inline(volume)): \(result.entries) entries, \(Format.bytes(result.tarBytes)) of archive")
            }
        } catch {
            line.clear()
            sink.discard()
            throw error
        }
    }

    /// The engine's size of a volume, for the progress line's ETA (only asked when the line is shown).
    static func estimate(_ engine: DockerEngine, _ volume: String) async -> Int64? {
        guard isatty(STDERR_FILENO) == 1 else { return nil }
        return await engine.sizeEstimate(volume)
    }
}

/// `voltop import`: fills a volume from a tar archive.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Fill a volume from a tar archive (plain or gzip); creates the volume when it does not exist.",
        discussion: """
            Every entry is checked before anything is written: absolute names, `..` components, entries below a \
            symbolic link of the archive, links that point outside the volume and device files refuse the whole \
            archive. A volume that holds files is refused unless --force. The files go in through a helper \
            container (created, never started, the volume mounted read-write at /v), so owners, modes and times \
            are kept as the archive holds them. A failed or interrupted import removes the volume if it created \
            it. Standard input that is a pipe is first held in a temporary file ($TMPDIR, default /tmp).
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The volume's name.")
    var volume: String

    @Option(name: [.short, .long], help: "The archive file (tar or tar.gz). Default (or -): standard input.")
    var input: String?

    @Flag(help: "Write into a volume that already holds files (entries of the same name are replaced).")
    var force = false

    func run() async throws {
        if input == nil || input == "-", isatty(STDIN_FILENO) == 1 {
            throw ValidationError("standard input is a terminal: give -i FILE, or pipe an archive in")
        }
        try VolumeCreateRequest(name: volume).validate()
        let file = try ArchiveFile(path: input)
        let engine = try await global.connect()
        _ = try? await engine.removeLeftoverHelpers()
        let volume = self.volume
        let force = self.force
        let line = TransferProgressLine(
            verb: "importing into \(Sanitizer.inline(volume))", total: isatty(STDERR_FILENO) == 1 ? file.length : nil)
        let result = try await line.audited("import", engine: engine, names: [volume], bytes: \.tarBytes) {
            try await engine.importVolume(volume, from: file, force: force, progress: { line.show($0) })
        }
        Output.line(
            "imported \(result.entries) entries (\(Format.bytes(result.tarBytes)) of archive) into "
                + "\(result.createdVolume ? "new volume" : "volume") \(Sanitizer.inline(volume))")
    }
}

/// `voltop clone`: a new volume with another's driver, labels, options and files.
struct CloneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clone",
        abstract: "Copy a volume into a new one with the same driver, labels and options.",
        discussion: """
            The files are streamed from a helper container of the source (read-only) into one of the target \
            (read-write), engine to engine, without a temporary file. The target must not exist. When a running \
            container can write the source, the copy may be inconsistent: voltop names it before copying. A failed \
            or interrupted clone removes the target.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The volume to copy.")
    var source: String

    @Argument(help: "The new volume's name.")
    var target: String

    func run() async throws {
        try VolumeCreateRequest(name: target).validate()
        let engine = try await global.connect()
        _ = try? await engine.removeLeftoverHelpers()
        await Self.warnAboutWriters(engine, source, what: "the copy")
        let (source, target) = (self.source, self.target)
        let line = TransferProgressLine(
            verb: "cloning \(Sanitizer.inline(source)) to \(Sanitizer.inline(target))", total: await ExportCommand.estimate(engine, source))
        let result = try await line.audited("clone", engine: engine, names: [source, target], bytes: \.tarBytes) {
            try await engine.cloneVolume(source, to: target, progress: { line.show($0) })
        }
        Output.line("cloned \(Sanitizer.inline(source)) to \(Sanitizer.inline(target)) (\(Format.bytes(result.tarBytes)) of archive)")
    }
}

extension CloneCommand {
    /// Names the running containers that can write `volume` while it is read (`what` may then be inconsistent).
    static func warnAboutWriters(_ engine: DockerEngine, _ volume: String, what: String) async {
        let writers = (try? await engine.runningWriters(of: volume)) ?? []
        guard !writers.isEmpty else { return }
        Output.warn(
            "warning: \(writers.map { Sanitizer.inline($0.name) }.joined(separator: ", ")) "
                + "\(writers.count == 1 ? "is" : "are") running and can write \(Sanitizer.inline(volume)): \(what) may be inconsistent. "
                + "Stop \(writers.count == 1 ? "it" : "them") first for an exact copy")
    }
}

/// Runs work that Ctrl-C (or TERM, HUP, QUIT) cancels; the work cleans up after itself (helpers, half volumes)
/// before this returns, then the process exits with 128 + the signal.
enum Interruptible {
    static func run<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) async throws -> T {
        let task = Task { try await work() }
        let interrupt = Interrupt { task.cancel() }
        defer { interrupt.stop() }
        do {
            return try await task.value
        } catch {
            if interrupt.signal != 0 {
                Output.warn("interrupted: nothing was left behind (no helper container, no half-filled new volume)")
                throw ExitCode(interrupt.exitStatus)
            }
            throw error
        }
    }
}

/// A progress line on standard error for long transfers: bytes, rate and (with a total) percent and ETA.
extension TransferProgressLine {
    /// Runs a change that moves an archive (import, clone, restore) with this line showing its progress and Ctrl-C
    /// cancelling it, then clears the line and appends the outcome to the audit log (its bytes, or the error).
    func audited<R: Sendable>(
        _ action: String, engine: DockerEngine, names: [String], bytes: @escaping (R) -> Int64,
        _ work: @escaping @Sendable () async throws -> R
    ) async throws -> R {
        do {
            let result = try await Interruptible.run(work)
            clear()
            Audit.record(action, engine: engine, names: names, bytes: bytes(result))
            return result
        } catch {
            clear()
            Audit.record(action, engine: engine, names: names, error: error)
            throw error
        }
    }
}

final class TransferProgressLine: @unchecked Sendable {
    private let enabled: Bool
    private let verb: String
    private let total: Int64?
    private let lock = ThreadLock()
    private let started = Date()
    private var lastDrawn = Date.distantPast
    private var drawn = false

    init(verb: String, total: Int64?) {
        enabled = isatty(STDERR_FILENO) == 1
        self.verb = verb
        self.total = total.flatMap { $0 > 0 ? $0 : nil }
    }

    func show(_ bytes: Int64) {
        guard enabled else { return }
        lock.withLock {
            let now = Date()
            guard now.timeIntervalSince(lastDrawn) >= 0.1 else { return }
            lastDrawn = now
            Output.statusLine(Format.transferProgress(verb: verb, bytes: bytes, total: total, elapsed: now.timeIntervalSince(started)))
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

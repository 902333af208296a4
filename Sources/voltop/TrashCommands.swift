import ArgumentParser
import VoltopConfig
import VolumeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// Writes one audit line for a change; a failure to write it is reported on standard error, never silent.
enum Audit {
    static func record(_ action: String, engine: DockerEngine, names: [String], bytes: Int64? = nil, error: (any Error)? = nil) {
        let result = error.map { "failed: \(Self.describe($0))" } ?? "ok"
        let entry = AuditLog.Entry(action: action, engine: engine.endpoint.address, names: names, bytes: bytes, result: result)
        let log = AuditLog.current()
        do { try log.append(entry) } catch {
            Output.warn("could not write the audit log: \(Self.describe(error)). Fix its directory's permissions, or set XDG_STATE_HOME")
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? EngineError { return error.message }
        if error is CancellationError { return "interrupted" }
        if let code = error as? ExitCode { return code.rawValue >= 128 ? "interrupted" : "exit \(code.rawValue)" }
        return "\(error)"
    }
}

/// `voltop trash`: list and purge removed volumes kept in the trash.
struct TrashCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trash",
        abstract: "List or purge the removed volumes voltop keeps (voltop restore brings one back).",
        discussion: """
            voltop rm, voltop prune and the dashboard keep a copy of each volume they remove (its files as a tar \
            archive and its driver, labels, options, size, who removed it, when and by which command) under \
            $XDG_DATA_HOME/voltop/trash (default ~/.local/share/voltop/trash; directories 0700, files 0600, no \
            symbolic link followed). Limits: VOLTOP_TRASH_MAX_VOLUME (default 1G: larger volumes are not kept), \
            VOLTOP_TRASH_MAX_TOTAL (default 10G: the oldest go first) and VOLTOP_TRASH_DAYS (default 7), which win \
            over max_volume, max_total and days in the configuration file's [trash].
            """,
        subcommands: [TrashListCommand.self, TrashPurgeCommand.self],
        defaultSubcommand: TrashListCommand.self)
}

/// `voltop trash ls`.
struct TrashListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "List the volumes in the trash, oldest first.")

    @Flag(help: "Print a JSON array of items.")
    var json = false

    struct ItemJSON: Encodable {
        var item: Trash.Item
        var expiresAt: String?

        enum CodingKeys: String, CodingKey {
            case id, name, driver, labels, options, sizeBytes, archiveBytes, owners, removedBy, removedAt, command, engine, createdAt
            case expiresAt
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(item.id, forKey: .id)
            try c.encode(item.name, forKey: .name)
            try c.encode(item.driver, forKey: .driver)
            try c.encode(item.labels, forKey: .labels)
            try c.encode(item.options, forKey: .options)
            try c.encode(item.sizeBytes, forKey: .sizeBytes)
            try c.encode(item.archiveBytes, forKey: .archiveBytes)
            try c.encode(item.owners, forKey: .owners)
            try c.encode(item.removedBy, forKey: .removedBy)
            try c.encode(item.removedAt, forKey: .removedAt)
            try c.encode(item.command, forKey: .command)
            try c.encode(item.engine, forKey: .engine)
            try c.encode(item.createdAt, forKey: .createdAt)
            try c.encode(expiresAt, forKey: .expiresAt)
        }
    }

    func run() async throws {
        try VoltopConfig.configureTrash()
        let trash = try Trash.current()
        _ = try? trash.expire()
        let items = try trash.items()
        if json {
            try Output.json(
                items.map { item in
                    ItemJSON(
                        item: item, expiresAt: item.removed.map { $0.addingTimeInterval(trash.policy.retention).formatted(.iso8601) })
                })
            return
        }
        guard !items.isEmpty else {
            Output.line("The trash is empty (\(Sanitizer.inline(trash.root))).")
            return
        }
        let now = Date()
        var table = TextTable(columns: [
            .init("NAME"), .init("SIZE", alignRight: true), .init("REMOVED"), .init("BY"), .init("EXPIRES IN"), .init("ID")
        ])
        for item in items {
            let expires = item.removed.map { max(0, $0.addingTimeInterval(trash.policy.retention).timeIntervalSince(now)) }
            table.add([
                Sanitizer.inline(item.name), Format.bytes(item.archiveBytes), Format.age(item.removed, now: now) + " ago",
                Sanitizer.inline(item.command), expires.map { Self.duration($0) } ?? "?", Sanitizer.inline(item.id)
            ])
        }
        Output.lines(table.render())
    }

    static func duration(_ seconds: Double) -> String {
        if seconds >= 2 * 24 * 3600 { return "\(Int(seconds / (24 * 3600))) days" }
        if seconds >= 2 * 3600 { return "\(Int(seconds / 3600)) hours" }
        return "\(Int(seconds / 60)) min"
    }
}

/// `voltop trash purge`.
struct TrashPurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge", abstract: "Delete items from the trash for good: the named ones (volume names or ids), or all.")

    @Argument(help: "Volume names (the newest item of each) or item ids; none: everything.")
    var names: [String] = []

    @Flag(name: [.short, .long], help: "Do not ask for confirmation (needed without a terminal when purging everything).")
    var yes = false

    func run() async throws {
        try VoltopConfig.configureTrash()
        let trash = try Trash.current()
        var items: [Trash.Item]
        if names.isEmpty {
            items = try trash.items()
            guard !items.isEmpty else {
                Output.line("The trash is empty.")
                return
            }
            if !yes {
                guard Output.isInteractive else {
                    Output.warn("nothing purged: there is no terminal to confirm on. Pass --yes to delete all \(items.count) item(s)")
                    throw ExitCode(1)
                }
                Output.text("Delete all \(items.count) item(s) in the trash for good? [y/N] ", to: STDOUT_FILENO)
                let answer = readLine()?.trimmingBlanks().lowercased() ?? ""
                guard answer == "y" || answer == "yes" else {
                    Output.line("Nothing purged.")
                    return
                }
            }
        } else {
            let (found, missing) = try trash.find(names)
            for name in missing { Output.warn("the trash holds no \(Sanitizer.inline(name)): see voltop trash ls") }
            items = found
            if !missing.isEmpty && found.isEmpty { throw ExitCode(1) }
        }
        let count = try trash.purge(items)
        let entry = AuditLog.Entry(
            action: "purge", engine: "-", names: items.map(\.name), bytes: items.lazy.map(\.archiveBytes).saturatingSizeSum(), result: "ok")
        do { try AuditLog.current().append(entry) } catch {
            Output.warn("could not write the audit log: \(Audit.describe(error))")
        }
        Output.line("Purged \(count) item(s) from the trash.")
    }
}

/// `voltop restore`: a volume back from the trash.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Bring a removed volume back from the trash: same driver, labels, options and files.",
        discussion: """
            NAME is a volume name (its newest item in the trash) or an item id from voltop trash ls. The volume is \
            created under its old name, or --as NEW; a volume of that name that exists is never overwritten. The \
            files go in through a helper container, as voltop import does; the item leaves the trash when done.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "A volume name or an item id from voltop trash ls.")
    var name: String

    @Option(name: .customLong("as"), help: "Restore under this name instead of the old one.")
    var newName: String?

    func run() async throws {
        try VoltopConfig.configureTrash()
        let trash = try Trash.current()
        let (found, _) = try trash.find([name])
        guard let item = found.first else {
            throw EngineError(.notFound, "the trash holds no \(Sanitizer.inline(name)): see voltop trash ls")
        }
        if let newName { try VolumeCreateRequest(name: newName).validate() }
        let engine = try await global.connect()
        _ = try? await engine.removeLeftoverHelpers()
        let target = newName ?? item.name
        let line = TransferProgressLine(
            verb: "restoring \(Sanitizer.inline(target))", total: isatty(STDERR_FILENO) == 1 ? item.archiveBytes : nil)
        let result = try await line.audited("restore", engine: engine, names: [item.name, target], bytes: \.tarBytes) {
            try await engine.restore(item, as: target, from: trash, progress: { line.show($0) })
        }
        Output.line("restored \(Sanitizer.inline(target)) (\(result.entries) entries) from the trash")
    }
}

/// `voltop log`: the audit log.
struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Show the audit log: every change voltop made (create, rm, prune, file delete, import, clone, restore, purge).",
        discussion: """
            One JSON line per change in $XDG_STATE_HOME/voltop/audit.jsonl (default ~/.local/state/voltop): time, \
            user, engine, action, names, bytes, result. A failure to write it is reported on standard error.
            """)

    @Flag(help: "Print a JSON array of entries.")
    var json = false

    func run() async throws {
        let log = AuditLog.current()
        let (entries, unreadable) = try log.entries()
        if unreadable > 0 { Output.warn("\(unreadable) line(s) of \(Sanitizer.inline(log.path)) could not be read and are not shown") }
        if json {
            try Output.json(entries)
            return
        }
        guard !entries.isEmpty else {
            Output.line("No changes logged yet (\(Sanitizer.inline(log.path))).")
            return
        }
        var table = TextTable(columns: [
            .init("TIME"), .init("USER"), .init("ACTION"), .init("NAMES"), .init("BYTES", alignRight: true), .init("RESULT")
        ])
        for entry in entries {
            table.add([
                Sanitizer.inline(entry.time), Sanitizer.inline(entry.user), Sanitizer.inline(entry.action),
                entry.names.map(Sanitizer.inline).joined(separator: ", "), entry.bytes.map(Format.bytes) ?? "",
                Sanitizer.inline(entry.result)
            ])
        }
        Output.lines(table.render())
    }
}

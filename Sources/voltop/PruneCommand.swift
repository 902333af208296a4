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

/// `voltop prune`: shows exactly what goes and how many bytes, asks, then removes exactly that list.
struct PruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Remove unused volumes: anonymous ones only, or all with --all. Shows the list and asks first.",
        discussion: """
            The same meaning on every engine version: voltop never calls the engine's own prune (which on \
            Docker 20.10 also removes named volumes). It lists the unused volumes, shows them with sizes, and \
            removes exactly that list one by one. A volume that becomes in use or disappears meanwhile is skipped \
            and reported. Without a terminal it refuses unless --yes is given.
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(name: [.short, .long], help: "Include named volumes, not only anonymous ones.")
    var all = false

    @Option(name: [.customShort("f"), .long], help: "Only volumes with this label: label=K or label=K=V (repeatable).")
    var filter: [String] = []

    @Flag(help: "Show what would be removed and stop.")
    var dryRun = false

    @Flag(name: [.short, .long], help: "Do not ask for confirmation.")
    var yes = false

    @Flag(help: "Print the preview (and result) as JSON.")
    var json = false

    @Flag(help: "Remove for good: keep no copy in the trash.")
    var noTrash = false

    func labelFilters() throws -> [LabelFilter] {
        try filter.map { item in
            guard item.hasPrefix("label=") else {
                throw ValidationError("prune filters are label=K or label=K=V, not \"\(Sanitizer.inline(item))\"")
            }
            do { return try LabelFilter(parsing: String(item.dropFirst("label=".count))) } catch let error as EngineError {
                throw ValidationError(error.message)
            }
        }
    }

    func validate() throws { _ = try labelFilters() }

    struct PlanJSON: Encodable {
        var mode: String
        var labelFilters: [String]
        var candidates: [PruneCandidate]
        var totalBytes: Int64
        var unknownSizes: Int
        var notConsidered: [String]
        var anonymousBy: String
        var dryRun: Bool
        var result: PruneResult?

        enum CodingKeys: String, CodingKey {
            case mode, labelFilters, candidates, totalBytes, unknownSizes, notConsidered, anonymousBy, dryRun, result
        }

        func encode(to encoder: Encoder) throws {
            // Every key always present: `result` is null on a dry run.
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(mode, forKey: .mode)
            try c.encode(labelFilters, forKey: .labelFilters)
            try c.encode(candidates, forKey: .candidates)
            try c.encode(totalBytes, forKey: .totalBytes)
            try c.encode(unknownSizes, forKey: .unknownSizes)
            try c.encode(notConsidered, forKey: .notConsidered)
            try c.encode(anonymousBy, forKey: .anonymousBy)
            try c.encode(dryRun, forKey: .dryRun)
            try c.encode(result, forKey: .result)
        }
    }

    func run() async throws {
        if !noTrash { try VoltopConfig.configureTrash() }
        let trash = noTrash ? nil : try Trash.current()
        let engine = try await global.connect()
        let mode: PruneMode = all ? .allUnused : .unusedAnonymous
        var plan = try await engine.prunePreview(mode: mode, labelFilters: try labelFilters())
        // The same size as everywhere else: disk usage where voltop can read the volume.
        let wanted = Set(plan.candidates.map(\.name))
        let listed = (try? await engine.volumes(filters: ["dangling": ["true"]])) ?? []
        let measured = await DiskUsageMeasurer.measure(listed.filter { wanted.contains($0.name) }, engine: engine)
        for i in plan.candidates.indices {
            if let bytes = measured[plan.candidates[i].name] { plan.candidates[i].sizeBytes = bytes }
        }
        if !json {
            printPlan(plan, measured: Set(measured.keys))
            if !plan.candidates.isEmpty { printTrashPlan(plan, trash: trash) }
        }
        func emitJSON(_ result: PruneResult?) throws {
            guard json else { return }
            try Output.json(
                PlanJSON(
                    mode: mode.rawValue, labelFilters: plan.labelFilters.map(\.description), candidates: plan.candidates,
                    totalBytes: plan.totalBytes, unknownSizes: plan.unknownSizeCount, notConsidered: plan.excluded,
                    anonymousBy: plan.anonymity == .label ? "label" : "label-or-name-shape", dryRun: dryRun, result: result))
        }
        if plan.candidates.isEmpty || dryRun {
            try emitJSON(nil)
            return
        }
        if engine.isReadOnly {
            throw EngineError(.readOnly, "read-only mode: prune was not done. Run without --read-only to make changes")
        }
        if !yes {
            guard Output.isInteractive && !json else {
                Output.warn(
                    "nothing removed: there is no terminal to confirm on. Pass --yes to remove the \(plan.candidates.count) volume(s) listed"
                )
                throw ExitCode(1)
            }
            let keptText =
                trash.map { " They are kept in the trash for \($0.policy.retentionText)." } ?? " They are removed for good (--no-trash)."
            Output.text("Remove these \(plan.candidates.count) volume(s)?\(keptText) [y/N] ", to: STDOUT_FILENO)
            let answer = readLine()?.trimmingBlanks().lowercased() ?? ""
            guard answer == "y" || answer == "yes" else {
                Output.line("Nothing removed.")
                return
            }
        }
        if trash != nil { _ = try? await engine.removeLeftoverHelpers() }
        let result: PruneResult
        do {
            let chosen = plan
            result = try await Interruptible.run { try await engine.prune(chosen, trash: trash, command: "prune") }
        } catch {
            Audit.record("prune", engine: engine, names: plan.candidates.map(\.name), error: error)
            throw error
        }
        let failures = result.skipped.filter { $0.reason == "failed" || $0.reason == "not-kept" }
        Audit.record(
            "prune", engine: engine, names: result.removed, bytes: result.reclaimedBytes,
            error: failures.isEmpty
                ? nil : EngineError(.engineFailure, "\(failures.count) not removed: \(failures.map(\.name).joined(separator: ", "))"))
        if json {
            try emitJSON(result)
        } else {
            let keptText = trash.map { " Kept \(result.kept.count) in the trash for \($0.policy.retentionText) (voltop trash ls)." } ?? ""
            Output.line("Removed \(result.removed.count) volume(s), reclaimed \(Format.bytes(result.reclaimedBytes)).\(keptText)")
            if !result.skipped.isEmpty {
                Output.line("Skipped \(result.skipped.count):")
                for skip in result.skipped {
                    Output.line("  \(Sanitizer.inline(skip.name)): \(skip.reason): \(Sanitizer.inline(skip.message))")
                }
            }
        }
        if !failures.isEmpty { throw ExitCode(1) }
    }

    /// Says before anything happens which volumes the trash keeps, and which not (over the cap, --no-trash).
    func printTrashPlan(_ plan: PrunePlan, trash: Trash?) {
        guard let trash else {
            Output.line("Not kept in the trash (--no-trash): removed for good.")
            return
        }
        let notKept = plan.candidates.filter { DockerEngine.notKeptReason(size: $0.sizeBytes, trash: trash) != nil }
        Output.line(
            "Kept in the trash for \(trash.policy.retentionText) (voltop restore NAME): \(plan.candidates.count - notKept.count) of \(plan.candidates.count)."
        )
        if !notKept.isEmpty {
            Output.line(
                "Not kept (over the trash's \(Format.bytes(trash.policy.maxVolumeBytes)) cap per volume), removed for good: "
                    + notKept.map { Sanitizer.inline($0.name) }.joined(separator: ", "))
        }
    }

    /// The plan as a table; sizes not in `measured` are the engine's figures, marked `~`.
    func printPlan(_ plan: PrunePlan, measured: Set<String>) {
        let filters =
            plan.labelFilters.isEmpty
            ? "" : " with label " + plan.labelFilters.map { Sanitizer.inline($0.description) }.joined(separator: " and ")
        let rule = plan.mode == .unusedAnonymous ? "Note: \(plan.anonymity.explanation)." : nil
        guard !plan.candidates.isEmpty else {
            Output.line("Nothing to remove: no \(plan.mode == .allUnused ? "unused volumes" : "unused anonymous volumes")\(filters).")
            if let rule { Output.line(rule) }
            printExcluded(plan)
            return
        }
        let kind = plan.mode == .allUnused ? "unused volume" : "unused anonymous volume"
        Output.line("\(dryRun ? "Would remove" : "To remove"): \(Format.count(plan.candidates.count, kind))\(filters)")
        var table = TextTable(columns: [.init("NAME"), .init("KIND"), .init("SIZE", alignRight: true)])
        for c in plan.candidates {
            let mark = measured.contains(c.name) ? "" : "~"
            table.add([
                Sanitizer.inline(c.name), c.isAnonymous ? "anonymous" : "named", c.sizeBytes.map { mark + Format.bytes($0) } ?? "n/a"
            ])
        }
        for line in table.render() { Output.line("  " + line) }
        let unknown = plan.unknownSizeCount > 0 ? " (\(plan.unknownSizeCount) of unknown size)" : ""
        let engineFigures = plan.candidates.contains { $0.sizeBytes != nil && !measured.contains($0.name) }
        Output.line("Total: \(engineFigures ? "~" : "")\(Format.bytes(plan.totalBytes))\(unknown)")
        if engineFigures {
            Output.line(
                "~: the engine's figure (file lengths only, not disk usage): voltop reads disk usage only as root next to the engine")
        }
        if let rule { Output.line(rule) }
        printExcluded(plan)
    }

    func printExcluded(_ plan: PrunePlan) {
        guard !plan.excluded.isEmpty else { return }
        Output.line(
            "Not considered (driver options or other drivers; remove with voltop rm): "
                + plan.excluded.map(Sanitizer.inline).joined(separator: ", "))
    }
}

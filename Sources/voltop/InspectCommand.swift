import ArgumentParser
import VoltopConfig
import VolumeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `voltop inspect`: a readable summary of volumes with owners and their mounts, or the engine's JSON plus owners.
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Show volumes in detail: owners (with --volumes-from), their mounts, labels, options.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Volume names.")
    var names: [String]

    @Flag(help: "Print the engine's JSON for each volume with a \"Voltop\" object holding owners and status.")
    var json = false

    func validate() throws {
        if names.isEmpty { throw ValidationError("name at least one volume: voltop inspect NAME…") }
    }

    func run() async throws {
        let engine = try await global.connect()
        let containers = try await engine.containers()
        var jsonItems: [JSONValue] = []
        var failed = false
        for (index, name) in names.enumerated() {
            let volume: Volume
            let raw: Data
            do { (volume, raw) = try await engine.volume(name) } catch let error as EngineError {
                Output.error(error)
                failed = true
                continue
            }
            let catalog = Catalog(volumes: [volume], containers: containers, anonymity: engine.anonymity)
            guard let plain = catalog.entries.first else { continue }
            let (entry, details) = try await engine.resolveOwners(plain, in: catalog)
            let origin = await engine.origin(of: entry)
            if json {
                var object = JSONValue.parse(raw)?.object ?? [:]
                var extra = try JSONValue.of(VolumeJSON(entry, engine: engine.endpoint.label)).object ?? [:]
                extra["origin"] = .string(origin.rawValue)
                object["Voltop"] = .object(extra)
                jsonItems.append(.object(object))
                continue
            }
            if index > 0 { Output.line() }
            printSummary(entry, origin: origin, details: details)
        }
        if json {
            let data = try JSONValue.array(jsonItems).encoded(pretty: true)
            Output.json(data: data)
        }
        if failed { throw ExitCode(1) }
    }

    func printSummary(_ entry: CatalogEntry, origin: VolumeOrigin, details: [String: ContainerDetail]) {
        let v = entry.volume
        let now = Date()
        func field(_ label: String, _ value: String) {
            Output.line(DisplayWidth.pad(label + ":", to: 12) + value)
        }
        field("Name", Sanitizer.inline(v.name))
        field("Driver", Sanitizer.inline(v.driver))
        field("Scope", Sanitizer.inline(v.scope))
        field("Mountpoint", Sanitizer.inline(v.mountpoint))
        if let created = v.createdAt {
            field("Created", Sanitizer.inline(created) + " (" + Format.age(v.created, now: now) + " ago)")
        }
        field("Status", entry.status.rawValue)
        let kind: String
        switch origin {
        case .named: kind = "named"
        case .anonymous: kind = "anonymous"
        case .imageDeclared: kind = "anonymous, declared by the image's VOLUME"
        }
        field("Kind", kind)
        if let project = entry.composeProject {
            field("Compose", "project " + Sanitizer.inline(project) + (v.composeVolume.map { ", volume " + Sanitizer.inline($0) } ?? ""))
        }
        field(
            "Labels",
            v.labels.isEmpty
                ? "-" : v.labels.sorted { $0.key < $1.key }.map { Sanitizer.inline("\($0.key)=\($0.value)") }.joined(separator: ", "))
        field(
            "Options",
            v.options.isEmpty
                ? "-" : v.options.sorted { $0.key < $1.key }.map { Sanitizer.inline("\($0.key)=\($0.value)") }.joined(separator: ", "))
        Output.line("Owners: \(Format.owners(entry))")
        if entry.owners.isEmpty { Output.line("  none") }
        for owner in entry.owners {
            var line = "  \(Sanitizer.inline(owner.containerName)) [\(owner.isRunning ? "running" : owner.state)] "
            line += "image \(Sanitizer.inline(owner.image)), at \(Sanitizer.inline(owner.destination)) \(owner.isReadWrite ? "rw" : "ro")"
            if let service = owner.composeService { line += ", compose service \(Sanitizer.inline(service))" }
            if let from = owner.volumesFrom { line += ", via --volumes-from \(Sanitizer.inline(from))" }
            Output.line(line)
            for mount in details[owner.containerID]?.mountLines ?? [] {
                Output.line("      " + mount)
            }
        }
    }
}

/// Parses repeated `KEY=VALUE` options into a map, for labels and driver options.
func keyValues(_ items: [String], what: String) throws -> [String: String] {
    var out: [String: String] = [:]
    for item in items {
        let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let key = parts.first, !key.isEmpty else {
            throw ValidationError("\(what) \"\(Sanitizer.inline(item))\" has no key: use KEY=VALUE")
        }
        out[key] = parts.count > 1 ? parts[1] : ""
    }
    return out
}

/// `voltop create`: a named or anonymous volume.
struct CreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a volume (anonymous when no name is given).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The volume name; leave it out for an anonymous volume.")
    var name: String?

    @Option(name: [.short, .long], help: "Volume driver.")
    var driver = "local"

    @Option(name: [.short, .long], help: "Label KEY=VALUE (repeatable).")
    var label: [String] = []

    @Option(name: [.short, .long], help: "Driver option KEY=VALUE (repeatable).")
    var opt: [String] = []

    @Flag(help: "Print the created volume as JSON.")
    var json = false

    func validate() throws {
        _ = try keyValues(label, what: "label")
        _ = try keyValues(opt, what: "option")
    }

    func run() async throws {
        let request = VolumeCreateRequest(
            name: name, driver: driver, labels: try keyValues(label, what: "label"), options: try keyValues(opt, what: "option"))
        // Checked before connecting, so a bad name never costs a request.
        try request.validate()
        let engine = try await global.connect()
        // An existing volume that matches exactly is fine (exit 0, as the engine treats it); any difference is an error.
        let volume: Volume
        do {
            volume = try await engine.createVolume(request, allowingIdentical: true)
        } catch {
            Audit.record("create", engine: engine, names: [name ?? "(anonymous)"], error: error)
            throw error
        }
        Audit.record("create", engine: engine, names: [volume.name])
        if json {
            try Output.json(VolumeJSON(Catalog(volumes: [volume], containers: []).entries[0], engine: engine.endpoint.label))
        } else {
            Output.line(Sanitizer.inline(volume.name))
        }
    }
}

/// `voltop rm`: remove volumes; names the owners of any volume in use.
struct RemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm", abstract: "Remove volumes. A volume in use is never removed; its owners are listed.",
        aliases: ["remove"])

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Volume names.")
    var names: [String]

    @Flag(name: [.short, .long], help: "Do not fail when a volume is already gone (never removes a volume in use).")
    var force = false

    @Flag(help: "Remove for good: keep no copy in the trash.")
    var noTrash = false

    func validate() throws {
        if names.isEmpty { throw ValidationError("name at least one volume: voltop rm NAME…") }
    }

    func run() async throws {
        if !noTrash { try VoltopConfig.configureTrash() }
        let trash = noTrash ? nil : try Trash.current()
        let engine = try await global.connect()
        var failed = false
        var kept = 0
        if trash != nil, !engine.isReadOnly { _ = try? await engine.removeLeftoverHelpers() }
        let listed = trash == nil ? [] : ((try? await engine.volumes()) ?? []).filter { names.contains($0.name) }
        let measured = trash == nil ? [:] : await DiskUsageMeasurer.measure(listed, engine: engine)
        for name in names {
            do {
                var size = measured[name]
                if trash != nil, size == nil { size = await engine.sizeEstimate(name) }
                if trash != nil, let reason = DockerEngine.notKeptReason(size: size, trash: trash) {
                    Output.warn("\(Sanitizer.inline(name)) is not kept in the trash: \(reason)")
                }
                let (known, force) = (size, self.force)
                let item = try await Interruptible.run {
                    try await engine.removeVolumeKeeping(name, trash: trash, command: "rm", knownSize: known, force: force)
                }
                if item != nil { kept += 1 }
                Audit.record("rm", engine: engine, names: [name], bytes: item?.archiveBytes ?? size)
                Output.line(Sanitizer.inline(name))
            } catch let error as EngineError {
                Audit.record("rm", engine: engine, names: [name], error: error)
                Output.error(error)
                failed = true
                if error.code == .readOnly || error.code == .unreachable { break }
            }
        }
        if let trash, kept > 0 {
            Output.warn(
                "kept \(kept) in the trash for \(trash.policy.retentionText): voltop restore NAME brings one back, voltop trash ls lists them"
            )
        }
        if failed { throw ExitCode(1) }
    }
}

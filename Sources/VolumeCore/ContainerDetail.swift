#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What `GET /containers/{id}/json` adds to the list: tmpfs mounts and `--volumes-from` sources.
public struct ContainerDetail: Sendable, Equatable {
    /// Every mount the engine reports (volumes, binds, `--mount type=tmpfs`).
    public var mounts: [MountPoint]
    /// `--tmpfs` mounts (destination and options), which the engine keeps out of `Mounts`.
    public var tmpfs: [(destination: String, options: String)]
    /// Containers named in `HostConfig.VolumesFrom`, without `:ro`/`:rw`.
    public var volumesFrom: [String]

    public static func == (l: ContainerDetail, r: ContainerDetail) -> Bool {
        l.mounts == r.mounts && l.volumesFrom == r.volumesFrom
            && l.tmpfs.map { "\($0.destination) \($0.options)" } == r.tmpfs.map { "\($0.destination) \($0.options)" }
    }

    /// Parses the engine's container JSON.
    public init(json: Data) throws {
        struct Wire: Decodable {
            struct Host: Decodable {
                var Tmpfs: [String: String]?
                var VolumesFrom: [String]?
            }
            var Mounts: [MountPoint]?
            var HostConfig: Host?
        }
        let wire: Wire
        do { wire = try JSONDecoder().decode(Wire.self, from: json) } catch {
            throw EngineError(.malformedResponse, "the engine's container JSON could not be read", cause: "\(error)")
        }
        mounts = (wire.Mounts ?? []).sorted { $0.destination < $1.destination }
        tmpfs = (wire.HostConfig?.Tmpfs ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        volumesFrom = (wire.HostConfig?.VolumesFrom ?? []).map { item in
            var name = item
            if name.hasSuffix(":ro") || name.hasSuffix(":rw") { name = String(name.dropLast(3)) }
            return name.hasPrefix("/") ? String(name.dropFirst()) : name
        }
    }

    /// Every mount as one line: `volume app-data -> /data (rw)`, `bind /srv -> /host (ro)`, `tmpfs -> /run/t`.
    public var mountLines: [String] {
        var lines = mounts.map { m -> String in
            let access = m.isReadWrite ? "rw" : "ro"
            switch m.type {
            case "volume": return "volume \(Sanitizer.inline(m.name ?? "?")) -> \(Sanitizer.inline(m.destination)) (\(access))"
            case "bind": return "bind \(Sanitizer.inline(m.source)):\(Sanitizer.inline(m.destination)) (\(access))"
            default: return "\(Sanitizer.inline(m.type)) -> \(Sanitizer.inline(m.destination)) (\(access))"
            }
        }
        lines += tmpfs.map {
            "tmpfs -> \(Sanitizer.inline($0.destination))" + ($0.options.isEmpty ? "" : " (\(Sanitizer.inline($0.options)))")
        }
        return lines
    }
}

extension DockerEngine {
    /// The detail of one container: all mounts including `--tmpfs`, and its `--volumes-from` sources.
    public func containerDetail(_ id: String) async throws -> ContainerDetail {
        try ContainerDetail(json: try await containerJSON(id))
    }
}

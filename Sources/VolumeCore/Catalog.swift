#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A container that mounts a volume, seen from the volume.
public struct VolumeOwner: Sendable, Equatable, Hashable, Codable {
    /// The container's full id.
    public var containerID: String
    /// The container's name without the leading slash.
    public var containerName: String
    /// The container's state (`running`, `exited`, `created`, …).
    public var state: String
    /// Whether the container's process exists.
    public var isRunning: Bool
    /// The image the container runs.
    public var image: String
    /// Where the volume is mounted inside the container.
    public var destination: String
    /// Whether the mount is writable.
    public var isReadWrite: Bool
    /// The container's compose project, if any.
    public var composeProject: String?
    /// The container's compose service, if any.
    public var composeService: String?
    /// The container this mount came from through `--volumes-from`, when resolved.
    public var volumesFrom: String?
}

/// Where an anonymous volume came from, as far as the engine tells.
public enum VolumeOrigin: String, Sendable, Codable, Equatable {
    /// A named volume.
    case named
    /// An anonymous volume (a 64-hex name or the engine's anonymous label).
    case anonymous
    /// An anonymous volume created for a `VOLUME` the image declares.
    case imageDeclared
}

/// How an engine marks anonymous volumes, and so how voltop tells them from named ones.
public enum AnonymityRule: String, Sendable, Codable, Equatable {
    /// Docker from API 1.42 (23.0) labels every anonymous volume it makes (`com.docker.volume.anonymous`): only the
    /// label counts, so a named volume whose name happens to be 64 hex digits is never taken for anonymous.
    case label
    /// Engines that label nothing (Docker 20.10, API 1.41; Podman): the label where present, else the shape of the
    /// name (64 lowercase hex digits), which a named volume can also have.
    case labelOrNameShape

    /// The rule for an engine: the label from Docker API 1.42, else the label or the name's shape.
    public static func of(apiVersion: APIVersion, flavor: String) -> AnonymityRule {
        flavor == "docker" && apiVersion >= APIVersion.v1_42 ? .label : .labelOrNameShape
    }

    /// Whether `volume` is anonymous under this rule.
    public func isAnonymous(_ volume: Volume) -> Bool { isAnonymous(name: volume.name, labels: volume.labels) }

    /// Whether a volume of this name and these labels is anonymous under this rule (for callers that read the two
    /// fields in place: passing a whole `Volume` copies, and so retains, every field it has).
    public func isAnonymous(name: String, labels: [String: String]) -> Bool {
        if labels[Volume.anonymousLabel] != nil { return true }
        return self == .labelOrNameShape && Volume.looksAnonymous(name)
    }

    /// One sentence for a prune preview on how anonymous volumes were told apart.
    public var explanation: String {
        switch self {
        case .label: return "anonymous volumes are those the engine labelled com.docker.volume.anonymous"
        case .labelOrNameShape:
            return
                "this engine does not label anonymous volumes: a volume counts as anonymous by its 64-hex-digit name, which a named volume can also have"
        }
    }
}

/// Whether a volume is in use, and by whom.
public enum VolumeStatus: String, Sendable, Codable, Equatable, CaseIterable {
    /// At least one running container mounts it.
    case inUse = "in use"
    /// Only stopped or created containers mount it: still in use for the engine.
    case inUseStopped = "in use (stopped)"
    /// No container mounts it.
    case unused = "unused"
    /// Anonymous and no container mounts it: usually left behind by a removed container.
    case unusedAnonymous = "unused anonymous"

    /// Whether any container references the volume.
    public var isInUse: Bool { self == .inUse || self == .inUseStopped }
}

/// One volume joined with its owners and size.
public struct CatalogEntry: Sendable, Equatable, Identifiable {
    /// The volume as the engine reports it.
    public var volume: Volume
    /// The containers that mount it, helpers excluded, running first.
    public var owners: [VolumeOwner]
    /// Whether one of voltop's own helper containers mounts it (the engine counts that as in use).
    public var isPinnedByHelper: Bool
    /// Its size, when asked for.
    public var size: VolumeSize

    /// The volume name.
    public var id: String { volume.name }
    /// The volume name.
    public var name: String { volume.name }
    /// Whether the volume is anonymous, by the rule of its engine (see `AnonymityRule`).
    public var isAnonymous: Bool { anonymity.isAnonymous(volume) }
    /// How its engine marks anonymous volumes.
    public var anonymity: AnonymityRule = .labelOrNameShape
    /// Whether no container at all references it (the engine's `dangling=true`).
    public var isDangling: Bool { owners.isEmpty && !isPinnedByHelper }
    /// How many owners are running.
    public var runningOwnerCount: Int { owners.filter(\.isRunning).count }
    /// How many owners are stopped or only created.
    public var stoppedOwnerCount: Int { owners.count - runningOwnerCount }

    /// In use, unused or unused anonymous.
    public var status: VolumeStatus {
        if !owners.isEmpty { return runningOwnerCount > 0 ? .inUse : .inUseStopped }
        if isPinnedByHelper { return .inUseStopped }
        return isAnonymous ? .unusedAnonymous : .unused
    }

    /// The compose project from the volume's labels, or from its owners.
    public var composeProject: String? {
        volume.composeProject ?? owners.lazy.compactMap(\.composeProject).first
    }

    /// Whether the volume is anonymous and came from an image's `VOLUME` (known only once resolved).
    public var origin: VolumeOrigin {
        isAnonymous ? .anonymous : .named
    }
}

/// One snapshot of the engine's volumes joined with its containers.
public struct Catalog: Sendable, Equatable {
    /// Every volume, sorted by name.
    public var entries: [CatalogEntry]
    /// Every container except voltop's helpers, sorted by name.
    public var containers: [Container]
    /// When the snapshot was taken.
    public var takenAt: Date

    /// An empty catalog.
    public static let empty = Catalog(entries: [], containers: [], takenAt: Date(timeIntervalSince1970: 0))

    /// A catalog from its parts.
    public init(entries: [CatalogEntry], containers: [Container], takenAt: Date) {
        self.entries = entries
        self.containers = containers
        self.takenAt = takenAt
    }

    /// Joins volumes with containers (one pass over every mount) and attaches sizes when given.
    public init(
        volumes: [Volume], containers allContainers: [Container], sizes: [String: (size: Int64, refCount: Int64)]? = nil,
        takenAt: Date = Date(),
        anonymity: AnonymityRule = .labelOrNameShape
    ) {
        let (owners, pinned) = Self.owners(allContainers)
        // The engine lists volumes in no order (Docker's come from a map). Positions are sorted, not entries: moving
        // entries of a few hundred bytes each was most of the sort's time at 10,000 volumes.
        let order = NameOrder.sortedPositions(volumes.map(\.name))
        let hasOwners = !owners.isEmpty || !pinned.isEmpty
        entries = order.map { i in
            let volume = volumes[i]
            return CatalogEntry(
                volume: volume, owners: hasOwners ? Self.ordered(owners[volume.name] ?? []) : [],
                isPinnedByHelper: hasOwners && pinned.contains(volume.name), size: Self.size(of: volume, in: sizes),
                anonymity: anonymity)
        }
        containers = allContainers.filter { !$0.isVoltopHelper }.sorted { $0.name < $1.name }
        self.takenAt = takenAt
    }

    /// This catalog with `allContainers` joined in: the same entries in the same order (not sorted again), each
    /// with its owners, as `init(volumes:containers:)` would make them.
    public func joined(with allContainers: [Container], takenAt: Date = Date()) -> Catalog {
        let (owners, pinned) = Self.owners(allContainers)
        var result = self
        for i in result.entries.indices {
            let name = result.entries[i].name
            result.entries[i].owners = Self.ordered(owners[name] ?? [])
            result.entries[i].isPinnedByHelper = pinned.contains(name)
        }
        result.containers = allContainers.filter { !$0.isVoltopHelper }.sorted { $0.name < $1.name }
        result.takenAt = takenAt
        return result
    }

    /// The owners of each volume name (one pass over every mount), and the volumes voltop's helpers mount.
    static func owners(_ allContainers: [Container]) -> (owners: [String: [VolumeOwner]], pinned: Set<String>) {
        var owners: [String: [VolumeOwner]] = [:]
        var pinned: Set<String> = []
        for container in allContainers {
            for mount in container.mounts where mount.type == "volume" {
                guard let name = mount.name else { continue }
                if container.isVoltopHelper {
                    pinned.insert(name)
                    continue
                }
                owners[name, default: []].append(
                    VolumeOwner(
                        containerID: container.id, containerName: container.name, state: container.state,
                        isRunning: container.isRunning, image: container.image, destination: mount.destination,
                        isReadWrite: mount.isReadWrite, composeProject: container.composeProject,
                        composeService: container.composeService, volumesFrom: nil))
            }
        }
        return (owners, pinned)
    }

    /// Owners running first, then by container name and destination.
    static func ordered(_ owners: [VolumeOwner]) -> [VolumeOwner] {
        guard owners.count > 1 else { return owners }
        return owners.sorted {
            ($0.isRunning ? 0 : 1, $0.containerName, $0.destination) < ($1.isRunning ? 0 : 1, $1.containerName, $1.destination)
        }
    }

    /// The size state of a volume given the engine's `/system/df` answer (nil: not asked).
    public static func size(of volume: Volume, in sizes: [String: (size: Int64, refCount: Int64)]?) -> VolumeSize {
        guard let sizes else { return .notRequested }
        if let usage = sizes[volume.name] {
            return usage.size >= 0 ? .bytes(usage.size) : .unknown(reason: "the engine could not measure it")
        }
        if volume.driver != "local" { return .unknown(reason: "driver \(volume.driver): the engine does not measure it") }
        if !volume.options.isEmpty {
            let type = volume.options["type"].map { " (type=\($0))" } ?? ""
            return .unknown(reason: "driver options\(type): the engine does not measure it")
        }
        return .unknown(reason: "the engine did not report it")
    }

    /// The entry for a volume name.
    public func entry(named name: String) -> CatalogEntry? {
        entries.first { $0.name == name }
    }

    /// Sum of known sizes (saturating: the engine's sizes can be near `Int64.max`).
    public var totalKnownBytes: Int64 { entries.lazy.compactMap(\.size.knownBytes).saturatingSizeSum() }
    /// Sum of known sizes of volumes no container references (saturating).
    public var reclaimableBytes: Int64 {
        entries.lazy.filter(\.isDangling).compactMap(\.size.knownBytes).saturatingSizeSum()
    }
}

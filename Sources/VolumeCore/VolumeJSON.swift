#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The stable JSON shape of one volume in `voltop ls --json` and `voltop inspect --json` (documented in README).
public struct VolumeJSON: Codable, Sendable, Equatable {
    /// One owner in JSON.
    public struct Owner: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
        public var state: String
        public var running: Bool
        public var image: String
        public var destination: String
        public var rw: Bool
        public var composeProject: String?
        public var composeService: String?
        public var volumesFrom: String?

        /// The JSON form of an owner.
        public init(_ o: VolumeOwner) {
            id = o.containerID
            name = o.containerName
            state = o.state
            running = o.isRunning
            image = o.image
            destination = o.destination
            rw = o.isReadWrite
            composeProject = o.composeProject
            composeService = o.composeService
            volumesFrom = o.volumesFrom
        }

        public func encode(to encoder: Encoder) throws {
            // Every key always present (null when unknown), in `ls --json` as in `inspect --json`.
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(name, forKey: .name)
            try c.encode(state, forKey: .state)
            try c.encode(running, forKey: .running)
            try c.encode(image, forKey: .image)
            try c.encode(destination, forKey: .destination)
            try c.encode(rw, forKey: .rw)
            try c.encode(composeProject, forKey: .composeProject)
            try c.encode(composeService, forKey: .composeService)
            try c.encode(volumesFrom, forKey: .volumesFrom)
        }
    }

    public var name: String
    /// The engine the volume is on: its context name, or its address when there is no context (`EngineEndpoint.label`).
    public var engine: String?
    public var driver: String
    public var scope: String
    public var mountpoint: String
    public var createdAt: String?
    public var labels: [String: String]
    public var options: [String: String]
    public var anonymous: Bool
    public var dangling: Bool
    /// `in use`, `in use (stopped)`, `unused` or `unused anonymous`.
    public var status: String
    public var composeProject: String?
    /// Bytes, or null when not asked for or not measurable.
    public var size: Int64?
    /// `measured`, `not-requested` or `unknown`.
    public var sizeState: String
    /// Where `size` comes from: `disk-usage` (voltop read the volume: what removing it gives back) or `engine`
    /// (the engine's `/system/df` figure: file lengths only); null without a size.
    public var sizeSource: String?
    /// Why the size is unknown, when it is.
    public var sizeNote: String?
    public var owners: [Owner]
    public var runningOwners: Int
    public var stoppedOwners: Int
    /// Bytes per second over `ls --sample` (negative: shrinking; 0 for a volume nothing can write); null without a
    /// sample or where it could not be measured.
    public var growthBytesPerSecond: Double?
    /// Who writes (with `--sample`): containers seen writing, or the running containers that mount it read-write
    /// where voltop cannot see writes (`writersSeen` false); a process outside containers as `pid N (command)`.
    public var writers: [String] = []
    /// Whether `writers` were seen writing; null without a sample.
    public var writersSeen: Bool?

    /// The JSON form of a catalog entry; `measured` when its size is voltop's own disk usage.
    public init(_ e: CatalogEntry, measured: Bool = false, engine: String? = nil) {
        name = e.name
        self.engine = engine
        driver = e.volume.driver
        scope = e.volume.scope
        mountpoint = e.volume.mountpoint
        createdAt = e.volume.createdAt
        labels = e.volume.labels
        options = e.volume.options
        anonymous = e.isAnonymous
        dangling = e.isDangling
        status = e.status.rawValue
        composeProject = e.composeProject
        switch e.size {
        case .notRequested:
            size = nil
            sizeState = "not-requested"
            sizeNote = nil
        case .bytes(let b):
            size = b
            sizeState = "measured"
            sizeNote = nil
            sizeSource = measured ? "disk-usage" : "engine"
        case .unknown(let reason):
            size = nil
            sizeState = "unknown"
            sizeNote = reason
        }
        if case .bytes = e.size {} else { sizeSource = nil }
        owners = e.owners.map(Owner.init)
        runningOwners = e.runningOwnerCount
        stoppedOwners = e.stoppedOwnerCount
    }

    public func encode(to encoder: Encoder) throws {
        // Encode nil optionals as null so every key is always present.
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(engine, forKey: .engine)
        try c.encode(driver, forKey: .driver)
        try c.encode(scope, forKey: .scope)
        try c.encode(mountpoint, forKey: .mountpoint)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(labels, forKey: .labels)
        try c.encode(options, forKey: .options)
        try c.encode(anonymous, forKey: .anonymous)
        try c.encode(dangling, forKey: .dangling)
        try c.encode(status, forKey: .status)
        try c.encode(composeProject, forKey: .composeProject)
        try c.encode(size, forKey: .size)
        try c.encode(sizeState, forKey: .sizeState)
        try c.encode(sizeNote, forKey: .sizeNote)
        try c.encode(sizeSource, forKey: .sizeSource)
        try c.encode(owners, forKey: .owners)
        try c.encode(runningOwners, forKey: .runningOwners)
        try c.encode(stoppedOwners, forKey: .stoppedOwners)
        try c.encode(growthBytesPerSecond, forKey: .growthBytesPerSecond)
        try c.encode(writers, forKey: .writers)
        try c.encode(writersSeen, forKey: .writersSeen)
    }

}

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A volume as the engine reports it in `GET /volumes` and `GET /volumes/{name}`.
public struct Volume: Sendable, Equatable, Codable, Hashable {
    /// The volume's name; a 64-hex string for anonymous volumes.
    public var name: String
    /// The volume driver, `local` for most volumes.
    public var driver: String
    /// The path of the data on the engine's host.
    public var mountpoint: String
    /// The volume's labels (never nil; the engine's `null` becomes empty).
    public var labels: [String: String]
    /// The driver options given at creation (never nil).
    public var options: [String: String]
    /// `local` or `global`.
    public var scope: String
    /// The creation time as the engine reports it (RFC 3339), if any.
    public var createdAt: String? {
        didSet { created = createdAt.flatMap(EngineDate.parse) }
    }
    /// The creation time parsed from `createdAt` (parsed once, when set).
    public private(set) var created: Date?

    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case driver = "Driver"
        case mountpoint = "Mountpoint"
        case labels = "Labels"
        case options = "Options"
        case scope = "Scope"
        case createdAt = "CreatedAt"
    }

    /// A volume built from its parts.
    public init(
        name: String, driver: String = "local", mountpoint: String = "", labels: [String: String] = [:],
        options: [String: String] = [:], scope: String = "local", createdAt: String? = nil
    ) {
        self.name = name
        self.driver = driver
        self.mountpoint = mountpoint
        self.labels = labels
        self.options = options
        self.scope = scope
        self.createdAt = createdAt
        self.created = createdAt.flatMap(EngineDate.parse)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        driver = try c.decodeIfPresent(String.self, forKey: .driver) ?? ""
        mountpoint = try c.decodeIfPresent(String.self, forKey: .mountpoint) ?? ""
        labels = try c.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
        options = try c.decodeIfPresent([String: String].self, forKey: .options) ?? [:]
        scope = try c.decodeIfPresent(String.self, forKey: .scope) ?? "local"
        createdAt = try c.decodeIfPresent(String.self, forKey: .createdAt)
        created = createdAt.flatMap(EngineDate.parse)
    }

    /// The label the engine (23.0 and later) puts on anonymous volumes.
    public static let anonymousLabel = "com.docker.volume.anonymous"

    /// Whether the volume is anonymous: a 64-hex name or the engine's anonymous label.
    public var isAnonymous: Bool {
        labels[Self.anonymousLabel] != nil || Self.looksAnonymous(name)
    }

    /// Whether a name has the shape the engine gives anonymous volumes (64 lowercase hex digits); in a fleet, the
    /// part after the engine's prefix (`FleetName`).
    public static func looksAnonymous(_ name: String) -> Bool {
        // Most names are shorter than 64 bytes: no scan for them (a native string knows its UTF-8 count).
        guard name.utf8.count >= 64 else { return false }
        let own = name.utf8.lastIndex(of: UInt8(ascii: "/")).map { name.utf8[name.utf8.index(after: $0)...] } ?? name.utf8[...]
        return own.count == 64 && own.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }

    /// The compose project from `com.docker.compose.project`, if labelled.
    public var composeProject: String? { labels["com.docker.compose.project"] }
    /// The compose volume key from `com.docker.compose.volume`, if labelled.
    public var composeVolume: String? { labels["com.docker.compose.volume"] }

    /// Whether the engine can size this volume with `/system/df` (local driver without driver options).
    public var isSizeableByEngine: Bool { driver == "local" && options.isEmpty }
}

/// Parses the engine's RFC 3339 timestamps, with or without fractional seconds and offsets.
public enum EngineDate {
    private static let plain = Date.ISO8601FormatStyle()
    private static let frac = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// The date in an RFC 3339 string, or nil when it is not one.
    ///
    /// The engine's usual forms (`2024-05-01T10:00:00Z`, with up to nine fractional digits and an offset) are read
    /// by hand, to the millisecond as the formatters read them: a formatter parse costs tens of microseconds (ICU),
    /// paid for every volume of every list. Anything else goes to the formatters.
    public static func parse(_ s: String) -> Date? {
        if let seconds = fastSeconds(s) { return Date(timeIntervalSince1970: seconds) }
        return formatterParse(s)
    }

    /// Seconds since 1970 (fraction cut to milliseconds) for `YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM)`, or nil.
    static func fastSeconds(_ s: String) -> Double? {
        var text = s
        return text.withUTF8 { b -> Double? in
            func digits(_ from: Int, _ count: Int) -> Int? {
                guard from + count <= b.count else { return nil }
                var v = 0
                for i in from..<(from + count) {
                    let d = Int(b[i]) &- 48
                    guard d >= 0 && d <= 9 else { return nil }
                    v = v * 10 + d
                }
                return v
            }
            guard b.count >= 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
                b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
                let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2),
                let hour = digits(11, 2), let minute = digits(14, 2), let second = digits(17, 2),
                year >= 1, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
                hour < 24, minute < 60, second < 60
            else { return nil }
            var i = 19
            var millis = 0
            if b[i] == UInt8(ascii: ".") {
                i += 1
                let start = i
                while i < b.count, b[i] >= 48, b[i] <= 57 {
                    if i - start < 3 { millis = millis * 10 + Int(b[i] - 48) }
                    i += 1
                }
                guard i > start else { return nil }
                for _ in min(3, i - start)..<3 { millis *= 10 }
            }
            guard i < b.count else { return nil }
            var offset = 0
            if b[i] == UInt8(ascii: "Z") {
                i += 1
            } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-"), i + 6 == b.count, b[i + 3] == UInt8(ascii: ":"),
                let oh = digits(i + 1, 2), let om = digits(i + 4, 2), oh < 24, om < 60
            {
                offset = (oh * 3600 + om * 60) * (b[i] == UInt8(ascii: "+") ? 1 : -1)
                i += 6
            } else {
                return nil
            }
            guard i == b.count else { return nil }
            // Days from the civil date (Howard Hinnant's days_from_civil).
            let y = month <= 2 ? year - 1 : year
            let era = y / 400
            let yoe = y - era * 400
            let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
            let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
            return Double(days * 86_400 + hour * 3600 + minute * 60 + second - offset) + Double(millis) / 1000
        }
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// The date through Foundation's formatters (forms the fast path does not read).
    static func formatterParse(_ s: String) -> Date? {
        // Fractions are read to the millisecond, as the fast path reads them (Go writes up to nine digits).
        var text = s
        if let dot = s.firstIndex(of: ".") {
            let end = s[s.index(after: dot)...].firstIndex(where: { !$0.isNumber }) ?? s.endIndex
            text = String(s[..<dot]) + "." + s[s.index(after: dot)..<end].prefix(3) + String(s[end...])
        }
        if let d = try? plain.parse(text) { return d }
        return try? frac.parse(text)
    }
}

/// One mount of a container, as in `Mounts[]` of the container list and inspect.
public struct MountPoint: Sendable, Equatable, Codable, Hashable {
    /// `volume`, `bind`, `tmpfs`, `npipe`, `cluster` or `image`.
    public var type: String
    /// The volume name, for volume mounts.
    public var name: String?
    /// The host path of the data (empty for anonymous volumes in the 20.10 list).
    public var source: String
    /// The path inside the container.
    public var destination: String
    /// The volume driver, for volume mounts.
    public var driver: String?
    /// The free-form mode string (`z`, `ro`, …).
    public var mode: String
    /// Whether the mount is writable.
    public var isReadWrite: Bool

    enum CodingKeys: String, CodingKey {
        case type = "Type"
        case name = "Name"
        case source = "Source"
        case destination = "Destination"
        case driver = "Driver"
        case mode = "Mode"
        case isReadWrite = "RW"
    }

    /// A mount built from its parts.
    public init(
        type: String, name: String? = nil, source: String = "", destination: String, driver: String? = nil,
        mode: String = "", isReadWrite: Bool = true
    ) {
        self.type = type
        self.name = name
        self.source = source
        self.destination = destination
        self.driver = driver
        self.mode = mode
        self.isReadWrite = isReadWrite
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decodeIfPresent(String.self, forKey: .type) ?? ""
        name = try c.decodeIfPresent(String.self, forKey: .name)
        source = try c.decodeIfPresent(String.self, forKey: .source) ?? ""
        destination = try c.decodeIfPresent(String.self, forKey: .destination) ?? ""
        driver = try c.decodeIfPresent(String.self, forKey: .driver)
        mode = try c.decodeIfPresent(String.self, forKey: .mode) ?? ""
        isReadWrite = try c.decodeIfPresent(Bool.self, forKey: .isReadWrite) ?? true
    }
}

/// A container from `GET /containers/json?all=1`.
public struct Container: Sendable, Equatable, Codable, Hashable {
    /// The full container id.
    public var id: String
    /// The names, each with a leading `/`.
    public var names: [String]
    /// The image the container was created from.
    public var image: String
    /// `created`, `running`, `paused`, `restarting`, `removing`, `exited` or `dead`.
    public var state: String
    /// The engine's human status line ("Up 2 minutes").
    public var status: String
    /// Creation time in Unix seconds.
    public var created: Int64
    /// The container's labels.
    public var labels: [String: String]
    /// Every mount of the container.
    public var mounts: [MountPoint]
    /// The command line as the engine lists it (entrypoint and arguments joined by spaces).
    public var command: String

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case names = "Names"
        case image = "Image"
        case state = "State"
        case status = "Status"
        case created = "Created"
        case labels = "Labels"
        case mounts = "Mounts"
        case command = "Command"
    }

    /// A container built from its parts.
    public init(
        id: String, names: [String], image: String = "", state: String = "created", status: String = "",
        created: Int64 = 0, labels: [String: String] = [:], mounts: [MountPoint] = [], command: String = ""
    ) {
        self.command = command
        self.id = id
        self.names = names
        self.image = image
        self.state = state
        self.status = status
        self.created = created
        self.labels = labels
        self.mounts = mounts
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        names = try c.decodeIfPresent([String].self, forKey: .names) ?? []
        image = try c.decodeIfPresent(String.self, forKey: .image) ?? ""
        state = try c.decodeIfPresent(String.self, forKey: .state) ?? ""
        status = try c.decodeIfPresent(String.self, forKey: .status) ?? ""
        created = try c.decodeIfPresent(Int64.self, forKey: .created) ?? 0
        labels = try c.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
        mounts = try c.decodeIfPresent([MountPoint].self, forKey: .mounts) ?? []
        command = try c.decodeIfPresent(String.self, forKey: .command) ?? ""
    }

    /// The first name without its leading slash, or the short id.
    public var name: String {
        guard let first = names.first else { return String(id.prefix(12)) }
        return first.hasPrefix("/") ? String(first.dropFirst()) : first
    }

    /// Whether the container is running (or restarting, or paused: its process exists).
    public var isRunning: Bool { state == "running" || state == "restarting" || state == "paused" }

    /// The compose project from `com.docker.compose.project`, if labelled.
    public var composeProject: String? { labels["com.docker.compose.project"] }
    /// The compose service from `com.docker.compose.service`, if labelled.
    public var composeService: String? { labels["com.docker.compose.service"] }

    /// The label voltop puts on its own helper containers; its value is the volume's name.
    public static let helperLabel = "voltop.helper"
    /// The label naming the voltop process that owns a helper: `HOST PID STARTTIME`.
    public static let helperOwnerLabel = "voltop.helper.owner"
    /// The name every helper starts with (a random suffix follows).
    public static let helperNamePrefix = "voltop-helper-"
    /// The command of every helper (never run: helpers are never started).
    public static let helperCommand = "/nonexistent"
    /// The label that marks a writing helper (value `write`): it mounts its volume read-write at `/v`.
    public static let helperModeLabel = "voltop.helper.mode"
    /// The label of a writing helper whose volume the same run created (its value: the volume's `CreatedAt`), so
    /// that a sweep of the leftover helper also removes that half-filled volume.
    public static let helperCreatedLabel = "voltop.helper.created"
    /// Where a writing helper mounts its volume.
    public static let writeMountPath = "/v"

    /// Whether this is one of voltop's own helper containers, hidden from owners and swept when left behind.
    ///
    /// A label alone proves nothing (containers inherit their image's labels, so a database built from an image
    /// carrying `voltop.helper` would be hidden, then killed by a sweep). A helper is everything voltop controls
    /// together: the name prefix, state `created` (never started), the command, exactly one volume mount of the
    /// volume the label names, and a well-formed owner label. The mount is read-only at `/volume` (a reading
    /// helper), or read-write at `/v` together with the label `voltop.helper.mode=write` (a writing helper, for
    /// imports); a read-write mount anywhere else, or without that label, is a user's container.
    public var isVoltopHelper: Bool {
        guard let volume = labels[Self.helperLabel], !volume.isEmpty,
            Self.isWellFormedOwner(labels[Self.helperOwnerLabel]),
            names.count == 1, names[0].hasPrefix("/" + Self.helperNamePrefix) || names[0].hasPrefix(Self.helperNamePrefix),
            state == "created", command == Self.helperCommand,
            mounts.count == 1, let mount = mounts.first, mount.type == "volume", mount.name == volume
        else { return false }
        if isWritingHelper { return mount.isReadWrite && mount.destination == Self.writeMountPath }
        return !mount.isReadWrite && mount.destination == "/volume" && labels[Self.helperModeLabel] == nil
            && labels[Self.helperCreatedLabel] == nil
    }

    /// Whether the container carries the writing helper's mode label (`isVoltopHelper` checks the rest).
    public var isWritingHelper: Bool { labels[Self.helperModeLabel] == "write" }

    /// Whether an owner label reads `HOST PID STARTTIME` (a host name without spaces, a pid, a start time).
    public static func isWellFormedOwner(_ owner: String?) -> Bool {
        guard let owner else { return false }
        let parts = owner.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].utf8.count <= 255, let pid = Int32(parts[1]), pid > 0,
            UInt64(parts[2]) != nil
        else { return false }
        return true
    }
}

/// The engine's size figure for one volume.
public enum VolumeSize: Sendable, Equatable, Hashable {
    /// The engine has not been asked yet.
    case notRequested
    /// Bytes as measured.
    case bytes(Int64)
    /// The engine cannot size this volume; the reason says why.
    case unknown(reason: String)

    /// The byte count, when known (a negative count, the engine's `-1`, is not known).
    public var knownBytes: Int64? {
        if case .bytes(let b) = self, b >= 0 { return b }
        return nil
    }
}

/// Engine identity from `/_ping` and `/version`.
public struct EngineInfo: Sendable, Equatable, Codable {
    /// The server's product version (`20.10.24+dfsg1`).
    public var serverVersion: String
    /// The highest API version the daemon speaks.
    public var serverAPIVersion: String
    /// The daemon's lowest API version, when it reports one.
    public var minAPIVersion: String?
    /// The version voltop negotiated and sends on every path.
    public var negotiatedAPIVersion: String
    /// `docker` or `podman`.
    public var flavor: String
    /// The operating system of the daemon.
    public var os: String
}

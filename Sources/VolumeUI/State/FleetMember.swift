/// How one engine of a fleet is doing, as its header line shows it.
public enum EngineLinkStatus: Sendable, Equatable {
    /// Connected: its volumes are listed and its events followed.
    case live
    /// Its event stream dropped; voltop tries again in `retryIn` seconds. Its volumes stay as last listed.
    case reconnecting(reason: String, retryIn: Double)
    /// It could not be reached (at start, or its last listing failed): its volumes are not shown.
    case error(String)

    /// Whether the engine answers.
    public var isLive: Bool { self == .live }
}

/// One engine of a fleet (several engines in one dashboard): its label, what it runs, and how it is doing.
public struct FleetMember: Sendable, Equatable {
    /// The context name, or the address when there is no context; the prefix of its volumes' names (`FleetName`).
    public var label: String
    /// Server version, e.g. `Docker 20.10.24+dfsg1`; empty when it never answered.
    public var server: String
    /// Its link status.
    public var status: EngineLinkStatus

    /// A member from its parts.
    public init(label: String, server: String, status: EngineLinkStatus) {
        self.label = label
        self.server = server
        self.status = status
    }
}

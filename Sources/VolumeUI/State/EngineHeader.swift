/// What the header shows about the engine.
public struct EngineHeader: Sendable, Equatable {
    /// Context name or address (`default`, `unix:///var/run/docker.sock`).
    public var target: String
    /// Server version, e.g. `Docker 20.10.24+dfsg1`.
    public var server: String
    /// Negotiated API version.
    public var apiVersion: String

    /// A header from its parts.
    public init(target: String, server: String, apiVersion: String) {
        self.target = target
        self.server = server
        self.apiVersion = apiVersion
    }
}

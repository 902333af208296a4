#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What the dashboard can do to a container that holds a volume.
public enum ContainerAction: String, Sendable, Equatable, CaseIterable {
    /// `POST /containers/{id}/stop`.
    case stop
    /// `POST /containers/{id}/start`.
    case start
    /// `DELETE /containers/{id}` (never `force`, never `v`: a running container is refused, no volume goes with it).
    case remove

    /// The verb for messages ("stop").
    public var verb: String { rawValue }
    /// The past tense for results ("stopped").
    public var done: String {
        switch self {
        case .stop: return "stopped"
        case .start: return "started"
        case .remove: return "removed"
        }
    }
}

extension DockerEngine {
    /// Stops, starts or removes a container; refused in read-only mode before anything is sent.
    ///
    /// Removal never forces and never removes volumes (`v` is not sent): a running container is refused by the
    /// engine, and the volumes it held stay, now free to remove.
    public func act(_ action: ContainerAction, onContainer id: String, named name: String) async throws {
        let shown = Sanitizer.inline(name)
        let label = "\(action.verb) container \(shown)"
        let reply: EngineReply
        switch action {
        case .stop: reply = try await write(.POST, "/containers/\(EngineHTTP.encode(id))/stop", operation: label, timeout: .seconds(60))
        case .start: reply = try await write(.POST, "/containers/\(EngineHTTP.encode(id))/start", operation: label)
        case .remove: reply = try await write(.DELETE, "/containers/\(EngineHTTP.encode(id))", operation: label)
        }
        switch reply.status {
        case 200, 204, 304: return
        case 404: throw EngineError(.notFound, "container \(shown) is gone (removed elsewhere)", cause: Self.engineMessage(reply))
        case 409:
            throw EngineError(
                .conflict, action == .remove ? "container \(shown) is running: stop it first (s), then remove it" : "could not \(label)",
                cause: Self.engineMessage(reply))
        default: throw failure(reply, label)
        }
    }
}

/// Names in a fleet (several engines in one dashboard): a volume is `ENGINE/name`.
///
/// Docker and Podman volume names never contain `/` (`[a-zA-Z0-9][a-zA-Z0-9_.-]+`), so the part after the last `/`
/// is always the engine's own name for the volume and the part before it the engine's label (a context name, or an
/// address such as `unix:///run/docker.sock`, which has slashes of its own). With one engine names carry no prefix.
public enum FleetName {
    /// `engine/name`.
    public static func qualified(_ name: String, engine: String) -> String { engine + "/" + name }

    /// The engine's label and the engine's own name; `engine` is nil for a name without a prefix.
    public static func split(_ name: String) -> (engine: String?, name: String) {
        guard let slash = name.lastIndex(of: "/") else { return (nil, name) }
        return (String(name[..<slash]), String(name[name.index(after: slash)...]))
    }

    /// The engine's own name for the volume (the name itself when it has no prefix).
    public static func bare(_ name: String) -> String { split(name).name }

    /// The engine's label of a qualified name, nil without a prefix.
    public static func engine(of name: String) -> String? { split(name).engine }
}

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One event from the engine's `/events` stream.
public struct EngineEvent: Sendable, Equatable {
    /// `volume` or `container` (others are possible but not asked for).
    public var type: String
    /// `create`, `destroy`, `mount`, `start`, `die`, `prune`, …
    public var action: String
    /// The volume name or container id (empty for prune; Podman puts volume names in attributes).
    public var actorID: String
    /// The actor's attributes (container labels, `name`, `container`, `reclaimed`, …).
    public var attributes: [String: String]
    /// Nanoseconds since the epoch.
    public var timeNano: Int64

    /// An event from its parts.
    public init(type: String, action: String, actorID: String, attributes: [String: String] = [:], timeNano: Int64 = 0) {
        self.type = type
        self.action = action
        self.actorID = actorID
        self.attributes = attributes
        self.timeNano = timeNano
    }

    /// The volume or container this event is about (Podman sends volume names in `name`).
    public var subject: String {
        actorID.isEmpty ? (attributes["name"] ?? "") : actorID
    }

    /// The `since` value that resumes the stream just after this event.
    public var resumeToken: String {
        "\(timeNano / 1_000_000_000).\(CFormat.string("%09lld", timeNano % 1_000_000_000))"
    }

    /// Whether this event can change the catalog (names, owners, states), as opposed to noise
    /// such as `mount`/`unmount` from archive reads or `exec_*`, `attach`, `top`.
    ///
    /// voltop's own helper containers (label `voltop.helper`, which container events carry in their attributes)
    /// never change it: they are hidden from owners, and refreshing on them would loop with the file browser.
    public var changesCatalog: Bool {
        switch type {
        case "volume": return ["create", "destroy", "remove", "prune"].contains(action)
        case "container":
            if isFromVoltopHelper { return false }
            let base = action.split(separator: ":").first.map(String.init) ?? action
            return ["create", "destroy", "start", "die", "stop", "kill", "pause", "unpause", "rename", "restart", "oom", "update"]
                .contains(base)
        default: return false
        }
    }

    /// Whether a container event is a voltop helper container's `create`, by its attributes: the helper label, the
    /// helper name prefix and a well-formed owner label. Its `destroy` does refresh the catalog (the volume it held is
    /// free again: a row must not stay "held" after its file pane closed); anything else such a container does
    /// (`start`, `die`, …) is not a helper's, and refreshes the catalog.
    public var isFromVoltopHelper: Bool {
        guard type == "container", action == "create",
            let volume = attributes[Container.helperLabel], !volume.isEmpty,
            Container.isWellFormedOwner(attributes[Container.helperOwnerLabel])
        else { return false }
        return (attributes["name"] ?? "").hasPrefix(Container.helperNamePrefix)
    }

    /// Decodes one line of the stream, skipping a record separator; nil when the line is not an event.
    public static func decode(_ line: [UInt8]) -> EngineEvent? {
        var bytes = line[...]
        while let first = bytes.first, first == 0x1E || first == 0x20 { bytes = bytes.dropFirst() }
        guard !bytes.isEmpty else { return nil }
        struct Wire: Decodable {
            struct Actor: Decodable {
                var ID: String?
                var Attributes: [String: String]?
            }
            var `Type`: String?
            var Action: String?
            var Actor: Actor?
            var timeNano: Int64?
            var time: Int64?
        }
        guard let wire = try? JSONDecoder().decode(Wire.self, from: Data(bytes)) else { return nil }
        return EngineEvent(
            type: wire.Type ?? "", action: wire.Action ?? "", actorID: wire.Actor?.ID ?? "",
            attributes: wire.Actor?.Attributes ?? [:], timeNano: wire.timeNano ?? (wire.time ?? 0).saturatingMultiply(1_000_000_000))
    }
}

/// Splits a byte stream into lines, holding a partial line across chunks.
///
/// A line longer than `maxLineBytes` is dropped whole (no event is that long): the splitter stops keeping its
/// bytes and resynchronises at the next newline, so an endless line costs no more memory than the cap.
struct LineSplitter {
    /// The longest line kept (1 MiB).
    static let maxLineBytes = 1 << 20

    private var pending: [UInt8] = []
    private var isDiscarding = false
    /// How many lines were dropped for being longer than `maxLineBytes`.
    private(set) var droppedLines = 0

    mutating func feed(_ chunk: [UInt8]) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        for byte in chunk {
            if byte == 0x0A {
                if isDiscarding {
                    droppedLines &+= 1
                    isDiscarding = false
                } else if !pending.isEmpty {
                    lines.append(pending)
                }
                pending.removeAll(keepingCapacity: pending.count <= 4096)
            } else if !isDiscarding {
                if pending.count >= Self.maxLineBytes {
                    isDiscarding = true
                    pending = []
                } else {
                    pending.append(byte)
                }
            }
        }
        return lines
    }
}

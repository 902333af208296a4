#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A request to create a volume.
public struct VolumeCreateRequest: Sendable, Equatable {
    /// The name; nil for an anonymous volume.
    public var name: String?
    /// The driver.
    public var driver: String
    /// Labels to set.
    public var labels: [String: String]
    /// Driver options.
    public var options: [String: String]

    /// A request from its parts.
    public init(name: String? = nil, driver: String = "local", labels: [String: String] = [:], options: [String: String] = [:]) {
        self.name = name
        self.driver = driver
        self.labels = labels
        self.options = options
    }

    /// Checks the name against the engine's rule and the local driver's option rules, before any request.
    public func validate(flavor: String = "docker") throws {
        if let name {
            if driver == "local" || driver.isEmpty {
                try VolumeName.validate(name, flavor: flavor)
            } else {
                try VolumeName.checkNonEmpty(name)
            }
        }
        guard !driver.isEmpty else { throw EngineError(.invalidArgument, "the driver name is empty: use --driver local or leave it out") }
        if driver == "local" && flavor == "docker" {
            let allowed: Set = ["type", "o", "device", "size"]
            if let bad = options.keys.sorted().first(where: { !allowed.contains($0) }) {
                throw EngineError(
                    .invalidArgument, "the local driver has no option \"\(Sanitizer.inline(bad))\": use type, device, o or size")
            }
            if options["type"] != nil && options["device"] == nil {
                throw EngineError(.invalidArgument, "the local driver needs --opt device=… together with --opt type=…")
            }
            if options["device"] != nil && options["type"] == nil {
                throw EngineError(.invalidArgument, "the local driver needs --opt type=… together with --opt device=…")
            }
            if options["o"] != nil && (options["type"] == nil || options["device"] == nil) {
                throw EngineError(.invalidArgument, "the local driver needs --opt type=… and --opt device=… together with --opt o=…")
            }
        }
    }
}

/// The engine's rule for volume names.
public enum VolumeName {
    /// The rule as users read it.
    public static let ruleText =
        "volume names start with a letter or digit and continue with letters, digits, '_', '.' or '-' (at least 2 characters)"

    /// Checks a name against the local driver's rule `[a-zA-Z0-9][a-zA-Z0-9_.-]+` (Podman allows 1 character).
    public static func validate(_ name: String, flavor: String = "docker") throws {
        try checkNonEmpty(name)
        let bytes = Array(name.utf8)
        func isAlnum(_ b: UInt8) -> Bool { (48...57).contains(b) || (65...90).contains(b) || (97...122).contains(b) }
        let minimum = flavor == "podman" ? 1 : 2
        let valid =
            bytes.count >= minimum && isAlnum(bytes[0])
            && bytes.dropFirst().allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
        guard valid else {
            let why = bytes.count < minimum ? "is too short" : "has a character the engine does not allow"
            throw EngineError(.invalidName, "\"\(Sanitizer.inline(name))\" \(why): \(ruleText)")
        }
    }

    static func checkNonEmpty(_ name: String) throws {
        if name.isEmpty { throw EngineError(.invalidName, "the volume name is empty: \(ruleText)") }
    }
}

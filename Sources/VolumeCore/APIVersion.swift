#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// An Engine API version such as `1.41`, ordered numerically.
public struct APIVersion: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// The major number (always 1 today).
    public var major: Int
    /// The minor number.
    public var minor: Int

    /// A version from its parts.
    public init(_ major: Int, _ minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// A version parsed from `"1.41"`, or nil when the text is not `MAJOR.MINOR`.
    public init?(_ text: String) {
        let parts = text.trimmingBlanks().split(separator: ".")
        guard parts.count == 2, let a = Int(parts[0]), let b = Int(parts[1]) else { return nil }
        self.init(a, b)
    }

    public static func < (l: APIVersion, r: APIVersion) -> Bool {
        (l.major, l.minor) < (r.major, r.minor)
    }

    public var description: String { "\(major).\(minor)" }

    /// The newest API version voltop speaks.
    public static let newestSupported = APIVersion(1, 51)
    /// The oldest API version voltop speaks (Docker 20.10 is 1.41; current Docker accepts 1.40).
    public static let oldestSupported = APIVersion(1, 40)
    /// The version where `POST /volumes/prune` became anonymous-only and `/system/df` took `type=`.
    public static let v1_42 = APIVersion(1, 42)
    /// The version where `/system/df` got typed `VolumeUsage` objects.
    public static let v1_52 = APIVersion(1, 52)
}

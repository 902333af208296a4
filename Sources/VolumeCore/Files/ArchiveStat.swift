#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The stat the engine sends with an archive reply (`X-Docker-Container-Path-Stat`: base64 of JSON).
struct ArchiveStat: Decodable, Sendable, Equatable {
    var name: String
    var size: Int64
    /// Go's `os.FileMode` bits: dir `1<<31`, symlink `1<<27`, device `1<<26`, pipe `1<<25`, socket `1<<24`.
    var mode: UInt64
    var mtime: String?
    var linkTarget: String?

    var isDirectory: Bool { mode & (1 << 31) != 0 }
    var isSymlink: Bool { mode & (1 << 27) != 0 }
    var isRegular: Bool { mode & ((1 << 31) | (1 << 27) | (1 << 26) | (1 << 25) | (1 << 24) | (1 << 21)) == 0 }

    /// What kind of entry this is, in words for messages.
    var kindText: String {
        if isDirectory { return "a directory" }
        if isSymlink { return "a symbolic link" }
        if isRegular { return "a file" }
        return "a special file (device, pipe or socket)"
    }

    /// Decodes the header value: standard (Docker) or URL-safe (Podman) base64, with or without padding.
    static func decode(header value: String) -> ArchiveStat? {
        var text = value.trimmingBlanks()
        text = text.replacingAll("-", with: "+").replacingAll("_", with: "/")
        text = text.replacingAll("=", with: "")
        let remainder = text.utf8.count % 4
        if remainder == 1 { return nil }
        if remainder > 0 { text += String(repeating: "=", count: 4 - remainder) }
        guard let data = Data(base64Encoded: text) else { return nil }
        return try? JSONDecoder().decode(ArchiveStat.self, from: data)
    }
}

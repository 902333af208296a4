/// Checks every entry of an archive before any of it is written into a volume.
///
/// Refused: absolute names, names with a `..` component, names that go through a symbolic link the archive made
/// earlier, hard links whose target is absolute or climbs out, symbolic links whose target is absolute or climbs
/// above the volume's top (resolved from the link's own directory), and device files. One refused entry refuses
/// the whole archive: the import writes nothing.
struct ArchiveCheck {
    /// Entries checked so far.
    private(set) var entries = 0
    /// File bytes (bodies) counted so far, saturating.
    private(set) var fileBytes: Int64 = 0
    /// Paths (components joined by `/`) of the symbolic links seen so far.
    private var symlinks: Set<[UInt8]> = []

    /// The components of an archive name below the volume's top, or why it is refused.
    static func components(_ name: [UInt8], what: String) throws -> [[UInt8]] {
        let shown = Sanitizer.inline(bytes: name)
        if name.first == 0x2F {
            throw EngineError(.invalidArgument, "the archive holds an absolute \(what) \(shown): it would land outside the volume")
        }
        var parts: [[UInt8]] = []
        for part in name.split(separator: 0x2F, omittingEmptySubsequences: true) {
            if part.elementsEqual([0x2E]) { continue }
            if part.elementsEqual([0x2E, 0x2E]) {
                throw EngineError(
                    .invalidArgument, "the archive holds \(what) \(shown) with a `..` component: it could land outside the volume")
            }
            parts.append(Array(part))
        }
        return parts
    }

    /// Checks one entry; throws the reason the whole archive is refused.
    mutating func check(_ entry: TarEntry) throws {
        let parts = try Self.components(entry.name, what: "name")
        let shown = Sanitizer.inline(bytes: entry.name)
        entries += 1
        // An entry below a symbolic link the archive made would be written wherever the link points.
        var prefix: [UInt8] = []
        for part in parts.dropLast() {
            prefix += prefix.isEmpty ? part : [0x2F] + part
            if symlinks.contains(prefix) {
                throw EngineError(
                    .invalidArgument,
                    "the archive holds \(shown) below the symbolic link \(Sanitizer.inline(bytes: prefix)) it made earlier: it could land outside the volume"
                )
            }
        }
        switch entry.typeflag {
        case 0x31:  // hard link: the target is another entry's name
            let target = try Self.components(entry.linkName, what: "hard link target")
            if target.isEmpty {
                throw EngineError(.invalidArgument, "the archive holds the hard link \(shown) to the volume's top directory")
            }
        case 0x32:  // symbolic link
            if entry.linkName.first == 0x2F {
                throw EngineError(
                    .invalidArgument,
                    "the archive holds the symbolic link \(shown) to the absolute path \(Sanitizer.inline(bytes: entry.linkName)): it points outside the volume"
                )
            }
            var depth = max(0, parts.count - 1)
            for part in entry.linkName.split(separator: 0x2F, omittingEmptySubsequences: true) {
                if part.elementsEqual([0x2E]) { continue }
                if part.elementsEqual([0x2E, 0x2E]) {
                    depth -= 1
                    if depth < 0 {
                        throw EngineError(
                            .invalidArgument,
                            "the archive holds the symbolic link \(shown) to \(Sanitizer.inline(bytes: entry.linkName)): it points outside the volume"
                        )
                    }
                } else {
                    depth += 1
                }
            }
            symlinks.insert(Array(parts.joined(separator: [0x2F])))
        case 0x33, 0x34:
            throw EngineError(.invalidArgument, "the archive holds the device file \(shown): voltop does not import devices")
        default:
            if entry.kind == .unknown {
                throw EngineError(
                    .invalidArgument,
                    "the archive holds \(shown) of a kind voltop does not know (tar type \(Sanitizer.inline(bytes: [entry.typeflag])))")
            }
            if parts.isEmpty, entry.kind != .directory {
                throw EngineError(.invalidArgument, "the archive's entry \(shown) would replace the volume's top directory")
            }
            // A later entry of the same name replaces a link: it is not a link any more.
            symlinks.remove(Array(parts.joined(separator: [0x2F])))
            if entry.kind == .file, !entry.isHardLink { fileBytes = fileBytes.saturatingAdd(max(0, entry.size)) }
        }
    }
}

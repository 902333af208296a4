import VolumeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The table filter: a case-insensitive substring over name (in a fleet `ENGINE/name`), labels, compose project and owner names;
/// a leading `!` keeps the volumes that do not match.
struct VolumeFilter: Sendable, Equatable {
    /// The lowercased text to look for.
    var needle: String
    /// Whether matches are hidden instead of kept.
    var isInverted: Bool
    /// Whether the needle is all ASCII (then ASCII texts are searched byte by byte).
    private var isNeedleASCII: Bool

    /// The filter a typed text means; nil when it keeps everything.
    init?(_ text: String) {
        var t = Substring(text)
        var inverted = false
        if t.first == "!" {
            inverted = true
            t = t.dropFirst()
        }
        let trimmed = t.trimmingBlanks()
        guard !trimmed.isEmpty else { return nil }
        needle = trimmed.lowercased()
        isInverted = inverted
        isNeedleASCII = needle.utf8.allSatisfy { $0 < 0x80 }
    }

    /// Whether an entry's search text passes.
    func keeps(_ searchText: String) -> Bool {
        searchText.contains(needle) != isInverted
    }

    /// Whether an entry's search text passes; ASCII texts are searched byte by byte (the same answer, faster).
    func keeps(_ searchText: SearchText) -> Bool {
        guard searchText.isASCII, isNeedleASCII else { return keeps(searchText.text) }
        return Self.bytes(of: searchText.text, contain: needle) != isInverted
    }

    /// Whether `haystack` holds `needle` as a run of bytes.
    private static func bytes(of haystack: String, contain needle: String) -> Bool {
        var haystack = haystack
        var needle = needle
        return haystack.withUTF8 { h in
            needle.withUTF8 { n in
                guard n.count <= h.count else { return false }
                guard let first = n.first else { return true }
                var i = 0
                let last = h.count - n.count
                while i <= last {
                    if h[i] == first {
                        var j = 1
                        while j < n.count && h[i + j] == n[j] { j += 1 }
                        if j == n.count { return true }
                    }
                    i += 1
                }
                return false
            }
        }
    }

    /// The lowercased text one entry is searched in, and whether it is all ASCII.
    struct SearchText: Sendable, Equatable {
        var text: String
        var isASCII: Bool

        /// The search text of an entry.
        init(_ entry: CatalogEntry) {
            text = VolumeFilter.searchText(for: entry)
            isASCII = text.utf8.allSatisfy { $0 < 0x80 }
        }
    }

    /// The text one entry is searched in: name, `key=value` labels, compose project and owner names, lowercased.
    static func searchText(for entry: CatalogEntry) -> String {
        var parts = [entry.name]
        for (key, value) in entry.volume.labels { parts.append("\(key)=\(value)") }
        if let project = entry.composeProject { parts.append(project) }
        for owner in entry.owners { parts.append(owner.containerName) }
        return parts.joined(separator: "\n").lowercased()
    }
}
